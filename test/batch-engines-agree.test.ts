// `leaddef run --engine js` and `--engine duckdb` on inputs where they used to part ways: each case
// runs both engines as processes and requires the same exit code and byte-identical results and
// rejects — and, where DuckDB can read the file itself, that it did (no hand-over to the JS engine).
// Needs `npx tsc -p .` (npm test builds first).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "./support/cli.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const tmp = mkdtempSync(join(tmpdir(), "leaddef-agree-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface EngineRun { code: number | null; stderr: string; output?: string; rejects?: string; engineUsed?: string }

let n = 0;
/** Runs `definition` over `input` (written to a file named `name`) with one engine. */
async function run(definition: string, name: string, input: string | Buffer, engine: "js" | "duckdb"): Promise<EngineRun> {
  const dir = join(tmp, String(++n));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "def.leaddef"), definition);
  writeFileSync(join(dir, name), input);
  const out = join(dir, "out.csv");
  const rej = join(dir, "rejects.csv");
  // A child process, awaited (not spawnSync, which would stall the test worker).
  const r = await cli(["run", "def.leaddef", "--input", name, "--engine", engine, "--output", out, "--rejects", rej, "--as-of", "2026-11-22"], dir);
  const read = (p: string) => (existsSync(p) ? readFileSync(p, "utf8") : undefined);
  return { code: r.code, stderr: r.stderr, output: read(out), rejects: read(rej), engineUsed: /\((js|duckdb), [\d.]+ s\)/.exec(r.stdout)?.[1] };
}

/** Both engines; they must agree. Returns the JS engine's run. */
async function both(definition: string, name: string, input: string | Buffer, duckdbReadsIt = true): Promise<EngineRun> {
  const [js, duck] = await Promise.all([run(definition, name, input, "js"), run(definition, name, input, "duckdb")]);
  expect(duck.code, duck.stderr).toBe(js.code);
  expect(duck.stderr).not.toMatch(/internal error/);
  expect(duck.output).toBe(js.output);
  expect(duck.rejects).toBe(js.rejects);
  if (js.code === 0 && duckdbReadsIt) expect(duck.engineUsed, duck.stderr).toBe("duckdb");
  return js;
}

const NUMBERS = "schema {\n  a: number?\n  k: integer?\n  b: string?\n}\ncriterion c when a > 1\nhigh when c\n";

describe("case-insensitive matching (simple case folding) in both engines", () => {
  it("final sigma, dotted and dotless i, sharp s, Kelvin sign, long s", async () => {
    const needles = ["ασ", "ς", "istanbul", "İ", "ı", "ß", "ss", "k", "s"];
    const def = `schema {\n  t: string?\n}\nscore m {\n${needles.map((x, i) => `  +${2 ** i} when t contains ${JSON.stringify(x)}\n  +${2 ** (i + 10)} when t starts with ${JSON.stringify(x)}`).join("\n")}\n}\n`;
    const texts = ["ΑΣ", "ΣΑΣ", "İstanbul", "ISTANBUL", "ı", "I", "ẞ", "SS", "\u212A", "ſ", "Straße"];
    const js = await both(def, "t.csv", `id,t\n${texts.map((t, i) => `${i},${t}`).join("\n")}\n`);
    // The definition, independently of the compiler's table: a RegExp with flags `iu` compares
    // characters by their simple case folding.
    const escape = (x: string) => x.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    const want = texts.map((t) => needles.reduce((sum, x, i) =>
      sum + (new RegExp(escape(x), "iu").test(t) ? 2 ** i : 0) + (new RegExp(`^${escape(x)}`, "iu").test(t) ? 2 ** (i + 10) : 0), 0));
    expect(js.output!.split("\n").slice(1, -1).map((l) => Number(l.split(",")[2]))).toEqual(want);
    // Where lowercasing would say otherwise: ΑΣ lowercases to ας, İstanbul to i̇stanbul.
    expect(want[0] & 2 ** 10).toBeTruthy(); // "ΑΣ" starts with "ασ"
    expect(want[2] & 4).toBe(0); // "İstanbul" does not contain "istanbul"
  });
});

describe("CSV line ends: CR, LF and CRLF all end a record", () => {
  it("a file with CR-only line ends", async () => {
    const js = await both(NUMBERS, "cr.csv", "id,a,k,b\r1,2,1,x\r2,0,2,y\r3,5,x,z\r");
    expect(js.output).toBe("id,stage\n1,high\n2,none\n");
    expect(js.rejects).toBe("line,id,field,value,reason\n4,3,k,x,`x` is not a whole number\n");
  });
  it("one stray CR between LF lines, and CRs inside quoted values, with line numbers counting each", async () => {
    const js = await both(NUMBERS, "stray.csv", 'id,a,k,b\n1,2,1,"x\ry"\n2,0,2,y\r3,5,3,z\n4,7,q,"w\r\nv"\n5,9,5,\n', false);
    expect(js.output).toBe("id,stage\n1,high\n2,none\n3,high\n5,high\n");
    expect(js.rejects).toBe("line,id,field,value,reason\n6,4,k,q,`q` is not a whole number\n");
  });
  it("CRLF only, with a quoted CRLF inside a value: DuckDB reads it itself", async () => {
    await both(NUMBERS, "crlf.csv", 'id,a,k,b\r\n1,2,1,"x\r\ny"\r\n2,0,z,y\r\n');
  });
});

