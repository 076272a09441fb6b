// `leaddef compare`: definitions written differently that the solver proves equivalent, and
// changes it must catch, each difference with a counterexample that is evaluated again here
// with both compiled programs. Also the bounded search (the fallback) and the paste-ready
// `example` block, compiled and run as the new definition's own example.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compareDefinitions, type CompareReport, type Counterexample } from "../compiler/analysis/compare.js";
import { shutdownSolvers } from "../compiler/analysis/smt.js";
import { exampleBlock } from "../compiler/app/compare.js";
import { compile } from "../compiler/compile.js";
import { runExamples } from "../compiler/runtime/examples.js";
import type { Program } from "../compiler/runtime/program.js";
import { CLI } from "./support/cli.js";

afterAll(() => shutdownSolvers());

const SCHEMA = `schema {
  a: boolean?
  b: boolean?
  n: number?
  i: integer?
  d: date?
  t: string?
  e: enum(x, y, z)?
  l: list(string)?
  r: number
}
`;

function program(body: string): Program {
  const result = compile(SCHEMA + body);
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (!result.program) throw new Error(`fixture does not compile: ${errors.map((d) => d.message).join("; ")}\n${body}`);
  return result.program;
}

/** Evaluates a reported counterexample again, independently of compare. */
function replay(c: Counterexample, old: Program, now: Program) {
  return { old: old.evaluate(c.lead, { asOf: c.as_of }), new: now.evaluate(c.lead, { asOf: c.as_of }) };
}

const reachedIn = (p: Program, stage: string, got: string) => p.stages.includes(stage) && p.stages.indexOf(got) >= p.stages.indexOf(stage);

/** Every counterexample in the report reproduces the difference it is shown for. */
function checkWitnesses(r: CompareReport, old: Program, now: Program): void {
  for (const [stage, s] of Object.entries(r.stages)) {
    for (const c of s.counterexamples) {
      const again = replay(c, old, now);
      expect(again).toEqual({ old: c.old, new: c.new });
      expect(reachedIn(old, stage, again.old.stage), `${stage}: ${JSON.stringify(c)}`).not.toBe(reachedIn(now, stage, again.new.stage));
    }
  }
  for (const [score, s] of Object.entries(r.scores)) {
    for (const c of s.counterexamples) {
      const again = replay(c, old, now);
      expect(again.old.scores[score]).not.toBe(again.new.scores[score]);
    }
  }
  if (r.stage_difference) {
    const again = replay(r.stage_difference, old, now);
    expect(again.old.stage).not.toBe(again.new.stage);
  }
}

async function compare(oldBody: string, newBody: string, options = {}) {
  const old = program(oldBody);
  const now = program(newBody);
  const report = await compareDefinitions({ old, new: now }, options);
  checkWitnesses(report, old, now);
  return report;
}

describe("equivalent definitions written differently are proved equivalent", () => {
  it.each([
    ["De Morgan", "s when not (a and b)", "s when not a or not b"],
    ["De Morgan over comparisons", "s when not (n > 5 or e = x)", "s when not (n > 5) and not (e = x)"],
    ["reordered and", "s when a and n > 5 and t contains \"vp\"", "s when t contains \"vp\" and n > 5 and a"],
    ["at least 2 of [a, b] is a and b", "s when at least 2 of [a, b]", "s when a and b"],
    ["an inlined criterion", "criterion big when n >= 10 and i > 2\ns when big and a", "s when a and n >= 10 and i > 2"],
    ["integer thresholds", "s when i > 5", "s when i >= 6"],
    ["case-insensitive needles", "s when t contains \"VP\" or t starts with \"Dir\"", "s when t contains \"vp\" or t starts with \"dir\""],
    ["an enum order and its members", "s when e >= y", "s when e in [y, z]"],
    ["days_since and a window", "s when days_since(d) <= 30 and days_since(d) >= 0", "s when not (days_since(d) > 30) and d is present and days_since(d) >= 0"],
    ["a score written another way", "score p { +10 when a\n +5 when b\n cap 12 }\ns when p >= 10", "score p { +5 when b\n +10 when a\n cap 12 }\ns when a"],
  ])("%s", async (_, before, after) => {
    const r = await compare(before, after);
    expect(r.method).toBe("solver");
    expect(r.approximations).toEqual([]);
    expect(r.equivalent).toBe(true);
    for (const s of Object.values(r.stages)) expect(s).toMatchObject({ relation: "same", proved: true });
  }, 60_000);
});

