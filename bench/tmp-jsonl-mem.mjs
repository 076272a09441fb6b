import { compileFile } from "../dist/compiler/compile.js";
import { runDuckdb } from "../dist/compiler/batch/duckdb/run.js";
import { parseDateDays } from "../dist/language/literals.js";
const [limit, threads] = process.argv.slice(2);
const program = compileFile("bench/bench.leaddef").program;
const t = performance.now();
const s = await runDuckdb({ program, input: "bench/data/leads-1000000-s42-g308e805a.jsonl", inputFormat: "jsonl", asOf: parseDateDays("2026-11-22"), idColumn: "id", columns: "default", outputFormat: "csv", output: "/tmp/mj.csv", rejectsPath: "/tmp/mj.rej.csv", memoryLimit: limit, threads: threads ? Number(threads) : undefined });
console.error(limit, s.engine, ((performance.now() - t) / 1000).toFixed(2), s.warnings.join(";").slice(0, 100));
