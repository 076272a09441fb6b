// Runs an input file through both batch engines and holds the DuckDB engine to the JS one: the
// same output, rejects file and counts. Shared by the DuckDB engine's tests.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { expect } from "vitest";
import { openEventFiles, streamAssignments } from "../../compiler/app/stream-options.js";
import { runDuckdb } from "../../compiler/batch/duckdb/run.js";
import { runJs } from "../../compiler/batch/js/run-js.js";
import type { Program } from "../../compiler/runtime/program.js";
import { parseDateDays } from "../../language/literals.js";

/**
 * How both engines run: writing to a CSV file (the default), a JSON Lines file, or a stream the
 * caller owns (CSV, as `run -o -` writes to standard output); `events`, `--events` pairs
 * (`STREAM=FILE`), read by each engine its own way; `parquet`, a Parquet file of the input's
 * rows that DuckDB reads instead (the JS engine reads no Parquet).
 */
export interface BothEnginesHow {
  output?: "csv" | "jsonl" | "stream";
  events?: readonly string[];
  parquet?: string;
}

/** A stream that keeps what is written to it, as text. */
function collector(): { stream: Writable; text: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

/**
 * A function that runs both engines on an input file (outputs numbered in `dir`), checks they
 * agree and returns the DuckDB run's summary with the path of its rejects file.
 */
export function bothEngines(program: Program, dir: string) {
  let n = 0;
  return async (input: string, inputFormat: "csv" | "jsonl", how: BothEnginesHow = {}) => {
    const k = n++;
    const outputFormat = how.output === "jsonl" ? "jsonl" as const : "csv" as const;
    const base = { program, input, inputFormat, asOf: parseDateDays("2026-11-22"), idColumn: "id", columns: "all" as const, outputFormat };
    const pairs = how.events ?? [];
    const target = (engine: string) => {
      if (how.output === "stream") return collector();
      const path = join(dir, `${engine}${k}.${outputFormat}`);
      return { stream: path, text: () => readFileSync(path, "utf8") };
    };
    const jsOut = target("js");
    const dkOut = target("dk");
    const js = await runJs({ ...base, output: jsOut.stream, rejectsPath: join(dir, `js${k}.rej.csv`), events: openEventFiles(pairs, program.ir, "id") });
    const dk = await runDuckdb({
      ...base,
      ...(how.parquet ? { input: how.parquet, inputFormat: "parquet" as const } : {}),
      output: dkOut.stream,
      rejectsPath: join(dir, `dk${k}.rej.csv`),
      threads: 2,
      ...(pairs.length ? { eventPaths: streamAssignments(pairs, program.ir, "--events"), readEvents: () => openEventFiles(pairs, program.ir, "id") } : {}),
    });
    expect(dkOut.text()).toBe(jsOut.text());
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
  return (text: string, how?: BothEnginesHow) => {
    const input = join(dir, `in${n++}.jsonl`);
    writeFileSync(input, text);
    return run(input, "jsonl", how);
  };
}
