// One fixture per diagnostic code, each beside its expected `.errors.txt` baseline (the source
// echoed with `~~~` under every diagnostic). Regenerate with UPDATE_GOLDEN=1 and review the diff.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { compile, compileFile, type CompileResult } from "../compiler/compile.js";
import { runExamples } from "../compiler/runtime/examples.js";
import { CATALOG, type Diagnostic } from "../language/diagnostics.js";
import { semanticLints } from "../compiler/analysis/semantic-lints.js";
import { shutdownSolvers } from "../compiler/analysis/smt.js";
import { golden, renderBaseline } from "./support/baseline.js";
import { coverageHints } from "../lsp/features/coverage-hints.js";

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, "fixtures", "diagnostics");
const examplesDir = resolve(here, "..", "examples");
const fixtureFiles = readdirSync(fixtures).filter((f) => /^LD\d{4}-.*\.leaddef$/.test(f)).sort();

/** The warnings of `check --semantic` (compiler/analysis/semantic-lints.ts). */
const SEMANTIC_CODES = ["LD2006", "LD2007", "LD2008", "LD2009", "LD2010", "LD2011"];
/** The language server's coverage hint (lsp/features/coverage-hints.ts): from the examples' coverage, not compile(). */
const COVERAGE_HINT = "LD3006";
const AS_OF = "2026-11-22";

/** What the code's fixture reports: compile()'s diagnostics, plus the coverage hints for LD3006. */
function reported(code: string, result: CompileResult): Diagnostic[] {
  return code === COVERAGE_HINT ? [...result.diagnostics, ...coverageHints(result, AS_OF)] : result.diagnostics;
}
afterAll(() => shutdownSolvers());

/** Codes no input can produce; each needs a reason (see the report and docs/diagnostics.md). */
const UNTRIGGERABLE: Record<string, string> = {
  // compile() never runs examples; the language server does (lsp/features/code-lens.ts) and
  // reports a failing one as LD3005, the CLI's `leaddef test` prints it. Covered below through
  // runExamples, and in test/lsp-features.test.ts.
  LD3005: "reported by the language server when it runs an example, not by compile()",
  // proved by the SMT solver, reported by `check --semantic`; each tested both ways in
  // test/semantic-lints.test.ts, and its docs example below through semanticLints
  ...Object.fromEntries(SEMANTIC_CODES.map((c) => [c, "reported by `check --semantic` (the solver), not compile()"])),
};

function texts(result: CompileResult): Map<string, string> {
  return new Map([...result.analysis.files].map(([p, m]) => [p, m.text]));
}

function spansInside(result: CompileResult): void {
  for (const d of result.diagnostics) {
    const text = result.analysis.files.get(d.file)?.text;
    expect(text, `${d.code} points at a file the analysis did not read: ${d.file}`).toBeDefined();
    expect(d.span.start, `${d.code} ${d.message}`).toBeGreaterThanOrEqual(0);
    expect(d.span.end, `${d.code} ${d.message}`).toBeGreaterThanOrEqual(d.span.start);
    expect(d.span.end, `${d.code} ${d.message}`).toBeLessThanOrEqual(text!.length);
    expect(d.range, `${d.code} has no range`).toBeDefined();
    expect(d.message).toMatch(/^[^A-Z]/); // Cedar style: lowercase start
    expect(d.message).not.toMatch(/\.$/); // and no final period
    if (d.suggestion) {
      expect(d.suggestion.span.start).toBeGreaterThanOrEqual(0);
      expect(d.suggestion.span.end).toBeLessThanOrEqual(text!.length);
    }
  }
}

describe("one fixture per diagnostic code", () => {
  it("covers every code in the catalog", () => {
    const covered = new Set(fixtureFiles.map((f) => f.slice(0, 6)));
    const uncovered = Object.keys(CATALOG).filter((c) => !covered.has(c) && !(c in UNTRIGGERABLE));
    expect(uncovered).toEqual([]);
    for (const c of covered) expect(Object.keys(CATALOG)).toContain(c);
  });

  it.each(fixtureFiles)("%s", (name) => {
    const code = name.slice(0, 6) as keyof typeof CATALOG;
    const result = compileFile(join(fixtures, name));
    const all = reported(code, result);
    const produced = all.filter((d) => d.code === code);
    expect(produced.length, `${name} should produce ${code}`).toBeGreaterThan(0);
    for (const d of produced) expect(d.severity).toBe(CATALOG[code].severity);
    // An error code means no program; a warning alone leaves the program runnable.
    expect(result.program === undefined).toBe(result.diagnostics.some((d) => d.severity === "error"));
    spansInside(result);
    const { expected, actual } = golden(join(fixtures, name.replace(/\.leaddef$/, ".errors.txt")), renderBaseline(all, texts(result), fixtures));
    expect(actual).toBe(expected);
  });
});

// ---- several mistakes, one run ----

