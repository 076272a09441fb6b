// The DuckDB engine on JSON Lines reads a file of JSON objects with one parse per line (read_json)
// and any other file line by line; both must give the JS engine's results byte for byte. Lines
// using what DuckDB's JSON parser accepts and JSON.parse does not (NaN/Infinity literals, trailing
// commas) go to the JS engine. Random lines mix the features where the readings could part:
// nested, flat and mixed shapes, `\u` escapes in keys, `__proto__`, repeated keys not read,
// numbers at the edges of JSON.parse, strings for numbers, booleans, lists, dates and ids.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compile } from "../compiler/compile.js";
import { scanJsonl } from "../compiler/batch/duckdb/jsonl-scan.js";
import { bothEnginesOnJsonl } from "./support/both-engines.js";
import { rng } from "./support/random-program.js";

const dir = mkdtempSync(join(tmpdir(), "leaddef-jsonl-objects-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const { program } = compile(`schema {
  company.size: integer?
  company.revenue: number?
  company.name: string?
  company.tags: list(string)?
  __proto__.x: number?
  tier: enum(a, b, c)?
  active: boolean?
  seen: date?
  note: string?
}
criterion big when company.size >= 100 or company.revenue > 1.5
criterion warm when active and tier in [a, b]
score s {
  +10 when big
  +5 when company.tags contains "x"
  +3 when __proto__.x > 0
  +1 when note starts with "é"
  +2 when days_since(seen) <= 30
}
hot when big and warm
`);
const both = bothEnginesOnJsonl(program!, dir);

/** Picks from a list with the project's seeded generator, so a failure can be replayed. */
function random(seed: number) {
  const next = rng(seed);
  return <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
}

const NUMBERS = ["150", "99", "-0", "0", "1e400", "-1e400", "0.1000000000000000055511151231257827", "1.5", "1.50", "1E2", "12345678901234567890", '"150"', '" 150 "', '"1,5"', '"abc"', "true", "null", "[1]", '{"v":1}', "100.0", "2.5e-300"];
const STRINGS = ['"Acme"', '"caf\\u00e9"', '"a\\"b"', '"\\\\"', '""', "5", "true", "null", '["x"]', '"\\ud83d\\ude00"', '"\\u00e9t\\u00e9"'];
const TAGS = ['["x","y"]', "[]", '["x",1]', '"x;y"', '"x"', '["a\\"b","x"]', "[null]", "7", "null", '["\\u0078"]'];
const TIERS = ['"a"', '"A"', '"b"', '" b "', '"z"', "1", "null", '"\\u0061"'];
const BOOLS = ["true", "false", '"yes"', '"no"', "1", "0", "2", '"TRUE"', "null", '"maybe"'];
const DATES = ['"2026-11-01"', '"2026-11-01T10:00:00Z"', '"2026-10-01"', '"01/11/2026"', '"2026-13-45"', "20261101", "null", '"2026-11-01 09:00"', '"2026-11-01T"', '"2026-11-01\\n"', '"2026-02-30T00:00"', '"2026-11-01x"', '" 2026-11-01"'];
const NOTES = ['"éclair"', '"\\u00e9t\\u00e9"', '"plain"', "null", '"e\\u0301"', "3"];

/** A random JSON object line: every feature above, in nested, flat or mixed shapes, spaced or not. */
function objectLine(pick: ReturnType<typeof random>, k: number): string {
  const company: string[] = [];
  const flat: string[] = [];
  const put = (key: string, value: string) => {
    const spelled = `"${pick([key, key, key.replace(/e/, "\\u0065")])}":${value}`;
    // Nested, flat, or now and then both (with different values).
    const where = pick([company, company, flat, flat, company, [company, flat]] as (string[] | string[][])[]);
    if (Array.isArray(where[0])) for (const w of where as string[][]) w.push(w === flat ? spelled.replace(/:.*/, `:${pick(NUMBERS)}`) : spelled);
    else (where as string[]).push(spelled);
  };
  if (pick([true, true, false])) put("size", pick(NUMBERS));
  if (pick([true, false])) put("revenue", pick(NUMBERS));
  if (pick([true, false])) put("name", pick(STRINGS));
  if (pick([true, false])) put("tags", pick(TAGS));
  const parts: string[] = [];
  const id = pick([`"${k}"`, `${k}`, `"id-${k}"`, null, `"${k}"`]);
  if (id !== null) parts.push(`"id":${id}`);
  if (company.length || pick([true, false])) parts.push(`"company":{${company.join(",")}}`);
  for (const f of flat) parts.push(f.replace(/^"/, '"company.'));
  if (pick([true, false])) parts.push(`"__proto__":${pick(['{"x":1}', '{"x":-1}', "{}", "5"])}`);
  if (pick([true, false])) parts.push(`"tier":${pick(TIERS)}`);
  if (pick([true, false])) parts.push(`"active":${pick(BOOLS)}`);
  if (pick([true, false])) parts.push(`"seen":${pick(DATES)}`);
  if (pick([true, false])) parts.push(`"note":${pick(NOTES)}`);
  // Keys the definition does not read, some repeated (a repeat not read changes neither reading), some differing only in case.
  if (pick([true, false])) parts.push(`"extra":1,"extra":[2,{"deep":null}]`);
  if (pick([true, false])) parts.push(`"Tier":"c","ACTIVE":true`);
  const sep = pick([",", ", ", " ,\t"]);
  return `${pick(["", " "])}{${parts.join(sep).replace(/:/g, pick([":", ": "]))}}`;
}

describe("DuckDB engine, JSON Lines read in one parse per line", () => {
  it("random object lines (nested, flat and mixed shapes, escapes, edge numbers): the JS engine's results, read by DuckDB", async () => {
    for (const seed of [1, 2, 3]) {
      const pick = random(seed);
      const lines = Array.from({ length: 300 }, (_, k) => objectLine(pick, k + 1));
      const dk = await both(lines.join("\n") + pick(["\n", ""]));
      expect(dk.engine, `seed ${seed}`).toBe("duckdb");
      expect(dk.warnings, `seed ${seed}`).toEqual([]);
    }
  });

  it("the same lines among blank lines, unparsable lines and lines that are not objects: read line by line, same results", async () => {
    const pick = random(4);
    const others = ["", "   ", '{"id":"x","company":{"size":1}', "[1,2]", '"text"', "42", "null", '{"id" 5}'];
    const lines = Array.from({ length: 300 }, (_, k) => (k % 7 === 3 ? pick(others) : objectLine(pick, k + 1)));
    const dk = await both(lines.join("\n") + "\n");
    expect(dk.engine).toBe("duckdb");
    expect(dk.rowsRejected).toBeGreaterThan(0);
  });

  const handedOver = (line: number) => [`the JSON Lines file has a NaN or Infinity literal or a trailing comma on line ${line}, which DuckDB's JSON parser accepts and JSON.parse does not; scoring with the JS engine instead (same results)`];

  it.each([
    ["NaN", '{"id":"2","company":{"size":NaN}}'],
    ["-Infinity in a key not read", '{"id":"2","other":-Infinity,"company":{"size":500}}'],
    ["lower-case nan in a list", '{"id":"2","company":{"tags":["x"],"size":[1, -nan]}}'],
    ["inf", '{"id":"2","x":inf}'],
    ["a trailing comma in an object", '{"id":"2","company":{"size":500},}'],
    ["a trailing comma in an array, after spaces", '{"id":"2","company":{"tags":["x" , \t]}}'],
  ])("%s: the JS engine's reading (the line is not JSON)", async (_, bad) => {
    const dk = await both(`{"id":"1","company":{"size":500}}\n${bad}\n{"id":"3","note":"NaN, Infinity, [1,] {a,}"}\n`);
    expect(dk.engine).toBe("js");
    expect(dk.warnings).toEqual(handedOver(2));
    expect(dk.rowsRejected).toBe(1);
  });

  it("a number where a string, member, boolean or date is expected shows in its reject as JSON.stringify writes it", async () => {
    const spellings = ["100.0", "1E2", "-0.0", "1e21", "1e-7", "12345678901234567890", "123456789.123456789", "5e-324", "1e400"];
    const lines = spellings.map((v, k) => `{"id":"${k}","company":{"name":${v}},"tier":${v},"active":${v},"seen":${v}}`);
    const dk = await both(lines.join("\n") + "\n");
    expect(dk.engine).toBe("duckdb");
    const rejects = readFileSync(dk.rejectsFile, "utf8");
    expect(rejects).toContain("1,0,company.name,100,`100` is not a string");
    expect(rejects).toContain("4,3,company.name,1e+21,");
    expect(rejects).toContain("6,5,company.name,12345678901234567000,");
    expect(rejects).toContain("9,8,company.name,1e400,");
  });

  it("flat dotted keys only past the file's head: read again with them, same results", async () => {
    // The first 64 KiB have nested keys only, so the first reading leaves flat keys out; the scan
    // then finds `company.size` (plain and escaped) further on, which the JS engine reads.
    const nested = Array.from({ length: 700 }, (_, k) => `{"id":"${k}","company":{"size":${k % 300},"name":"Acme ${k}.com"},"note":"${"n".repeat(60)}"}`);
    const flat = ['{"id":"f1","company.size":500}', '{"id":"f2","company\\u002esize":700,"tier":"a","active":true}', '{"id":"f3","company":{},"company.revenue":2}'];
    const dk = await both(`${nested.join("\n")}\n${flat.join("\n")}\n`);
    expect(dk.engine).toBe("duckdb");
    expect(dk.warnings).toEqual([]);
  });

  it.each([
    ["a list spelled as a string", '{"id":"f1","company":{"tags":"x;y","size":500}}', 0],
    ["a number in a list", '{"id":"f1","company":{"tags":["x",1],"size":500}}', 1],
    ["a list that is a number", '{"id":"f1","company":{"tags":5,"size":500}}', 1],
  ] as const)("%s past the file's head: read again with the lists as JSON, same results", async (_, late, rejected) => {
    // The first 64 KiB hold arrays of strings only, so the first reading reads the list field as
    // VARCHAR[]; the line further on fails that reading or is found by the scan.
    const head = Array.from({ length: 700 }, (_, k) => `{"id":"${k}","company":{"size":${k % 300},"tags":["x","y${k}"]},"note":"${"n".repeat(60)}"}`);
    const dk = await both(`${head.join("\n")}\n${late}\n{"id":"f2","company":{"tags":[]}}\n`);
    expect(dk.engine).toBe("duckdb");
    expect(dk.warnings).toEqual([]);
    expect(dk.rowsRejected).toBe(rejected);
  });

  it("those words and commas inside strings change nothing: DuckDB reads the file", async () => {
    const dk = await both('{"id":"1","note":"NaN, Infinity, -inf, nan","company":{"name":"x,}","size":500}}\n{"id":"2","note":"[1,]\\",}\\\\","company":{"size":1}}\n');
    expect(dk.engine).toBe("duckdb");
    expect(dk.warnings).toEqual([]);
  });
});

