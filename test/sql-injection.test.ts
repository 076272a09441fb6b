// No .leaddef content can change a generated query's structure. Hostile strings (quotes,
// backslashes, comment openers, `'; DROP TABLE leads; --`, newlines, unicode) in conditions and
// hostile names (SQL keywords, the grammar allows no other characters) in every dialect:
// - executed in DuckDB and Postgres: the table is untouched and every string compares equal to
//   the same value stored in the table (so the literal is the value, verbatim);
// - for every dialect: a lexer that follows the dialect's own quoting rules finds each hostile
//   string inside exactly one literal, and nothing outside literals but the query we wrote.
import type { DuckDBConnection } from "@duckdb/node-api";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile } from "../compiler/compile.js";
import { emitSql } from "../compiler/sql/emit-sql.js";
import { DIALECTS, SQL_DIALECTS, type SqlDialectName } from "../compiler/sql/sql-dialects.js";
import { connectPostgres } from "./support/postgres.js";
import { loadDuckdb, loadPostgres, openDuckdb, queryDuckdb, queryPostgres } from "./support/sql-tables.js";
import { HOSTILE, HOSTILE_SOURCE as SOURCE } from "./support/hostile-sql.js";

const compiled = compile(SOURCE);
const program = compiled.program!;

describe("hostile names and strings", () => {
  it("compile", () => {
    expect(compiled.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  let duck: DuckDBConnection;
  let client: pg.Client | undefined;
  const leads = HOSTILE.map((h, i) => ({ id: i, "select.from": h, "drop.table": i % 2 ? "union" : "Leads", "order.by": [h] }));
  const expected = leads.map((l) => program.evaluate(l, { asOf: "2026-11-22" }));

  beforeAll(async () => {
    duck = await openDuckdb();
    client = await connectPostgres();
  });
  afterAll(async () => {
    await client?.query('DROP TABLE IF EXISTS "leads"');
    await client?.end();
  });

  const checkRows = (rows: Record<string, unknown>[]) => {
    expect(rows.length).toBe(HOSTILE.length);
    for (const row of rows) {
      const i = Number(row.id);
      expect(row.stage).toBe(expected[i].stage);
      for (const s of program.scores) expect(row[s]).toBe(expected[i].scores[s]);
      // Each string literal equals exactly the value stored for its own lead.
      HOSTILE.forEach((h, k) => {
        expect(row[`select_${k}`], `${JSON.stringify(h)} vs lead ${i}`).toBe(HOSTILE[i] === h);
        expect(row[`listed_${k}`]).toBe(HOSTILE[i] === h);
      });
    }
  };

  it("run in DuckDB: values verbatim, table untouched", async () => {
    await loadDuckdb(duck, "leads", program.fields, leads);
    const rows = await queryDuckdb(duck, emitSql(program.ir, { dialect: "duckdb", asOf: "2026-11-22", columns: "all" }));
    checkRows(rows);
    const back = await queryDuckdb(duck, 'SELECT "select.from" AS v FROM "leads" ORDER BY id');
    expect(back.map((r) => r.v)).toEqual(HOSTILE);
    // a hostile table or view name is one quoted identifier
    const hostileTable = 'leads"; DROP TABLE "leads"; --';
    await expect(queryDuckdb(duck, emitSql(program.ir, { dialect: "duckdb", table: hostileTable }))).rejects.toThrow(/does not exist/);
    await duck.run(emitSql(program.ir, { dialect: "duckdb", view: "v'; DROP TABLE leads; --", asOf: "2026-11-22" }));
    expect((await queryDuckdb(duck, `SELECT count(*) AS n FROM "v'; DROP TABLE leads; --"`))[0].n).toBe(HOSTILE.length);
    expect((await queryDuckdb(duck, 'SELECT count(*) AS n FROM "leads"'))[0].n).toBe(HOSTILE.length);
  });

  it("run in Postgres: values verbatim, table untouched (both standard_conforming_strings settings)", async () => {
    if (!client) return;
    await loadPostgres(client, "leads", program.fields, leads);
    const sql = emitSql(program.ir, { dialect: "postgres", asOf: "2026-11-22", columns: "all" });
    checkRows(await queryPostgres(client, sql));
    await client.query("SET standard_conforming_strings = off");
    try {
      checkRows(await queryPostgres(client, sql));
    } finally {
      await client.query("SET standard_conforming_strings = on");
    }
    const back = await client.query('SELECT "select.from" AS v FROM "leads" ORDER BY id');
    expect(back.rows.map((r) => r.v)).toEqual(HOSTILE);
    await expect(client.query(emitSql(program.ir, { dialect: "postgres", table: 'leads"; DROP TABLE "leads"; --' }))).rejects.toThrow(/does not exist/);
    expect((await client.query('SELECT count(*)::int AS n FROM "leads"')).rows[0].n).toBe(HOSTILE.length);
  });

  for (const dialect of SQL_DIALECTS) {
    it(`${dialect}: every hostile string sits inside one literal, nothing else leaks`, () => {
      const sql = emitSql(program.ir, { dialect, columns: "all", asOf: "2026-11-22" });
      const tokens = lex(dialect, sql);
      const strings = tokens.filter((t) => t.kind === "string").map((t) => t.value);
      for (const h of HOSTILE) expect(strings, JSON.stringify(h)).toContain(h);
      const code = tokens.filter((t) => t.kind === "code").map((t) => t.value).join(" ");
      expect(code).not.toMatch(/DROP|;(?!\s*$)|\/\*|\*\//);
      // Source text sits in `--` comments, and no comment holds a character that any SQL lexer
      // may take as the end of the line (so what follows it in the comment stays a comment).
      const comments = tokens.filter((t) => t.kind === "comment").map((t) => t.value);
      expect(comments.some((c) => c.includes("*/ DROP TABLE leads; /*"))).toBe(true);
      expect(comments.filter((c) => c.includes("DROP TABLE leads")).length).toBeGreaterThanOrEqual(5);
      for (const c of comments) expect(c, JSON.stringify(c)).toMatch(/^--[^\r\n\u0085\u2028\u2029\v\f]*(?<!\\)$/);
    });
  }
});

type Token = { kind: "string" | "ident" | "comment" | "code"; value: string };

/**
 * A lexer for the parts of each dialect's grammar that decide where a literal ends: string
 * literals (with that dialect's escapes), quoted identifiers and comments.
 */
export function lex(dialect: SqlDialectName, sql: string): Token[] {
  const backslashStrings = dialect === "bigquery" || dialect === "spark" || dialect === "snowflake";
  const identQuote = dialect === "bigquery" || dialect === "spark" ? "`" : '"';
  const out: Token[] = [];
  let code = "";
  const flush = () => { if (code) out.push({ kind: "code", value: code }); code = ""; };
  const ESC: Record<string, string> = { n: "\n", r: "\r", t: "\t", "\\": "\\", "'": "'", '"': '"', "`": "`" };
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    if (ch === "-" && sql[i + 1] === "-") {
      flush();
      const end = sql.indexOf("\n", i);
      out.push({ kind: "comment", value: sql.slice(i, end < 0 ? sql.length : end) });
      i = end < 0 ? sql.length : end;
    } else if (ch === "/" && sql[i + 1] === "*") {
      flush();
      const end = sql.indexOf("*/", i + 2);
      out.push({ kind: "comment", value: sql.slice(i, end + 2) });
      i = end < 0 ? sql.length : end + 2;
    } else if (ch === "'" || (dialect === "postgres" && (ch === "E" || ch === "e") && sql[i + 1] === "'" && !/\w/.test(sql[i - 1] ?? ""))) {
      flush();
      const escapes = backslashStrings || ch !== "'";
      i += ch === "'" ? 1 : 2;
      let value = "";
      for (;;) {
        if (i >= sql.length) throw new Error("unterminated string");
        const c = sql[i];
        if (escapes && c === "\\") { value += ESC[sql[i + 1]] ?? sql[i + 1]; i += 2; continue; }
        if (c === "'" && sql[i + 1] === "'" && dialect !== "bigquery" && dialect !== "spark") { value += "'"; i += 2; continue; }
        if (c === "'") { i++; break; }
        value += c;
        i++;
      }
      out.push({ kind: "string", value });
    } else if (ch === identQuote) {
      flush();
      i++;
      let value = "";
      for (;;) {
        if (i >= sql.length) throw new Error("unterminated identifier");
        const c = sql[i];
        if (dialect === "bigquery" && c === "\\") { value += ESC[sql[i + 1]] ?? sql[i + 1]; i += 2; continue; }
        if (c === identQuote && sql[i + 1] === identQuote && dialect !== "bigquery") { value += c; i += 2; continue; }
        if (c === identQuote) { i++; break; }
        value += c;
        i++;
      }
      out.push({ kind: "ident", value });
    } else {
      code += ch;
      i++;
    }
  }
  flush();
  return out;
}

describe("the lexer used above", () => {
  it("reads each dialect's escapes", () => {
    for (const dialect of SQL_DIALECTS) {
      for (const h of HOSTILE) {
        const d = DIALECTS[dialect];
        const tokens = lex(dialect, `SELECT ${d.string(h)} AS ${d.ident(h || "x")}`);
        expect(tokens.map((t) => t.kind)).toEqual(["code", "string", "code", "ident"]);
        expect(tokens[1].value).toBe(h);
        expect(tokens[3].value).toBe(h || "x");
      }
    }
  });
});