describe("files with no header, long lines, overflowing numbers, __proto__", () => {
  it.each([["empty", ""], ["newlines only", "\n\r\n\r\n"], ["a byte order mark and a newline", "\ufeff\n"]])("a CSV file that is %s has no header: exit 1 (the file is wrong as a whole), nothing written", async (_, text) => {
    const js = await both(NUMBERS, "none.csv", text);
    expect(js.code).toBe(1);
    expect(js.stderr).toContain("none.csv: the CSV file has no header row");
    expect(js.output).toBeUndefined();
  });

  it("a JSON line over 2 MB", async () => {
    const long = JSON.stringify({ id: "1", a: 2, b: "x".repeat(2_500_000) });
    const js = await both(NUMBERS, "long.jsonl", `${long}\n{"id":"2","a":0}\n`);
    expect(js.output).toBe("id,stage\n1,high\n2,none\n");
  });

  it("1e400: the same field rejected, for the same reason, shown as written", async () => {
    const js = await both(NUMBERS, "big.jsonl", '{"id":"1","a":1e400,"k":1e400}\n{"id":"2","a":"1e400"}\n{"id":"3","k":-1e400}\n{"id":"4","k":"1e400"}\n{"id":"5","b":1e999}\n');
    expect(js.rejects).toBe([
      "line,id,field,value,reason",
      "1,1,a,1e400,`1e400` is not a number",
      "1,1,k,1e400,`1e400` is not a number", // every problem of a row, not only the first
      "3,3,k,-1e400,`-1e400` is not a number",
      "4,4,k,1e400,`1e400` is not a whole number",
      "5,5,b,1e999,`1e999` is not a string",
      "",
    ].join("\n"));
  });

  it("a repeated JSON key: its last value counts, as JSON.parse reads it, in both engines", async () => {
    const def = "schema {\n  a: number?\n  x.n: number?\n}\ncriterion c when a > 1 or x.n > 1\nhigh when c\n";
    const js = await both(def, "dup.jsonl", '{"id":"1","a":0,"a":5}\n{"id":"2","a":5,"a":0}\n{"id":"3","x":{"n":0,"n":5}}\n{"id":"4","x":{"n":5},"x":{"n":0}}\n{"id":"5","\\u0061":5,"a":0}\n{"id":"6","a":0,"\\u0061":5}\n', false);
    expect(js.output).toBe("id,stage\n1,high\n2,none\n3,high\n4,none\n5,none\n6,high\n");
    // Lines that merely look like they might repeat a key are DuckDB's to read.
    await both(def, "nodup.jsonl", '{"id":"1","a":5,"b":"\\"a\\""}\n{"id":"2","a":"\\u0030"}\n');
  });

  it.each([
    ["CSV", "bad.csv", Buffer.concat([Buffer.from("id,a,k,b\n1,2,1,ok\n2,3,2,caf"), Buffer.from([0xe9]), Buffer.from('\n3,5,3,"x'), Buffer.from([0xff]), Buffer.from('\ny"\n4,0,4,\u00e9\n')])],
    ["JSON Lines", "bad.jsonl", Buffer.concat([Buffer.from('{"id":"1","a":2}\n{"id":"2","a":3,"b":"caf'), Buffer.from([0xe9]), Buffer.from('"}\n{"id":"3","a":5,"b":"\u00e9"}\n')])],
  ])("invalid UTF-8 in %s: its records are rejected, with a reason, by both engines", async (_, name, bytes) => {
    const js = await both(NUMBERS, name, bytes, false);
    expect(js.code).toBe(0);
    expect(js.rejects).toMatch(/not valid UTF-8/);
    expect(js.rejects!.split("\n").filter((l) => l.includes("not valid UTF-8"))).toHaveLength(name.endsWith("csv") ? 2 : 1);
    expect(js.output).toContain("\n1,high\n");
  });

  it("a field path beginning with __proto__ (JSON Lines)", async () => {
    const def = "schema {\n  __proto__.x: number?\n  constructor: string?\n}\ncriterion c when __proto__.x > 1\nhigh when c\n";
    const js = await both(def, "p.jsonl", '{"id":"1","__proto__":{"x":2}}\n{"id":"2","__proto__.x":3,"constructor":"c"}\n{"id":"3","__proto__":{"x":0}}\n');
    expect(js.output).toBe("id,stage\n1,high\n2,high\n3,none\n");
  });
});
