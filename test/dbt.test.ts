// `build --target dbt`: the model and schema.yml for every example. The YAML is parsed and its
// structure checked; the model is rendered with the minimal Jinja subset it uses
// (support/jinja.ts, which refuses any other tag) and its unit tests — the file's examples —
// are run in DuckDB and PostgreSQL: given rows in, expected rows out. The other dialects'
// rendered models go through their parsers. dbt itself is not installed here (no PyPI).
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";
import type { DuckDBConnection } from "@duckdb/node-api";
import yaml from "js-yaml";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile, compileFile } from "../compiler/compile.js";
import { emitDbt, escapeJinja, type DbtOptions } from "../compiler/dbt/emit-dbt.js";
import type { IrProgram } from "../compiler/ir.js";
import { HOSTILE, HOSTILE_SOURCE } from "./support/hostile-sql.js";
import { renderJinja } from "./support/jinja.js";
import { connectPostgres } from "./support/postgres.js";
import { sqlParser } from "./support/sql-parsers.js";
import { loadDuckdb, loadPostgres, openDuckdb, queryDuckdb, queryPostgres, type Row } from "./support/sql-tables.js";
import { CLI } from "./support/cli.js";

const here = dirname(fileURLToPath(import.meta.url));
const examplesDir = join(here, "..", "examples");
const examples = readdirSync(examplesDir).filter((f) => f.endsWith(".leaddef")).sort()
  .map((f) => ({ file: f, program: compileFile(join(examplesDir, f)).program! }))
  .filter((e) => e.program.stages.length > 0 && e.program.ir.examples.length > 0);

interface UnitTest {
  name: string; model: string; description: string;
  overrides?: { vars: Record<string, string> };
  given: { input: string; rows: Row[] }[];
  expect: { rows: Row[] };
}
interface Schema {
  version: number;
  models: { name: string; description: string; columns: { name: string; description: string; data_tests?: unknown[] }[] }[];
  unit_tests?: UnitTest[];
}

function build(ir: IrProgram, o: Partial<DbtOptions> & Pick<DbtOptions, "dialect">) {
  const files = emitDbt(ir, { name: "leads_scored", sourceName: "x.leaddef", ...o });
  expect(files.map((f) => f.path)).toEqual([`${o.name ?? "leads_scored"}.sql`, "schema.yml"]);
  return { model: files[0].text, schema: yaml.load(files[1].text) as Schema };
}

const TABLE = "crm_leads";
const render = (model: string, vars: Record<string, string> = {}) =>
  renderJinja(model, { source: (s, t) => `"${s}_${t}"`, ref: (m) => `"${m}"`, vars, runDate: "2026-11-22" });

describe("dbt schema.yml", () => {
  it("has examples with unit tests", () => expect(examples.length).toBeGreaterThanOrEqual(2));
  for (const e of examples) {
    it(`${e.file}: columns, tests and unit tests`, () => {
      const ir = e.program.ir;
      const { schema } = build(ir, { dialect: "duckdb", name: "acme_leads", columns: "all" });
      expect(schema.version).toBe(2);
      const [model] = schema.models;
      expect(model.name).toBe("acme_leads");
      expect(model.columns.map((c) => c.name)).toEqual(["id", "stage", ...ir.scores.map((s) => s.name), ...ir.criteria.map((c) => c.name), ...ir.stages.map((s) => s.name)]);
      const stage = model.columns.find((c) => c.name === "stage")!;
      expect(stage.data_tests).toEqual(["not_null", { accepted_values: { values: ["none", ...ir.stages.map((s) => s.name)] } }]);
      // descriptions come from doc comments, with where the declaration is written
      for (const s of ir.scores) {
        const col = model.columns.find((c) => c.name === s.name)!;
        expect(col.description).toContain(`${s.source.file}:${s.source.line}`);
        if (s.source.doc) expect(col.description).toContain(s.source.doc);
        expect(col.data_tests).toEqual(["not_null"]);
      }
      const tests = schema.unit_tests!;
      expect(tests.length).toBe(ir.examples.length);
      expect(new Set(tests.map((t) => t.name)).size).toBe(tests.length);
      tests.forEach((t, i) => {
        const ex = ir.examples[i];
        expect(t.model).toBe("acme_leads");
        // The lead's row, then one input per event stream (the leads' source's table named like it).
        const leadValues = Object.fromEntries(Object.entries(ex.values).filter(([k]) => !ir.streams.some((st) => st.name === k)));
        expect(t.given[0]).toEqual({ input: "source('crm', 'leads')", rows: [{ id: i + 1, ...leadValues }] });
        expect(t.given.slice(1)).toEqual(ir.streams.map((st) => ({
          input: `source('crm', '${st.name}')`,
          rows: ((ex.values[st.name] ?? []) as object[]).map((ev) => ({ id: i + 1, ...ev })),
        })));
        expect(t.expect.rows[0].stage).toBe(ex.expectStage);
        for (const s of ex.expectScores) expect(t.expect.rows[0][s.name]).toBe(s.value);
        if (ex.asOf !== undefined) expect(t.overrides?.vars.leaddef_as_of).toMatch(/^\d{4}-\d\d-\d\d$/);
      });
    });
  }
  it("reads a ref() or another source, and materialises as asked", () => {
    const ir = examples[0].program.ir;
    const byRef = build(ir, { dialect: "duckdb", input: { ref: "stg_leads" }, materialized: "table" });
    expect(byRef.model).toContain("{{ config(materialized='table') }}");
    expect(byRef.model).toContain("FROM {{ ref('stg_leads') }}");
    expect(byRef.schema.unit_tests![0].given[0].input).toBe("ref('stg_leads')");
    const bySource = build(ir, { dialect: "duckdb", input: { source: "hub'spot", table: "contacts" } });
    expect(bySource.model).toContain("FROM {{ source('hub\\'spot', 'contacts') }}");
    expect(bySource.model).toContain("{{ config(materialized='view') }}");
    // a fixed --as-of replaces the var
    const fixed = build(ir, { dialect: "duckdb", asOf: "2026-01-02" });
    expect(fixed.model).not.toContain("var(");
    expect(fixed.schema.unit_tests![0].overrides).toBeUndefined();
  });
});

