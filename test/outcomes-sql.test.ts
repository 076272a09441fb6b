// Outcomes in SQL (`build --target sql --columns all`): one TRUE/FALSE column per outcome, after
// the stage flags, in every dialect; executed on DuckDB and PostgreSQL, every lead's outcome
// values equal the ones `leaddef outcomes` computes in JS (OutcomeFlags over the same values).
import type { DuckDBConnection } from "@duckdb/node-api";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDateDays } from "../language/literals.js";
import { compile } from "../compiler/compile.js";
import { emitSql } from "../compiler/sql/emit-sql.js";
import { DIALECTS, SQL_DIALECTS } from "../compiler/sql/sql-dialects.js";
import { OutcomeFlags } from "../compiler/analysis/outcome-flags.js";
import type { Program } from "../compiler/runtime/program.js";
import { connectPostgres } from "./support/postgres.js";
import { sqlParser } from "./support/sql-parsers.js";
import { loadDuckdb, loadPostgres, openDuckdb, queryDuckdb, queryPostgres, type Row } from "./support/sql-tables.js";
import { CLI } from "./support/cli.js";

const AS_OF = "2026-11-22";
// Outcomes over fields of every kind, missing values, a criterion and a stage.
const DEF = `schema {
  lead.size: integer?
  lead.revenue: number?
  deal.stage: enum(open, closed_won, closed_lost)?
  deal.created: date?
  deal.tags: list(string)?
  deal.note: string?
}

criterion big when lead.size >= 100

outcome won when deal.stage = closed_won
outcome opportunity when deal.created is present
outcome recent_big_win when won_recently_flag and big
outcome tagged when deal.tags contains "expansion" or deal.note contains "upsell"
outcome lost_or_stalled when deal.stage in [closed_lost] or (deal.stage = open and days_since(deal.created) > 90)

criterion won_recently_flag when deal.stage = closed_won and days_since(deal.created) <= 180

mql when big or lead.revenue >= 1M
`;

const STAGES = [undefined, "open", "closed_won", "closed_lost"];
const DATES = [undefined, "2026-11-01", "2026-06-01", "2025-01-15"];
/** A fixed grid of leads (no randomness): every combination the outcomes above distinguish, missing values included. */
function leads(): Row[] {
  const out: Row[] = [];
  let id = 1;
  for (const size of [undefined, 5, 150]) for (const stage of STAGES) for (const created of DATES) {
    out.push({
      id: id,
      "lead.size": size,
      "lead.revenue": id % 3 === 0 ? 2_000_000 : id % 3 === 1 ? undefined : 10.5,
      "deal.stage": stage,
      "deal.created": created,
      "deal.tags": id % 4 === 0 ? undefined : id % 4 === 1 ? ["expansion"] : ["new"],
      "deal.note": id % 5 === 0 ? "UPSELL call" : id % 5 === 1 ? undefined : "first call",
    });
    id++;
  }
  return out;
}

/** Each lead's outcome flags as `leaddef outcomes` computes them. */
function expectedOutcomes(program: Program, rows: Row[]): Map<number, Record<string, boolean>> {
  const flags = new OutcomeFlags(program.ir);
  const asOf = parseDateDays(AS_OF);
  return new Map(rows.map((lead) => {
    const vals = program.fields.map((f) => {
      const v = lead[f.path];
      if (f.kind === "number") return v === undefined ? NaN : v;
      if (f.kind === "date") return v === undefined ? NaN : parseDateDays(v as string);
      return v;
    });
    const had = flags.evaluate(vals, asOf);
    return [lead.id as number, Object.fromEntries(program.ir.outcomes.map((o, i) => [o.name, had[i]]))];
  }));
}

let duck: DuckDBConnection;
let pgClient: pg.Client | undefined;
beforeAll(async () => {
  duck = await openDuckdb();
  pgClient = await connectPostgres();
});
afterAll(async () => {
  await pgClient?.query("DROP TABLE IF EXISTS leaddef_outcomes");
  await pgClient?.end();
});