describe("scanJsonl: what one pass over the bytes says", () => {
  let scans = 0;
  const scan = async (text: string | Buffer) => {
    const p = join(dir, `scan${scans++}.jsonl`);
    writeFileSync(p, text);
    return scanJsonl(p);
  };
  const LENIENT = /NaN or Infinity literal or a trailing comma on line (\d+)/;

  it("objects only: every line starts with `{` (spaces allowed), none blank; a last line without LF counts", async () => {
    expect(await scan('{"a":1}\n  {"b":[true,false,null,-1.5e3]}\n{"c":"NaN, inf"}')).toEqual({ longestLine: 32, objectsOnly: true, dottedKeys: false, nonStringItems: true });
    expect((await scan('{"a":1}\n\n{"a":2}\n')).objectsOnly).toBe(false);
    expect((await scan('{"a":1}\n \t\n')).objectsOnly).toBe(false);
    expect((await scan('{"a":1}\n[1]\n')).objectsOnly).toBe(false);
    expect((await scan('\uFEFF{"a":1}\n')).objectsOnly).toBe(false);
  });

  it("NaN/Infinity literals and trailing commas outside strings, in any case, are found with their line", async () => {
    for (const [text, line] of [
      ['{"a":1}\n{"b":NaN}\n', 2],
      ['{"b":[1,-nAn]}\n', 1],
      ['{"b":INF}\n', 1],
      ['{"a":1}\n{"a":2}\n{"b":{"c":1 , }}\n', 3],
      ['{"b":[1,\t]}', 1],
    ] as const) expect(LENIENT.exec((await scan(text)).why ?? "")?.[1], text).toBe(String(line));
  });

  it("an escaped quote does not end a string; a line that is not an object is never lenient", async () => {
    expect((await scan('{"a":"x\\"NaN,}","b":"\\\\"}\n')).why).toBeUndefined();
    expect((await scan('[1,NaN]\n"Infinity"\n')).why).toBeUndefined();
  });

  it("a line split across read chunks is read whole", async () => {
    const long = `{"a":"${"x".repeat((1 << 22) + 10)}","b":NaN}\n`;
    expect(LENIENT.exec((await scan(`{"a":1}\n${long}`)).why ?? "")?.[1]).toBe("2");
  });

  it("carriage returns, U+0001, a byte order mark after the first line and invalid UTF-8 are reasons to leave the file to the JS engine", async () => {
    expect((await scan('{"a":1}\r\n')).why).toMatch(/carriage returns/);
    expect((await scan('{"a":"\u0001"}\n')).why).toMatch(/U\+0001/);
    expect((await scan('{"a":1}\n\uFEFF{"a":2}\n')).why).toBe("a byte order mark at the start of a line");
    expect((await scan(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d, 0x0a]))).why).toBe("bytes that are not UTF-8");
  });
});