describe("dbt unit tests run: the examples' given rows give their expected rows", () => {
  let duck: DuckDBConnection;
  let client: pg.Client | undefined;
  beforeAll(async () => {
    duck = await openDuckdb();
    client = await connectPostgres();
  });
  afterAll(async () => {
    await client?.query(`DROP TABLE IF EXISTS "${TABLE}"`);
    await client?.end();
  });
  const compare = (rows: Row[], t: UnitTest) => {
    expect(rows.length, t.name).toBe(1);
    for (const [k, v] of Object.entries(t.expect.rows[0])) expect(k === "id" ? Number(rows[0][k]) : rows[0][k], `${t.name}: ${k}`).toBe(v);
  };
  for (const e of examples) {
    it(e.file, async () => {
      const ir = e.program.ir;
      for (const dialect of ["duckdb", "postgres"] as const) {
        if (dialect === "postgres" && !client) continue;
        const { model, schema } = build(ir, { dialect, columns: "all" });
        for (const t of schema.unit_tests!) {
          const sql = render(model, t.overrides?.vars);
          // The event streams' given rows: `source('crm', 'activity')` renders as "crm_activity".
          const eventTables = t.given.slice(1).map((g, k) => ({ table: g.input.replace(/^source\('(\w+)', '(\w+)'\)$/, "$1_$2"), fields: ir.streams[k].fields, rows: g.rows }));
          if (dialect === "duckdb") {
            await loadDuckdb(duck, TABLE, ir.fields, t.given[0].rows);
            for (const ev of eventTables) await loadDuckdb(duck, ev.table, ev.fields, ev.rows);
            compare(await queryDuckdb(duck, sql), t);
          } else {
            await loadPostgres(client!, TABLE, ir.fields, t.given[0].rows);
            for (const ev of eventTables) await loadPostgres(client!, ev.table, ev.fields, ev.rows);
            compare(await queryPostgres(client!, sql), t);
          }
        }
      }
    });
  }
});

describe("dbt models of the other dialects parse once rendered", () => {
  for (const dialect of ["bigquery", "snowflake", "spark"] as const) {
    it(dialect, async () => {
      const parse = await sqlParser(dialect);
      for (const e of examples) {
        const { model } = build(e.program.ir, { dialect, columns: "all" });
        expect(parse(render(model).replace(/"crm_leads"/g, "crm.leads")), e.file).toEqual([]);
      }
    }, 120_000);
  }
});

describe("user text never becomes Jinja", () => {
  it("escapes every tag opener and renders back verbatim", () => {
    for (const s of ["{{", "{%", "{#", "{{{", "{ {", '{{ "{" }}', "}}", "a{b"]) {
      expect(renderJinja(escapeJinja(s), { source: () => "", ref: () => "", vars: {}, runDate: "" })).toBe(s);
    }
    expect(() => renderJinja("{{ evil() }}", { source: () => "", ref: () => "", vars: {}, runDate: "" })).toThrow(/unsupported/);
    expect(() => renderJinja("{% if x %}", { source: () => "", ref: () => "", vars: {}, runDate: "" })).toThrow(/unsupported/);
  });
  it("the hostile definition's model renders with only our Jinja, and its literals are the values", async () => {
    const program = compile(HOSTILE_SOURCE).program!;
    const { model } = build(program.ir, { dialect: "duckdb", columns: "all" });
    const sql = render(model);
    const duck = await openDuckdb();
    const leads = HOSTILE.map((h, i) => ({ id: i, "select.from": h, "drop.table": "Leads", "order.by": [h] }));
    await loadDuckdb(duck, TABLE, program.fields, leads);
    const rows = await queryDuckdb(duck, sql);
    expect(rows.length).toBe(HOSTILE.length);
    for (const row of rows) {
      const i = Number(row.id);
      HOSTILE.forEach((h, k) => expect(row[`select_${k}`], `${JSON.stringify(h)} vs lead ${i}`).toBe(HOSTILE[i] === h));
    }
  });
});

describe("leaddef build --target dbt", () => {
  it("writes <model>.sql and schema.yml into the directory", () => {
    const dir = mkdtempSync(join(tmpdir(), "leaddef-dbt-"));
    try {
      const out = join(dir, "models");
      const r = spawnSync(process.execPath, [CLI, "build", join(examplesDir, "acme.leaddef"), "--target", "dbt", "--dialect", "snowflake", "-o", out, "--dbt-source", "hubspot.contacts"], { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      expect(readdirSync(out).sort()).toEqual(["acme.sql", "schema.yml"]);
      expect(readFileSync(join(out, "acme.sql"), "utf8")).toContain("FROM {{ source('hubspot', 'contacts') }}");
      const bad = spawnSync(process.execPath, [CLI, "build", join(examplesDir, "acme.leaddef"), "--target", "dbt", "--dialect", "duckdb", "-o", out, "--dbt-source", "nodot"], { encoding: "utf8" });
      expect(bad.status).not.toBe(0);
      expect(bad.stderr).toContain("SOURCE.TABLE");
      const noOut = spawnSync(process.execPath, [CLI, "build", join(examplesDir, "acme.leaddef"), "--target", "dbt", "--dialect", "duckdb"], { encoding: "utf8" });
      expect(noOut.status).not.toBe(0);
      expect(noOut.stderr).toContain("-o DIR");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
