// Runs an input file through both batch engines and holds the DuckDB engine to the JS one: the
// same output, rejects file and counts. Shared by the DuckDB engine's tests.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { runDuckdb } from "../../compiler/batch/duckdb/run.js";
import { runJs } from "../../compiler/batch/js/run-js.js";
import type { Program } from "../../compiler/runtime/program.js";
import { parseDateDays } from "../../language/literals.js";

/**
 * A function that runs both engines on an input file (outputs numbered in `dir`), checks they
 * agree and returns the DuckDB run's summary with the path of its rejects file.
 */
export function bothEngines(program: Program, dir: string) {
  let n = 0;
  return async (input: string, inputFormat: "csv" | "jsonl") => {
    const k = n++;
    const base = { program, input, inputFormat, asOf: parseDateDays("2026-11-22"), idColumn: "id", columns: "all" as const, outputFormat: "csv" as const };
    const js = await runJs({ ...base, output: join(dir, `js${k}.csv`), rejectsPath: join(dir, `js${k}.rej.csv`) });
    const dk = await runDuckdb({ ...base, output: join(dir, `dk${k}.csv`), rejectsPath: join(dir, `dk${k}.rej.csv`), threads: 2 });
    expect(readFileSync(join(dir, `dk${k}.csv`), "utf8")).toBe(readFileSync(join(dir, `js${k}.csv`), "utf8"));
    const rej = (p: string) => (existsSync(p) ? readFileSync(p, "utf8") : "");
    expect(rej(join(dir, `dk${k}.rej.csv`))).toBe(rej(join(dir, `js${k}.rej.csv`)));
    expect({ read: dk.rowsRead, written: dk.rowsWritten, rejected: dk.rowsRejected, stages: dk.stages }).toEqual({ read: js.rowsRead, written: js.rowsWritten, rejected: js.rowsRejected, stages: js.stages });
    return Object.assign(dk, { rejectsFile: join(dir, `dk${k}.rej.csv`) });
  };
}

/** `bothEngines` over JSON Lines text, written to a file of its own in `dir` first. */
export function bothEnginesOnJsonl(program: Program, dir: string) {
  const run = bothEngines(program, dir);
  let n = 0;
  return (text: string) => {
    const input = join(dir, `in${n++}.jsonl`);
    writeFileSync(input, text);
    return run(input, "jsonl");
  };
}