describe("scanJsonl's fast path (jsonl-lexer.wat) against the exact lexer alone", () => {
  // Lines of JSON-like tokens (not always in a valid order): strings full of what matters outside
  // them (escaped quotes and backslash runs, the extensions' letters, brackets, commas), the
  // letters of true/false/null, numbers, brackets, commas and the spaces between them. A line may
  // hold one hazard the exact lexer flags: an extension's literal, a trailing comma, a backslash
  // outside strings, or a string left open (by a lone quote or an escape at its end). Strings up to
  // ~100 bytes put escapes, quotes and commas on both sides of the 64-byte blocks.
  const IN_STRING = ['\\"', "\\\\", "\\", "i", "I", "N", "A", "na", "a", "n", "}", "]", ",", " ", "\t", "{", "x", "é", ":", "NaN"];
  const OUTSIDE = [":", ",", ",", "[", "]", "{", "}", " ", "\t", "1", "-2.5e3", "true", "false", "null"];
  const HAZARDS = ["NaN", "-nan", "inf", "Infinity", "-INF", "nAn", ",}", ", ]", ",\t\t}", "\\", '"', '"x\\"', "A", "N"];
  const randomString = (next: () => number): string => {
    let s = '"';
    const n = Math.floor(next() * next() * 40);
    for (let i = 0; i < n; i++) s += IN_STRING[Math.floor(next() * IN_STRING.length)];
    return `${s}"`;
  };
  // Valid objects too, whose keys may hold dots and whose arrays may hold items that are not
  // strings: the cases the `dottedKeys` and `nonStringItems` checks below are about.
  const KEYS = ["a", "name", "company.size", "k".repeat(70), "x.y.z"];
  const randomValue = (next: () => number, depth: number): unknown => {
    const r = next();
    if (depth > 0 && r < 0.25) return Object.fromEntries(Array.from({ length: 1 + Math.floor(next() * 3) }, () => [KEYS[Math.floor(next() * KEYS.length)], randomValue(next, depth - 1)]));
    if (depth > 0 && r < 0.45) return Array.from({ length: Math.floor(next() * 3) }, () => (next() < 0.8 ? "v.w" : randomValue(next, depth - 1)));
    return r < 0.7 ? "s.t@example.com" : r < 0.85 ? 1.5 : r < 0.95 ? false : null;
  };
  const randomLine = (next: () => number): string => {
    const shape = next();
    if (shape < 0.03) return "";
    if (shape < 0.06) return ` ${'{"a":1}'}`;
    if (shape < 0.2) return JSON.stringify(Object.fromEntries([[KEYS[Math.floor(next() * KEYS.length)], randomValue(next, 3)]]));
    const tokens: string[] = [];
    const n = Math.floor(next() * 30);
    for (let i = 0; i < n; i++) tokens.push(next() < 0.45 ? randomString(next) : OUTSIDE[Math.floor(next() * OUTSIDE.length)]);
    for (let h = 0; h < 2; h++) if (next() < 0.25) tokens.splice(Math.floor(next() * (tokens.length + 1)), 0, HAZARDS[Math.floor(next() * HAZARDS.length)]);
    return `{${tokens.join("")}}`;
  };
  let files = 0;
  const writeLines = (text: string) => {
    const p = join(dir, `lexer${files++}.jsonl`);
    writeFileSync(p, text);
    return p;
  };
  const LENIENT_LINE = /NaN or Infinity literal or a trailing comma on line (\d+)/;
  /** A file's lines (a last LF ends the last line). */
  const split = (text: string) => {
    const lines = text.split("\n");
    if (text.endsWith("\n")) lines.pop();
    return lines;
  };
  /** The items of every array in a line JSON.parse reads, at every depth; none for any other line. */
  const items = (line: string): unknown[] => {
    const walk = (v: unknown): unknown[] => (Array.isArray(v) ? [...v, ...v.flatMap(walk)] : v !== null && typeof v === "object" ? Object.values(v).flatMap(walk) : []);
    try {
      return walk(JSON.parse(line));
    } catch {
      return [];
    }
  };
  /** The keys of a line JSON.parse reads, at every depth; none for any other line. */
  const keys = (line: string): string[] => {
    const walk = (v: unknown): string[] =>
      Array.isArray(v) ? v.flatMap(walk) : v !== null && typeof v === "object" ? Object.entries(v).flatMap(([k, x]) => [k, ...walk(x)]) : [];
    try {
      return walk(JSON.parse(line));
    } catch {
      return [];
    }
  };

  it("gives the same verdict, line number, longest line and objects-only on random files, read in small pieces", async () => {
    const next = rng(20261202);
    for (let round = 0; round < 300; round++) {
      const lines = Array.from({ length: 1 + Math.floor(next() * 20) }, () => randomLine(next));
      const text = lines.join("\n") + (next() < 0.5 ? "\n" : "");
      const p = join(dir, `lexer${files++}.jsonl`);
      writeFileSync(p, text);
      const readSize = [64, 100, 1 << 22][round % 3];
      const { dottedKeys, nonStringItems, ...fast } = await scanJsonl(p, { readSize });
      const { dottedKeys: _, nonStringItems: __, ...exact } = await scanJsonl(p, { exactOnly: true, readSize: 1 << 22 });
      expect(fast, text).toEqual(exact);
      // A key holding a dot, or an array item that is no string, in a line JSON.parse reads is never missed.
      if (split(text).some((l) => keys(l).some((k) => k.includes(".")))) expect(dottedKeys, text).toBe(true);
      if (split(text).some((l) => items(l).some((v) => typeof v !== "string"))) expect(nonStringItems, text).toBe(true);
      if (!exact.why) {
        // Independently of either: the longest line and whether every line starts with `{`.
        expect(exact.longestLine).toBe(Math.max(0, ...split(text).map((l) => Buffer.byteLength(l))));
        expect(exact.objectsOnly).toBe(split(text).every((l) => /^[ \t]*\{/.test(l)));
      }
    }
  });

  it("finds an extension that a wrong escape or string state would hide", async () => {
    const lenientLine = async (text: string) => LENIENT_LINE.exec((await scanJsonl(writeLines(text))).why ?? "")?.[1];
    // A backslash outside strings is a byte like any other for the exact lexer: `"x"` is a string
    // and NaN is outside it. (Read as an escape, NaN would seem to be inside a string.)
    expect(await lenientLine('{\\"x" NaN "}\n')).toBe("1");
    // An escaped quote right after a 64-byte block's end: the string goes on past it (`"y"`
    // closes it), and NaN is outside. Every offset of the backslash, so one ends a block.
    for (let pad = 40; pad < 140; pad++) {
      expect(await lenientLine(`{"a":1}\n{"k":"${"x".repeat(pad)}\\"y" NaN "\n`), `pad ${pad}`).toBe("2");
    }
  });

  it("tells whether a key may hold a dot: keys at any depth, escaped, across 64-byte blocks; never a value's dot", async () => {
    const dotted = async (text: string, options = {}) => (await scanJsonl(writeLines(text), options)).dottedKeys;
    const values = '{"email":"ann@x.com","site":"x.co.uk","n":1.5,"l":["a.b"],"o":{"k":"v.w"}}\n';
    expect(await dotted(values.repeat(50))).toBe(false);
    expect(await dotted(`${values}{"company.name":"A"}\n`)).toBe(true);
    expect(await dotted(`${values}{"company":{"x.y" \t: 1}}\n`)).toBe(true);
    expect(await dotted(`${values}{"company\\u002ename":"A"}\n`)).toBe(true);
    expect(await dotted(`${values}  {"a.b":1}\n`)).toBe(true); // after spaces
    expect(await dotted(`${values}{"a.b":1}`)).toBe(true); // a last line without LF
    // A key whose dot and closing quote lie in different 64-byte blocks, at every offset.
    for (let pad = 0; pad < 140; pad++) {
      expect(await dotted(`{"${"k".repeat(pad)}.${"k".repeat(70)}":1}\n`), `pad ${pad}`).toBe(true);
      expect(await dotted(`{"k":"${"v".repeat(pad)}.${"v".repeat(70)}"}\n`), `pad ${pad}`).toBe(false);
    }
    // The head: only the first read's whole lines.
    const late = `${values.repeat(2000)}{"a.b":1}\n`;
    expect(await dotted(late)).toBe(true);
    expect(await dotted(late, { head: 1 << 16 })).toBe(false);
    expect(await dotted(`{"a":"${"x".repeat(1 << 17)}"}\n`, { head: 1 << 16 })).toBe(true); // no whole line: unknown
  });

  it("tells whether an array may hold an item that is not a string: at any depth, after spaces, across 64-byte blocks; never inside a string", async () => {
    const nonString = async (text: string) => (await scanJsonl(writeLines(text))).nonStringItems;
    const strings = '{"a":["x","y"],"b":[],"c":[ "z" ,\t"w" ],"o":{"l":["[1",", 2"]},"s":"[1,2]"}\n';
    expect(await nonString(strings.repeat(50))).toBe(false);
    for (const item of ["1", "-1", "true", "null", '{"k":"v"}', '["x"]', "[]"]) {
      expect(await nonString(`${strings}{"a":["x", ${item}]}\n`), item).toBe(true);
      expect(await nonString(`${strings}{"o":{"l":[ \t${item},"x"]}}\n`), item).toBe(true);
    }
    // An item whose opener and first byte lie in different 64-byte blocks, at every offset.
    for (let pad = 0; pad < 140; pad++) {
      expect(await nonString(`{"k":"${"v".repeat(pad)}","l":[${" ".repeat(pad % 7)}1]}\n`), `pad ${pad}`).toBe(true);
      expect(await nonString(`{"k":"${"v".repeat(pad)}","l":[${" ".repeat(pad % 7)}"1"]}\n`), `pad ${pad}`).toBe(false);
    }
  });

  it("passes over clean lines and stops at the first one it cannot, on a file larger than one read", async () => {
    const clean = '{"name":"Ann \\"Nan\\" Ito","tags":["a","b"],"ok":false,"n":null,"x":[]}';
    const p = join(dir, `lexer${files++}.jsonl`);
    writeFileSync(p, `${`${clean}\n`.repeat(5000)}{"a":[1,]}\n${clean}\n`);
    for (const readSize of [4096, 1 << 22]) {
      expect(await scanJsonl(p, { readSize })).toEqual({ why: expect.stringContaining("on line 5001,"), longestLine: clean.length, objectsOnly: false, dottedKeys: true, nonStringItems: true });
    }
  });
});
