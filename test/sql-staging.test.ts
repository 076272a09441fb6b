// `build --target sql --staging text`: a CSV loaded as an all-text table into DuckDB and into
// PostgreSQL, read by the value codecs' SQL forms, gives `leaddef run`'s results for good rows
// and its rejected rows with the same fields, values and reasons (every failing field, in the
// order of run's rejects file). BigQuery, Snowflake and Spark staging queries are parsed by a
// real parser of each dialect (no engine for them runs here).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";
import { parse } from "csv-parse/sync";
import { afterAll, describe, expect, it } from "vitest";
import { compile, compileFile } from "../compiler/compile.js";
import { HOSTILE_SOURCE } from "./support/hostile-sql.js";
import { emitSql } from "../compiler/sql/emit-sql.js";
import type pg from "pg";
import { REJECT_SEPARATOR } from "../compiler/sql/text-staging.js";
import { connectPostgres } from "./support/postgres.js";
import { sqlParser, type ParsedDialect } from "./support/sql-parsers.js";
import type { Row } from "./support/sql-tables.js";
import { GRADED_DEFINITION } from "./support/graded-definition.js";
import { stagingOnDuckdb, stagingOnPostgres } from "./support/text-staging.js";
import { CLI } from "./support/cli.js";

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "leaddef-staging-"));
let pgClient: pg.Client | undefined;
let pgConnected = false;
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await pgClient?.end();
});

/** The PostgreSQL client, connected on first use (undefined, after a loud warning, without a server). */
async function postgres(): Promise<pg.Client | undefined> {
  if (!pgConnected) {
    pgConnected = true;
    pgClient = await connectPostgres();
  }
  return pgClient;
}

const DEFINITION = `schema {
  a.n: number
  a.i: integer?
  b.flag: boolean?
  c.d: date?
  c.us: date("M/D/YYYY")?
  e.kind: enum(alpha, beta, gamma)?
  l.tags: list(string)?
  s.name: string?
}
criterion big when a.n >= 10
score pts {
  +1 when big
  +2 when b.flag
  +3 when e.kind >= beta
  +4 when l.tags contains "x"
  +5 when days_since(c.d) <= 30
  +0.5 when a.i > 2
}
hot when pts >= 5
`;
// Good rows with the spellings run accepts, and one row per reason.
// Rows 11 and 12 fail several fields at once; 13-16 hold overflow, underflow, a day that no
// month has and a declared layout.
const CSV = `id,a.n,a.i,b.flag,c.d,c.us,e.kind,l.tags,s.name
1,12,3,yes,2026-11-01,11/3/2026,beta,x;y,ok
2,abc,1,true,2026-11-01,,alpha,,bad number
3,5,2.5,no,,,gamma,x,not whole
4,,1,,,,,,missing required
5, 7 ,4.0,TRUE,2026-11-20T10:00:00Z, 11/21/2026 09:00 ,beta, x ; z ,spaces
6,1e3,,maybe,,,,,bad boolean
7,3,,,2026-13-01,,,,bad date
8,3,,,,,delta,,not a member
9,1e3,,Off,2026-11-22 01:38,,,,good
10,-2.5,0,n,,,alpha,;;x;,good
11,abc,1.5,maybe,2026-02-30,2/30/2026,delta,,"every field, ""quoted"""
12,,x,,,,Gamma,x,missing and not whole
13,1e400,1e400,,,,,,overflow
14,-1e-400,0e5000,yes,2024-02-29,2/29/2024,,,underflow and a leap day
15,"$1,200.50",-3,,2025-02-29,,,,no leap day
16,EUR 12,,,,13/1/2026,,,bad layout
`;

// Grades and disqualifications on a text staging table: their columns for good rows, NULL for rejected ones.
const GRADED_CSV = `id,company.employees,company.industry,contact.email,engagement.score,deal.won
1,5000,financial_services,a@b.com,70,true
2,300,education,x@c.com,80,
3,,other,z@COMPETITOR.com,10,no
4,250,telecom,q@q.com,61,
5,50,other,,20,
6,12.5,telecom,,90,
7,1000,retail,,90,
8,2000,telecom,,,
`;

interface Expected { results: Record<string, string>[]; rejects: Record<string, string>[] }

