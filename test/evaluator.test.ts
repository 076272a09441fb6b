// Semantics tables for the generated evaluator, one check() helper many cases, then
// differential tests: generated JS vs a reference interpreter, vs the standalone module.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { compile, compileFile, type CompileResult } from "../compiler/compile.js";
import { emitModule } from "../compiler/js/emit-module.js";
import type { LeadResult, Program } from "../compiler/runtime/program.js";
import { generateCase } from "./support/random-program.js";
import { ReferenceInterpreter } from "./support/reference-interpreter.js";

const here = dirname(fileURLToPath(import.meta.url));
const examplesDir = resolve(here, "..", "examples");
const AS_OF = "2026-11-22";

const SCHEMA = `schema {
  n: number?
  m: number?
  i: integer?
  s: string?
  t: string?
  b: boolean?
  c: boolean?
  d: date?
  d2: date?
  e: enum(low, mid, high)?
  e2: enum(low, mid, high)?
  tags: list(string)?
  co.size: integer?
  co.info.name: string?
}
`;

const compiled = new Map<string, CompileResult>();

function programOf(source: string): Program {
  let r = compiled.get(source);
  if (!r) {
    r = compile(source, { path: resolve("table.leaddef") });
    compiled.set(source, r);
  }
  const errors = r.diagnostics.filter((d) => d.severity === "error");
  expect(errors.map((d) => `${d.code} ${d.message}`), source).toEqual([]);
  return r.program!;
}

/** The one helper: a program, a lead, what evaluate() must give (stage and any scores listed). */
function check(source: string, lead: object, expected: Partial<LeadResult> & { stage?: string }, asOf = AS_OF): void {
  const result = programOf(source).evaluate(lead, { asOf });
  if (expected.stage !== undefined) expect(result.stage, `${source}\n${JSON.stringify(lead)}`).toBe(expected.stage);
  if (expected.scores) expect(result.scores).toEqual(expected.scores);
}

/** Whether `cond` holds for `lead`: the condition is the one stage of a program over SCHEMA. */
function holds(cond: string, lead: object, expected: boolean, asOf = AS_OF): void {
  check(`${SCHEMA}\nyes when ${cond}\n`, lead, { stage: expected ? "yes" : "none" }, asOf);
}

