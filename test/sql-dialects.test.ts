// Each dialect difference in compiler/sql-dialects.ts: the text it writes for every dialect, and,
// for the two engines run here (DuckDB, Postgres), what that text does.
import type { DuckDBConnection } from "@duckdb/node-api";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile } from "../compiler/compile.js";
import { emitSql } from "../compiler/sql/emit-sql.js";
import { DIALECTS, isSqlDialect, SQL_DIALECTS } from "../compiler/sql/sql-dialects.js";
import { formatDateDays, todayDays } from "../language/literals.js";
import { connectPostgres } from "./support/postgres.js";
import { openDuckdb, queryDuckdb, queryPostgres } from "./support/sql-tables.js";

const table = (rows: Record<string, string>) => rows;

describe("dialect text", () => {
  it("quotes identifiers", () => {
    expect(Object.fromEntries(SQL_DIALECTS.map((d) => [d, DIALECTS[d].ident('a.b"c`d')]))).toEqual(table({
      duckdb: '"a.b""c`d"', postgres: '"a.b""c`d"', snowflake: '"a.b""c`d"', bigquery: '`a.b\\"c\\`d`', spark: '`a.b"c``d`',
    }));
  });
  it("escapes strings", () => {
    expect(Object.fromEntries(SQL_DIALECTS.map((d) => [d, DIALECTS[d].string("it's \\ ok")]))).toEqual(table({
      duckdb: "'it''s \\ ok'", postgres: "E'it''s \\\\ ok'", snowflake: "'it''s \\\\ ok'", bigquery: "'it\\'s \\\\ ok'", spark: "'it\\'s \\\\ ok'",
    }));
    expect(DIALECTS.postgres.string("no backslash")).toBe("'no backslash'");
    expect(DIALECTS.bigquery.string("a\nb")).toBe("'a\\nb'");
  });
  it("dates and days_since", () => {
    for (const d of SQL_DIALECTS) expect(DIALECTS[d].date("2026-11-22")).toBe("DATE '2026-11-22'");
    expect(Object.fromEntries(SQL_DIALECTS.map((d) => [d, DIALECTS[d].daysBetween("x", "t")]))).toEqual(table({
      duckdb: "CAST(t - x AS DOUBLE)",
      postgres: "CAST(t - x AS DOUBLE PRECISION)",
      bigquery: "CAST(DATE_DIFF(t, x, DAY) AS FLOAT64)",
      snowflake: "CAST(DATEDIFF(day, x, t) AS DOUBLE)",
      spark: "CAST(datediff(t, x) AS DOUBLE)",
    }));
  });
  it("string functions", () => {
    expect(Object.fromEntries(SQL_DIALECTS.map((d) => [d, DIALECTS[d].containsText("h", "n")]))).toEqual(table({
      duckdb: "contains(h, n)",
      postgres: "(strpos(h, n) > 0)",
      bigquery: "(STRPOS(h, n) > 0)",
      snowflake: "CONTAINS(h, n)",
      spark: "(instr(h, n) > 0)",
    }));
    expect(Object.fromEntries(SQL_DIALECTS.map((d) => [d, DIALECTS[d].startsWithText("s", "p")]))).toEqual(table({
      duckdb: "starts_with(s, p)",
      postgres: "starts_with(s, p)",
      bigquery: "STARTS_WITH(s, p)",
      snowflake: "STARTSWITH(s, p)",
      spark: "startswith(s, p)",
    }));
    expect(Object.fromEntries(SQL_DIALECTS.map((d) => [d, DIALECTS[d].endsWithText("s", "p")]))).toEqual(table({
      duckdb: "ends_with(s, p)",
      postgres: "(right(s, length(p)) = p)",
      bigquery: "ENDS_WITH(s, p)",
      snowflake: "ENDSWITH(s, p)",
      spark: "endswith(s, p)",
    }));
    expect(Object.fromEntries(SQL_DIALECTS.map((d) => [d, DIALECTS[d].translate("x", "f", "t")]))).toEqual(table({
      duckdb: "translate(x, f, t)",
      postgres: "translate(x, f, t)",
      bigquery: "TRANSLATE(x, f, t)",
      snowflake: "TRANSLATE(x, f, t)",
      spark: "translate(x, f, t)",
    }));
    expect(Object.fromEntries(SQL_DIALECTS.map((d) => [d, DIALECTS[d].listContains("l", "x")]))).toEqual(table({
      duckdb: "list_contains(l, x)",
      postgres: "(x = ANY(l))",
      bigquery: "(x IN UNNEST(l))",
      snowflake: "ARRAY_CONTAINS(TO_VARIANT(x), l)",
      spark: "array_contains(l, x)",
    }));
  });
  it("doubles: non-integer literals and arithmetic are double precision, never decimal", () => {
    expect(Object.fromEntries(SQL_DIALECTS.map((d) => [d, DIALECTS[d].double("0.1")]))).toEqual(table({
      duckdb: "CAST('0.1' AS DOUBLE)", postgres: "CAST('0.1' AS DOUBLE PRECISION)", bigquery: "CAST('0.1' AS FLOAT64)", snowflake: "CAST('0.1' AS DOUBLE)", spark: "CAST('0.1' AS DOUBLE)",
    }));
  });
  it("booleans are TRUE/FALSE and every atomic predicate is NULL-safe", () => {
    const { program } = compile("schema {\n  a: boolean?\n  n: number?\n}\ncriterion c when a and not (n > 5) and n / 0 = 1\ns when c or true\n");
    for (const d of SQL_DIALECTS) {
      const sql = emitSql(program!.ir, { dialect: d, columns: "all" });
      expect(sql).toContain("COALESCE(a, FALSE)");
      expect(sql).toContain("(NOT COALESCE(n > 5, FALSE))");
      expect(sql).toContain("NULLIF(");
      expect(sql).toContain("OR TRUE");
    }
  });
  it("today is the engine's UTC date unless --as-of is given", () => {
    const { program } = compile("schema {\n  d: date?\n}\ns when days_since(d) < 3\n");
    expect(emitSql(program!.ir, { dialect: "spark" })).toContain("current_timezone()");
    expect(emitSql(program!.ir, { dialect: "spark", asOf: "2026-01-05" })).toContain("DATE '2026-01-05'");
    expect(() => emitSql(program!.ir, { dialect: "duckdb", asOf: "2026-02-30" })).toThrow(RangeError);
    expect(() => emitSql(program!.ir, { dialect: "duckdb", asOf: "x'; DROP TABLE leads; --" })).toThrow(RangeError);
  });
  it("views and qualified table names", () => {
    const { program } = compile("schema {\n  n: number?\n}\ns when n > 1\n");
    const sql = emitSql(program!.ir, { dialect: "bigquery", table: "proj.ds.leads", view: "proj.ds.scored" });
    expect(sql).toContain("CREATE OR REPLACE VIEW `proj`.`ds`.`scored` AS");
    expect(sql).toContain("FROM `proj`.`ds`.`leads`");
    expect(isSqlDialect("duckdb")).toBe(true);
    expect(isSqlDialect("mysql")).toBe(false);
  });
});

