// Readable names in the generated SQL: columns and CTEs named after the definition, distinct
// where warehouses compare names (case-insensitively, cut at 63 bytes), quoted where needed —
// and still the JS evaluator's results on DuckDB and PostgreSQL.
import type { DuckDBConnection } from "@duckdb/node-api";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile } from "../compiler/compile.js";
import { emitSql } from "../compiler/sql/emit-sql.js";
import { DIALECTS } from "../compiler/sql/sql-dialects.js";
import { sqlIdentifier, sqlNames } from "../compiler/sql/sql-names.js";
import { lineComments } from "../compiler/sql/sql-comment.js";
import { connectPostgres } from "./support/postgres.js";
import { sqlParser } from "./support/sql-parsers.js";
import { loadDuckdb, loadPostgres, openDuckdb, queryDuckdb, queryPostgres } from "./support/sql-tables.js";

const LONG = "a_very_long_criterion_name_that_goes_on_and_on_and_on";
// Clashes: `Fit` (field) / `fit` (criterion) / `FIT` (score) differ only in case; field
// `a.b` reads as `a_b`, like criterion `a_b`; `leaddef_id` and `leaddef_input` are names the
// query uses itself; two names agree on their first 48 characters; `select`, `Order` and
// `union` need quoting.
const SOURCE = `schema {
  Fit: boolean?
  a.b: number?
  select.x: integer?
}
criterion fit when Fit
criterion a_b when a.b > 2
criterion leaddef_id when a.b < 1
criterion ${LONG}_one when select.x >= 3
criterion ${LONG}_two when select.x >= 5
criterion union when fit or a_b
score FIT {
  +1 when fit
  +2 when a_b
  +4 when leaddef_id
}
score leaddef_input { +1 when ${LONG}_one
  +1 when ${LONG}_two }
score Order { +1 when union }
select when FIT >= 1
Stage2 when select and leaddef_input >= 1 and Order > 0
`;

const compiled = compile(SOURCE);
const program = compiled.program!;

describe("names in the generated SQL", () => {
  it("compiles", () => expect(compiled.diagnostics.filter((d) => d.severity === "error")).toEqual([]));

  it("are the definition's, made distinct deterministically", () => {
    const n = sqlNames(program.ir, DIALECTS.postgres, ["leaddef_id", "leaddef_input"]);
    expect(program.ir.fields.map((_, i) => n.field(i))).toEqual(['"Fit"', "a_b", "select_x"]);
    expect(program.ir.criteria.map((_, i) => n.decl("criterion", i))).toEqual([
      "fit_2", "a_b_2", "leaddef_id_2", LONG.slice(0, 48), `${LONG.slice(0, 48)}_2`, '"union"',
    ]);
    expect(program.ir.scores.map((_, i) => n.decl("score", i))).toEqual(['"FIT_3"', "leaddef_input_2", '"Order"']);
    expect(program.ir.stages.map((_, i) => n.decl("stage", i))).toEqual(['"select"', '"Stage2"']);
    expect(n.cte("criterion", 5)).toBe("criterion_union");
    expect(n.cte("score", 0)).toBe("score_fit_3");
    expect(n.cte("stage", 0)).toBe("stage_select");
    // Quoting follows the dialect.
    expect(sqlNames(program.ir, DIALECTS.spark, []).decl("criterion", 5)).toBe("`union`");
    expect(sqlNames(program.ir, DIALECTS.bigquery, []).field(0)).toBe("`Fit`");
  });

  it("write plain lower-case names bare and keywords or mixed case quoted", () => {
    const d = DIALECTS.duckdb;
    expect(["icp_fit", "_u", "mql", "select", "Order", "where", "x1", "1x", "from_"].map((x) => sqlIdentifier(d, x))).toEqual([
      "icp_fit", "_u", "mql", '"select"', '"Order"', '"where"', "x1", '"1x"', "from_",
    ]);
  });

  it("the same definition gives the same SQL; one more criterion adds one block and renames nothing", () => {
    const sql = emitSql(program.ir, { dialect: "duckdb", columns: "all" });
    expect(emitSql(compile(SOURCE).program!.ir, { dialect: "duckdb", columns: "all" })).toBe(sql);
    const more = emitSql(compile(SOURCE.replace("criterion union", "criterion extra when Fit\ncriterion union")).program!.ir, { dialect: "duckdb", columns: "all" });
    // Line numbers in comments shift below the insertion; everything else is a local change.
    const lines = (x: string) => x.replace(/(-- input\.leaddef:)\d+/g, "$1N").split("\n");
    const before = lines(sql);
    const after = lines(more);
    expect(after.filter((l) => !before.includes(l))).toEqual([
      "-- criterion extra when Fit",
      "criterion_extra AS (",
      '    COALESCE("Fit", FALSE) AS extra',
      "  FROM criterion_extra",
      '    extra AS "extra",',
    ]);
    expect(before.filter((l) => !after.includes(l))).toEqual([]);
  });

  let duck: DuckDBConnection;
  let client: pg.Client | undefined;
  const leads = Array.from({ length: 24 }, (_, i) => ({
    id: i,
    ...(i % 3 ? { Fit: i % 2 === 0 } : {}),
    ...(i % 5 ? { "a.b": (i % 7) - 1 } : {}),
    ...(i % 4 ? { "select.x": i % 8 } : {}),
  }));
  beforeAll(async () => {
    duck = await openDuckdb();
    client = await connectPostgres();
  });
  afterAll(async () => {
    await client?.query("DROP TABLE IF EXISTS leaddef_names");
    await client?.end();
  });
  const check = (rows: Record<string, unknown>[]) => {
    expect(rows.length).toBe(leads.length);
    for (const row of rows) {
      const lead = leads[Number(row.id)];
      const want = program.evaluate(lead, { asOf: "2026-11-22" });
      const flags = program.explain(lead, { asOf: "2026-11-22" });
      expect(row.stage).toBe(want.stage);
      for (const s of program.scores) expect(row[s], s).toBe(want.scores[s]);
      for (const c of flags.criteria) expect(row[c.name], c.name).toBe(c.holds);
    }
  };
  it("give the JS evaluator's results in DuckDB", async () => {
    await loadDuckdb(duck, "leaddef_names", program.fields, leads);
    check(await queryDuckdb(duck, emitSql(program.ir, { dialect: "duckdb", table: "leaddef_names", asOf: "2026-11-22", columns: "all" })));
  });
  it("give the JS evaluator's results in PostgreSQL", async () => {
    if (!client) return;
    await loadPostgres(client, "leaddef_names", program.fields, leads);
    check(await queryPostgres(client, emitSql(program.ir, { dialect: "postgres", table: "leaddef_names", asOf: "2026-11-22", columns: "all" })));
  });
});

