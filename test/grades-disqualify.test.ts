// Grades (`grade NAME { L when … else L }`) and disqualification (`disqualify when … because "…"`)
// through the whole tool: parsing, the run's output columns on both engines and both formats,
// examples, explain, and what the funnel commands (run's stage table, report, outcomes, sweep,
// diff) do with `disqualified`, a stage value outside the funnel.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { GRADED_DEFINITION as DEF } from "./support/graded-definition.js";
import { FunnelAccumulator } from "../compiler/analysis/funnel.js";
import { OutcomeAccumulator } from "../compiler/analysis/outcomes.js";
import { renderSummary } from "../compiler/batch/summary.js";
import { compile } from "../compiler/compile.js";
import { runExamples } from "../compiler/runtime/examples.js";
import { renderExampleFailure } from "../compiler/app/render.js";
import { renderSweep } from "../compiler/app/sweep.js";
import { emitSql } from "../compiler/sql/emit-sql.js";
import { cli } from "./support/cli.js";

const tmp = mkdtempSync(join(tmpdir(), "leaddef-grades-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));


const CSV = `id,company.employees,company.industry,contact.email,engagement.score,deal.won
1,5000,financial_services,a@b.com,70,true
2,300,education,x@c.com,80,true
3,,other,z@COMPETITOR.com,10,false
4,250,telecom,q@q.com,61,false
5,50,other,,20,
`;

const WANT_CSV = `id,stage,reason,fit_grade
1,sql,,A
2,disqualified,not a market we sell to,B
3,disqualified,"competitor, ""direct""",D
4,mql,,B
5,none,,C
`;

const defPath = join(tmp, "g.leaddef");
const csvPath = join(tmp, "leads.csv");
writeFileSync(defPath, DEF);
writeFileSync(csvPath, CSV);

describe("run: the reason and each grade are columns of their own, after the numbers", () => {
  for (const engine of ["js", "duckdb"]) {
    it(`${engine}: CSV`, async () => {
      const out = join(tmp, `out-${engine}.csv`);
      const r = await cli(["run", defPath, "--input", csvPath, "--engine", engine, "--as-of", "2026-11-01", "--output", out]);
      expect(r.stderr + r.stdout).toContain("disqualified      2");
      expect(r.code).toBe(0);
      expect(readFileSync(out, "utf8")).toBe(WANT_CSV);
    });
    it(`${engine}: JSON Lines (reason null when not disqualified), --columns all keeps flags before the text`, async () => {
      const out = join(tmp, `out-${engine}.jsonl`);
      const r = await cli(["run", defPath, "--input", csvPath, "--engine", engine, "--as-of", "2026-11-01", "--output", out, "--columns", "all"]);
      expect(r.code).toBe(0);
      const rows = readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l));
      expect(Object.keys(rows[0])).toEqual(["id", "stage", "mql", "sql", "reason", "fit_grade"]);
      expect(rows.map((x) => [x.stage, x.reason, x.fit_grade])).toEqual([
        ["sql", null, "A"], ["disqualified", "not a market we sell to", "B"], ["disqualified", 'competitor, "direct"', "D"], ["mql", null, "B"], ["none", null, "C"],
      ]);
      // A disqualified lead's stage flags still say what its conditions did.
      expect(rows[1].mql).toBe(true);
    });
  }
});

describe("the library's columnar form has the reason and the grades too", () => {
  it("evaluateColumns gives, per lead, what evaluate gives", () => {
    const program = compile(DEF).program!;
    const leads = CSV.trim().split("\n").slice(1).map((line) => {
      const [, employees, industry, email, score] = line.split(",");
      return { company: { employees: employees || undefined, industry }, contact: { email: email || undefined }, engagement: { score } };
    });
    const cols = program.evaluateColumns(leads, { asOf: "2026-11-01" });
    const one = leads.map((l) => program.evaluate(l, { asOf: "2026-11-01" }));
    expect(one.map((r) => r.stage)).toEqual(["sql", "disqualified", "disqualified", "mql", "none"]);
    expect([...cols.stage].map((i) => (i < 0 ? "none" : program.resultStages[i]))).toEqual(one.map((r) => r.stage));
    expect(cols.reason).toEqual(one.map((r) => r.reason));
    expect(cols.grades).toEqual({ fit_grade: one.map((r) => r.grades!.fit_grade) });
    // a definition without grades or disqualification has neither column, as evaluate's results
    const plain = compile("schema {\n  n: number\n}\nscore s {\n  +1 when n > 1\n}\nmql when s >= 1\n").program!;
    const plainCols = plain.evaluateColumns([{ n: 2 }, { n: 0 }]);
    expect(Object.keys(plainCols).sort()).toEqual(["scores", "stage"]);
    expect([...plainCols.scores.s]).toEqual([1, 0]);
  });
});