/** What \`leaddef run\` (the JS engine) writes for \`csv\`. */
function runJs(def: string, csv: string, asOf: string): Expected {
  const out = join(dir, "out.csv");
  const r = spawnSync(process.execPath, [CLI, "run", def, "--input", csv, "--output", out, "--as-of", asOf, "--columns", "all"], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return {
    results: parse(readFileSync(out, "utf8"), { columns: true }) as Record<string, string>[],
    rejects: parse(readFileSync(`${out}.rejects.csv`, "utf8"), { columns: true }) as Record<string, string>[],
  };
}

/** The staging rows of \`csv\` on DuckDB, and on PostgreSQL when a server answers. */
async function stagingRuns(def: string, csv: string, asOf: string): Promise<[string, Row[]][]> {
  const ir = compileFile(def).program!.ir;
  const runs: [string, Row[]][] = [["duckdb", await stagingOnDuckdb(ir, csv, asOf)]];
  const client = await postgres();
  if (client) runs.push(["postgres", await stagingOnPostgres(client, ir, csv, asOf)]);
  return runs;
}

function compare(expected: Expected, rows: Row[]): void {
  const byId = new Map(rows.map((r) => [String(r.id), r]));
  expect(rows.length).toBe(expected.results.length + new Set(expected.rejects.map((r) => r.id)).size);
  for (const want of expected.results) {
    const row = byId.get(want.id)!;
    expect(row, want.id).toBeDefined();
    expect(row.reject_reason, want.id).toBeNull();
    for (const [k, v] of Object.entries(want)) {
      if (k === "id") continue;
      // An empty cell in run's CSV is a NULL in the query's row (no reason, no optional value).
      const got = row[k] === null && v === "" ? "" : row[k];
      expect(typeof got === "number" ? String(got) : typeof got === "boolean" ? String(got) : got, `${want.id}.${k}`).toBe(v);
    }
  }
  // The rejects file has a line per failing field; the staging row lists them all, in order.
  const rejected = new Map<string, Record<string, string>[]>();
  for (const rej of expected.rejects) rejected.set(rej.id, [...(rejected.get(rej.id) ?? []), rej]);
  for (const [id, problems] of rejected) {
    const row = byId.get(id)!;
    expect(row, id).toBeDefined();
    const lines = (k: string) => problems.map((p) => p[k]).join(REJECT_SEPARATOR);
    expect([row.reject_field, row.reject_value, row.reject_reason, row.stage], id).toEqual([lines("field"), lines("value"), lines("reason"), null]);
  }
}

describe("text staging tables", () => {
  it("a crafted CSV: every spelling and every reason, as run reads them", async () => {
    const def = join(dir, "t.leaddef");
    const csv = join(dir, "t.csv");
    writeFileSync(def, DEFINITION);
    writeFileSync(csv, CSV);
    const expected = runJs(def, csv, "2026-11-22");
    expect(new Set(expected.rejects.map((r) => r.id)).size).toBe(11);
    expect(expected.rejects.filter((r) => r.id === "11").map((r) => r.field)).toEqual(["a.n", "a.i", "b.flag", "c.d", "c.us", "e.kind"]);
    expect(expected.results.length).toBe(5);
    for (const [engine, rows] of await stagingRuns(def, csv, "2026-11-22")) {
      expect(rows.length, engine).toBe(16);
      compare(expected, rows);
    }
  }, 60_000);

  it("examples/leads.csv under each example definition", async () => {
    for (const name of ["acme", "smb", "scoring"]) {
      const def = join(here, "..", "examples", `${name}.leaddef`);
      const csv = join(here, "..", "examples", "leads.csv");
      const expected = runJs(def, csv, "2026-11-22");
      expect(expected.results.length).toBeGreaterThan(900);
      for (const [, rows] of await stagingRuns(def, csv, "2026-11-22")) compare(expected, rows);
    }
  }, 120_000);

  it("a definition that grades and disqualifies: reason and grade letters as run writes them, NULL for rejected rows", async () => {
    const def = join(dir, "graded.leaddef");
    const csv = join(dir, "graded.csv");
    writeFileSync(def, GRADED_DEFINITION);
    writeFileSync(csv, GRADED_CSV);
    const expected = runJs(def, csv, "2026-11-22");
    expect(expected.results.map((r) => [r.id, r.stage, r.reason, r.fit_grade])).toEqual([
      ["1", "sql", "", "A"], ["2", "disqualified", "not a market we sell to", "B"], ["3", "disqualified", 'competitor, "direct"', "D"], ["4", "mql", "", "B"], ["5", "none", "", "C"],
    ]);
    expect(new Set(expected.rejects.map((r) => r.id))).toEqual(new Set(["6", "7", "8"]));
    for (const [engine, rows] of await stagingRuns(def, csv, "2026-11-22")) {
      expect(rows.length, engine).toBe(8);
      compare(expected, rows);
      for (const id of ["6", "7", "8"]) {
        const row = rows.find((r) => String(r.id) === id)!;
        expect([row.reason, row.fit_grade], `${engine} ${id}`).toEqual([null, null]);
      }
    }
  }, 60_000);

  it("an expected row that differs from run's is caught", async () => {
    // The comparison is strict: a reason with one more problem, or a different order, fails.
    const def = join(dir, "t.leaddef");
    const csv = join(dir, "t.csv");
    writeFileSync(def, DEFINITION);
    writeFileSync(csv, CSV);
    const expected = runJs(def, csv, "2026-11-22");
    const rows = await stagingOnDuckdb(compileFile(def).program!.ir, csv, "2026-11-22");
    const reordered = { ...expected, rejects: [...expected.rejects].reverse() };
    expect(() => compare(reordered, rows)).toThrow();
    const firstOnly = { ...expected, rejects: expected.rejects.filter((r, i, all) => all.findIndex((o) => o.id === r.id) === i) };
    expect(() => compare(firstOnly, rows)).toThrow();
  }, 60_000);

});

describe("build --staging text", () => {
  it("writes every dialect's staging query", () => {
    const ir = compileFile(join(here, "..", "examples", "smb.leaddef")).program!.ir;
    for (const dialect of ["duckdb", "postgres", "bigquery", "snowflake", "spark"] as const) {
      expect(emitSql(ir, { dialect, staging: "text" }), dialect).toContain("AS leaddef_reject_reason");
    }
  });

  it("on the command line; --decimal-comma only with it", () => {
    const def = join(dir, "cli.leaddef");
    writeFileSync(def, DEFINITION);
    const build = (...args: string[]) => spawnSync(process.execPath, [CLI, "build", def, "--target", "sql", ...args], { encoding: "utf8" });
    const comma = build("--dialect", "postgres", "--staging", "text", "--decimal-comma");
    expect(comma.status, comma.stderr).toBe(0);
    // The decimal comma changes the number pattern: `,` is the fraction mark.
    const program = compileFile(def).program!;
    expect(comma.stdout).toContain(emitSql(program.ir, { dialect: "postgres", staging: "text", decimalComma: true }).split("\n").slice(1).join("\n"));
    expect(comma.stdout).not.toContain(emitSql(program.ir, { dialect: "postgres", staging: "text" }).split("\n").slice(1).join("\n"));
    const typed = build("--dialect", "duckdb", "--decimal-comma");
    expect(typed.status).toBe(2);
    expect(typed.stderr).toContain("--decimal-comma needs --target sql --staging text");
  }, 120_000);
});

// No engine for these runs here: the staging query of every example and of the crafted
// definition must parse with a real parser of the dialect.
const PARSED: ParsedDialect[] = ["bigquery", "snowflake", "spark"];
for (const dialect of PARSED) {
  describe(`${dialect} text staging output parses`, () => {
    it("every example and the crafted definition", async () => {
      const check = await sqlParser(dialect);
      const def = join(dir, `p-${dialect}.leaddef`);
      writeFileSync(def, DEFINITION);
      const graded = join(dir, `g-${dialect}.leaddef`);
      writeFileSync(graded, GRADED_DEFINITION);
      // dt-sql-parser (Spark) takes seconds per staging query: the crafted definition and one example.
      const examples = dialect === "spark" ? ["acme"] : ["acme", "smb", "scoring", "engagement"];
      const files = [def, graded, ...examples.map((n) => join(here, "..", "examples", `${n}.leaddef`))];
      for (const file of files) {
        const sql = emitSql(compileFile(file).program!.ir, { dialect, table: "crm.leads_text", asOf: "2026-11-22", columns: "all", staging: "text" });
        expect(check(sql), file).toEqual([]);
      }
      // Names, members and paths that try to end a literal or identifier early: still one query.
      expect(check(emitSql(compile(HOSTILE_SOURCE).program!.ir, { dialect, columns: "all", staging: "text" })), "hostile").toEqual([]);
      // The parser is not vacuous on these queries: a broken staging CTE fails.
      const sql = emitSql(compileFile(def).program!.ir, { dialect, staging: "text" });
      expect(check(sql.replace("leaddef_read AS (", "leaddef_read AS ((")).length).toBeGreaterThan(0);
    }, 300_000);
  });
}
