// The JSON line scanner is a fast path of the JSON Lines workers: a line it reads must give each
// field exactly the value JSON.parse and the binder give (the same number, -0 and 1e400 included,
// the same string, escapes and all), and the binder must have nothing to note in it; anything
// else it must leave to JSON.parse. Lines here are written token by token with random spacing,
// number spellings, escapes, duplicates, unknown and flat keys, then some are damaged.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { JsonBinder } from "../compiler/batch/js/binder.js";
import { JsonLineScanner, type LineBytes } from "../compiler/batch/js/json-line-scanner.js";
import { JsonlChunkScorer } from "../compiler/batch/js/jsonl-scorer.js";
import { resultColumns } from "../compiler/batch/output.js";
import { compile } from "../compiler/compile.js";
import { parseDateDays } from "../language/literals.js";
import { checkScannedLines } from "./support/json-line-check.js";

const program = compile(`schema {
  company.name: string?
  company.size: integer?
  company.industry: enum(software, retail, telecom)?
  company.tags: list(string)?
  company.geo.country: string?
  contact.score: number?
  contact.engaged: boolean?
  contact.seen: date?
  revenue: number? from "Annual Revenue"
  plan: string
}
score s {
  +1 when company.size >= 100
  +2 when company.industry = software
  +4 when company.tags contains "crm"
  +8 when contact.score > 0.5
  +16 when contact.engaged
  +32 when days_since(contact.seen) < 30
  +64 when revenue > 1000
  +128 when company.geo.country = "DE"
}
mql when s >= 3
`).program!;
const fields = program.fields;
const asOf = parseDateDays("2026-11-22");

// ---- lines written token by token ----
const space = fc.constantFrom("", "", "", " ", "  ", "\t", "\r");
const numberText = fc.constantFrom(
  "0", "-0", "1", "-12", "3.25", "0.1", "0.05", "-0.0", "1e3", "1E-2", "2.5e+1", "12345678901234567", "123456789012345.5",
  "999999999999999", "9007199254740993", "1e400", "-1e400", "0.30000000000000004", "100", "5e-324", "1.7976931348623157e308",
  "007", "1.", ".5", "+1", "-", "1e", "0x10", "1.2.3",
);
const stringText = fc.constantFrom(
  '"software"', '"Software"', '"retail"', '"é"', '"東京"', '"🚀"', '"\\u00e9"', '"a\\"b"', '"\\n"', '"crm"', '""', '"2026-11-20"',
  '"2026-11-20T10:00"', '"2026-02-30"', '"x\\ty"', '"\\ud800"', '"DE"', '"150"', '"1,5"', '"true"', '"x\ty"', '"\\x"', '"open',
);
const literalText = fc.constantFrom("true", "false", "null", "tru", "nul", "falsey");
const listText = fc.constantFrom('["crm","erp"]', "[]", "[ ]", '[ "crm" , "x" ]', '["crm", 1]', "[1,[2,{}]]", '["a",]', '["\\u0063rm"]', '["é","東"]', "[null]");

function valueText(depth: number): fc.Arbitrary<string> {
  const leaves = fc.oneof({ weight: 3, arbitrary: numberText }, { weight: 4, arbitrary: stringText }, { weight: 2, arbitrary: literalText }, { weight: 1, arbitrary: listText });
  if (depth >= 2) return leaves;
  return fc.oneof({ weight: 8, arbitrary: leaves }, { weight: 1, arbitrary: objectText(depth + 1, fc.constantFrom('"x"', '"y"', '"0"', '"size"', '"__proto__"')) });
}

function objectText(depth: number, key: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const member = fc.tuple(key, space, space, valueText(depth), space).map(([k, s1, s2, v, s3]) => `${k}${s1}:${s2}${v}${s3}`);
  return fc.tuple(space, fc.array(member, { maxLength: 6 })).map(([s, ms]) => `{${s}${ms.join(",")}}`);
}