describe("changes are caught, each with a counterexample that reproduces", () => {
  it.each([
    ["a raised threshold", "s when n > 5", "s when n > 7", "stricter"],
    ["a lowered threshold at the boundary", "s when n > 5", "s when n >= 5", "looser"],
    ["a smaller enum set", "s when e in [x, y]", "s when e in [x]", "stricter"],
    ["a shorter date window", "s when days_since(d) <= 30", "s when days_since(d) <= 14", "stricter"],
    ["a missing value: not (n > 5) is true when n is missing, n <= 5 is not", "s when not (n > 5)", "s when n <= 5", "stricter"],
    ["a missing value: a is missing or false", "s when not a", "s when a = false", "stricter"],
    ["case: exact = against contains", "s when t = \"VP\"", "s when t contains \"vp\"", "looser"],
    ["exact text in both casings", "s when t = \"VP\" or t = \"vp\"", "s when t = \"VP\"", "stricter"],
    ["a list looked into", "s when l contains \"salesforce\"", "s when l contains \"salesforce\" or l contains \"hubspot\"", "looser"],
    ["two windows that overlap", "s when n > 5", "s when n < 10", "incomparable"],
  ])("%s", async (_, before, after, relation) => {
    const r = await compare(before, after);
    expect(r.equivalent).toBe(false);
    expect(r.method).toBe("solver");
    expect(r.stages.s.relation).toBe(relation);
    expect(r.stages.s.counterexample).toBeDefined();
    expect(r.stage_difference).toBeDefined();
  }, 60_000);

  it("a stage later in the funnel follows the one it builds on", async () => {
    const r = await compare("mql when n >= 60\nsal when mql and a", "mql when n >= 70\nsal when mql and a");
    expect(r.stages.mql.relation).toBe("stricter");
    expect(r.stages.sal.relation).toBe("stricter");
    // the counterexample sits where the bar moved
    const n = r.stages.mql.counterexample!.lead.n as number;
    expect(n >= 60 && n < 70).toBe(true);
  }, 60_000);

  it("scores: higher, lower, the cap, and a score only one side has", async () => {
    const r = await compare(
      "score p { +10 when a\n cap 15 }\nscore q { +1 when b }\nscore gone { +1 when a }\ns when a",
      "score p { +10 when a or b\n cap 15 }\nscore q { +1 when b\n +20 when i > 3\n cap 5 }\nscore added { +1 when a }\ns when a",
    );
    expect(r.scores.p.relation).toBe("higher");
    expect(r.scores.q.relation).toBe("higher");
    expect(r.scores_only).toEqual({ old: ["gone"], new: ["added"] });
    expect(r.stages.s.relation).toBe("same");
    expect(r.equivalent).toBe(false);
  }, 60_000);

  it("a stage added or removed", async () => {
    const r = await compare("s when a", "s when a\nhot when s and n > 90");
    expect(r.stages.hot.relation).toBe("looser");
    expect(r.stages.s.relation).toBe("same");
  }, 60_000);
});

describe("where the encoding is not exact, a bounded search answers and says so", () => {
  it("two text fields compared case-sensitively", async () => {
    const schema = "schema {\n  u: string?\n}\n";
    const r = await compare(`${schema}s when t = u`, `${schema}s when t = u and n > 1`);
    expect(r.approximations.join("\n")).toContain("compares two text fields");
    expect(r.method).toBe("bounded search");
    expect(r.equivalent).toBe(false);
    expect(r.stages.s.relation).toBe("stricter");
  }, 60_000);

  it("finds a simple difference without the solver, and does not claim a proof when it finds none", async () => {
    const differ = await compare("s when n > 5", "s when n > 6", { forceSearch: true, searchSize: 5000 });
    expect(differ.method).toBe("bounded search");
    expect(differ.stages.s.relation).toBe("stricter");
    const same = await compare("s when not (a and b)", "s when not a or not b", { forceSearch: true, searchSize: 2000 });
    expect(same.equivalent).toBeNull();
    expect(same.stages.s).toMatchObject({ relation: "same", proved: false });
    expect(same.searched).toBe(2000);
  }, 60_000);
});

