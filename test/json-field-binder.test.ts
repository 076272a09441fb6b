// JsonBinder's compiled field binding (json-field-binder.ts): every field of every kind read by
// its codec's inline read, falling back to the field's reader, must give the values and problems
// of the plain rule written out here — the nested value, else the flat dotted key, then the
// codec's general reader, a missing required value a problem — on random rows mixing values of
// the right JSON type, spelled values, wrong types, nulls and absent keys.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { JsonBinder } from "../compiler/batch/js/binder.js";
import { type Problem } from "../compiler/batch/reject.js";
import { codecOf, reasonOfError } from "../compiler/runtime/codecs/codec.js";
import { shownValue } from "../compiler/runtime/codecs/reasons.js";
import { compile } from "../compiler/compile.js";
import type { IrField } from "../compiler/ir.js";

const program = compile(`schema {
  company.industry: enum(a, b, Constructor)
  company.size: integer?
  company.revenue: number?
  contact.title: string
  contact.engaged: boolean?
  contact.tags: list(string)?
  engagement.last: date?
  engagement.opened: date("DD/MM/YYYY")?
  a.b.c: integer?
  constructor: string?
  revenue: number? from "Annual Revenue"
  phase: enum(new, won)?
}
mql when company.size > 1
`).program!;
const fields = program.fields;

/** The raw value the plain rule finds: own properties only, nested first, then the flat key. */
function rawOf(row: Record<string, unknown>, f: IrField): unknown {
  const own = (o: unknown, k: string) => (o !== null && typeof o === "object" && Object.hasOwn(o, k) ? (o as Record<string, unknown>)[k] : undefined);
  if (f.column !== f.path) return own(row, f.column);
  let v: unknown = row;
  for (const s of f.segments) v = own(v, s);
  return v !== undefined && v !== null ? v : own(row, f.path);
}

/** The plain rule: each field's value or problem, in field order. */
function reference(row: Record<string, unknown>): { vals: unknown[]; problems: Problem[] } {
  const vals: unknown[] = [];
  const problems: Problem[] = [];
  fields.forEach((f, i) => {
    const raw = rawOf(row, f);
    const codec = codecOf(f);
    if (raw === undefined || raw === null) {
      if (!f.optional) problems.push({ field: f.path, value: "", reason: { code: "required-missing" } });
      vals[i] = codec.missing;
      return;
    }
    try {
      vals[i] = codec.read(raw);
    } catch (e) {
      problems.push({ field: f.path, value: shownValue(raw), reason: reasonOfError(e)! });
      vals[i] = undefined;
    }
  });
  return { vals, problems };
}

const scalar = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -10, max: 10 }),
  fc.constantFrom(null, true, false, "", " ", "a", "A", "b ", "Constructor", "constructor", "new", "WON", "12", "1,200", "3.5", "x1", "yes", "no"),
  fc.constantFrom("2026-11-22", "2026-02-30", "2026-11-22T10:00:00Z", " 2026-11-22", "22/11/2026", "11/22/2026"),
  fc.constantFrom(1e400, -1e400),
  fc.array(fc.constantFrom("x", "y", 1), { maxLength: 3 }),
);
const value: fc.Arbitrary<unknown> = fc.oneof(scalar, fc.dictionary(fc.constantFrom("industry", "size", "b", "c", "title"), scalar, { maxKeys: 3 }));
const keyOf = (f: IrField) => fc.constantFrom(f.segments[0], f.column, f.path);
const row = fc.array(fc.tuple(fc.oneof(...fields.map(keyOf), fc.constantFrom("company", "contact", "engagement", "a", "a.b", "other")), value), { maxLength: 14 }).map((entries) => {
  const r: Record<string, unknown> = {};
  for (const [k, v] of entries) r[k] = v;
  // nested objects under each group, as real rows have them
  return r;
});
const nested = fc.record({
  company: fc.dictionary(fc.constantFrom("industry", "size", "revenue", "name"), scalar, { maxKeys: 4 }),
  contact: fc.dictionary(fc.constantFrom("title", "engaged", "tags"), scalar, { maxKeys: 3 }),
  engagement: fc.dictionary(fc.constantFrom("last", "opened"), scalar, { maxKeys: 2 }),
  a: fc.oneof(scalar, fc.record({ b: fc.oneof(scalar, fc.record({ c: scalar })) })),
}, { requiredKeys: [] });

describe("JsonBinder binds each field as the plain rule does", () => {
  it("on random rows, nested and flat, with and without a noting limit", () => {
    fc.assert(
      fc.property(fc.oneof(row, nested, fc.tuple(nested, row).map(([a, b]) => ({ ...a, ...b }))), fc.constantFrom(0, Infinity), (r, limit) => {
        const binder = new JsonBinder(fields, "id", limit);
        const vals: unknown[] = new Array(fields.length);
        const reject = binder.bind(r, 1, 1, vals);
        const want = reference(r);
        expect(reject?.problems ?? []).toEqual(want.problems);
        if (!reject) expect(vals).toEqual(want.vals);
      }),
      { numRuns: 3000 },
    );
  });

  it("keeps a row's values apart from the last row's: a field missing now is missing, not the earlier value", () => {
    const binder = new JsonBinder(fields, "id");
    const vals: unknown[] = new Array(fields.length);
    expect(binder.bind({ company: { industry: "a", size: 5 }, contact: { title: "t", tags: ["x"] } }, 1, 1, vals)).toBeUndefined();
    expect(binder.bind({ company: { industry: "Constructor" }, contact: { title: "u" } }, 2, 2, vals)).toBeUndefined();
    expect(vals.slice(0, 6)).toEqual(["Constructor", NaN, NaN, "u", undefined, undefined]);
  });

  it("reads an enum member spelled in another case, and refuses a name every object inherits", () => {
    const binder = new JsonBinder(fields, "id");
    const vals: unknown[] = new Array(fields.length);
    expect(binder.bind({ company: { industry: " A " }, contact: { title: "t" } }, 1, 1, vals)).toBeUndefined();
    expect(vals[0]).toBe("a");
    const reject = binder.bind({ company: { industry: "toString" }, contact: { title: "t" } }, 2, 2, vals);
    expect(reject?.problems.map((p) => [p.field, p.reason.code])).toEqual([["company.industry", "not-a-member"]]);
  });

  it("binds a definition without fields (event streams only): nothing to read, every key unknown", () => {
    const binder = new JsonBinder([], "id");
    expect(binder.bind({ id: "a", extra: 1 }, 1, 1, [])).toBeUndefined();
    expect(binder.unknownColumns).toEqual(["extra"]);
  });
});
