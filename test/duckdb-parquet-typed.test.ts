// A typed Parquet column read directly (parquet-typed.ts) must score exactly as its text read
// through the codecs: the same file with every column cast to VARCHAR gives the same results,
// rejects and summary, byte for byte, over edge values of each type the direct reading takes and
// of the types it leaves to the text (FLOAT, DECIMAL, TIMESTAMP WITH TIME ZONE).
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { beforeAll, describe, expect, it } from "vitest";
import { compile } from "../compiler/compile.js";
import { runDuckdb } from "../compiler/batch/duckdb/run.js";
import { parquetField } from "../compiler/batch/duckdb/parquet-typed.js";
import { csvField } from "../compiler/batch/duckdb/readers.js";
import { parseDateDays } from "../language/literals.js";

const dir = mkdtempSync(join(tmpdir(), "leaddef-parquet-typed-"));
const typed = join(dir, "typed.parquet");
const text = join(dir, "text.parquet");

const DEFINITION = `schema {
  b: boolean?
  n: number?
  i: integer?
  u: number?
  d: number?
  f: number?
  dec: number?
  day: date?
  ts: date?
  tz: date?
  e: enum(alpha, beta)?
  s: string?
  wn: integer?
  wd: integer?
}
criterion hit when wn > 5 or wd > 5 or b or n > 0 or i > 0 or u > 0 or d > 0 or f > 0 or dec > 0 or days_since(day) <= 30 or days_since(ts) <= 30 or days_since(tz) <= 30 or e = beta or s contains "x"
yes when hit
`;

// One value per row and column (NULL where a column has fewer): the edge values of each type.
const COLUMNS: Record<string, [type: string, values: string[]]> = {
  b: ["BOOLEAN", ["true", "false"]],
  n: ["BIGINT", ["0", "-1", "9007199254740993", "-9223372036854775808", "9223372036854775807", "42"]],
  i: ["INTEGER", ["-2147483648", "2147483647", "7"]],
  u: ["UBIGINT", ["18446744073709551615", "9007199254740993", "0"]],
  d: ["DOUBLE", ["'nan'", "'inf'", "'-inf'", "-0.0", "0.1", "1e308", "5e-324", "1.0/3", "9007199254740993", "-1e-7", "123456789012345678901234567890.0", "2.5"]],
  f: ["FLOAT", ["0.1", "'nan'", "3.4e38", "1e-45", "16777217", "-0.0"]],
  dec: ["DECIMAL(38, 10)", ["0.1", "1234567890123456789012345678.0123456789", "-0.0000000001", "2.5"]],
  day: ["DATE", ["'2026-11-01'", "'0001-01-01'", "'9999-12-31'", "'0050-06-15'", "'10000-01-01'", "'0044-03-15 (BC)'", "'infinity'", "'-infinity'"]],
  ts: ["TIMESTAMP", ["'2026-11-20 23:59:59.999999'", "'0001-01-01 00:00:00'", "'9999-12-31 23:59:59'", "'12000-01-01 00:00:00'", "'0010-01-01 (BC) 00:00:00'", "'infinity'"]],
  tz: ["TIMESTAMPTZ", ["'2026-11-20 23:30:00+00'", "'2026-11-21 01:30:00+05'", "'infinity'"]],
  e: ["VARCHAR", ["'beta'", "' Beta '", "'ALPHA'", "'gamma'", "''", "'\u00A0beta'"]],
  s: ["VARCHAR", ["'x'", "''", "'XY'"]],
  // integer fields: a BIGINT column is whole by its type (no check), a DOUBLE column is checked.
  wn: ["BIGINT", ["9223372036854775807", "-3", "6", "9007199254740993"]],
  wd: ["DOUBLE", ["2.5", "6.0", "'inf'", "-0.0", "1e300", "9007199254740993"]],
};

