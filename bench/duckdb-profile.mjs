// Profiles `leaddef run --engine duckdb`: logs every statement the engine runs (@ its start, in s
// since the process started) with its wall time,
// and EXPLAIN ANALYZEs the big ones (set PROFILE_ANALYZE=1) into /tmp/leaddef-profile-<n>.txt.
// With PROFILE_OPERATORS=1 the scoring COPY runs under DuckDB's detailed profiler and each
// operator's CPU time (summed over threads) is printed with its columns (or expression): the first
// place to look for a costly expression (one projection per CTE of the scoring SQL: the columns
// it adds name the criterion or score it computes).
// usage: node bench/duckdb-profile.mjs FILE.leaddef INPUT [csv|jsonl|parquet]   (after `npm run build`)
import { readFileSync, writeFileSync } from "node:fs";
import { DuckDBInstance } from "../dist/compiler/batch/duckdb/duckdb-api.js";
import { compileFile } from "../dist/compiler/compile.js";
import { runDuckdb } from "../dist/compiler/batch/duckdb/run.js";
import { parseDateDays } from "../dist/language/literals.js";

const [file, input, fmt = input.endsWith(".jsonl") ? "jsonl" : "csv"] = process.argv.slice(2);
const analyze = process.env.PROFILE_ANALYZE === "1";
let k = 0;
// The connection class the engine uses (the bundled copy of @duckdb/node-api when built).
const DuckDBConnection = { prototype: Object.getPrototypeOf(await (await DuckDBInstance.create(":memory:")).connect()) };
for (const method of ["run", "runAndReadAll", "stream"]) {
  const orig = DuckDBConnection.prototype[method];
  DuckDBConnection.prototype[method] = async function (sql, ...rest) {
    const n = k++;
    writeFileSync(`/tmp/leaddef-sql-${n}.sql`, sql);
    const select = sql.trim().replace(/^CREATE TEMP TABLE \w+ AS /, "");
    if (analyze && /^SELECT/.test(select)) {
      const r = await DuckDBConnection.prototype.runAndReadAll.__orig.call(this, `EXPLAIN ANALYZE ${select}`);
      writeFileSync(`/tmp/leaddef-profile-${n}.txt`, r.getRows().map((row) => row.join("\n")).join("\n"));
    }
    const operators = process.env.PROFILE_OPERATORS === "1" && /^COPY \(/.test(sql.trim());
    if (operators) {
      await orig.call(this, `PRAGMA enable_profiling = 'json'; PRAGMA profiling_output = '/tmp/leaddef-profile-${n}.json'; SET profiling_mode = 'detailed'`);
    }
    const t = performance.now();
    const c = process.cpuUsage();
    const out = await orig.call(this, sql, ...rest);
    if (operators) {
      await orig.call(this, "PRAGMA disable_profiling");
      printOperators(JSON.parse(readFileSync(`/tmp/leaddef-profile-${n}.json`, "utf8")));
    }
    const cpu = process.cpuUsage(c);
    process.stderr.write(`@${(t/1000).toFixed(3)} [${n}] ${method} ${((performance.now() - t) / 1000).toFixed(2)} s (cpu ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s)  ${sql.trim().slice(0, 70).replace(/\s+/g, " ")}\n`);
    return out;
  };
  DuckDBConnection.prototype[method].__orig = orig;
}
/** DuckDB's JSON profile as an indented operator tree: CPU seconds, rows, and the start of its columns or expression. */
function printOperators(profile) {
  const walk = (node, depth) => {
    const info = node.extra_info ?? {};
    const what = [info.Projections, info.Expressions, info.Table, info.Function].flat().filter(Boolean).join(", ");
    if (node.operator_type) {
      process.stderr.write(`${"  ".repeat(depth)}${node.operator_type} ${(node.operator_timing ?? 0).toFixed(3)} s, ${node.operator_cardinality ?? 0} rows  ${what.replace(/\s+/g, " ").slice(0, 100)}\n`);
    }
    for (const child of node.children ?? []) walk(child, depth + (node.operator_type ? 1 : 0));
  };
  process.stderr.write(`operators (query ${profile.latency?.toFixed(3)} s, CPU ${profile.cpu_time?.toFixed(3)} s):\n`);
  walk(profile, 0);
}

const program = compileFile(file).program;
const t = performance.now();
process.stderr.write(`@${(t / 1000).toFixed(3)} runDuckdb starts\n`);
const c0 = process.cpuUsage();
const s = await runDuckdb({
  program, input, inputFormat: fmt, asOf: parseDateDays("2026-11-22"), idColumn: "id", columns: "default",
  outputFormat: "csv", output: "/tmp/leaddef-profile-out.csv", rejectsPath: "/tmp/leaddef-profile-rej.csv",
  threads: process.env.THREADS ? Number(process.env.THREADS) : undefined,
});
const cpu = process.cpuUsage(c0);
process.stderr.write(`total ${((performance.now() - t) / 1000).toFixed(2)} s (cpu ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s), engine ${s.engine}, rows ${s.rowsRead}\n`);