const FIVE_MISTAKES = `schema {
  company.employees: integr
  contact.role: enum(decision_maker, user)
  engagement.last_activity: date
}

criterion big when company.employes >= 500

criterion buyer when contact.role = decison_maker

criterion recent when engagement.last_activity >= 2026-13-01

mql when big and buyer and recent and days_sinse(engagement.last_activity) < 30
`;

interface Expected { code: string; line: number; col: number }

function check(source: string, expected: Expected[], path = "input.leaddef"): Diagnostic[] {
  const result = compile(source, { path: resolve(path) });
  spansInside(result);
  const got = result.diagnostics.map((d) => ({ code: d.code, line: d.range!.start.line + 1, col: d.range!.start.character + 1 }));
  expect(got).toEqual(expected);
  return result.diagnostics;
}

describe("every mistake in one run", () => {
  it("reports five different mistakes in five places, with line and column", () => {
    check(FIVE_MISTAKES, [
      { code: "LD1011", line: 2, col: 22 },
      { code: "LD1001", line: 7, col: 20 },
      { code: "LD1003", line: 9, col: 37 },
      { code: "LD0003", line: 11, col: 51 },
      { code: "LD1013", line: 13, col: 39 },
    ]);
  });

  it("reports a syntax error in one declaration and type errors in the others", () => {
    check(
      `schema {\n  a.n: number\n  a.s: string\n}\ncriterion one when a.n >\ncriterion two when a.s > 3\ncriterion three when a.n = "x"\nfour when one and two and three\n`,
      [
        { code: "LD0002", line: 5, col: 25 },
        { code: "LD1006", line: 6, col: 20 },
        { code: "LD1006", line: 7, col: 22 },
      ],
    );
  });
});

// ---- did you mean ----

interface SuggestionCase { source: string; code: string; text: string }

const SUGGESTIONS: SuggestionCase[] = [
  { code: "LD1001", text: "company.revenue_usd", source: "schema {\n  company.revenue_usd: number\n}\ncriterion big when company.revenue >= 1M\n" },
  { code: "LD1002", text: "icp_fit", source: "schema {\n  a.n: number\n}\ncriterion icp_fit when a.n > 1\nmql when icp_fti\n" },
  { code: "LD1003", text: "decision_maker", source: "schema {\n  r: enum(decision_maker, user)\n}\nmql when r = decison_maker\n" },
  { code: "LD1003", text: "vp", source: "schema {\n  s: enum(manager, director, vp)\n}\nmql when s in [manager, vpp]\n" },
  { code: "LD1011", text: "integer", source: "schema {\n  a.n: intger\n}\n" },
  { code: "LD1013", text: "days_since", source: "schema {\n  d: date\n}\nmql when day_since(d) < 3\n" },
  { code: "LD3003", text: "mql", source: "schema {\n  a: boolean\n}\nmql when a\nexample \"e\" {\n  a = true\n  expect stage mqll\n}\n" },
  { code: "LD3003", text: "fit", source: "schema {\n  a: boolean\n}\nscore fit {\n  +1 when a\n}\nmql when fit > 0\nexample \"e\" {\n  a = true\n  expect score fitt = 1\n}\n" },
  { code: "LD2003", text: "mql and ", source: "schema {\n  a: boolean\n  b: boolean\n}\nmql when a\nsal when b\n" },
];

describe("suggestions travel with the diagnostic and fix it", () => {
  it.each(SUGGESTIONS)("$code suggests $text", ({ source, code, text }) => {
    const result = compile(source, { path: resolve("suggest.leaddef") });
    const d = result.diagnostics.find((x) => x.code === code);
    expect(d, `no ${code} in ${JSON.stringify(result.diagnostics.map((x) => x.code))}`).toBeDefined();
    expect(d!.suggestion?.text).toBe(text);
    const fixed = source.slice(0, d!.suggestion!.span.start) + d!.suggestion!.text + source.slice(d!.suggestion!.span.end);
    const after = compile(fixed, { path: resolve("suggest.leaddef") });
    expect(after.diagnostics.filter((x) => x.code === code)).toEqual([]);
  });

  it("does not suggest a far-fetched name", () => {
    const result = compile("schema {\n  company.revenue_usd: number\n}\ncriterion big when zzz.qqq >= 1M\n", { path: resolve("far.leaddef") });
    const d = result.diagnostics.find((x) => x.code === "LD1001");
    expect(d).toBeDefined();
    expect(d!.suggestion).toBeUndefined();
  });
});

// ---- docs/diagnostics.md: every code documented, its examples really wrong and right ----

