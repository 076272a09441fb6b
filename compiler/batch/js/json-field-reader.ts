import type { IrField } from "../../ir.js";

/**
 * Reads the raw values of the fields that plain property reads find (see `readsPlainly` in
 * binder.ts) out of a parsed JSON row into `raw`, one slot per field; slots of other fields are
 * left alone. `flat`: the row may hold a dotted field path as a top-level key (`"company.size": 5`),
 * read where the nested path gives nothing.
 */
export type PlainFieldReader = (row: Record<string, unknown>, raw: unknown[], flat: boolean) => void;

/**
 * Compiles the reads of `fields` (those with `plain[i] === 1`) into one function: each object on
 * a path is read once for all the fields below it, and every property name is a literal, so each
 * read has an inline cache of its own. A loop over fields and path segments with computed names
 * cost a JSON Lines row ~40% more. Names reach the code only through JSON.stringify (as data).
 *
 * The result equals, per field, the nested read (stopping at a value that is not an object)
 * followed, when that gives undefined or null, by the top-level dotted key `row[path]`.
 */
export function plainFieldReader(fields: readonly IrField[], plain: Uint8Array): PlainFieldReader {
  // One function per field list: a worker makes a binder per piece, and a function compiled
  // afresh would start unoptimised each time.
  const known = compiled.get(fields);
  if (known && known.plain.every((p, i) => p === plain[i])) return known.reader;
  const reader = compile(fields, plain);
  compiled.set(fields, { plain, reader });
  return reader;
}

const compiled = new WeakMap<readonly IrField[], { plain: Uint8Array; reader: PlainFieldReader }>();

function compile(fields: readonly IrField[], plain: Uint8Array): PlainFieldReader {
  const lit = (s: string) => JSON.stringify(s);
  const lines: string[] = [];
  const dotted: number[] = [];
  // Fields grouped by the object they sit in: the top level, or the first key of a two-key path.
  const groups = new Map<string, number[]>();
  fields.forEach((f, i) => {
    if (plain[i] !== 1) return;
    if (f.segments.length === 1) lines.push(`raw[${i}] = row[${lit(f.path)}];`);
    else if (f.segments.length === 2) {
      const list = groups.get(f.segments[0]) ?? [];
      list.push(i);
      groups.set(f.segments[0], list);
    } else {
      // Deeper paths: walked one object at a time.
      const steps = f.segments.map((s) => `v = v !== null && typeof v === "object" ? v[${lit(s)}] : undefined;`).join(" ");
      lines.push(`{ let v = row; ${steps} raw[${i}] = v; }`);
    }
    if (f.segments.length > 1) dotted.push(i);
  });
  for (const [head, list] of groups) {
    lines.push(`{ const v = row[${lit(head)}];`);
    lines.push(`  if (v !== null && typeof v === "object") { ${list.map((i) => `raw[${i}] = v[${lit(fields[i].segments[1])}];`).join(" ")} }`);
    lines.push(`  else { ${list.map((i) => `raw[${i}] = undefined;`).join(" ")} } }`);
  }
  if (dotted.length) {
    lines.push("if (flat) {");
    for (const i of dotted) lines.push(`  if (raw[${i}] === undefined || raw[${i}] === null) raw[${i}] = row[${lit(fields[i].path)}];`);
    lines.push("}");
  }
  return new Function("row", "raw", "flat", lines.join("\n")) as PlainFieldReader;
}
