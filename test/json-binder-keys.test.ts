// JSON Lines keys that are not fields: JsonBinder notes each one once, in the order the rows
// show them (nested objects entered, known paths skipped whole), with its per-key cache. Held to
// the plain rule written out here, on random rows mixing fields, flat dotted keys, nested
// unknown objects, arrays and keys that spell one path two ways.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { JsonBinder } from "../compiler/batch/js/binder.js";
import { compile } from "../compiler/compile.js";

const program = compile(`schema {
  company.industry: enum(a, b)?
  company.size: integer?
  contact.role: string?
  lead.points: number?
  revenue: number? from "Annual Revenue"
}
mql when lead.points > 1
`).program!;

/** The rule, plainly: a path already known is skipped whole; an object is entered; anything else is noted. */
function reference(rows: Record<string, unknown>[], limit: number): string[] {
  const seen = new Set<string>([...program.fields.map((f) => f.column), "id"]);
  const noted: string[] = [];
  const visit = (obj: Record<string, unknown>, prefix: string) => {
    for (const key of Object.keys(obj)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (seen.has(path)) continue;
      const v = obj[key];
      if (v !== null && typeof v === "object" && !Array.isArray(v)) visit(v as Record<string, unknown>, path);
      else {
        seen.add(path);
        noted.push(path);
      }
    }
  };
  for (const row of rows) if (noted.length < limit) visit(row, "");
  return noted;
}

const key = fc.constantFrom("company", "contact", "industry", "size", "role", "extra", "a", "b", "a.b", "company.size", "company.extra", "Annual Revenue", "id", "x", "lead", "points", "lead.points");
const leaf = fc.oneof(fc.integer(), fc.constant(null), fc.string({ maxLength: 3 }), fc.array(fc.integer(), { maxLength: 2 }));
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, fc.dictionary(key, tie("v"), { maxKeys: 4 })),
})).v;
const row = fc.dictionary(key, value, { maxKeys: 6 });

describe("JsonBinder notes the keys that are not fields", () => {
  it("as the plain rule does, row after row, under a limit and without one", () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 12 }), fc.constantFrom(2, 100, Infinity), (rows, limit) => {
        const binder = new JsonBinder(program.fields, "id", limit);
        for (const r of rows) binder.noteUnknownKeys(r);
        expect(binder.unknownColumns).toEqual(reference(rows, limit));
      }),
      { numRuns: 400 },
    );
  });

  it("a path noted through a flat key is not entered again through nested objects", () => {
    const binder = new JsonBinder(program.fields, "id", Infinity);
    binder.noteUnknownKeys({ a: { b: { c: 1 } } });
    binder.noteUnknownKeys({ "a.b": 1 });
    binder.noteUnknownKeys({ a: { b: { d: 1 } } });
    expect(binder.unknownColumns).toEqual(["a.b.c", "a.b"]);
  });

  it("an id column named like what every object inherits (constructor, toString) reads the row's own key only", () => {
    for (const idColumn of ["constructor", "toString", "__proto__"]) {
      const binder = new JsonBinder(program.fields, idColumn, 100);
      expect(binder.idOf({ lead: { points: 2 } }, 7), idColumn).toBe("7");
      expect(binder.idOf(JSON.parse(`{"${idColumn}": "L1"}`) as Record<string, unknown>, 7), idColumn).toBe("L1");
    }
  });
});