beforeAll(async () => {
  const rows = Math.max(...Object.values(COLUMNS).map(([, v]) => v.length)) + 1; // and a row of NULLs
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  const cells = (name: string) => {
    const [type, values] = COLUMNS[name];
    return `CASE k ${values.map((v, k) => `WHEN ${k} THEN CAST(${v} AS ${type})`).join(" ")} END AS ${name}`;
  };
  const select = `SELECT 'L' || k AS id, ${Object.keys(COLUMNS).map(cells).join(", ")} FROM range(${rows}) AS t(k) ORDER BY k`;
  await con.run("SET TimeZone = 'UTC'");
  await con.run(`COPY (${select}) TO '${typed}' (FORMAT parquet)`);
  await con.run(`COPY (SELECT CAST(COLUMNS(*) AS VARCHAR) FROM read_parquet('${typed}')) TO '${text}' (FORMAT parquet)`);
  con.closeSync();
});

describe("Parquet: typed columns read directly score as their text does", () => {
  it("results, rejects and summary are byte-identical to the all-text file's", async () => {
    const { program, diagnostics } = compile(DEFINITION);
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const run = async (input: string, k: string) => {
      const s = await runDuckdb({ program: program!, input, inputFormat: "parquet", asOf: parseDateDays("2026-11-22"), idColumn: "id", columns: "all", outputFormat: "csv", output: join(dir, `${k}.csv`), rejectsPath: join(dir, `${k}.rej.csv`), threads: 2 });
      const rejects = existsSync(join(dir, `${k}.rej.csv`)) ? readFileSync(join(dir, `${k}.rej.csv`), "utf8") : "";
      return { out: readFileSync(join(dir, `${k}.csv`), "utf8"), rejects, summary: { ...s, seconds: 0, output: "", rejectsPath: "" } };
    };
    const a = await run(typed, "typed");
    const b = await run(text, "text");
    expect(a.out).toBe(b.out);
    expect(a.rejects).toBe(b.rejects);
    expect(a.summary).toEqual(b.summary);
    // The edge values do reach both kinds of reading: some rows rejected (NaN, dates out of range), most scored.
    expect(a.summary.rowsRejected).toBeGreaterThan(0);
    expect(a.summary.rowsWritten).toBeGreaterThan(0);
  });

  it("each field's value is the one its text reads, exactly (as text: -0, the last digit and the date all show)", async () => {
    const { program } = compile(DEFINITION);
    const db = await DuckDBInstance.create(":memory:");
    const con = await db.connect();
    const names = Object.keys(COLUMNS);
    for (const f of program!.fields) {
      const typedSql = parquetField(f, f.path, COLUMNS[f.path][0] === "TIMESTAMPTZ" ? "TIMESTAMP WITH TIME ZONE" : COLUMNS[f.path][0].replace(/\(.*/, ""));
      const textSql = csvField(f, `CAST(${JSON.stringify(f.path)} AS VARCHAR)`, {}, true);
      const rows = await con.runAndReadAll(`SELECT CAST(${typedSql.value} AS VARCHAR) AS a, CAST(${textSql.value} AS VARCHAR) AS b, (${typedSql.present}) = (${textSql.present}) AS same FROM read_parquet('${typed}')`);
      const got = rows.getRowObjectsJS();
      expect(got.map((r) => r.a), f.path).toEqual(got.map((r) => r.b));
      expect(got.every((r) => r.same), f.path).toBe(true);
      expect(names).toContain(f.path);
    }
    con.closeSync();
  });

  it("the types that hold a value are read without their text", () => {
    const { program } = compile(DEFINITION);
    const field = (path: string) => program!.fields.find((f) => f.path === path)!;
    expect(parquetField(field("b"), "c1", "BOOLEAN").value).toBe('"c1"');
    expect(parquetField(field("n"), "c2", "BIGINT").value).toBe('CAST("c2" AS DOUBLE)');
    expect(parquetField(field("d"), "c3", "DOUBLE").value).toMatch(/^CASE WHEN isfinite\("c3"\) THEN "c3" ELSE/);
    expect(parquetField(field("day"), "c4", "DATE").value).toMatch(/^CASE WHEN "c4" BETWEEN DATE '0001-01-01' AND DATE '9999-12-31' THEN "c4" ELSE/);
    // Left to the text: the float's text is not the double's, the zone's date depends on the session.
    expect(parquetField(field("f"), "c5", "FLOAT").value).toContain('CAST("c5" AS VARCHAR)');
    expect(parquetField(field("tz"), "c6", "TIMESTAMP WITH TIME ZONE").value).toContain('CAST("c6" AS VARCHAR)');
  });
});