// [condition, a lead where it holds, a lead where it does not]: with the operand missing it is
// false, and `not (...)` of it is then true.
const OPERATORS: [string, object, object][] = [
  ["n = 5", { n: 5 }, { n: 6 }],
  ["n != 5", { n: 6 }, { n: 5 }],
  ["n < 5", { n: 4 }, { n: 5 }],
  ["n <= 5", { n: 5 }, { n: 6 }],
  ["n > 5", { n: 6 }, { n: 5 }],
  ["n >= 5", { n: 5 }, { n: 4 }],
  ["5 < n", { n: 6 }, { n: 5 }],
  ["n < m", { n: 1, m: 2 }, { n: 2, m: 2 }],
  ["n != m", { n: 1, m: 2 }, { n: 2, m: 2 }],
  ["n in [1, 5]", { n: 5 }, { n: 2 }],
  ["n not in [1, 5]", { n: 2 }, { n: 5 }],
  ["i in [1, 2.0]", { i: 2 }, { i: 3 }],
  ["s = \"Ab\"", { s: "Ab" }, { s: "ab" }],
  ["s != \"Ab\"", { s: "ab" }, { s: "Ab" }],
  ["s in [\"x\", \"y\"]", { s: "y" }, { s: "Y" }],
  ["s not in [\"x\", \"y\"]", { s: "z" }, { s: "x" }],
  ["s contains \"ab\"", { s: "xABy" }, { s: "a b" }],
  ["s starts with \"ab\"", { s: "ABc" }, { s: "cab" }],
  ["s contains t", { s: "Salesforce", t: "FORCE" }, { s: "Sales", t: "force" }],
  ["s starts with t", { s: "5112xx", t: "5112" }, { s: "5111", t: "5112" }],
  ["s ends with \"@ACME.com\"", { s: "jo@acme.COM" }, { s: "jo@acme.com.au" }],
  ["s ends with t", { s: "Chief Officer", t: "OFFICER" }, { s: "officer of", t: "officer" }],
  ["s ends with \"ß\"", { s: "STRAẞ" }, { s: "ßa" }],
  ["s = t", { s: "a", t: "a" }, { s: "a", t: "A" }],
  ["tags contains \"sap\"", { tags: ["x", "sap"] }, { tags: ["SAP", "sapling"] }],
  ["tags contains t", { tags: ["x"], t: "x" }, { tags: ["x"], t: "X" }],
  ["d < 2026-01-01", { d: "2025-12-31" }, { d: "2026-01-01" }],
  ["d = 2026-01-01", { d: "2026-01-01" }, { d: "2026-01-02" }],
  ["d in [2026-01-01, 2026-02-01]", { d: "2026-02-01" }, { d: "2026-03-01" }],
  ["d <= d2", { d: "2026-01-01", d2: "2026-01-01" }, { d: "2026-01-02", d2: "2026-01-01" }],
  ["e = mid", { e: "mid" }, { e: "high" }],
  ["e != mid", { e: "low" }, { e: "mid" }],
  ["e >= mid", { e: "high" }, { e: "low" }],
  ["e < mid", { e: "low" }, { e: "high" }],
  ["mid < e", { e: "high" }, { e: "mid" }],
  ["e < e2", { e: "low", e2: "high" }, { e: "high", e2: "low" }],
  ["e = e2", { e: "low", e2: "low" }, { e: "high", e2: "low" }],
  ["e in [low, high]", { e: "low" }, { e: "mid" }],
  ["e not in [low, high]", { e: "mid" }, { e: "low" }],
  ["b", { b: true }, { b: false }],
  ["b = false", { b: false }, { b: true }],
  ["b != c", { b: true, c: false }, { b: true, c: true }],
  ["n + 1 > 5", { n: 5 }, { n: 4 }],
  ["n - 1 > 5", { n: 7 }, { n: 6 }],
  ["n * 2 > 5", { n: 3 }, { n: 2 }],
  ["n / 2 > 1", { n: 3 }, { n: 2 }],
  ["7 / n = 3.5", { n: 2 }, { n: 3 }],
  ["-n < 0", { n: 1 }, { n: -1 }],
  ["days_since(d) >= 30", { d: "2026-10-23" }, { d: "2026-10-24" }],
  ["days_since(d) = -1", { d: "2026-11-23" }, { d: "2026-11-22" }],
  ["at least 1 of [b, n > 1]", { b: true }, { b: false, n: 1 }],
];

describe("every operator, present and missing operands", () => {
  it.each(OPERATORS)("%s", (cond, yes, no) => {
    holds(cond, yes, true);
    holds(cond, no, false);
    holds(`not (${cond})`, yes, false);
    holds(`not (${cond})`, no, true);
    // the missing-value rule: with a missing operand the test is false, and `not` flips it
    const missing = {};
    holds(cond, missing, false);
    holds(`not (${cond})`, missing, true);
    // each operand missing on its own, where there are two fields
    for (const key of Object.keys(yes)) {
      if (Object.keys(yes).length < 2) break;
      const partial = { ...yes } as Record<string, unknown>;
      delete partial[key];
      holds(cond, partial, false);
    }
  });

  it("`x not in [...]` with x missing is false, not true (documented choice)", () => {
    holds("n not in [1, 2]", {}, false);
    holds("e not in [low]", {}, false);
    holds("not (n in [1, 2])", {}, true);
  });

  it("JSON null is missing, like an absent key", () => {
    holds("n is missing", { n: null }, true);
    holds("n >= 0", { n: null }, false);
    holds("b", { b: null }, false);
    holds("not b", { b: null }, true);
  });

  it("an empty JSON string is a present empty string", () => {
    holds("s is present", { s: "" }, true);
    holds("s = \"\"", { s: "" }, true);
    holds("s contains \"\"", { s: "" }, true);
    holds("s starts with \"\"", {}, false);
    holds("s ends with \"\"", { s: "" }, true);
    holds("s ends with \"\"", {}, false);
  });

  it("`is missing` / `is present` on every kind of field", () => {
    for (const [field, value] of Object.entries({ n: 1, i: 2, s: "x", b: false, d: "2026-01-01", e: "low", tags: [] as string[] })) {
      holds(`${field} is present`, { [field]: value }, true);
      holds(`${field} is missing`, { [field]: value }, false);
      holds(`${field} is missing`, {}, true);
      holds(`${field} is present`, {}, false);
    }
    holds("(n) is missing", {}, true);
  });
});

