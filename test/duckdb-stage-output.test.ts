// The DuckDB engine keeps each row's stage as a number in its result table and names it on the
// way out: on every output path (CSV written by DuckDB, CSV and JSON Lines streamed through the
// JS writers) and in the stage counts, the names are the JS engine's.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runJs } from "../compiler/batch/js/run-js.js";
import { compile } from "../compiler/compile.js";
import { runDuckdb } from "../compiler/batch/duckdb/run.js";
import { parseDateDays } from "../language/literals.js";

const dir = mkdtempSync(join(tmpdir(), "leaddef-stage-output-"));
const { program } = compile(`schema {
  n: number
}
criterion warm when n >= 10
criterion hot_ when n >= 20
mql when warm
sql when mql and hot_
won when sql and n >= 30
`);
const csv = ["id,n", "a,5", "b,15", "c,25", "d,35", "e,x", "f,35", "g,0"].join("\n") + "\n";
const input = join(dir, "in.csv");
writeFileSync(input, csv);
let k = 0;

/** Both engines to files: DuckDB writes a CSV output itself and streams JSON Lines through the JS writer. */
async function both(outputFormat: "csv" | "jsonl") {
  const i = k++;
  const base = { program: program!, input, inputFormat: "csv" as const, asOf: parseDateDays("2026-11-22"), idColumn: "id", columns: "all" as const, outputFormat };
  const outs = [join(dir, `js${i}.out`), join(dir, `dk${i}.out`)];
  const js = await runJs({ ...base, output: outs[0], rejectsPath: join(dir, `js${i}.rej.csv`) });
  const dk = await runDuckdb({ ...base, output: outs[1], rejectsPath: join(dir, `dk${i}.rej.csv`), threads: 2 });
  expect(readFileSync(outs[1], "utf8")).toBe(readFileSync(outs[0], "utf8"));
  expect(dk.engine).toBe("duckdb");
  expect(dk.stages).toEqual(js.stages);
  expect(existsSync(join(dir, `dk${i}.rej.csv`))).toBe(true);
  return readFileSync(outs[1], "utf8");
}

describe("DuckDB engine: stage names on every output path", () => {
  it("CSV written by DuckDB", async () => {
    const out = await both("csv");
    expect(out.split("\n").map((l) => l.split(",")[1])).toEqual(["stage", "none", "mql", "sql", "won", "won", "none", undefined]);
  });

  it("JSON Lines streamed through the JS writer", async () => {
    const out = await both("jsonl");
    expect(out.trim().split("\n").map((l) => (JSON.parse(l) as { stage: string }).stage)).toEqual(["none", "mql", "sql", "won", "won", "none"]);
  });
});
