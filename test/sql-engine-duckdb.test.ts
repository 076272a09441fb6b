// `run --engine duckdb` must write the same bytes as `--engine js`: results, rejects, summary.
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { runJs } from "../compiler/batch/run-js.js";
import { compile, compileFile } from "../compiler/compile.js";
import { runDuckdb } from "../compiler/engine-duckdb.js";
import type { Program } from "../compiler/program.js";
import { parseDateDays } from "../language/literals.js";

const here = dirname(fileURLToPath(import.meta.url));
const examples = join(here, "..", "examples");
const dir = mkdtempSync(join(tmpdir(), "leaddef-engine-"));
let n = 0;

async function both(program: Program, input: string, inputFormat: "csv" | "jsonl", columns: "default" | "all", parquet?: string) {
  const k = n++;
  const base = { program, asOf: parseDateDays("2026-11-22"), idColumn: "id", columns, outputFormat: "csv" as const };
  const js = await runJs({ ...base, input, inputFormat, output: join(dir, `js${k}.csv`), rejectsPath: join(dir, `js${k}.rej.csv`), progress: false });
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
    expect(js.rowsRejected).toBe(6);
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