describe("arithmetic and missing values", () => {
  it.each([
    ["n / m > 0", { n: 1, m: 0 }],
    ["n / m <= 0", { n: 1, m: 0 }],
    ["n / m = n / m", { n: 0, m: 0 }],
    ["n + m >= 0", { n: 1 }],
    ["n * 0 = 0", {}],
    ["-n = 0", {}],
    ["days_since(d) >= 0", {}],
    ["days_since(d) + n > -1000000", { n: 1 }],
    ["(n + 1) * 2 in [4]", {}],
  ])("%s is false for %j (arithmetic on missing is missing)", (cond, lead) => {
    holds(cond, lead, false);
    holds(`not (${cond})`, lead, true);
  });

  it("`/` is real division and follows precedence", () => {
    holds("7 / 2 = 3.5", {}, true);
    holds("1 + 2 * 3 = 7", {}, true);
    holds("(1 + 2) * 3 = 9", {}, true);
    holds("10 - 4 - 3 = 3", {}, true);
    holds("- 2 * 3 = -6", {}, true);
    holds("n / 4 = 0.25", { n: 1 }, true);
    holds("1.5K = 1500 and 2M = 2000000 and 1_000 = 1000 and 0.5B = 500000000", {}, true);
  });

  it("a score is never missing: it is 0 when no line holds", () => {
    const src = `${SCHEMA}\nscore fit {\n  +10 when n > 5\n  -3 when b\n}\nyes when fit >= 0 and fit is present\n`.replace(" and fit is present", "");
    check(src, {}, { stage: "yes", scores: { fit: 0 } });
    check(src, { n: 6, b: true }, { stage: "yes", scores: { fit: 7 } });
    check(src, { b: true }, { stage: "none", scores: { fit: -3 } });
  });
});

describe("scores, caps and floors", () => {
  const src = `${SCHEMA}
score fit {
  +60 when n > 0
  +50 when m > 0
  -100 when b
  cap 100
  floor -20
}
score plain {
  +0.1 when n > 0
  +0.2 when n > 0
}
score neg {
  -5 when true
  floor -1
}
yes when fit > 0
`;
  it.each([
    [{}, { fit: 0, plain: 0, neg: -1 }],
    [{ n: 1 }, { fit: 60, plain: 0.1 + 0.2, neg: -1 }],
    [{ n: 1, m: 1 }, { fit: 100, plain: 0.1 + 0.2, neg: -1 }],
    [{ b: true }, { fit: -20, plain: 0, neg: -1 }],
    [{ n: 1, m: 1, b: true }, { fit: 10, plain: 0.1 + 0.2, neg: -1 }],
  ])("%j", (lead, scores) => check(src, lead, { scores }));
});

describe("stages", () => {
  const src = `${SCHEMA}
st_a when n >= 1
st_b when st_a and n >= 2
st_c when n >= 3 or c2
criterion c2 when st_b and m = 1
`;
  it.each([
    [{}, "none"],
    [{ n: 1 }, "st_a"],
    [{ n: 2 }, "st_b"],
    [{ n: 3 }, "st_c"],
    [{ n: 2, m: 1 }, "st_c"],
    [{ n: 0, m: 1 }, "none"],
  ])("%j is at %s (the last stage that holds)", (lead, stage) => check(src, lead, { stage }));

  it("a later stage holding wins even when an earlier one does not", () => {
    check(`${SCHEMA}\nfirst when n = 1\nsecond when m = 1\n`, { m: 1 }, { stage: "second" });
    check(`${SCHEMA}\nfirst when n = 1\nsecond when m = 1\n`, { n: 1, m: 1 }, { stage: "second" });
  });

  it("criteria and stages may be used before they are declared", () => {
    check(`${SCHEMA}\nyes when later and n > 0\ncriterion later when m > 0\n`, { n: 1, m: 1 }, { stage: "yes" });
  });
});

