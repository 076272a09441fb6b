// Times a JSON Lines scoring worker's own work: JsonlChunkScorer.scorePiece over a file cut into
// 512 KiB pieces, on this thread, no I/O (the file is read first). For comparing two checkouts:
//   node bench/jsonl-pieces.mjs FILE.jsonl [--root CHECKOUT] [--reps 4]
// (CHECKOUT: a built checkout, default this one; the definition is bench/bench.leaddef). Prints
// each repetition's wall and CPU time (CPU: less disturbed by the neighbours of a shared machine).
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
const { values, positionals } = parseArgs({ allowPositionals: true, options: { root: { type: "string" }, reps: { type: "string" } } });
const root = resolve(values.root ?? resolve(here, ".."));
const { compileFile } = await import(`${root}/dist/compiler/index.js`);
const { JsonlChunkScorer } = await import(`${root}/dist/compiler/batch/js/jsonl-scorer.js`);
const { resultColumns } = await import(`${root}/dist/compiler/batch/output.js`);
const program = compileFile(resolve(here, "bench.leaddef")).program;
const file = readFileSync(positionals[0] ?? resolve(here, "data", "leads-1000000-s42-g308e805a.jsonl"));
const scorer = new JsonlChunkScorer(program, "id", Date.UTC(2026, 11, 1) / 86_400_000, resultColumns(program, "default"), false, "csv");
for (let rep = 0; rep < Number(values.reps ?? 4); rep++) {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  let rows = 0;
  for (let start = 0; start < file.length; ) {
    let end = file.lastIndexOf(10, Math.min(file.length, start + (1 << 19)) - 1) + 1;
    if (end <= start) end = file.length;
    rows += scorer.scorePiece(file.subarray(start, end)).rows;
    start = end;
  }
  const used = process.cpuUsage(cpu);
  console.log(`${root}: ${rows} rows, ${(performance.now() - wall).toFixed(0)} ms wall, ${((used.user + used.system) / 1000).toFixed(0)} ms CPU`);
}