describe("the example block", () => {
  it("pasted into the new definition, it compiles and passes", async () => {
    const before = "score p { +10 when t contains \"vp\"\n +5 when l contains \"hubspot\" }\ns when n > 5.5 and e >= y and days_since(d) <= 30";
    const after = "score p { +10 when t contains \"vp\"\n +5 when l contains \"hubspot\" }\ns when n > 8 and e >= y and days_since(d) <= 30";
    const old = program(before);
    const now = program(after);
    const r = await compareDefinitions({ old, new: now });
    const c = r.stages.s.counterexample!;
    const block = exampleBlock("compare: leaves s", c, now.fields);
    const pasted = compile(`${SCHEMA}${after}\n${block}\n`);
    expect(pasted.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const outcomes = runExamples(pasted.program!, "2000-01-01");
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0].passed).toBe(true);
    // and the old definition fails it: the example records the change
    const onOld = compile(`${SCHEMA}${before}\n${block}\n`);
    expect(runExamples(onOld.program!, "2000-01-01")[0].passed).toBe(false);
  }, 60_000);
});

describe("leaddef compare (the command)", () => {
  const tmp = mkdtempSync(join(tmpdir(), "leaddef-compare-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const write = (name: string, body: string) => {
    writeFileSync(join(tmp, name), SCHEMA + body);
    return join(tmp, name);
  };
  const run = (args: string[]) => spawnSync(process.execPath, [CLI, "compare", ...args], { encoding: "utf8", timeout: 120_000 });

  it("JSON: equivalent, the method, per stage a relation with a checked counterexample", () => {
    const before = write("old.leaddef", "mql when n >= 60\nsal when mql and a");
    const after = write("new.leaddef", "mql when n >= 70\nsal when a and mql");
    const r = run([before, after, "--format", "json"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/internal error|cleanupThread/);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ old: before, new: after, equivalent: false, method: "solver", stages: { mql: { relation: "stricter" }, sal: { relation: "stricter" } } });
    const c = json.stages.mql.counterexample;
    expect(Object.keys(c).sort()).toEqual(["as_of", "lead", "new", "old"]);
    expect(c.old.stage).not.toBe("none");
    expect(c.new.stage).toBe("none");
  }, 120_000);

  it("text: the verdict and a paste-ready example block; --fail-on-difference exits 1 unless proved equivalent", () => {
    const before = write("a.leaddef", "s when not (a and b)");
    const same = write("b.leaddef", "s when not a or not b");
    const looser = write("c.leaddef", "s when not a or not b or n > 3");
    const eq = run([before, same, "--fail-on-difference"]);
    expect(eq.status, eq.stderr).toBe(0);
    expect(eq.stdout).toContain("equivalent: every lead gets the same stage");
    const ne = run([before, looser, "--fail-on-difference"]);
    expect(ne.status, ne.stderr).toBe(1);
    expect(ne.stdout).toContain("stage s: looser");
    expect(ne.stdout).toMatch(/example "compare: newly reaches s" \{\n\s+a = true\n\s+b = true\n\s+n = /);
    // without the flag a difference is an answer, not a failure
    expect(run([before, looser]).status).toBe(0);
  }, 120_000);

  it("a definition that does not compile exits 1; a missing file exits 2", () => {
    const broken = write("broken.leaddef", "s when nope > 1");
    expect(run([broken, broken]).status).toBe(1);
    expect(run([join(tmp, "absent.leaddef"), broken]).status).toBe(2);
  }, 60_000);
});