describe("reading leads", () => {
  it.each([
    ["nested", { co: { size: 5, info: { name: "Acme" } } }],
    ["flat dotted", { "co.size": 5, "co.info.name": "Acme" }],
    ["mixed", { co: { size: 5 }, "co.info.name": "Acme" }],
    ["half nested", { co: { "info.name": "Acme" }, "co.size": 5 }],
  ])("%s keys", (_name, lead) => {
    // `co: {"info.name": ...}` is neither nested nor flat for co.info.name: it is missing
    const expectName = !(typeof (lead as { co?: Record<string, unknown> }).co?.["info.name"] === "string");
    holds("co.size = 5", lead, true);
    holds("co.info.name = \"Acme\"", lead, expectName);
  });

  it.each([
    ["b", { b: "true" }, true],
    ["b", { b: "YES" }, true],
    ["b", { b: " 1 " }, true],
    ["not b", { b: "no" }, true],
    ["not b", { b: "0" }, true],
    ["not b", { b: "False" }, true],
    ["b", { b: 1 }, true],
    ["n = 42", { n: "42" }, true],
    ["n = 2.5", { n: " 2.5 " }, true],
    ["n = -3", { n: "-3" }, true],
    ["n = 1000", { n: "1e3" }, true],
    ["i = 7", { i: "7" }, true],
    ["d = 2026-11-20", { d: "2026-11-20T23:59:59Z" }, true],
    ["d = 2026-11-20", { d: "2026-11-20 08:00" }, true],
    ["days_since(d) = 2", { d: "2026-11-20T10:00:00.000+05:00" }, true],
    ["tags contains \"b\"", { tags: "a; b ;c" }, true],
    ["e = mid", { e: "mid" }, true],
  ])("%s with %j", (cond, lead, expected) => holds(cond, lead, expected));

  it.each([
    [{ n: "abc" }, "n"],
    [{ n: "" }, "n"],
    [{ n: true }, "n"],
    [{ i: 2.5 }, "i"],
    [{ i: "2.5" }, "i"],
    [{ b: "maybe" }, "b"],
    [{ b: 2 }, "b"],
    [{ d: "2026-02-30" }, "d"],
    [{ d: "20261120" }, "d"],
    [{ d: 20261120 }, "d"],
    [{ s: 42 }, "s"],
    [{ tags: [1, 2] }, "tags"],
    [{ co: { size: "big" } }, "co.size"],
  ])("%j throws a TypeError naming the field", (lead, field) => {
    const program = programOf(`${SCHEMA}\nyes when n > 0 or i > 0 or b or d > 2020-01-01 or s = "x" or tags contains "x" or co.size > 0\n`);
    let error: unknown;
    try {
      program.evaluate(lead, { asOf: AS_OF });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain(`field ${field}:`);
  });

  it("evaluate() reads enum strings as the batch readers do: any case and spacing names the member, anything else is refused", () => {
    holds("e = low", { e: " LOW " }, true);
    holds("e >= mid", { e: "High" }, true);
    expect(() => programOf(`${SCHEMA}\nyes when e = low\n`).evaluate({ e: "nope" })).toThrow("`nope` is not one of low, mid, high");
  });

  it("an open enum (`...`) takes any other value: present, equal to no member, ranked nowhere", () => {
    const program = programOf(`schema {\n  e: enum(low, mid, high, ...)?\n}\ncriterion p when e is present\ncriterion eq when e = low\ncriterion ne when e != low\ncriterion ge when e >= low\ncriterion lt when e < high\n`);
    const flags = program.explain({ e: "nope" }, { asOf: "2026-11-22" }).criteria.map((c) => [c.name, c.holds]);
    expect(Object.fromEntries(flags)).toEqual({ p: true, eq: false, ne: true, ge: false, lt: false });
  });

  it("a non-object lead and a bad as-of date are refused", () => {
    const program = programOf(`${SCHEMA}\nyes when n > 0\n`);
    expect(() => program.evaluate(null as unknown as object)).toThrow(TypeError);
    expect(() => program.evaluate("x" as unknown as object)).toThrow(TypeError);
    expect(() => program.evaluate({}, { asOf: "2026-02-30" })).toThrow(RangeError);
  });

  it("the as-of date moves days_since", () => {
    holds("days_since(d) <= 30", { d: "2026-10-23" }, true, "2026-11-22");
    holds("days_since(d) <= 30", { d: "2026-10-23" }, false, "2026-11-23");
    const program = programOf(`${SCHEMA}\nyes when days_since(d) = 1\n`);
    expect(program.evaluate({ d: "2026-11-21" }, { asOf: new Date("2026-11-22T12:00:00Z") }).stage).toBe("yes");
  });
});

describe("explain", () => {
  const src = `${SCHEMA}
criterion big when co.size >= 100
score fit {
  +10 when big
  -5 when s contains "intern"
  cap 8
}
mql when big and b
  and days_since(d) <= 30
sal when mql and fit > 0
`;
  it("gives each declaration's parts, their truth and the values they read", () => {
    const program = programOf(src);
    const lead = { co: { size: 500 }, b: true, d: "2026-11-01", s: "Intern" };
    const x = program.explain(lead, { asOf: AS_OF });
    expect(x.asOf).toBe(AS_OF);
    expect(x.stage).toBe(program.evaluate(lead, { asOf: AS_OF }).stage);
    expect(x.stage).toBe("sal");
    expect(x.scores).toEqual({ fit: 5 });
    expect(x.stages.map((s) => [s.name, s.holds])).toEqual([["mql", true], ["sal", true]]);
    const mql = x.stages[0];
    expect(mql.parts.map((p) => [p.text, p.holds])).toEqual([["big", true], ["b", true], ["days_since(d) <= 30", true]]);
    expect(mql.parts[2].fields).toEqual([{ path: "d", value: "2026-11-01" }]);
    expect(x.criteria).toEqual([{ name: "big", holds: true, parts: [{ text: "co.size >= 100", holds: true, fields: [{ path: "co.size", value: 500 }] }] }]);
    expect(x.scoreDetails).toEqual([{
      name: "fit", value: 5, cap: 8, floor: undefined, perLines: [],
      lines: [
        { text: "+10 when big", weight: 10, holds: true, fields: [] },
        { text: "-5 when s contains \"intern\"", weight: -5, holds: true, fields: [{ path: "s", value: "Intern" }] },
      ],
    }]);
  });

  it("shows missing values as undefined and failing parts as false", () => {
    const x = programOf(src).explain({}, { asOf: AS_OF });
    expect(x.stage).toBe("none");
    expect(x.stages[0].holds).toBe(false);
    expect(x.stages[0].parts.map((p) => p.holds)).toEqual([false, false, false]);
    expect(x.stages[0].parts[2].fields).toEqual([{ path: "d", value: undefined }]);
  });
});

// ---- the example programs: evaluateMany, the standalone module, the reference interpreter ----

const EXAMPLE_FILES = ["acme.leaddef", "smb.leaddef", "scoring.leaddef"];
const jsonlLeads: Record<string, unknown>[] = readFileSync(join(examplesDir, "leads.jsonl"), "utf8")
  .split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));

