// The DuckDB engine writes numbers (scores, reject values) as JS `String(n)` writes them, with the
// macro `leaddef_js_num` (compiler/batch/duckdb/sql-output.ts). Checked here over edge values and
// random doubles: random bit patterns and random short decimals at every scale.
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { MACROS } from "../compiler/batch/duckdb/sql-output.js";
import { rng } from "./support/random-program.js";

const EDGES = [0, -0, 1, -1, 0.1, 0.5, -2.5, 1 / 3, 100, 4, 1e20, 1e21, 1e22, 1e-6, 1e-7, 1.2e-7, 3.9e-6, 123e-20, 2 ** 53, 2 ** 53 + 2, -(2 ** 60), 123456789.123456789, 1.7976931348623157e308, 5e-324, NaN, Infinity, -Infinity];

function randomDoubles(seed: number, n: number): number[] {
  const next = rng(seed);
  const view = new DataView(new ArrayBuffer(8));
  return Array.from({ length: n }, (_, k) => {
    if (k % 2) {
      view.setUint32(0, Math.floor(next() * 2 ** 32));
      view.setUint32(4, Math.floor(next() * 2 ** 32));
      return view.getFloat64(0);
    }
    const scale = 10 ** Math.floor(next() * 40 - 15);
    return Number((next() * scale).toPrecision(1 + Math.floor(next() * 17))) * (next() < 0.5 ? -1 : 1);
  });
}

describe("leaddef_js_num: JS String(n) in SQL", () => {
  it("edge values and 20,000 random doubles", async () => {
    const values = [...EDGES, ...randomDoubles(11, 20_000)];
    const db = await DuckDBInstance.create(":memory:");
    const con = await db.connect();
    try {
      await con.run(MACROS);
      await con.run("CREATE TABLE v (k INTEGER, x DOUBLE)");
      const appender = await con.createAppender("v");
      values.forEach((x, k) => {
        appender.appendInteger(k);
        appender.appendDouble(x);
        appender.endRow();
      });
      appender.closeSync();
      const rows = (await con.runAndReadAll("SELECT k, leaddef_js_num(x) FROM v ORDER BY k")).getRows();
      const wrong = rows.filter(([k, s]) => s !== String(values[Number(k)])).map(([k, s]) => `${values[Number(k)]} written ${String(s)}`);
      expect(wrong).toEqual([]);
    } finally {
      con.closeSync();
      db.closeSync();
    }
  });
});
