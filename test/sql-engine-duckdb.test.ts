// `run --engine duckdb` must write the same bytes as `--engine js`: results, rejects, summary.
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { runJs } from "../compiler/batch/js/run-js.js";
import { compile, compileFile } from "../compiler/compile.js";
import { runDuckdb } from "../compiler/batch/duckdb/run.js";
import type { Program } from "../compiler/runtime/program.js";
import { parseDateDays } from "../language/literals.js";

const here = dirname(fileURLToPath(import.meta.url));
const examples = join(here, "..", "examples");
const dir = mkdtempSync(join(tmpdir(), "leaddef-engine-"));
let n = 0;

async function both(program: Program, input: string, inputFormat: "csv" | "jsonl", columns: "default" | "all", parquet?: string) {
  const k = n++;
  const base = { program, asOf: parseDateDays("2026-11-22"), idColumn: "id", columns, outputFormat: "csv" as const };
  const js = await runJs({ ...base, input, inputFormat, output: join(dir, `js${k}.csv`), rejectsPath: join(dir, `js${k}.rej.csv`) });
  const dk = await runDuckdb({ ...base, input: parquet ?? input, inputFormat: parquet ? "parquet" : inputFormat, output: join(dir, `dk${k}.csv`), rejectsPath: join(dir, `dk${k}.rej.csv`), threads: 2 });
  expect(readFileSync(join(dir, `dk${k}.csv`), "utf8")).toBe(readFileSync(join(dir, `js${k}.csv`), "utf8"));
  const rej = (p: string) => (existsSync(p) ? readFileSync(p, "utf8") : "");
  expect(rej(join(dir, `dk${k}.rej.csv`))).toBe(rej(join(dir, `js${k}.rej.csv`)));
  expect({ read: dk.rowsRead, written: dk.rowsWritten, rejected: dk.rowsRejected, stages: dk.stages, absent: dk.absentFields })
    .toEqual({ read: js.rowsRead, written: js.rowsWritten, rejected: js.rowsRejected, stages: js.stages, absent: js.absentFields });
  if (inputFormat === "csv") expect(dk.unknownColumns).toEqual(js.unknownColumns);
  return { js, dk };
}

describe("DuckDB engine = JS engine, byte for byte", () => {
  for (const name of ["acme", "smb", "scoring"]) {
    const program = compileFile(join(examples, `${name}.leaddef`)).program!;
    it(`${name} on examples/leads.csv`, async () => {
      const { js } = await both(program, join(examples, "leads.csv"), "csv", "all");
      expect(js.rowsRejected).toBeGreaterThan(0);
    });
    it(`${name} on examples/leads.jsonl`, async () => {
      await both(program, join(examples, "leads.jsonl"), "jsonl", "default");
    });
  }

  it("reads Parquet (typed columns) with the same results as the CSV", async () => {
    const program = compileFile(join(examples, "acme.leaddef")).program!;
    const parquet = join(dir, "leads.parquet");
    const db = await DuckDBInstance.create(":memory:");
    const con = await db.connect();
    // numbers and dates typed; everything else as text, as a warehouse export would have them
    await con.run(`COPY (SELECT * FROM read_csv('${join(examples, "leads.csv")}', all_varchar = true, header = true)) TO '${parquet}' (FORMAT parquet)`);
    con.closeSync();
    await both(program, join(examples, "leads.csv"), "csv", "default", parquet);
  });

  it("edge cases of value reading and rejects", async () => {
    const { program, diagnostics } = compile(`schema {
  n: number?
  i: integer?
  b: boolean?
  d: date?
  e: enum(a, B, c)?
  l: list(string)?
  s: string?
  r: integer
}
criterion c when l contains "x" or s contains "é"
score sc {
  +0.1 when n > 1
  +0.2 when i >= 2
  +1 when b
  +2 when days_since(d) < 10
  +4 when e >= B
  +8 when c
}
hot when sc > 3
`);
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const csv = [
      "id,n,i,b,d,e,l,s,r,extra",
      "1, 12 ,3,YES,2026-11-20,B, x ; y ;,Émile,1,z",
      "2,1e3,2.0,0,2026-11-20T23:59:59Z,c,,,2,",
      "3,n/a,,,,,,,3,",
      "4,,2.5,,,,,,4,",
      "5,,,maybe,,,,,5,",
      "6,,,,2026-02-30,,,,6,",
      "7,,,,,b,,,7,",
      "8,,,,,,,,,",
      '"9,x",-0.5,-3,false,2026-11-21,a,"a;x","say ""hi""",9,',
      ",2,2,1,2026-11-22 10:00,c,x,S,10,",
      "11,.5,+4,No,2026-11-12,a,;;,,11,",
    ].join("\n") + "\n";
    const input = join(dir, "edge.csv");
    writeFileSync(input, csv);
    const { js } = await both(program!, input, "csv", "all");
    // row 7's `b` is the member `B` (members match ignoring case)
    expect(js.rowsRejected).toBe(5);
    const jsonl = [
      '{"id": 1, "n": 12, "i": 3, "b": true, "d": "2026-11-20", "e": "B", "l": ["x", "y"], "s": "Émile", "r": 1}',
      '{"id": "2", "n": "1e3", "i": "2", "b": "no", "d": "2026-11-20T10:00:00Z", "e": "c", "r": "2"}',
      '{"id": 3, "n": true, "r": 3}',
      '{"id": 4, "i": 2.5, "r": 4}',
      '{"id": 5, "b": 1, "r": 5}',
      '{"id": 6, "b": 2, "r": 6}',
      '{"id": 7, "l": "a; x", "r": 7}',
      '{"id": 8, "l": [1, 2], "r": 8}',
      '{"id": 9, "s": 5, "r": 9}',
      '{"id": 10, "e": "b", "r": 10}',
      '{"id": 11}',
      '{"id": 12, "r": null, "n": 1}',
      '{"n": 2, "r": 13}',
    ].join("\n") + "\n";
    const jsonInput = join(dir, "edge.jsonl");
    writeFileSync(jsonInput, jsonl);
    const j = await both(program!, jsonInput, "jsonl", "all");
    expect(j.js.rowsRejected).toBeGreaterThanOrEqual(6);
  });
});

