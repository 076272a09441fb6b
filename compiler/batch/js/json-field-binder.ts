import type { IrField } from "../../ir.js";
import { codecOf } from "../../runtime/codecs/codec.js";
import { plainDate } from "../../runtime/codecs/date.js";

/**
 * Binds the fields of one parsed JSON row into `vals` (the evaluator's representation), one slot
 * per field. `flat`: the row may hold a dotted field path as a top-level key (`"company.size": 5`),
 * read where the nested path gives nothing. `other(row, i)` finds field i's raw value when plain
 * property reads cannot (see `readsPlainly` in binder.ts). `slow(i, v)` reads a present value that
 * is not already of the field's JSON type (a number spelled as text, a wrong type: it may note a
 * problem); `absent(i)` notes a required field without a value.
 */
export type FieldBinder = (
  row: Record<string, unknown>,
  vals: unknown[],
  flat: boolean,
  other: (row: Record<string, unknown>, i: number) => unknown,
  slow: (i: number, v: unknown) => unknown,
  absent: (i: number) => void,
) => void;

/**
 * Compiles the binding of `fields` into one straight-line function. Each field's value is found
 * by plain property reads (`plain[i] === 1`; each object on a path read once for all the fields
 * below it, every property name a literal with an inline cache of its own) and read by its
 * codec's inline read, the generated evaluator's: a value already of the field's JSON type (a
 * finite number, a member as declared, `YYYY-MM-DD`, an array of strings…) is stored as is, a
 * missing one as the codec's missing value; only anything else calls `slow`. A loop over fields
 * calling each field's reader through an array cost a JSON Lines row ~2x more: every call was
 * an indirect one that could not be inlined. Names reach the code only through JSON.stringify.
 *
 * The result equals, per field: the nested read (stopping at a value that is not an object),
 * then, when that gives undefined or null and `flat` holds, the top-level dotted key `row[path]`;
 * then the codec's reader, with a missing value of a required field noted.
 */
export function fieldBinder(fields: readonly IrField[], plain: Uint8Array): FieldBinder {
  // One function per field list: a worker makes a binder per piece, and a function compiled
  // afresh would start unoptimised each time.
  const known = compiled.get(fields);
  if (known && known.plain.every((p, i) => p === plain[i])) return known.bind;
  const bind = compile(fields, plain);
  compiled.set(fields, { plain, bind });
  return bind;
}

const compiled = new WeakMap<readonly IrField[], { plain: Uint8Array; bind: FieldBinder }>();

/**
 * Binds fields whose raw JSON values were found already, one per field in `raw` (by
 * JsonLineScanner), into `vals` with the same inline reads and calls as a FieldBinder.
 */
export type RawFieldBinder = (raw: readonly unknown[], vals: unknown[], slow: (i: number, v: unknown) => unknown, absent: (i: number) => void) => void;

/** The RawFieldBinder of `fields`, compiled once per field list. */
export function rawFieldBinder(fields: readonly IrField[]): RawFieldBinder {
  let bind = compiledRaw.get(fields);
  if (!bind) compiledRaw.set(fields, (bind = compileRaw(fields)));
  return bind;
}

const compiledRaw = new WeakMap<readonly IrField[], RawFieldBinder>();

function compileRaw(fields: readonly IrField[]): RawFieldBinder {
  const { prelude, reads, enums } = fieldReads(fields, (i) => `raw[${i}]`);
  const code = [...prelude, "return function bindRawFields(raw, vals, slow, absent) {", "let v, t;", ...reads, "};"].join("\n");
  return new Function("plainDate", "allStrings", "ENUMS", code)(plainDate, allStrings, enums) as RawFieldBinder;
}

/**
 * Per field, the statement reading its raw value (`get(i)`, an expression) into `vals[i]` with
 * its codec's inline read, and noting it absent when required; the enum tables they use.
 */
function fieldReads(fields: readonly IrField[], get: (i: number) => string): { prelude: string[]; reads: string[]; enums: (Record<string, number> | undefined)[] } {
  const prelude: string[] = [];
  const reads: string[] = [];
  fields.forEach((f, i) => {
    if (f.kind === "enum") prelude.push(`const E${i} = ENUMS[${i}];`);
    reads.push(`vals[${i}] = ${codecOf(f).inlineRead(get(i), `slow(${i}, v)`, i)};`);
    if (!f.optional) reads.push(`if (v === undefined || v === null) absent(${i});`);
  });
  const enums = fields.map((f) => (f.kind === "enum" ? rankTable(f.members ?? []) : undefined));
  return { prelude, reads, enums };
}

/** A table of an enum's members as declared (no prototype: `constructor` is not a member). */
function rankTable(members: readonly string[]): Record<string, number> {
  const t = Object.create(null) as Record<string, number>;
  members.forEach((m, i) => (t[m] = i));
  return t;
}

function allStrings(a: unknown[]): boolean {
  for (let i = 0; i < a.length; i++) if (typeof a[i] !== "string") return false;
  return true;
}

function compile(fields: readonly IrField[], plain: Uint8Array): FieldBinder {
  const lit = (s: string) => JSON.stringify(s);
  const groupReads: string[] = [];
  const body: string[] = [];
  const getters: string[] = [];
  // The object of a two-key path's first key, read once per row: `g0 = row["company"]`.
  const groups = new Map<string, string>();
  const group = (head: string): string => {
    let local = groups.get(head);
    if (local === undefined) {
      local = `g${groups.size}`;
      groups.set(head, local);
      groupReads.push(`const ${local}_ = row[${lit(head)}], ${local} = ${local}_ !== null && typeof ${local}_ === "object" ? ${local}_ : undefined;`);
    }
    return local;
  };
  fields.forEach((f, i) => {
    let read: string;
    if (plain[i] !== 1) read = `other(row, ${i})`;
    else {
      if (f.segments.length === 1) read = `row[${lit(f.path)}]`;
      else if (f.segments.length === 2) {
        const g = group(f.segments[0]);
        read = `(${g} === undefined ? undefined : ${g}[${lit(f.segments[1])}])`;
      } else {
        // deeper paths: walked one object at a time
        const steps = f.segments.map((s) => `w = w !== null && typeof w === "object" ? w[${lit(s)}] : undefined;`).join(" ");
        body.push(`w = row; ${steps} r${i} = w;`);
        read = `r${i}`;
      }
      if (f.segments.length > 1) {
        body.push(`r${i} = ${read}; if (flat && (r${i} === undefined || r${i} === null)) r${i} = row[${lit(f.path)}];`);
        read = `r${i}`;
      }
    }
    getters.push(read);
  });
  const { prelude, reads, enums } = fieldReads(fields, (i) => getters[i]);
  // a definition may declare no fields (only event streams): then no locals of fields
  const locals = ["v", "t", "w", ...fields.map((_, i) => `r${i}`)].join(", ");
  // The enum tables are built once, outside the row function, which reads them as constants.
  // The paths' steps (each sets only its own field's local) come before the reads, in field order.
  const code = [
    ...prelude,
    "return function bindFields(row, vals, flat, other, slow, absent) {",
    `let ${locals};`,
    ...groupReads,
    ...body,
    ...reads,
    "};",
  ].join("\n");
  return new Function("plainDate", "allStrings", "ENUMS", code)(plainDate, allStrings, enums) as FieldBinder;
}