/** A member of a row: keys the definition reads (with their usual values), unknown keys, flat and odd ones. */
const topMember: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(space, stringText, space).map(([a, v, b]) => `"plan"${a}:${b}${v}`) },
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom('"L1"', '"L\\u0032"', "7", "null", "[1]"), space).map(([v, s]) => `"id":${s}${v}`) },
  { weight: 6, arbitrary: fc.tuple(space, objectText(1, fc.constantFrom('"name"', '"size"', '"industry"', '"tags"', '"other"', '"size"'))).map(([s, o]) => `"company":${s}${o}`) },
  { weight: 3, arbitrary: fc.tuple(space, fc.array(fc.tuple(fc.constantFrom('"geo"'), fc.oneof(objectText(2, fc.constantFrom('"country"', '"city"')), valueText(2))), { maxLength: 2 })).map(([s, ms]) => `"company":${s}{${ms.map(([k, v]) => `${k}:${v}`).join(",")}}`) },
  { weight: 5, arbitrary: fc.tuple(fc.array(fc.tuple(fc.constantFrom('"score"', '"engaged"', '"seen"', '"extra"'), valueText(1)), { maxLength: 4 })).map(([ms]) => `"contact":{${ms.map(([k, v]) => `${k}:${v}`).join(",")}}`) },
  { weight: 3, arbitrary: valueText(1).map((v) => `"Annual Revenue":${v}`) },
  { weight: 3, arbitrary: valueText(0).map((v) => `"extra":${v}`) },
  { weight: 2, arbitrary: objectText(1, fc.constantFrom('"a"', '"b"')).map((o) => `"nested_extra":${o}`) },
  { weight: 1, arbitrary: fc.constantFrom('"company.size":5', '"__proto__":{"plan":"x"}', '"\\u0070lan":"p"', '"0":1', '"revenue":3', '"company":null', '"company":"Acme"', '"contact":[]') },
);

const rowText = fc.tuple(space, fc.array(fc.tuple(space, topMember, space).map(([a, m, b]) => `${a}${m}${b}`), { maxLength: 9 }), space).map(([s, ms, e]) => `{${s}${ms.join(",")}}${e}`);

// Rows of valid JSON with each key once, most of them read by the scanner: its values are
// checked on these, the odd rows above check what it refuses.
const validNumber = numberText.filter((t) => /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(t));
const validString = stringText.filter((t) => { try { JSON.parse(t); return true; } catch { return false; } });
const validValue = fc.oneof(validNumber, validString, fc.constantFrom("true", "false", "null", '["crm","erp"]', "[]", '["crm",1]', '{"x":1}'));
function members(entries: [string, string | undefined][]): string {
  return entries.filter(([, v]) => v !== undefined).map(([k, v]) => `"${k}":${v}`).join(",");
}
const cleanRowText = fc
  .record(
    {
      id: fc.constantFrom('"L1"', '"L\u0032"', "7", "null"),
      plan: validString,
      company: fc.record({ name: validValue, size: validValue, industry: validValue, tags: validValue, geo: fc.record({ country: validValue }, { requiredKeys: [] }) }, { requiredKeys: [] }),
      contact: fc.record({ score: validValue, engaged: validValue, seen: validValue }, { requiredKeys: [] }),
      revenue: validValue,
      extra: validValue,
    },
    { requiredKeys: [] },
  )
  .chain((r) =>
    fc.shuffledSubarray(Object.keys(r), { minLength: Object.keys(r).length }).map((order) => {
      const top = order.map((k): [string, string | undefined] => {
        if (k === "company") {
          const c = r.company!;
          return [k, `{${members([["name", c.name], ["size", c.size], ["industry", c.industry], ["tags", c.tags], ["geo", c.geo && `{${members([["country", c.geo.country]])}}`]])}}`];
        }
        if (k === "contact") return [k, `{${members([["score", r.contact!.score], ["engaged", r.contact!.engaged], ["seen", r.contact!.seen]])}}`];
        return [k === "revenue" ? "Annual Revenue" : k, (r as Record<string, string>)[k]];
      });
      return `{${members(top)}}`;
    }),
  );

/** Some rows damaged: cut short, a byte changed, or a byte inserted. */
const lineText = fc.oneof(
  { weight: 5, arbitrary: cleanRowText },
  { weight: 5, arbitrary: rowText },
  { weight: 1, arbitrary: fc.tuple(rowText, fc.nat(), fc.constantFrom("}", "]", ",", '"', ":", "\\", "x", " ", "1", "\u0001")).map(([t, n, c]) => {
    const at = n % (t.length + 1);
    return n % 2 === 0 ? t.slice(0, at) + c + t.slice(at) : t.slice(0, at) + c + t.slice(at + 1);
  }) },
  { weight: 1, arbitrary: fc.tuple(rowText, fc.nat()).map(([t, n]) => t.slice(0, n % (t.length + 1))) },
  { weight: 1, arbitrary: fc.constantFrom("", "  ", " {}", "\ufeff{}", "[1]", "null", "{}", '{"plan":"p"}') },
);

/** The lines scanned in order, as a worker does; how many the scanner read. */
function checkLines(lines: string[]): number {
  const { read, problems } = checkScannedLines(fields, "id", lines);
  expect(problems).toEqual([]);
  return read;
}