describe("the stage table and the funnel commands keep `disqualified` outside the funnel", () => {
  it("run's table: disqualified leads are counted but reach no stage", () => {
    const text = renderSummary({
      engine: "js", rowsRead: 5, rowsWritten: 5, rowsRejected: 0, unknownColumns: [], absentFields: [], rejectsPath: undefined, output: undefined, seconds: 0, warnings: [],
      stages: [{ name: "none", count: 1 }, { name: "mql", count: 1 }, { name: "sql", count: 1 }, { name: "disqualified", count: 2 }],
    });
    const line = (name: string) => text.split("\n").find((l) => l.startsWith(`${name} `))!.trim().split(/\s+/);
    expect(line("mql")).toEqual(["mql", "1", "20.0%", "40.0%"]);
    expect(line("sql")).toEqual(["sql", "1", "20.0%", "20.0%"]);
    expect(line("disqualified")).toEqual(["disqualified", "2", "40.0%"]);
  });

  it("report: a disqualified row after none; the funnel's reached counts leave it out", () => {
    const program = compile(DEF).program!;
    const f = new FunnelAccumulator(program.ir);
    for (const stage of [1, 2, 2, 0, -1]) f.add(stage, [], [], undefined);
    const r = f.result();
    expect(r.stages.map((s) => [s.name, s.count, s.reached])).toEqual([["none", 1, 5], ["disqualified", 2, 2], ["mql", 1, 2], ["sql", 1, 1]]);
    expect(r.stages[2].conversion).toBeCloseTo(2 / 5);
  });

  it("outcomes: a disqualified lead is a lead (base rate) that reached no stage", () => {
    const program = compile(DEF).program!;
    const acc = new OutcomeAccumulator(program.ir);
    acc.add(1, [], [true]); // sql, won
    acc.add(2, [], [true]); // disqualified, won
    acc.add(0, [], [false]); // mql
    const won = acc.result().outcomes[0];
    expect(won.base_rate).toBeCloseTo(2 / 3);
    expect(won.stages.map((s) => [s.stage, s.reached, s.reached_positives])).toEqual([["mql", 2, 1], ["sql", 1, 1]]);
  });

  it("outcomes, end to end", async () => {
    const r = await cli(["outcomes", defPath, "--input", csvPath, "--as-of", "2026-11-01"]);
    expect(r.code).toBe(0);
    // mql reached by leads 1 and 4 only (2 is disqualified though its mql condition holds)
    expect(r.stdout).toMatch(/mql\s+2\s+1/);
  });

  it("sweep: disqualified is a column, and the top of the funnel is still the last stage", () => {
    const text = renderSweep({ param: "min", rowsRead: 5, rowsRejected: 0, warnings: [], runs: [{ value: "60", stages: { none: 1, mql: 1, sql: 1, disqualified: 2 } }] });
    expect(text.split("\n")[0].trim().split(/\s+/)).toEqual(["min", "none", "mql", "sql", "disqualified", "reached", "sql"]);
    expect(text.split("\n")[1].trim().split(/\s+/)).toEqual(["60", "1", "1", "1", "2", "20.0%"]);
  });

  it("diff: leads moving into disqualified are a transition of their own", async () => {
    const before = join(tmp, "before.leaddef");
    writeFileSync(before, DEF.replace(/disqualify when[^\n]*\n/g, ""));
    const r = await cli(["diff", before, defPath, "--input", csvPath, "--as-of", "2026-11-01", "--format", "json"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.stages.after).toEqual(["mql", "sql", "disqualified"]);
    const moves = report.transitions.map((t: { from: string; to: string; count: number }) => `${t.from}→${t.to}:${t.count}`);
    expect(moves).toContain("mql→disqualified:1");
    expect(moves).toContain("none→disqualified:1");
  });
});

describe("the other targets", () => {
  it("build --target js: the module gives the compiler's grades and reason, and lists grades and reasons", async () => {
    const out = join(tmp, "g.mjs");
    expect((await cli(["build", defPath, "--target", "js", "-o", out])).code).toBe(0);
    const m = await import(out);
    const program = compile(DEF).program!;
    const leads = [
      { company: { employees: 300, industry: "education" }, engagement: { score: 90 } },
      { company: { employees: 5000, industry: "telecom" }, engagement: { score: 90 }, contact: { email: "a@x.com" } },
    ];
    for (const lead of leads) expect(m.evaluate(lead, { asOf: "2026-11-01" })).toEqual(program.evaluate(lead, { asOf: "2026-11-01" }));
    expect(m.grades).toEqual({ fit_grade: ["A", "B", "C", "D"] });
    expect(m.reasons).toEqual(["not a market we sell to", 'competitor, "direct"']);
  });

  it("build --target dbt: disqualified is an accepted stage; reason and the grade are documented columns; examples expect them", async () => {
    const src = `${DEF}
example "a school" {
  company.employees = 300
  company.industry = education
  engagement.score = 90
  expect stage disqualified
  expect reason "not a market we sell to"
  expect fit_grade = B
}
`;
    const def = join(tmp, "dbt.leaddef");
    writeFileSync(def, src);
    const dir = join(tmp, "dbt");
    expect((await cli(["build", def, "--target", "dbt", "--dialect", "duckdb", "-o", dir, "--dbt-source", "raw.leads"])).code).toBe(0);
    const yml = readFileSync(join(dir, "schema.yml"), "utf8");
    expect(yml).toContain('values: ["none", "mql", "sql", "disqualified"]');
    expect(yml).toContain('- name: "reason"');
    expect(yml).toContain('values: ["A", "B", "C", "D"]');
    expect(yml).toContain('{"id": 1, "stage": "disqualified", "reason": "not a market we sell to", "fit_grade": "B"}');
  });

  it("SQL: readable CTEs for grades and disqualifications with file:line comments, in every dialect", () => {
    const program = compile(DEF, { path: join(tmp, "g.leaddef") }).program!;
    for (const dialect of ["duckdb", "postgres", "bigquery", "snowflake", "spark"] as const) {
      const sql = emitSql(program.ir, { dialect });
      expect(sql).toContain("grade_fit_grade AS (");
      expect(sql).toContain("disqualify_1 AS (");
      expect(sql).toContain("disqualify_2 AS (");
      expect(sql).toMatch(/-- g\.leaddef:9\n-- grade fit_grade \{/);
      expect(sql).toMatch(/-- g\.leaddef:16\n-- disqualify when company\.industry = education because/);
      expect(sql).toContain("WHEN disqualify_1 OR disqualify_2 THEN");
    }
  });

  it("SQL: text staging reads a definition that disqualifies (its `reason` column beside the reject columns; results in test/sql-staging.test.ts)", () => {
    const sql = emitSql(compile(DEF).program!.ir, { dialect: "duckdb", staging: "text" });
    expect(sql).toContain('AS "reason"');
    expect(sql).toContain("AS leaddef_reject_reason");
  });
});

describe("examples and explain", () => {
  it("expect stage disqualified, expect reason and expect GRADE = L pass and fail with typed failures", () => {
    const src = `${DEF}
example "competitor" {
  company.employees = 5000
  company.industry = telecom
  contact.email = "x@Competitor.com"
  engagement.score = 70
  expect stage disqualified
  expect reason "not a market we sell to"
  expect fit_grade = B
}
example "bank" {
  company.employees = 5000
  company.industry = financial_services
  engagement.score = 70
  expect stage sql
  expect fit_grade = A
}
`;
    const { program, diagnostics } = compile(src);
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const [competitor, bank] = runExamples(program!, "2026-11-01");
    expect(bank.passed).toBe(true);
    expect(competitor.failures.map(renderExampleFailure)).toEqual([
      'expected reason "not a market we sell to", got "competitor, \\"direct\\""',
      "expected grade fit_grade B, got A",
    ]);
  });

  it("explain says which disqualification held and which line gave the grade", async () => {
    const lead = JSON.stringify({ company: { employees: 300, industry: "education" }, engagement: { score: 90 } });
    const r = await cli(["explain", defPath, "--lead", lead, "--as-of", "2026-11-01"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("stage: disqualified");
    expect(r.stdout).toContain('reason: "not a market we sell to"');
    expect(r.stdout).toContain("✓ disqualify because \"not a market we sell to\"");
    expect(r.stdout).toContain("grade fit_grade: B   (by B when company.employees >= 200)");
    // no nearest miss for a disqualified lead
    expect(r.stdout).not.toContain("to reach");
  });

  it("`grade`, `disqualify`, `because`, `ends` and `reason` still name fields and declarations", () => {
    const src = `schema {
  grade: integer
  because.x: string
  ends: string
  reason: string
}
criterion disqualify when grade > 3
score because { +1 when ends ends with "x" }
mql when disqualify and because > 0 and reason starts with "r"
`;
    const { diagnostics, program } = compile(src);
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(program!.evaluate({ grade: 4, ends: "ax", reason: "red" }, { asOf: "2026-01-01" })).toEqual({ stage: "mql", scores: { because: 1 } });
  });
});