describe("source comments", () => {
  it("put each declaration's file:line and text above its CTE, and each score line above its term", () => {
    const sql = emitSql(program.ir, { dialect: "duckdb" });
    expect(sql).toContain("-- input.leaddef:11\n-- criterion union when fit or a_b\ncriterion_union AS (");
    expect(sql).toContain("-- input.leaddef:12\n-- score FIT {\nscore_fit_3 AS (");
    expect(sql).toContain("      -- input.leaddef:14  +2 when a_b\n      + CASE WHEN a_b_2 THEN 2 ELSE 0 END");
    expect(sql).toContain("-- input.leaddef:21\n-- Stage2 when select and leaddef_input >= 1 and Order > 0\nstage_stage2 AS (");
  });
  it("name an imported declaration's file relative to the entry file", () => {
    const sql = emitSql(compile('import "common.leaddef"\ns when decision_maker\n', { path: "examples/x.leaddef" }).program!.ir, { dialect: "duckdb" });
    expect(sql).toMatch(/-- common\.leaddef:\d+\n-- criterion decision_maker when/);
  });
  it("never let text end a comment", () => {
    expect(lineComments("a */ b\r\nc\rd\u2028e\u0085f\vg\fh\u0000i", "  ")).toBe("  -- a */ b\n  -- c\n  -- d\n  -- e\n  -- f\n  -- g\n  -- h i");
    // Spark continues a line comment after a backslash at the end of the line.
    expect(lineComments("x \\\ny\\  ")).toBe("-- x \\ --\n-- y\\ --");
  });
});

// Everyday RevOps names and SQL's soft keywords (function names, non-reserved words) are written
// bare; each dialect's parser must still read them as columns, and the engines must agree.
const EVERYDAY = `status type value name level data key comment source target sort cluster first last
rank lead grade priority action count sum avg min max text json variant object format timezone
zone sequence location region quarter week language system session file owner account role label
tier result index hot warm cold mql sal sql current_stage day_count replace if_ coalesce_`.split(/\s+/);

describe("everyday names and soft keywords", () => {
  const source = `schema {\n  x: number?\n}\n${EVERYDAY.map((n, i) => `criterion ${n} when x > ${i}`).join("\n")}\nstage1 when ${EVERYDAY.join(" or ")}\n`;
  const p = compile(source).program!;
  it("are written bare", () => {
    const sql = emitSql(p.ir, { dialect: "duckdb", columns: "all" });
    const quoted = ["json", "session"]; // node-sql-parser refuses them bare
    for (const n of EVERYDAY) expect(sql, n).toMatch(new RegExp(`\\) AS ${quoted.includes(n) ? `"${n}"` : n}\\n`));
  });
  for (const dialect of ["bigquery", "snowflake", "spark"] as const) {
    it(`parse in ${dialect}`, async () => {
      const parse = await sqlParser(dialect);
      expect(parse(emitSql(p.ir, { dialect, columns: "all", asOf: "2026-11-22" }))).toEqual([]);
    }, 120_000);
  }
  it("run in DuckDB and PostgreSQL with the JS evaluator's flags", async () => {
    const leads = [{ id: 1, x: 3.5 }, { id: 2 }, { id: 3, x: 100 }];
    const duck = await openDuckdb();
    await loadDuckdb(duck, "leaddef_everyday", p.fields, leads);
    const engines = [await queryDuckdb(duck, emitSql(p.ir, { dialect: "duckdb", table: "leaddef_everyday", columns: "all" }))];
    const client = await connectPostgres();
    if (client) {
      await loadPostgres(client, "leaddef_everyday", p.fields, leads);
      engines.push(await queryPostgres(client, emitSql(p.ir, { dialect: "postgres", table: "leaddef_everyday", columns: "all" })));
      await client.query("DROP TABLE leaddef_everyday");
      await client.end();
    }
    for (const rows of engines) {
      for (const row of rows) {
        const lead = leads.find((l) => l.id === Number(row.id))!;
        const x = lead.x ?? NaN;
        EVERYDAY.forEach((n, i) => expect(row[n], n).toBe(x > i));
        expect(row.stage).toBe(p.evaluate(lead).stage);
      }
    }
  });
});