interface GeneratedRow { id: string; values: Record<string, string>; bad: string | null }
const generator = (await import(pathToFileURL(join(examplesDir, "generate-leads.mjs")).href)) as {
  generateLeads(o: { seed: number; count: number; badRowRate: number }): Iterable<GeneratedRow>;
};
/** Generated rows as flat leads whose values are spelled as strings; an empty cell is left out. */
const generatedLeads = [...generator.generateLeads({ seed: 7, count: 400, badRowRate: 0.05 })].map((row) =>
  Object.fromEntries(Object.entries(row.values).filter(([, v]) => v !== "")),
);

function outcome(f: () => unknown): unknown {
  try {
    return { ok: f() };
  } catch (e) {
    return { error: (e as Error).constructor.name, message: (e as Error).message };
  }
}

const tmp = mkdtempSync(join(tmpdir(), "leaddef-eval-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.each(EXAMPLE_FILES)("%s", (file) => {
  const result = compileFile(join(examplesDir, file));
  const program = result.program!;

  it("evaluateMany equals evaluate, lead by lead", () => {
    const leads = jsonlLeads.filter((l) => (outcome(() => program.evaluate(l, { asOf: AS_OF })) as { ok?: unknown }).ok);
    expect(leads.length).toBeGreaterThan(900);
    expect(program.evaluateMany(leads, { asOf: AS_OF })).toEqual(leads.map((l) => program.evaluate(l, { asOf: AS_OF })));
  });

  it("the standalone module gives the same results (and the same refusals) as program.evaluate", async () => {
    const path = join(tmp, file.replace(".leaddef", ".mjs"));
    writeFileSync(path, emitModule(program.ir, file, "test"));
    const mod = (await import(pathToFileURL(path).href)) as {
      evaluate(lead: object, o?: { asOf?: string }): LeadResult;
      evaluateMany(leads: object[], o?: { asOf?: string }): LeadResult[];
      stages: string[];
      scores: string[];
    };
    expect(mod.stages).toEqual(program.stages);
    expect(mod.scores).toEqual(program.scores);
    let refused = 0;
    for (const lead of [...jsonlLeads, ...generatedLeads]) {
      const a = outcome(() => program.evaluate(lead, { asOf: AS_OF }));
      const b = outcome(() => mod.evaluate(lead, { asOf: AS_OF }));
      expect(b).toEqual(a);
      if ((a as { error?: string }).error) refused++;
    }
    expect(refused).toBeGreaterThan(0); // the generator's bad rows really are refused by both
    const good = jsonlLeads.filter((l) => (outcome(() => program.evaluate(l, { asOf: AS_OF })) as { ok?: unknown }).ok);
    expect(mod.evaluateMany(good, { asOf: "2026-12-31" })).toEqual(program.evaluateMany(good, { asOf: "2026-12-31" }));
  });

  it("agrees with the reference interpreter on every sample lead, flags included", () => {
    const ref = new ReferenceInterpreter(result.analysis);
    let compared = 0;
    for (const lead of [...jsonlLeads, ...generatedLeads]) {
      const got = outcome(() => {
        const x = program.explain(lead, { asOf: AS_OF });
        return {
          stage: x.stage,
          scores: x.scores,
          criteria: Object.fromEntries(x.criteria.map((c) => [c.name, c.holds])),
          stages: Object.fromEntries(x.stages.map((s) => [s.name, s.holds])),
        };
      });
      const want = outcome(() => ref.run(lead, AS_OF));
      if ("error" in (got as object)) {
        expect((want as { error?: string }).error, JSON.stringify(lead)).toBe("TypeError");
        continue;
      }
      expect(got, JSON.stringify(lead)).toEqual(want);
      compared++;
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it("runs its own examples through the reference interpreter with the expected outcome", () => {
    const ref = new ReferenceInterpreter(result.analysis);
    for (const ex of program.ir.examples) {
      const asOf = ex.asOf !== undefined ? new Date(ex.asOf * 86_400_000).toISOString().slice(0, 10) : AS_OF;
      const r = ref.run(ex.values, asOf);
      if (ex.expectStage !== undefined) expect(r.stage, ex.title).toBe(ex.expectStage);
      for (const s of ex.expectScores) expect(r.scores[s.name], ex.title).toBeCloseTo(s.value, 9);
    }
  });
});

describe("differential: random programs × random leads, generated JS vs the reference interpreter", () => {
  it("agree on stage, every score, every criterion and stage flag", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.boolean(), fc.boolean(), (seed, nested, spelled) => {
        const c = generateCase(seed, 25);
        const result = compile(c.source, { path: resolve("random.leaddef") });
        const errors = result.diagnostics.filter((d) => d.severity === "error");
        expect(errors.map((d) => d.message), c.source).toEqual([]);
        const program = result.program!;
        const ref = new ReferenceInterpreter(result.analysis);
        for (const typed of c.leads) {
          // the same values spelled as strings, as CSV-minded exporters write JSON
          const flat = spelled ? spell(typed, c.fields, seed) : typed;
          const lead = nested ? nest(flat) : flat;
          const x = program.explain(lead, { asOf: c.asOf });
          const want = ref.run(lead, c.asOf);
          const got = {
            stage: x.stage,
            scores: x.scores,
            criteria: Object.fromEntries(x.criteria.map((k) => [k.name, k.holds])),
            stages: Object.fromEntries(x.stages.map((s) => [s.name, s.holds])),
          };
          expect(got, `${c.source}\nlead ${JSON.stringify(lead)} as of ${c.asOf}`).toEqual(want);
          expect(program.evaluate(lead, { asOf: c.asOf })).toEqual({ stage: want.stage, scores: want.scores });
        }
      }),
      { numRuns: 100 },
    );
  });

  it("agree with grades and disqualifications too: stage (disqualified), reason, every grade, score and flag", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const c = generateCase(seed, 25, { behaviour: true });
        const result = compile(c.source, { path: resolve("random.leaddef") });
        const errors = result.diagnostics.filter((d) => d.severity === "error");
        expect(errors.map((d) => d.message), c.source).toEqual([]);
        const program = result.program!;
        const ref = new ReferenceInterpreter(result.analysis);
        for (const lead of c.leads) {
          const want = ref.run(lead, c.asOf);
          const x = program.explain(lead, { asOf: c.asOf });
          const where = `${c.source}\nlead ${JSON.stringify(lead)} as of ${c.asOf}`;
          expect({
            stage: x.stage,
            scores: x.scores,
            criteria: Object.fromEntries(x.criteria.map((k) => [k.name, k.holds])),
            stages: Object.fromEntries(x.stages.map((s) => [s.name, s.holds])),
            ...(x.grades.length ? { grades: Object.fromEntries(x.grades.map((g) => [g.name, g.letter])) } : {}),
            ...(x.disqualifications.length ? { reason: x.reason } : {}),
          }, where).toEqual(want);
          const { criteria: _c, stages: _s, ...lean } = want;
          expect(program.evaluate(lead, { asOf: c.asOf }), where).toEqual(lean);
        }
      }),
      { numRuns: 100 },
    );
  });
});