describe("docs/diagnostics.md", () => {
  const doc = readFileSync(resolve(here, "..", "docs", "diagnostics.md"), "utf8");
  const sections = new Map(doc.split(/^## /m).slice(1).map((s) => [s.slice(0, 6), s] as const));

  it("documents every catalog code with its severity", () => {
    expect([...sections.keys()].sort()).toEqual(Object.keys(CATALOG).sort());
    for (const [code, text] of sections) {
      const entry = CATALOG[code as keyof typeof CATALOG];
      const severity = { error: "Error", warning: "Warning", info: "Info", hint: "Hint" }[entry.severity as "error" | "warning" | "info" | "hint"];
      expect(text, code).toContain(`**${severity} — ${entry.title}.**`);
    }
  });

  it.each(Object.keys(CATALOG))("%s: the wrong example reports it, the right one compiles without it", async (code) => {
    const blocks = [...sections.get(code)!.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], text: m[2] }));
    expect(blocks.length, code).toBe(2);
    const [wrong, right] = blocks;
    // examples compile as if they were fixtures, so their imports find test/fixtures/diagnostics/imports
    const path = join(fixtures, code === "LD1010" ? "a.leaddef" : "doc-example.leaddef");
    if (code === "LD3005") {
      // a failing example: it compiles, and running it fails
      const w = compile(wrong.text, { path });
      expect(w.diagnostics).toEqual([]);
      expect(runExamples(w.program!, "2026-11-22").map((o) => o.passed)).toEqual([false]);
    } else if (code === COVERAGE_HINT) {
      // examples that pass, yet leave a condition never false: the hint, and nothing else
      const w = compile(wrong.text, { path });
      expect(w.diagnostics).toEqual([]);
      expect(runExamples(w.program!, AS_OF).every((o) => o.passed)).toBe(true);
      expect(coverageHints(w, AS_OF).map((d) => d.code)).toContain(code);
    } else if (SEMANTIC_CODES.includes(code)) {
      const w = compile(wrong.text, { path });
      expect(w.diagnostics, `${code} wrong example`).toEqual([]);
      expect((await semanticLints(w)).map((d) => d.code), `${code} wrong example`).toContain(code);
    } else if (wrong.lang === "leaddef") {
      const w = compile(wrong.text, { path });
      expect(w.diagnostics.map((d) => d.code), `${code} wrong example`).toContain(code);
    }
    expect(right.lang).toBe("leaddef");
    const r = compile(right.text, { path });
    expect(r.diagnostics.map((d) => `${d.code} ${d.message}`), `${code} right example`).toEqual([]);
    if (r.program) expect(runExamples(r.program, "2026-11-22").every((o) => o.passed), `${code} right example's examples`).toBe(true);
    if (SEMANTIC_CODES.includes(code)) expect((await semanticLints(r)).map((d) => d.code), `${code} right example`).not.toContain(code);
    if (code === COVERAGE_HINT) expect(coverageHints(r, AS_OF), `${code} right example`).toEqual([]);
  }, 60_000);
});

describe("ranges", () => {
  it("examples compile clean, and every fixture's diagnostics lie inside their files", () => {
    for (const f of readdirSync(examplesDir).filter((x) => x.endsWith(".leaddef"))) {
      const result = compileFile(join(examplesDir, f));
      expect(result.diagnostics.filter((d) => d.severity === "error"), f).toEqual([]);
      spansInside(result);
    }
  });

  it("a diagnostic at the very end of a file without a final newline stays inside it", () => {
    const source = "schema {\n  a: number\n}\nmql when a >";
    const result = compile(source, { path: resolve("end.leaddef") });
    expect(result.diagnostics.map((d) => d.code)).toContain("LD0002");
    spansInside(result);
  });

  it.each([
    ["a lone backslash at the end of the file", 'schema {\n  a: string\n}\nmql when a = "new\\'],
    ["an escaped quote where the closing quote should be", 'schema {\n  a: string\n}\nmql when a = "x\\"\n'],
    ["a string cut at the end of the file", 'schema {\n  a: string\n}\nmql when a = "x'],
  ])("an unterminated string is one LD0004, inside the file: %s", (_name, source) => {
    const result = compile(source, { path: resolve("unterminated.leaddef") });
    expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual(["LD0004 unterminated string"]);
    spansInside(result);
  });

  it("the same fixture text gives the same baseline whatever its path", () => {
    const name = "LD1001-unknown-field.leaddef";
    const text = readFileSync(join(fixtures, name), "utf8");
    const a = compile(text, { path: resolve("/tmp/x", name) });
    const b = compileFile(join(fixtures, name));
    expect(a.diagnostics.map(({ file: _f, ...d }) => d)).toEqual(b.diagnostics.map(({ file: _f, ...d }) => d));
  });
});

describe("a node gets one type, so its errors are reported once", () => {
  it("an unknown field as the first item of an `in` list beside a bare name is reported once", () => {
    const source = "schema {\n  t: enum(a, b)\n}\ncriterion x when t in [company.nope, 1]\n";
    const result = compile(source, { path: resolve("in-list.leaddef") });
    const unknown = result.diagnostics.filter((d) => d.code === "LD1001");
    expect(unknown.map((d) => d.message)).toEqual(["unknown field `company.nope`"]);
  });

  it("the same shape with a declared first item types every item once and reports the mismatch once", () => {
    const source = "schema {\n  t: enum(a, b)\n  company.size: integer\n}\ncriterion x when t in [company.size, a]\n";
    const result = compile(source, { path: resolve("in-list2.leaddef") });
    expect(result.diagnostics.filter((d) => d.code === "LD1006")).toHaveLength(1);
  });
});
