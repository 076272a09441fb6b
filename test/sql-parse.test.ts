// The dialects no engine here runs are checked by a real parser of that dialect: BigQuery and
// Snowflake by node-sql-parser, Spark SQL by dt-sql-parser. Every example (default and all
// columns, query and view) and generated random programs must parse; a broken query must not,
// so the check cannot pass vacuously. (DuckDB and PostgreSQL output is executed elsewhere.)
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { compile, compileFile } from "../compiler/compile.js";
import { emitSql } from "../compiler/sql/emit-sql.js";
import { HOSTILE_SOURCE } from "./support/hostile-sql.js";
import { generateCase } from "./support/random-program.js";
import { sqlParser, type ParsedDialect, type SqlCheck } from "./support/sql-parsers.js";

const here = dirname(fileURLToPath(import.meta.url));
const examplesDir = join(here, "..", "examples");
const examples = readdirSync(examplesDir).filter((f) => f.endsWith(".leaddef")).sort()
  .map((f) => ({ name: f, program: compileFile(join(examplesDir, f)).program! }))
  .filter((e) => e.program.stages.length > 0);
// dt-sql-parser's ANTLR parser takes about a second per random program; node-sql-parser is fast.
const RANDOM_PROGRAMS: Record<ParsedDialect, number> = {
  bigquery: Number(process.env.LEADDEF_SQL_PARSE_PROGRAMS ?? 60),
  snowflake: Number(process.env.LEADDEF_SQL_PARSE_PROGRAMS ?? 60),
  spark: Number(process.env.LEADDEF_SQL_PARSE_PROGRAMS ?? 8),
};
// dt-sql-parser's Spark grammar takes no three-part (catalog.schema.view) view name.
const VIEW: Record<ParsedDialect, string> = { bigquery: "proj.crm.scored", snowflake: "db.crm.scored", spark: "crm.scored" };
const DIALECTS: ParsedDialect[] = ["bigquery", "snowflake", "spark"];

for (const dialect of DIALECTS) {
  describe(`${dialect} output parses`, () => {
    let parse: SqlCheck;
    beforeAll(async () => {
      parse = await sqlParser(dialect);
    }, 120_000);

    it("a broken query does not", () => {
      const good = emitSql(examples[0].program.ir, { dialect, asOf: "2026-11-22" });
      expect(parse(good)).toEqual([]);
      const broken = [
        good.replace("SELECT", "SELEC"),
        good.replace(/\n\)\nSELECT/, "\nSELECT"), // an unclosed CTE
        good.replace("AS (", "AS (("),
        good.replace("CASE", "CASE CASE"),
        good.replace(",\n", ",,\n"),
        // a comment that swallows the CTE name after it
        good.replace(/(\n--[^\n]*)\n(\w+ AS \()/, "$1 $2"),
      ];
      broken.forEach((sql, i) => expect(parse(sql).length, `variant ${i}`).toBeGreaterThan(0));
    }, 120_000);

    for (const e of examples) {
      it(e.name, () => {
        for (const columns of ["default", "all"] as const) {
          expect(parse(emitSql(e.program.ir, { dialect, columns })), `${columns} columns`).toEqual([]);
          expect(parse(emitSql(e.program.ir, { dialect, columns, asOf: "2026-11-22", table: "proj.crm.leads", view: VIEW[dialect] })), "view").toEqual([]);
        }
      }, 120_000);
    }

    it("the hostile definition (quotes, keywords, comment breakers)", () => {
      const { program } = compile(HOSTILE_SOURCE);
      expect(parse(emitSql(program!.ir, { dialect, columns: "all", asOf: "2026-11-22" }))).toEqual([]);
    }, 120_000);

    it(`${RANDOM_PROGRAMS[dialect]} random programs`, () => {
      for (let seed = 1; seed <= RANDOM_PROGRAMS[dialect]; seed++) {
        const c = generateCase(seed * 7919, 0);
        const { program } = compile(c.source);
        const sql = emitSql(program!.ir, { dialect, columns: "all", asOf: c.asOf });
        expect(parse(sql), `seed ${seed * 7919}\n${c.source}\n${sql}`).toEqual([]);
      }
    }, 180_000);
  });
}