describe("outcome columns in SQL", () => {
  const { program, diagnostics } = compile(DEF);
  const names = ["won", "opportunity", "recent_big_win", "tagged", "lost_or_stalled"];
  const rows = leads();

  it("compiles", () => {
    expect(diagnostics).toEqual([]);
    expect(program!.ir.outcomes.map((o) => o.name)).toEqual(names);
  });

  function compareOutcomes(result: Row[]) {
    const expected = expectedOutcomes(program!, rows);
    expect(result.length).toBe(rows.length);
    // both kinds of answer occur for every outcome, so a constant column cannot pass
    for (const name of names) expect(new Set([...expected.values()].map((e) => e[name]))).toEqual(new Set([true, false]));
    for (const row of result) {
      const want = expected.get(Number(row.id))!;
      for (const name of names) expect(row[name], `lead ${String(row.id)}, outcome ${name}`).toBe(want[name]);
    }
  }

  it("on DuckDB: after the stage flags, equal to the JS values lead by lead", async () => {
    await loadDuckdb(duck, "leaddef_outcomes", program!.fields, rows);
    const result = await queryDuckdb(duck, emitSql(program!.ir, { dialect: "duckdb", table: "leaddef_outcomes", asOf: AS_OF, columns: "all", outcomes: true }));
    expect(Object.keys(result[0])).toEqual(["id", "stage", "big", "won_recently_flag", "mql", ...names]);
    compareOutcomes(result);
  });

  it("on PostgreSQL: equal to the JS values lead by lead", async () => {
    if (!pgClient) return; // connectPostgres warns loudly, or throws with LEADDEF_REQUIRE_POSTGRES=1
    await loadPostgres(pgClient, "leaddef_outcomes", program!.fields, rows);
    const result = await queryPostgres(pgClient, emitSql(program!.ir, { dialect: "postgres", table: "leaddef_outcomes", asOf: AS_OF, columns: "all", outcomes: true }));
    expect(Object.keys(result[0]).slice(-names.length)).toEqual(names);
    compareOutcomes(result);
  });

  it("in every dialect: the last columns with --columns all (parsed by BigQuery and Snowflake grammars), absent otherwise", async () => {
    for (const dialect of SQL_DIALECTS) {
      const d = DIALECTS[dialect];
      const all = emitSql(program!.ir, { dialect, asOf: AS_OF, columns: "all", outcomes: true });
      const select = all.slice(all.lastIndexOf("\nSELECT\n"));
      // the stage flag mql, then the outcomes in declaration order, the last one ending the list
      const at = ["mql", ...names].map((n) => select.indexOf(` AS ${d.ident(n)}`));
      expect(at.every((p, i) => p > 0 && (i === 0 || p > at[i - 1])), `${dialect}: ${at.join(", ")}`).toBe(true);
      expect(select.slice(at[at.length - 1]), dialect).toBe(` AS ${d.ident(names[names.length - 1])}\nFROM ${select.slice(select.indexOf("\nFROM ") + 6)}`);
      // BigQuery and Snowflake through node-sql-parser; Spark's ANTLR parser is a large bundle
      // whose first import can time out on a loaded machine, and test/sql-parse.test.ts
      // parses generated SQL in Spark
      if (dialect === "bigquery" || dialect === "snowflake") expect((await sqlParser(dialect))(all), dialect).toEqual([]);
      // without --columns all, or on the DuckDB engine's path (no `outcomes`), no outcome column
      expect(emitSql(program!.ir, { dialect, asOf: AS_OF, outcomes: true })).not.toContain(` AS ${d.ident("tagged")}`);
      expect(emitSql(program!.ir, { dialect, asOf: AS_OF, columns: "all" })).not.toContain(` AS ${d.ident("tagged")}`);
    }
  }, 120_000);
});

describe("leaddef build --target sql", () => {
  it("passes the outcomes through with --columns all", async () => {
    const { spawnSync } = await import("node:child_process");
    const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "leaddef-outcomes-sql-"));
    try {
      const def = join(dir, "o.leaddef");
      writeFileSync(def, DEF);
      const all = spawnSync(process.execPath, [CLI, "build", def, "--target", "sql", "--dialect", "duckdb", "--columns", "all", "--as-of", AS_OF], { encoding: "utf8" });
      expect(all.status, all.stderr).toBe(0);
      const rows = await queryDuckdb(duck, all.stdout.replace(/FROM "leads"/, 'FROM "leaddef_outcomes"'));
      expect(Object.keys(rows[0]).slice(-5)).toEqual(["won", "opportunity", "recent_big_win", "tagged", "lost_or_stalled"]);
      const plain = spawnSync(process.execPath, [CLI, "build", def, "--target", "sql", "--dialect", "duckdb", "--as-of", AS_OF], { encoding: "utf8" });
      expect(plain.stdout).not.toContain('AS "won"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