describe("DuckDB engine: malformed input is rejected like the JS engine, never fatal", () => {
  const { program } = compile(`schema {
  n: number?
  b: boolean?
  s: string?
  r: integer
}
score sc {
  +0.1 when n > 1
  +1 when b
  +2 when s contains "x"
}
hot when sc > 1
`);

  it("CSV: ragged rows, quoted multi-line cells, blank lines (physical line numbers)", async () => {
    const csv = [
      "id,n,b,s,r",
      "1,2,true,x,1",
      '2,3,false,"multi',
      'line x",2',
      "",
      "3,4",
      "   ",
      "4,1,1,a,4,extra",
      '5,"1e400",no,"a,b",5',
      '6,,,"one',
      "",
      'two",six',
      "7,,yes,,7",
      "",
      "",
      "8,5,maybe,,8",
      "9,5,0,q,9",
    ].join("\n") + "\n";
    const input = join(dir, "ragged.csv");
    writeFileSync(input, csv);
    const { js, dk } = await both(program!, input, "csv", "all");
    expect(dk.engine).toBe("duckdb");
    expect(js.rowsRejected).toBeGreaterThanOrEqual(5);
    const rejects = readFileSync(join(dir, `js${n - 1}.rej.csv`), "utf8");
    expect(rejects).toContain('6,3,,,"row has 2 values, the header has 5"');
    expect(rejects).toContain("10,6,r,six,");
    expect(rejects).toContain("16,8,b,maybe,");
  });

  it("CSV without an id column: skipped records still count in the row-number ids", async () => {
    const csv = ["n,b,s,r", "1,true,x,1", "2,3", "3,yes,,3", "", '4,no,"a', 'b",4', "5,no,,5,6", "6,1,x,6"].join("\n") + "\n";
    const input = join(dir, "noid.csv");
    writeFileSync(input, csv);
    const { dk } = await both(program!, input, "csv", "default");
    expect(dk.engine).toBe("duckdb");
    expect(dk.warnings).toEqual([]);
  });

  it("JSON Lines: unparsable lines, non-objects, blank lines", async () => {
    const jsonl = [
      '{"id": 1, "n": 2, "b": true, "s": "x", "r": 1}',
      "",
      "{not json",
      "   ",
      "[1, 2]",
      '{"id": 2, "r": 2, "s": "x"}',
      '"just a string"',
      '{"id": 3, "r": "three"}',
      "",
      '{"n": 7, "r": 4}',
      '{"id": 5, "r": 5',
    ].join("\n") + "\n";
    const input = join(dir, "bad.jsonl");
    writeFileSync(input, jsonl);
    const { js, dk } = await both(program!, input, "jsonl", "all");
    expect(dk.engine).toBe("duckdb");
    expect(js.rowsRejected).toBe(5);
  });

  it("input DuckDB reads differently (text after a closing quote, CRLF JSON Lines) still gives the JS results", async () => {
    const csv = ["id,n,b,s,r", "1,2,true,x,1", '2,"3"x,no,,2', "3,4,yes,,3"].join("\n") + "\n";
    const input = join(dir, "quote.csv");
    writeFileSync(input, csv);
    await both(program!, input, "csv", "default");
    const jsonl = '{"id": 1, "r": 1}\r\n{bad\r\n{"id": 2, "r": 2}\r\n';
    const jsonInput = join(dir, "crlf.jsonl");
    writeFileSync(jsonInput, jsonl);
    const { js, dk } = await both(program!, jsonInput, "jsonl", "default");
    // The hand-over is a value the CLI prints, not a write to stderr from the engine.
    expect(dk.engine).toBe("js");
    expect(dk.warnings).toEqual(["the JSON Lines file has carriage returns or U+0001 characters, which DuckDB's line reader splits differently; scoring with the JS engine instead (same results)"]);
    expect(js.warnings).toEqual([]);
  });

  it("numbers print as JS String(n) prints them", async () => {
    const { program: p } = compile(`schema {
  n: number?
  r: integer
}
score a {
  +0.1 when n > 0
  +0.2 when n > 1
}
score b {
  +0.000001 when n > 0
  +0.0000001 when n > 1
}
score c {
  +100000000000000000000 when n > 0
  +1000000000000000000000 when n > 1
}
score d {
  +123.456 when n > 0
  -0.5 when n > 1
}
hot when a > 0
`);
    expect(p).toBeDefined();
    const csv = ["id,n,r", "1,0,1", "2,1,2", "3,2,3"].join("\n") + "\n";
    const input = join(dir, "numbers.csv");
    writeFileSync(input, csv);
    await both(p!, input, "csv", "all");
  });
});