describe("dialect behaviour, executed", () => {
  let duck: DuckDBConnection;
  let client: pg.Client | undefined;
  beforeAll(async () => {
    duck = await openDuckdb();
    client = await connectPostgres();
  });
  afterAll(async () => client?.end());

  const cases = (d: "duckdb" | "postgres") => {
    const D = DIALECTS[d];
    return [
      [D.daysBetween(D.date("2026-11-01"), D.date("2026-11-22")), 21],
      [D.daysBetween(D.date("2024-03-01"), D.date("2024-02-28")), -2],
      [D.containsText(D.string("Chief Information Officer"), D.string("Information")), true],
      [D.containsText(D.string("Chief Information Officer"), D.string("information")), false],
      [D.containsText(D.string("abc"), D.string("")), true],
      [D.containsText(D.string("a_c"), D.string("_")), true],
      [D.containsText(D.string("abc"), D.string("a%")), false],
      [D.startsWithText(D.string("522110"), D.string("52")), true],
      [D.startsWithText(D.string("x52"), D.string("52")), false],
      [D.endsWithText(D.string("jo@acme.com"), D.string("@acme.com")), true],
      [D.endsWithText(D.string("jo@acme.com.au"), D.string("@acme.com")), false],
      [D.endsWithText(D.string("ΑΣ𐐀"), D.string("𐐀")), true],
      [D.endsWithText(D.string("abc"), D.string("")), true],
      [D.endsWithText(D.string("c"), D.string("abc")), false],
      [`COALESCE(${D.endsWithText("NULL", D.string("a"))}, FALSE)`, false],
      [D.translate(D.string("ΑΣ𐐀xİ\u212A"), D.string("ΑΣ𐐀\u212A"), D.string("ασ𐐨k")), "ασ𐐨xİk"],
      [`COALESCE(${D.containsText("NULL", D.string("a"))}, FALSE)`, false],
      [`COALESCE(${D.listContains(d === "duckdb" ? "CAST(NULL AS VARCHAR[])" : "CAST(NULL AS text[])", D.string("a"))}, FALSE)`, false],
      [`COALESCE(${D.listContains(d === "duckdb" ? "['a', 'b']" : "ARRAY['a', 'b']", D.string("b"))}, FALSE)`, true],
      [`COALESCE(${D.listContains(d === "duckdb" ? "['a', 'b']" : "ARRAY['a', 'b']", D.string("B"))}, FALSE)`, false],
      [`(${D.double("0.1")} + ${D.double("0.2")})`, 0.1 + 0.2],
      [`(7 / NULLIF(${D.double("2")}, 0))`, 3.5],
      [`CAST(${D.today} AS VARCHAR(10))`, formatDateDays(todayDays())],
    ] as [string, unknown][];
  };

  it("DuckDB", async () => {
    for (const [expr, want] of cases("duckdb")) {
      const [row] = await queryDuckdb(duck, `SELECT ${expr} AS v`);
      expect(row.v, expr).toEqual(want);
    }
  });
  it("Postgres", async () => {
    if (!client) return;
    for (const [expr, want] of cases("postgres")) {
      const [row] = await queryPostgres(client, `SELECT ${expr} AS v`);
      expect(row.v, expr).toEqual(want);
    }
  });
});