describe("the JSON line scanner", () => {
  it("reads a line only as JSON.parse and the binder would, and notes nothing in it", () => {
    let read = 0;
    let total = 0;
    fc.assert(
      fc.property(fc.array(lineText, { minLength: 1, maxLength: 30 }), (lines) => {
        read += checkLines(lines);
        total += lines.length;
      }),
      { numRuns: 400 },
    );
    // the fast path is taken for much of what it can read, not given up everywhere
    expect(read / total).toBeGreaterThan(0.25);
  });

  it("reads ordinary lines itself, spacing, escapes and number spellings included", () => {
    const lines = [
      '{"id":"L1","plan":"pro","company":{"name":"Acme","size":120,"industry":"software","tags":["crm","erp"],"geo":{"country":"DE"}},"contact":{"score":0.75,"engaged":true,"seen":"2026-11-20"},"Annual Revenue":1500}',
      '{ "id" : "L2" , "plan" : "a\\"b" , "company" : { "size" : -0 , "name" : "\\u00e9t\u00e9" } }\r',
      '{"plan":"p","contact":{"score":1e400},"company":{"size":12345678901234567,"tags":[]}}',
      '{"plan":"p","company":{"tags":["crm",1]},"contact":{"score":"0.5","seen":null}}',
      '{"plan":"東京","company":{"industry":"Software","other":{"deep":[1,{"x":null}]}}}',
      '{"id":7,"plan":"p","contact":{"score":0.1,"engaged":"yes"}}',
    ];
    const binder = new JsonBinder(fields, "id", Infinity);
    const scanner = JsonLineScanner.of(fields, "id", (p) => binder.knows(p))!;
    binder.noteUnknownKeys({ company: { other: { deep: 1 } } });
    for (const text of lines) {
      const bytes = Buffer.from(text + "\n", "utf8") as LineBytes;
      expect(scanner.scan(bytes, 0, bytes.length - 1), text).toBe(true);
    }
    expect(checkLines(lines)).toBe(lines.length - 1); // the first sight of `company.other` is noted from the parsed line
  });

  it("finds each string it read before at a key, and no other", () => {
    // many names at one key, new and met again, so that names sharing a slot of the key's recent strings meet
    const names = Array.from({ length: 600 }, (_, k) => `n${(k * 7919) % 211}${k % 3 === 0 ? "" : "x".repeat(k % 5)}`);
    const lines = names.map((n, k) => `{"plan":"${k % 2 ? n : "p"}","company":{"name":"${n}","tags":["${n}","${names[(k * 31) % names.length]}"]}}`);
    expect(checkLines(lines)).toBe(lines.length);
  });

  it("leaves to JSON.parse what it must", () => {
    const refused = [
      '{"plan":"p","plan":"q"}', // JSON.parse keeps the last
      '{"company":{"size":1},"company":{"size":2}}',
      '{"\\u0070lan":"p"}', // an escaped key
      '{"company.size":5,"plan":"p"}', // a flat key
      '{"plan":"p","extra":1}', // a key to note
      '{"company":"Acme","plan":"p"}', // a path through a value that is not an object
      ' {"plan":"p"}',
      '\ufeff{"plan":"p"}',
      "",
      "[1]",
      '{"plan":"p",}',
      '{"plan":"p"} x',
      '{"plan":"p","company":{"size":01}}',
      '{"plan":"p","company":{"name":"a\tb"}}', // a raw tab in a string
      `{"plan":"p","extra":${"[".repeat(70)}${"]".repeat(70)}}`,
    ];
    const binder = new JsonBinder(fields, "id", Infinity);
    const scanner = JsonLineScanner.of(fields, "id", (p) => binder.knows(p))!;
    for (const text of refused) {
      const bytes = Buffer.from(text + "\n", "utf8") as LineBytes;
      expect(scanner.scan(bytes, 0, bytes.length - 1), text).toBe(false);
    }
  });

  it("is not used where a field's key is one every object inherits, or is both a field and an object", () => {
    const of = (schema: string) => JsonLineScanner.of(compile(`schema {\n${schema}\n}\n`).program!.fields, "id", () => false);
    expect(of("constructor: string?")).toBeUndefined();
    expect(of("a.toString: string?")).toBeUndefined();
    expect(of("n: number? from \"valueOf\"")).toBeUndefined();
    expect(of("a.b: string?\nx: string? from \"a.b\"")).toBeUndefined();
    expect(of("a.b: string?\nc: string?")).toBeDefined();
  });
});

describe("a JSON Lines worker's piece, read by the scanner where it can", () => {
  const scorer = () => new JsonlChunkScorer(program, "id", asOf, resultColumns(program, "all"), true, "csv");
  it("scores as the piece's text does without it: rows, rejects, counts, lines, unknown rows", () => {
    fc.assert(
      fc.property(fc.array(lineText, { maxLength: 40 }), (lines) => {
        // (a damaged line can hold half a surrogate pair: the bytes are what a file holds)
        const bytes = Buffer.from(lines.join("\n") + "\n", "utf8");
        expect(scorer().scorePiece(new Uint8Array(bytes))).toEqual(scorer().score(bytes.toString("utf8")));
      }),
      { numRuns: 300 },
    );
  });
});