/** Numbers, booleans and dates spelled the ways a JSON export may spell them. */
function spell(lead: Record<string, unknown>, fields: { path: string; type: string }[], seed: number): Record<string, unknown> {
  const out: Record<string, unknown> = { ...lead };
  let k = seed;
  const next = () => (k = (k * 1103515245 + 12345) % 2147483648);
  for (const f of fields) {
    const v = lead[f.path];
    if (v === undefined) continue;
    if (f.type === "number" || f.type === "integer") out[f.path] = next() % 2 ? String(v) : ` ${v} `;
    else if (f.type === "boolean") out[f.path] = ["true", "yes", "1", "TRUE", "Yes"][next() % 5].replace(/.*/, (s) => (v ? s : { true: "false", yes: "no", "1": "0", TRUE: "FALSE", Yes: "No" }[s]!));
    else if (f.type === "date") out[f.path] = [`${v}`, `${v}T23:59:59Z`, `${v} 00:00`, `${v}T08:00:00.000-05:00`][next() % 4];
  }
  return out;
}

/** Flat dotted keys → nested objects. */
function nest(flat: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat)) {
    const segs = key.split(".");
    let o = out;
    for (const s of segs.slice(0, -1)) o = (o[s] ??= {}) as Record<string, unknown>;
    o[segs[segs.length - 1]] = value;
  }
  return out;
}
