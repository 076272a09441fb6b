// The language server runs examples off the diagnostics path (lsp/example-runs.ts): a slice at a
// time, giving the event loop back in between, cancelled by an edit, with the same report a
// run in one go gives.
import { describe, expect, it } from "vitest";
import { compile } from "../compiler/compile.js";
import { ExampleRuns } from "../lsp/example-runs.js";
import { exampleReport, type ExampleReport } from "../lsp/features/code-lens.js";

const DEFINITION = `schema {
  company.employees: number
}
criterion big when company.employees >= 100
mql when big
${Array.from({ length: 6 }, (_, i) => `example "lead ${i}" {\n  company.employees = ${i * 40}\n  expect stage mql\n}`).join("\n")}
`;

const nextTurn = () => new Promise<void>((r) => setImmediate(r));

describe("example runs", () => {
  it("gives the event loop back between examples and ends with the report a run in one go gives", async () => {
    const result = compile(DEFINITION, { path: "/virtual/runs.leaddef" });
    expect(result.analysis.hasErrors).toBe(false);
    // No delay, and a slice so short that each holds just one example.
    const runs = new ExampleRuns(0, 0);
    let turns = 0;
    const report = await new Promise<ExampleReport>((resolve, reject) => {
      runs.start("doc", result, "2026-01-01", resolve, reject);
      const tick = () => {
        turns++;
        if (runs.pending("doc")) setImmediate(tick);
      };
      setImmediate(tick);
    });
    // Other work ran while the six examples did: the loop was not held for the whole run.
    expect(turns).toBeGreaterThanOrEqual(5);
    expect(report).toStrictEqual(exampleReport(result, "2026-01-01"));
    expect(report.problems.length).toBe(3); // leads 0, 1 and 2 have under 100 employees
  });

  it("an edit cancels the run: its report never arrives, and the next run's does", async () => {
    const result = compile(DEFINITION, { path: "/virtual/runs.leaddef" });
    const runs = new ExampleRuns(0, 0);
    const reports: string[] = [];
    runs.start("doc", result, "2026-01-01", () => reports.push("first"), () => reports.push("failed"));
    await nextTurn();
    await nextTurn();
    runs.cancel("doc");
    expect(runs.pending("doc")).toBe(false);
    for (let i = 0; i < 20; i++) await nextTurn();
    expect(reports).toEqual([]);
    await new Promise<void>((resolve) => runs.start("doc", result, "2026-01-01", () => { reports.push("second"); resolve(); }, () => reports.push("failed")));
    expect(reports).toEqual(["second"]);
  });

  it("a file with errors reports no outcomes, without lowering anything", async () => {
    const result = compile("criterion a when nope > 1\nexample \"e\" {\n  expect a\n}\n", { path: "/virtual/broken.leaddef" });
    const report = await new Promise<ExampleReport>((resolve, reject) => new ExampleRuns(0, 0).start("doc", result, "2026-01-01", resolve, reject));
    expect(report.outcomes).toBeUndefined();
    expect(report.lenses.map((l) => l.title)).toEqual(["▶ run (fix the errors first)"]);
  });
});
