// The DuckDB engine keeps results in input order without numbering rows: it relies on the
// scoring query of a definition without event streams being made of operators that keep row
// order (scans, projections, filters), so that a result's place is its row's position. This
// checks that premise on the plans DuckDB makes of the engine's own queries: random definitions
// (with grades and disqualifications) and every example without streams, over each reading —
// CSV, Parquet, JSON Lines read as objects and JSON Lines read by lines.
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDuckdb } from "../compiler/batch/duckdb/run.js";
import { MACROS } from "../compiler/batch/duckdb/sql-output.js";
import { compile, compileFile } from "../compiler/compile.js";
import type { Program } from "../compiler/runtime/program.js";
import { parseDateDays } from "../language/literals.js";
import { generateCase } from "./support/random-program.js";
import { csvToParquet } from "./support/parquet.js";

const dir = mkdtempSync(join(tmpdir(), "leaddef-row-order-"));

/** Every statement the engine runs (DuckDBConnection.run), in order. */
const statements: string[] = [];
const originalRun = DuckDBConnection.prototype.run;
beforeAll(() => {
  DuckDBConnection.prototype.run = function (this: DuckDBConnection, sql: string, ...rest: unknown[]) {
    statements.push(sql);
    return (originalRun as (...a: unknown[]) => ReturnType<typeof originalRun>).call(this, sql, ...rest);
  } as typeof originalRun;
});
afterAll(() => {
  DuckDBConnection.prototype.run = originalRun;
});

/** Physical operators that keep the row order of their input. */
const ORDER_KEEPING = /^(PROJECTION|FILTER|READ_CSV|READ_CSV_AUTO|READ_PARQUET|PARQUET_SCAN|READ_JSON|TABLE_SCAN)$/;

/** The operators of a physical plan (EXPLAIN FORMAT json) that do not keep row order. */
function orderBreaking(nodes: { name?: string; children?: unknown[] }[]): string[] {
  return nodes.flatMap((n) => [...(ORDER_KEEPING.test(String(n.name ?? "").trim()) ? [] : [String(n.name)]), ...orderBreaking((n.children ?? []) as never)]);
}

/** Inputs of each reading for `program`: one lead with no fields (the plan depends on columns, not values). */
function inputs(program: Program, k: number): { file: string; format: "csv" | "jsonl" | "parquet" }[] {
  const columns = ["id", ...program.fields.map((f) => f.column)];
  const csv = join(dir, `p${k}.csv`);
  writeFileSync(csv, `${columns.map((c) => `"${c.replace(/"/g, '""')}"`).join(",")}\n1${",".repeat(columns.length - 1)}\n`);
  const objects = join(dir, `p${k}.jsonl`);
  writeFileSync(objects, '{"id": "1"}\n');
  // A blank line: read_json would skip it, so the engine reads this file by lines.
  const lines = join(dir, `p${k}-lines.jsonl`);
  writeFileSync(lines, '{"id": "1"}\n\n{"id": "2"}\n');
  return [
    { file: csv, format: "csv" },
    { file: csv.replace(/\.csv$/, ".parquet"), format: "parquet" },
    { file: objects, format: "jsonl" },
    { file: lines, format: "jsonl" },
  ];
}

async function checkPlans(program: Program, k: number): Promise<void> {
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  try {
    await con.run(MACROS);
    const files = inputs(program, k);
    await csvToParquet(files[0].file, files[1].file);
    for (const { file, format } of files) {
      statements.length = 0;
      const summary = await runDuckdb({ program, input: file, inputFormat: format, asOf: parseDateDays("2026-11-22"), idColumn: "id", columns: "all", outputFormat: "csv", output: join(dir, "out.csv"), rejectsPath: join(dir, "rej.csv"), threads: 2 });
      expect(summary.engine, `${file}: ${summary.warnings.join("; ")}`).toBe("duckdb");
      // The scoring pass: the COPY of the query's results to the results file.
      const scoring = statements.filter((s) => /^COPY \(SELECT /.test(s) && /results\.(txt|parquet)'/.test(s));
      expect(scoring.length, file).toBeGreaterThan(0);
      for (const sql of scoring) {
        const select = sql.replace(/^COPY \(/, "").replace(/\) TO '[^']*results\.(txt|parquet)' \([^)]*\)\s*$/, "");
        const plan = await con.runAndReadAll(`EXPLAIN (FORMAT json) ${select}`);
        expect(orderBreaking(JSON.parse(String(plan.getRows()[0][1]))), `${file} (${format})`).toEqual([]);
      }
    }
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

describe("the DuckDB engine's scoring query keeps row order (no event streams)", () => {
  it("random definitions, with and without grades and disqualifications", async () => {
    for (let seed = 1; seed <= 4; seed++) {
      const { program, diagnostics } = compile(generateCase(seed, 0, { behaviour: seed % 2 === 0 }).source);
      expect(program, JSON.stringify(diagnostics)).toBeDefined();
      if (program!.ir.streams.length) continue;
      await checkPlans(program!, seed);
    }
  });

  it("every example definition without event streams", async () => {
    const examples = readdirSync("examples").filter((f) => f.endsWith(".leaddef"));
    let checked = 0;
    for (const [k, f] of examples.entries()) {
      const { program } = compileFile(join("examples", f));
      if (!program || program.ir.streams.length) continue;
      await checkPlans(program, 100 + k);
      checked++;
    }
    expect(checked).toBeGreaterThan(3);
  });

  it("the check sees an operator that does not keep order", () => {
    // A window over the whole input (what numbering rows costs) is not a scan or projection.
    expect(orderBreaking([{ name: "PROJECTION", children: [{ name: "WINDOW", children: [{ name: "READ_CSV" }] }] }])).toEqual(["WINDOW"]);
  });
});
