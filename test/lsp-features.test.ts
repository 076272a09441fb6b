// Editor features as data: each case is a .leaddef text with a cursor marker `<|>` and what the
// feature must answer there. The features are pure functions over a compilation, so no server
// runs here. The text is compiled as test/fixtures/lsp/input.leaddef, so `import "common.leaddef"`
// reads test/fixtures/lsp/common.leaddef from disk, as an unopened workspace file would be.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { LineIndex } from "../language/source.js";
import { describe, expect, it } from "vitest";
import { renderExampleFailure, renderExampleOutcome } from "../compiler/app/render.js";
import { compileFile, type CompileResult } from "../compiler/compile.js";
import { nodeHost } from "../compiler/host.js";
import { codeActions } from "../lsp/features/code-actions.js";
import { exampleReport, examplesText, runOneExample } from "../lsp/features/code-lens.js";
import { complete } from "../lsp/features/completion.js";
import { definition, references } from "../lsp/features/definition.js";
import { foldingRanges } from "../lsp/features/folding.js";
import { formatDocument, formatRange, minimalEdit } from "../lsp/features/formatting.js";
import { hover } from "../lsp/features/hover.js";
import { prepareRename, rename, type TextEdit } from "../lsp/features/rename.js";
import { encodeSemanticTokens, semanticTokens } from "../lsp/features/semantic-tokens.js";
import { documentSymbols, workspaceSymbols } from "../lsp/features/symbols.js";

const dir = resolve(dirname(fileURLToPath(import.meta.url)), "fixtures", "lsp");
const INPUT = join(dir, "input.leaddef");
const COMMON = join(dir, "common.leaddef");
const OTHER = join(dir, "other.leaddef");
const MARK = "<|>";

/** Compiles `text` (cursor marker removed) as the entry file, with `extra` files overriding disk. */
function setup(marked: string, extra: Record<string, string> = {}): { result: CompileResult; offset: number; text: string; files: Map<string, string> } {
  const offset = marked.indexOf(MARK);
  const text = marked.replace(MARK, "");
  const files = new Map<string, string>([[INPUT, text], ...Object.entries(extra).map(([p, t]) => [join(dir, p), t] as [string, string])]);
  const result = compileFile(INPUT, nodeHost(files));
  return { result, offset: offset < 0 ? 0 : offset, text, files };
}

function readText(path: string, files: Map<string, string>): string {
  return files.get(path) ?? readFileSync(path, "utf8");
}

/** Applies edits (of any files) and returns the new text of each file touched, keyed by base name. */
function applyEdits(edits: TextEdit[], files: Map<string, string>): Record<string, string> {
  const byFile = new Map<string, TextEdit[]>();
  for (const e of edits) byFile.set(e.path, [...(byFile.get(e.path) ?? []), e]);
  const out: Record<string, string> = {};
  for (const [path, list] of byFile) {
    let text = readText(path, files);
    for (const e of [...list].sort((a, b) => b.span.start - a.span.start)) text = text.slice(0, e.span.start) + e.newText + text.slice(e.span.end);
    out[path.split("/").pop()!] = text;
  }
  return out;
}

function where(path: string, line: number, character: number): string {
  return `${path.split("/").pop()}:${line + 1}:${character + 1}`;
}

type Expected =
  | { completion: { has?: string[]; not?: string[]; exactly?: string[] } }
  | { hover: (string | RegExp)[] | null }
  | { definition: string | null }
  | { references: string[] }
  | { rename: string; files: Record<string, (string | RegExp)[]> }
  | { rename: string; error: RegExp }
  | { prepareRename: string | RegExp }
  | { action: string | RegExp; result: (string | RegExp)[]; /** the file the result is checked in (default input.leaddef); only it may change */ file?: string }
  | { noAction: string | RegExp };

/** The one helper: runs the feature the expectation names at the marked cursor and compares. */
function check(input: string, expected: Expected, extra: Record<string, string> = {}): void {
  const { result, offset, files } = setup(input, extra);
  if ("completion" in expected) {
    const labels = complete(result, offset).items.map((i) => i.label);
    const e = expected.completion;
    if (e.exactly) expect(labels.sort()).toEqual([...e.exactly].sort());
    for (const l of e.has ?? []) expect(labels, `expected ${l} in ${labels.join(", ")}`).toContain(l);
    for (const l of e.not ?? []) expect(labels, `did not expect ${l}`).not.toContain(l);
  } else if ("hover" in expected) {
    const h = hover(result, offset);
    if (expected.hover === null) {
      expect(h).toBeUndefined();
      return;
    }
    expect(h, "no hover").toBeDefined();
    for (const m of expected.hover) {
      if (typeof m === "string") expect(h!.markdown).toContain(m);
      else expect(h!.markdown).toMatch(m);
    }
  } else if ("definition" in expected) {
    const d = definition(result, offset);
    if (expected.definition === null) expect(d).toBeUndefined();
    else {
      expect(d, "no definition").toBeDefined();
      const text = readText(d!.path, files).slice(d!.span.start, d!.span.end);
      expect(`${where(d!.path, d!.range.start.line, d!.range.start.character)} ${text}`).toBe(expected.definition);
    }
  } else if ("references" in expected) {
    const others = [compileFile(OTHER, nodeHost(files))];
    const refs = references(result, offset, { others }).map((l) => where(l.path, l.range.start.line, l.range.start.character));
    expect(refs).toEqual(expected.references);
  } else if ("prepareRename" in expected) {
    const p = prepareRename(result, offset);
    if (typeof expected.prepareRename === "string") expect("placeholder" in p ? p.placeholder : p.error).toBe(expected.prepareRename);
    else expect("error" in p ? p.error : `placeholder ${p.placeholder}`).toMatch(expected.prepareRename);
  } else if ("rename" in expected) {
    const others = [compileFile(OTHER, nodeHost(files))];
    const r = rename(result, offset, expected.rename, { others });
    if ("error" in expected) {
      expect("error" in r ? r.error : "renamed").toMatch(expected.error);
      return;
    }
    expect("error" in r ? r.error : "").toBe("");
    const out = applyEdits((r as { edits: TextEdit[] }).edits, files);
    expect(Object.keys(out).sort()).toEqual(Object.keys(expected.files).sort());
    for (const [file, checks] of Object.entries(expected.files)) {
      for (const c of checks) {
        if (typeof c === "string") expect(out[file]).toContain(c);
        else expect(out[file]).toMatch(c);
      }
    }
  } else if ("action" in expected || "noAction" in expected) {
    const actions = codeActions(result, { start: offset, end: offset });
    const want = "action" in expected ? expected.action : expected.noAction;
    const found = actions.find((a) => (typeof want === "string" ? a.title === want : want.test(a.title)));
    if ("noAction" in expected) {
      expect(found, `unexpected action; got ${actions.map((a) => a.title).join(" | ")}`).toBeUndefined();
      return;
    }
    expect(found, `no action ${want}; got ${actions.map((a) => a.title).join(" | ")}`).toBeDefined();
    const out = applyEdits(found!.edits, files);
    const file = expected.file ?? "input.leaddef";
    expect(Object.keys(out)).toEqual([file]);
    const after = out[file];
    for (const c of expected.result) {
      if (typeof c === "string") expect(after).toContain(c);
      else expect(after).toMatch(c);
    }
    // The fix must actually clear the diagnostics it claims to fix.
    const again = compileFile(INPUT, nodeHost(new Map([...files, ...Object.entries(out).map(([f, t]) => [join(dir, f), t] as [string, string])])));
    for (const d of found!.diagnostics) {
      expect(again.diagnostics.some((x) => x.code === d.code && x.message === d.message), `still reported: ${d.message}`).toBe(false);
    }
  }
}

const IMPORT = 'import "common.leaddef"\n';
const GRADE = `${IMPORT}# Fit by size.\ngrade fit_grade {\n  A when company.employees >= 1_000\n  B when company.employees >= 200\n  else C\n}\ndisqualify when contact.title ends with "intern" because "not a buyer"\n`;

describe("completion", () => {
  const cases: [string, string, Expected][] = [
    ["declaration keywords at the left margin", `${IMPORT}\n<|>`, { completion: { has: ["schema", "criterion", "score", "stage", "example", "import"], not: ["and", "company"] } }],
    ["declaration keywords while typing one", `${IMPORT}\ncri<|>`, { completion: { has: ["criterion", "schema"] } }],
    ["field path children after a dot", `${IMPORT}\nmql when company.<|>`, { completion: { exactly: ["industry", "revenue_usd", "employees", "technologies", "hq"] } }],
    ["only the children of the typed prefix", `${IMPORT}\nmql when contact.<|>`, { completion: { exactly: ["title", "seniority", "role"] } }],
    ["nested group segment by segment", `${IMPORT}\nmql when company.hq.<|>`, { completion: { exactly: ["country"] } }],
    ["children while the segment is half typed", `${IMPORT}\nmql when company.rev<|>`, { completion: { has: ["revenue_usd"], not: ["seniority"] } }],
    ["enum members after =", `${IMPORT}\nmql when contact.role = <|>`, { completion: { exactly: ["decision_maker", "influencer", "user", "unknown"] } }],
    ["enum members after !=", `${IMPORT}\nmql when contact.seniority != <|>`, { completion: { exactly: ["individual", "manager", "director", "vp", "c_level"] } }],
    ["enum members after >=", `${IMPORT}\nmql when contact.seniority >= <|>`, { completion: { has: ["director"], not: ["telecom"] } }],
    ["enum members after in [", `${IMPORT}\nmql when company.industry in [<|>`, { completion: { has: ["telecom", "retail"], not: ["vp", "icp_fit"] } }],
    ["remaining enum members after a comma", `${IMPORT}\nmql when company.industry in [telecom, <|>`, { completion: { has: ["retail"], not: ["telecom"] } }],
    ["enum members after not in [", `${IMPORT}\nmql when contact.role not in [<|>]`, { completion: { has: ["user"], not: ["vp"] } }],
    ["true/false beside a boolean field", `${IMPORT}\nmql when budget.allocated = <|>`, { completion: { exactly: ["true", "false"] } }],
    ["names and field roots after when", `${IMPORT}\nmql when <|>`, { completion: { has: ["icp_fit", "fit", "company", "contact", "days_since", "not", "at least"], not: ["mql", "schema"] } }],
    ["names after and", `${IMPORT}\ncriterion big when company.employees > 5\nmql when icp_fit and <|>`, { completion: { has: ["big", "fit", "budget"] } }],
    ["earlier stages are names too", `${IMPORT}\nmql when icp_fit\nsal when <|>`, { completion: { has: ["mql", "icp_fit"], not: ["sal"] } }],
    ["operators after an operand", `${IMPORT}\nmql when company.employees <|>`, { completion: { has: ["and", "or", "in", "contains", "starts with", "ends with", "is missing"], not: ["icp_fit"] } }],
    ["a grade's letters after `fit_grade =`", `${GRADE}mql when fit_grade = <|>`, { completion: { exactly: ["A", "B", "C"] } }],
    ["a grade's letters not yet listed after `in [`", `${GRADE}mql when fit_grade in [A, <|>`, { completion: { exactly: ["B", "C"] } }],
    ["a grade is an operand", `${GRADE}mql when <|>`, { completion: { has: ["fit_grade", "icp_fit"] } }],
    ["conditions inside a grade line", `${GRADE.replace("else C", "C when <|>\n  else D")}`, { completion: { has: ["icp_fit", "company", "not"] } }],
    ["the new declarations as snippets", `${IMPORT}<|>`, { completion: { has: ["grade", "disqualify"] } }],
    ["expect offers reason and grades", `${GRADE}mql when icp_fit\nexample "x" {\n  expect <|>\n}`, { completion: { has: ["reason", "fit_grade", "stage"] } }],
    ["expect stage offers disqualified", `${GRADE}mql when icp_fit\nexample "x" {\n  expect stage <|>\n}`, { completion: { has: ["mql", "none", "disqualified"] } }],
    ["expect GRADE = offers its letters", `${GRADE}mql when icp_fit\nexample "x" {\n  expect fit_grade = <|>\n}`, { completion: { exactly: ["A", "B", "C"] } }],
    ["operators on a continuation line", `${IMPORT}\ncriterion x when\n  company.employees > 5\n  <|>`, { completion: { has: ["and", "or"] } }],
    ["is → missing / present", `${IMPORT}\nmql when budget.amount_usd is <|>`, { completion: { exactly: ["missing", "present"] } }],
    ["starts → with", `${IMPORT}\nmql when contact.title starts <|>`, { completion: { exactly: ["with"] } }],
    ["at → least", `${IMPORT}\nmql when at <|>`, { completion: { exactly: ["least"] } }],
    ["conditions inside at least N of [", `${IMPORT}\nmql when at least 2 of [icp_fit, <|>`, { completion: { has: ["fit", "company"] } }],
    ["nothing inside a string", `${IMPORT}\nmql when contact.title contains "vp<|>"`, { completion: { exactly: [] } }],
    ["nothing inside a comment", `${IMPORT}\n# company.<|>`, { completion: { exactly: [] } }],
    ["when after a new stage name", `${IMPORT}\nmql <|>`, { completion: { exactly: ["when"] } }],
    ["when after criterion NAME", `${IMPORT}\ncriterion big <|>`, { completion: { exactly: ["when"] } }],
    ["types after a colon in a schema", "schema {\n  lead.source: <|>\n}", { completion: { has: ["boolean", "integer", "number", "string", "date", "enum", "list"] } }],
    ["field paths in a schema", `${IMPORT}\nschema {\n  company.<|>\n}`, { completion: { has: ["industry"] } }],
    ["score block line start", `${IMPORT}\nscore s {\n  <|>\n}`, { completion: { has: ["+10 when", "cap", "floor"] } }],
    ["score line condition", `${IMPORT}\nscore s {\n  +10 when contact.role = <|>\n}`, { completion: { has: ["decision_maker"], not: ["vp"] } }],
    ["score line condition names", `${IMPORT}\nscore s {\n  +10 when <|>\n}`, { completion: { has: ["icp_fit", "company"] } }],
    ["example line start: fields and expect", `${IMPORT}\nexample "x" {\n  <|>\n}`, { completion: { has: ["company", "expect stage", "as of"] } }],
    ["example field children", `${IMPORT}\nexample "x" {\n  contact.<|>\n}`, { completion: { exactly: ["title", "seniority", "role"] } }],
    ["example enum value: that field's members only", `${IMPORT}\nexample "x" {\n  company.industry = <|>\n}`, { completion: { has: ["telecom", "software"], not: ["vp", "decision_maker"] } }],
    ["example boolean value", `${IMPORT}\nexample "x" {\n  sales.accepted = <|>\n}`, { completion: { exactly: ["true", "false"] } }],
    ["expect stage offers the stages", `${IMPORT}\nmql when icp_fit\nsal when mql\nexample "x" {\n  expect stage <|>\n}`, { completion: { exactly: ["mql", "sal", "none"] } }],
    ["expect score offers the scores", `${IMPORT}\nexample "x" {\n  expect score <|>\n}`, { completion: { exactly: ["fit"] } }],
    ["expect offers kinds and flags", `${IMPORT}\nmql when icp_fit\nexample "x" {\n  expect <|>\n}`, { completion: { has: ["stage", "score", "not", "icp_fit", "mql"], not: ["fit"] } }],
    ["half-typed file: completion after a broken declaration", `${IMPORT}\ncriterion broken when (company.employees >\nmql when contact.<|>\nsal when mql`, { completion: { exactly: ["title", "seniority", "role"] } }],
    ["half-typed file: enum after unclosed example", `${IMPORT}\nexample "x" {\n  contact.role = <|>`, { completion: { exactly: ["decision_maker", "influencer", "user", "unknown"] } }],
    ["local schema fields are offered", "schema {\n  lead.source: enum(web, event)\n}\nmql when lead.source = <|>", { completion: { exactly: ["web", "event"] } }],
  ];
  it.each(cases)("%s", (_name, input, expected) => check(input, expected));
});

describe("hover", () => {
  const cases: [string, string, Expected][] = [
    ["field type and doc comment", `${IMPORT}\nmql when company.indu<|>stry = telecom`, { hover: ["company.industry: enum(financial_services, telecom, healthcare, retail, software, other)", "The company's industry, from enrichment.", "Kept current by the data team.", "common.leaddef"] }],
    ["field on its first segment", `${IMPORT}\nmql when comp<|>any.employees > 5`, { hover: ["company.employees: integer", "Required"] }],
    ["optional field", `${IMPORT}\nmql when budget.amount_<|>usd > 5`, { hover: ["budget.amount_usd: number?", "Optional"] }],
    ["criterion definition and doc", `${IMPORT}\nmql when icp_<|>fit`, { hover: ["criterion icp_fit when", "company.employees >= 500", "Right company, right size.", "(criterion)"] }],
    ["score definition", `${IMPORT}\nmql when fi<|>t >= 20`, { hover: ["score fit {", "cap 100", "(score)"] }],
    ["stage definition with its funnel position", `${IMPORT}\n# first stage\nmql when icp_fit\nsal when m<|>ql`, { hover: ["mql when icp_fit", "stage 1 of the funnel", "first stage"] }],
    ["declaration name itself", `${IMPORT}\ncriterion bi<|>g when company.employees > 5\nmql when big`, { hover: ["criterion big when"] }],
    ["enum member", `${IMPORT}\nmql when contact.role = decision_ma<|>ker`, { hover: ["decision_maker", "member 1 of 4", "contact.role"] }],
    ["enum member in an example", `${IMPORT}\nexample "x" {\n  company.industry = tele<|>com\n  expect fit\n}`, { hover: ["telecom", "company.industry"] }],
    ["days_since help", `${IMPORT}\nmql when days_si<|>nce(engagement.last_activity) <= 30`, { hover: ["whole days", "as-of date"] }],
    ["at least help", `${IMPORT}\nmql when at lea<|>st 1 of [icp_fit]`, { hover: ["N or more of the conditions"] }],
    ["contains help", `${IMPORT}\nmql when contact.title cont<|>ains "vp"`, { hover: ["case-insensitive substring", "exact membership"] }],
    ["ends with help", `${IMPORT}\nmql when contact.title en<|>ds with "vp"`, { hover: ["suffix"] }],
    ["a grade shows its letters", `${GRADE}mql when fit_gr<|>ade = A`, { hover: ["grade fit_grade {", "one of `A`, `B`, `C`", "Fit by size."] }],
    ["a grade letter names its grade", `${GRADE}mql when fit_grade = <|>B`, { hover: ["letter 2 of 3", "A letter of grade `fit_grade`"] }],
    ["starts with help", `${IMPORT}\nmql when contact.title sta<|>rts with "vp"`, { hover: ["prefix"] }],
    ["is missing help", `${IMPORT}\nmql when budget.amount_usd is miss<|>ing`, { hover: ["no value"] }],
    ["keyword after a dot is a field, not a keyword", `${IMPORT}\nmql when engagement.sco<|>re >= 5`, { hover: ["engagement.score: number"] }],
    ["nothing on a number", `${IMPORT}\nmql when company.employees > 5<|>00`, { hover: null }],
    ["unknown field: no hover", `${IMPORT}\nmql when company.nope<|> > 5`, { hover: null }],
  ];
  it.each(cases)("%s", (_name, input, expected) => check(input, expected));
});

describe("definition", () => {
  const cases: [string, string, Expected][] = [
    ["field in an imported file", `${IMPORT}\nmql when company.employ<|>ees > 5`, { definition: "common.leaddef:7:3 company.employees" }],
    ["criterion in an imported file", `${IMPORT}\nmql when icp<|>_fit`, { definition: "common.leaddef:21:11 icp_fit" }],
    ["local stage", `${IMPORT}\nmql when icp_fit\nsal when mq<|>l`, { definition: "input.leaddef:3:1 mql" }],
    ["enum member → its declaration in enum(...)", `${IMPORT}\nmql when contact.role = influ<|>encer`, { definition: "common.leaddef:12:38 influencer" }],
    ["expect stage → the stage", `${IMPORT}\nmql when icp_fit\nexample "x" {\n  expect stage m<|>ql\n}`, { definition: "input.leaddef:3:1 mql" }],
    ["expect score → the score", `${IMPORT}\nexample "x" {\n  expect score f<|>it = 0\n}`, { definition: "common.leaddef:25:7 fit" }],
    ["example field → the field", `${IMPORT}\nexample "x" {\n  sales.acce<|>pted = true\n  expect fit\n}`, { definition: "common.leaddef:17:3 sales.accepted" }],
    ["nothing on a keyword", `${IMPORT}\nmql wh<|>en icp_fit`, { definition: null }],
    ["grade name → the grade", `${GRADE}mql when fit_gr<|>ade = A`, { definition: "input.leaddef:3:7 fit_grade" }],
    ["grade letter → its line", `${GRADE}mql when fit_grade = <|>B`, { definition: "input.leaddef:5:3 B" }],
    ["expect GRADE = L → the grade", `${GRADE}mql when fit_grade = A\nexample "x" {\n  expect fit_gr<|>ade = A\n}`, { definition: "input.leaddef:3:7 fit_grade" }],
  ];
  it.each(cases)("%s", (_name, input, expected) => check(input, expected));
});

describe("references", () => {
  const cases: [string, string, Expected][] = [
    ["criterion across importing files", `${IMPORT}\nmql when icp<|>_fit\nsal when mql and icp_fit`, { references: ["common.leaddef:21:11", "input.leaddef:3:10", "input.leaddef:4:18", "other.leaddef:4:10"] }],
    ["enum member: declaration, conditions and examples", `${IMPORT}\nmql when contact.seniority = v<|>p\nexample "x" {\n  contact.seniority = vp\n  expect fit\n}`, { references: ["common.leaddef:11:58", "common.leaddef:26:34", "input.leaddef:3:30", "input.leaddef:5:23"] }],
    ["local stage", `${IMPORT}\nmql<|> when icp_fit\nsal when mql\nexample "x" {\n  expect stage mql\n}`, { references: ["input.leaddef:3:1", "input.leaddef:4:10", "input.leaddef:6:16"] }],
  ];
  it.each(cases)("%s", (_name, input, expected) => check(input, expected));
});

describe("rename", () => {
  const cases: [string, string, Expected][] = [
    ["criterion across the imported file and other importers", `${IMPORT}\nmql when icp<|>_fit`, { rename: "ideal_customer", files: { "common.leaddef": ["criterion ideal_customer when"], "input.leaddef": ["mql when ideal_customer"], "other.leaddef": ["mql when ideal_customer and fit"] } }],
    ["local stage, including expect stage", `${IMPORT}\nmql when icp_fit\nsal when m<|>ql\nexample "x" {\n  expect stage mql\n}`, { rename: "marketing_ok", files: { "input.leaddef": ["marketing_ok when icp_fit", "sal when marketing_ok", "expect stage marketing_ok"] } }],
    ["field path", `${IMPORT}\nmql when sales.accep<|>ted`, { rename: "sales.ok", files: { "common.leaddef": ["sales.ok: boolean"], "input.leaddef": ["mql when sales.ok"] } }],
    ["enum member everywhere", `${IMPORT}\nmql when contact.seniority = v<|>p`, { rename: "vice_president", files: { "common.leaddef": ["manager, director, vice_president, c_level", "in [vice_president, c_level]"], "input.leaddef": ["= vice_president"] } }],
    ["grade, with its uses and expectations", `${GRADE}mql when fit_gr<|>ade in [A, B]\nexample "x" {\n  expect fit_grade = A\n}`, { rename: "size_grade", files: { "input.leaddef": ["grade size_grade {", "mql when size_grade in [A, B]", "expect size_grade = A"] } }],
    ["a grade's letter: that letter only, in the grade, its uses and expectations", `${GRADE}mql when fit_grade in [A<|>, B]\nexample "x" {\n  expect fit_grade = A\n}`, { rename: "Top", files: { "input.leaddef": ["  Top when company.employees >= 1_000", "  B when company.employees >= 200", "  else C", "fit_grade in [Top, B]", "expect fit_grade = Top"] } }],
    ["a grade's letter from its line", `${GRADE}mql when fit_grade = B`.replace("  B when", "  B<|> when"), { rename: "Mid", files: { "input.leaddef": ["  A when company.employees >= 1_000", "  Mid when company.employees >= 200", "  else C", "mql when fit_grade = Mid"] } }],
    ["refuses a letter the grade has", `${GRADE}mql when fit_grade = A<|>`, { rename: "C", error: /already a letter of `fit_grade`/ }],
    ["refuses a keyword", `${IMPORT}\nmql when icp<|>_fit`, { rename: "stage", error: /`stage` is a keyword/ }],
    ["refuses a clash", `${IMPORT}\ncriterion big when company.employees > 5\nmql when icp<|>_fit and big`, { rename: "big", error: /already declared as a criterion/ }],
    ["refuses a clash with a score", `${IMPORT}\nmql when icp<|>_fit`, { rename: "fit", error: /already declared as a score/ }],
    ["refuses an existing member", `${IMPORT}\nmql when contact.seniority = v<|>p`, { rename: "manager", error: /already a member/ }],
    ["refuses an invalid field path", `${IMPORT}\nmql when sales.accep<|>ted`, { rename: "accepted", error: /not a field path/ }],
    ["refuses a keyword field root", `${IMPORT}\nmql when sales.accep<|>ted`, { rename: "score.accepted", error: /keyword/ }],
    ["refuses an invalid name", `${IMPORT}\nmql when icp<|>_fit`, { rename: "2fit", error: /not a valid criterion name/ }],
  ];
  it.each(cases)("%s", (_name, input, expected) => check(input, expected));

  it("prepareRename gives the name, refuses keywords", () => {
    check(`${IMPORT}\nmql when icp<|>_fit`, { prepareRename: "icp_fit" });
    check(`${IMPORT}\nmql when company.indu<|>stry = telecom`, { prepareRename: "company.industry" });
    check(`${IMPORT}\nmql wh<|>en icp_fit`, { prepareRename: /`when` is a keyword/ });
    check(`${IMPORT}\nmql when 5<|>00 > 3`, { prepareRename: /nothing|no criterion/ });
  });
});

describe("code actions", () => {
  const cases: [string, string, Expected][] = [
    ["did-you-mean field", `${IMPORT}\nmql when company.employes<|> > 5`, { action: "Change to `company.employees`", result: ["mql when company.employees > 5"] }],
    ["did-you-mean member", `${IMPORT}\nmql when contact.role = decision_makr<|>`, { action: "Change to `decision_maker`", result: ["contact.role = decision_maker"] }],
    ["did-you-mean name", `${IMPORT}\nmql when icp_fitt<|>`, { action: "Change to `icp_fit`", result: [/mql when icp_fit$/] }],
    ["did-you-mean stage in expect", `${IMPORT}\nmql when icp_fit\nexample "x" {\n  expect stage mqll<|>\n}`, { action: "Change to `mql`", result: ["expect stage mql\n"] }],
    ["add an unknown number field to the schema", "schema {\n  lead.source: string\n}\nmql when lead.score<|> >= 50", { action: "Add `lead.score: integer` to the schema", result: ["schema {\n  lead.source: string\n  lead.score: integer\n}"] }],
    ["add an unknown enum field from an in-list", "schema {\n  lead.source: string\n}\nmql when lead.tier<|> in [gold, silver]", { action: "Add `lead.tier: enum(gold, silver)` to the schema", result: ["lead.tier: enum(gold, silver)"] }],
    ["add an unknown boolean field", "schema {\n  lead.source: string\n}\nmql when lead.hot<|> and lead.source = \"web\"", { action: "Add `lead.hot: boolean` to the schema", result: ["lead.hot: boolean"] }],
    ["add a field from an example value", "schema {\n  lead.source: string\n}\nmql when lead.source = \"web\"\nexample \"x\" {\n  lead.signup<|> = 2026-01-02\n  expect stage none\n}", { action: "Add `lead.signup: date` to the schema", result: ["lead.signup: date"] }],
    ["add a field to the imported file that declares its siblings", `${IMPORT}\nmql when company.founded<|> >= 1990`, { action: "Add `company.founded: integer` to the schema in common.leaddef", file: "common.leaddef", result: ["  sales.accepted: boolean\n  company.founded: integer\n}"] }],
    ["siblings imported, a local schema too: still the imported file", `${IMPORT}\nschema {\n  lead.source: string\n}\nmql when contact.phone<|> = "x"`, { action: /^Add `contact.phone: string` to the schema in common.leaddef/, file: "common.leaddef", result: ["  contact.phone: string\n}"] }],
    ["siblings in both files: the local schema", `${IMPORT}\nschema {\n  company.ticker: string\n}\nmql when company.founded<|> >= 1990`, { action: "Add `company.founded: integer` to the schema", result: ["schema {\n  company.ticker: string\n  company.founded: integer\n}"] }],
    ["no siblings anywhere: the local schema", `${IMPORT}\nschema {\n  lead.source: string\n}\nmql when deal.size<|> > 5`, { action: "Add `deal.size: integer` to the schema", result: ["schema {\n  lead.source: string\n  deal.size: integer\n}"] }],
    ["add a schema block when the file has none", `${IMPORT}\nmql when lead.when<|>_seen > 5`, { action: /^Add `lead.when_seen: integer`/, result: ['import "common.leaddef"\n\nschema {\n  lead.when_seen: integer\n}'] }],
    ["fix all in a file", `${IMPORT}\nmql when icp_fitt<|> and company.employes > 5 and contact.role = influencr`, { action: /^Fix all in this file \(3 suggestions\)/, result: ["mql when icp_fit and company.employees > 5 and contact.role = influencer"] }],
    ["no action on clean code", `${IMPORT}\nmql when icp_fit<|>`, { noAction: /./ }],
  ];
  it.each(cases)("%s", (_name, input, expected) => check(input, expected));

  it("adds to the imported file's schema block that holds the siblings, in its indentation", () => {
    const tiny = "schema {\n    acct.name: string\n}\n\nschema {\n    other.x: number\n}\ncriterion named when acct.name is present\n";
    check(`import "tiny.leaddef"\nmql when acct.tier<|> in [gold, silver]`, {
      action: "Add `acct.tier: enum(gold, silver)` to the schema in tiny.leaddef",
      file: "tiny.leaddef",
      result: ["schema {\n    acct.name: string\n    acct.tier: enum(gold, silver)\n}\n\nschema {\n    other.x: number\n}"],
    }, { "tiny.leaddef": tiny });
  });
});

describe("symbols, folding, semantic tokens", () => {
  it("outlines declarations with schema fields nested", () => {
    const { result } = setup("schema {\n  lead.a: number\n  lead.b: enum(x, y)?\n}\ncriterion c when lead.a > 1\nscore s {\n  +1 when c\n}\nmql when c and s > 0\nexample \"t\" {\n  lead.a = 2\n  expect stage mql\n}");
    const outline = documentSymbols(result).map((s) => `${s.kind} ${s.name}${s.children ? ` [${s.children.map((c) => `${c.name}: ${c.detail}`).join(", ")}]` : ""}`);
    expect(outline).toEqual(["schema schema [lead.a: number, lead.b: enum(x, y)?]", "criterion c", "score s", "stage mql", "example t"]);
  });

  it("outlines grades (with their letters) and disqualifications; grade names are variables in the semantic tokens", () => {
    const { result } = setup("schema {\n  lead.a: number\n}\ngrade g {\n  A when lead.a > 1\n  else B\n}\ndisqualify when lead.a < 0 because \"negative\"\nmql when g = A");
    const outline = documentSymbols(result).map((s) => `${s.kind} ${s.name}: ${s.detail}`);
    expect(outline).toEqual(["schema schema: 1 field", "grade g: grade: A, B", "disqualify disqualify: negative: disqualify", "stage mql: stage"]);
    const toks = semanticTokens(result).map((t) => `${t.line}:${t.character}:${t.length}:${t.type}${t.modifiers.length ? "." + t.modifiers.join(".") : ""}`);
    expect(toks).toContain("3:6:1:variable.declaration");
    expect(toks).toContain("8:9:1:variable");
    expect(toks).toContain("8:13:1:enumMember");
  });

  it("workspace symbols match fuzzily across files, each once", () => {
    const { result, files } = setup("import \"common.leaddef\"\nmql when icp_fit");
    const other = compileFile(OTHER, nodeHost(files));
    const names = workspaceSymbols([result, other], "icpf").map((s) => `${s.kind} ${s.name} ${s.container}`);
    expect(names).toEqual(["criterion icp_fit common.leaddef"]);
    expect(workspaceSymbols([result, other], "").length).toBe(13 + 2 + 1 + 1);
  });

  it("folds multi-line declarations and comment runs", () => {
    const { result } = setup("# a\n# b\nschema {\n  lead.a: number\n}\ncriterion c when\n  lead.a > 1\nmql when c");
    expect(foldingRanges(result)).toEqual([
      { startLine: 0, endLine: 1, kind: "comment" },
      { startLine: 2, endLine: 4, kind: "region" },
      { startLine: 5, endLine: 6, kind: "region" },
    ]);
  });

  it("classifies names by what they resolve to", () => {
    const { result } = setup(`${IMPORT}# doc\nmql when icp_fit and contact.role = user and fit > 5 and days_since(engagement.last_activity) < 3`);
    const toks = semanticTokens(result).map((t) => `${t.line}:${t.character}:${t.length}:${t.type}${t.modifiers.length ? "." + t.modifiers.join(".") : ""}`);
    expect(toks).toEqual([
      "0:0:6:keyword", "0:7:16:string",
      "1:0:5:comment",
      "2:0:3:class.declaration", "2:4:4:keyword", "2:9:7:function", "2:17:3:keyword", "2:21:7:property", "2:29:4:property",
      "2:34:1:operator", "2:36:4:enumMember", "2:41:3:keyword", "2:45:3:variable", "2:49:1:operator", "2:51:1:number",
      "2:53:3:keyword", "2:57:10:function.defaultLibrary", "2:68:10:property", "2:79:13:property", "2:94:1:operator", "2:96:1:number",
    ]);
    const data = encodeSemanticTokens(semanticTokens(result));
    expect(data.length % 5).toBe(0);
    expect(data.slice(0, 10)).toEqual([0, 0, 6, 0, 0, 0, 7, 16, 8, 0]);
  });
});

describe("examples: code lens and diagnostics", () => {
  it("lenses show each example's last result; failures are diagnostics on the expect line", () => {
    const { result } = setup(`${IMPORT}\nmql when icp_fit\nexample "passes" {\n  company.industry = telecom\n  company.employees = 900\n  expect stage mql\n}\nexample "fails" {\n  company.industry = retail\n  company.employees = 900\n  expect stage mql\n  expect score fit = 15\n}`);
    const report = exampleReport(result, "2026-01-01");
    expect(report.lenses.map((l) => `${l.range.start.line}: ${l.title}`)).toEqual([
      "3: ▶ run · ✓ passed (stage mql)",
      "8: ▶ run · ✗ failed: expected stage mql, got none; expected score fit 15, got 0",
    ]);
    expect(report.problems.map((p) => `${p.range.start.line}: ${p.code} ${p.message}`)).toEqual([
      "11: LD3005 example fails: expected stage mql, got none",
      "12: LD3005 example fails: expected score fit 15, got 0",
    ]);
    expect(report.problems[0].help).toMatch(/`mql` fails on `icp_fit`/);
    expect(examplesText(report, "input.leaddef")).toMatch(/✓ passes[\s\S]*✗ fails[\s\S]*1 passed, 1 failed/);
  });

  it("one failure has one wording: the CLI's `test`, the diagnostic, the lens and the run-examples text", () => {
    const { result } = setup(`${IMPORT}\nmql when icp_fit\nexample "flag" {\n  company.industry = retail\n  company.employees = 900\n  expect icp_fit\n  expect score fit = 15\n  expect stage mql\n}`);
    const report = exampleReport(result, "2026-01-01");
    const outcome = report.outcomes![0];
    const wordings = outcome.failures.map(renderExampleFailure);
    expect(wordings).toEqual(["expected stage mql, got none", "expected score fit 15, got 0", "expected `icp_fit` to be true, got false"]);
    expect(report.problems).toHaveLength(3);
    for (const w of wordings) {
      expect(report.problems.map((p) => p.message)).toContain(`example fails: ${w}`);
      expect(report.lenses[0].title).toContain(w);
      expect(examplesText(report, "input.leaddef")).toContain(`: ${w}`);
      expect(renderExampleOutcome("input.leaddef", outcome)).toContain(`: ${w}`);
    }
  });

  it("each lens carries its example's index; running one index runs and reports only that example", () => {
    const { result } = setup(`${IMPORT}\nmql when icp_fit\nexample "passes" {\n  company.industry = telecom\n  company.employees = 900\n  expect stage mql\n}\nexample "fails" {\n  company.industry = retail\n  expect stage mql\n}\nexample "third" {\n  expect stage none\n}`);
    expect(exampleReport(result, "2026-01-01").lenses.map((l) => l.example)).toEqual([0, 1, 2]);
    const second = runOneExample(result, 1, "2026-01-01");
    expect(second.outcomes?.map((o) => o.title)).toEqual(["fails"]);
    expect(examplesText(second, "input.leaddef")).toBe("input.leaddef\n✗ fails\n    line 9: expected stage mql, got none\n0 passed, 1 failed");
    expect(examplesText(runOneExample(result, 2, "2026-01-01"), "input.leaddef")).toBe("input.leaddef\n✓ third (stage none)\n1 passed, 0 failed");
    expect(runOneExample(result, 3).error).toMatch(/no example 3 \(the file has 3 examples\)/);
    expect(runOneExample(result, -1).error).toMatch(/no example -1/);
    expect(runOneExample(result, 0.5).error).toMatch(/no example/);
  });

  it("running one example of a file with errors runs nothing", () => {
    const { result } = setup(`${IMPORT}\nmql when nope\nexample "x" {\n  expect stage mql\n}`);
    const one = runOneExample(result, 0);
    expect(one).toEqual({ outcomes: undefined });
    expect(examplesText(one, "input.leaddef")).toMatch(/has errors/);
  });

  it("a file with errors has lenses but runs nothing", () => {
    const { result } = setup(`${IMPORT}\nmql when nope\nexample "x" {\n  expect stage mql\n}`);
    const report = exampleReport(result);
    expect(report.outcomes).toBeUndefined();
    expect(report.lenses.map((l) => l.title)).toEqual(["▶ run (fix the errors first)"]);
    expect(report.problems).toEqual([]);
  });

  it("the fixture definition's examples pass", () => {
    const result = compileFile(join(dir, "main.leaddef"));
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const report = exampleReport(result);
    expect(report.problems).toEqual([]);
    expect(report.outcomes?.map((o) => o.passed)).toEqual([true]);
  });
});

describe("formatting", () => {
  it("returns one minimal edit that produces the formatter's output", () => {
    const text = "criterion  c  when   lead.a>1\nmql when c\n";
    const { edits } = formatDocument(text);
    expect(edits).toHaveLength(1);
    const e = edits[0];
    const after = text.slice(0, e.span.start) + e.newText + text.slice(e.span.end);
    expect(formatDocument(after).edits).toEqual([]);
    expect(after).toContain("criterion c when lead.a > 1");
    expect(e.range.start).toEqual({ line: 0, character: e.span.start });
  });

  it("leaves a file with syntax errors alone", () => {
    const r = formatDocument("criterion c when (lead.a >\n");
    expect(r.edits).toEqual([]);
    expect(r.error).toMatch(/syntax errors/);
  });

  describe("range formatting: only the declarations with a line in the range, each whole", () => {
    const text = "# doc\ncriterion  a  when   lead.a>1   # trailing\n\n\n  criterion  b  when   lead.b>2\nscore s {\n+1 when a\n   cap 5\n}\nmql when a\n";
    const apply = (edits: { span: { start: number; end: number }; newText: string }[]) =>
      edits.reduceRight((t, e) => t.slice(0, e.span.start) + e.newText + t.slice(e.span.end), text);
    const cases: [string, [number, number, number, number], string][] = [
      ["a cursor inside a declaration formats it, trailing comment included", [1, 3, 1, 3],
        "# doc\ncriterion a when lead.a > 1  # trailing\n\n\n  criterion  b  when   lead.b>2\nscore s {\n+1 when a\n   cap 5\n}\nmql when a\n"],
      ["an indented declaration from its leading blanks", [4, 0, 4, 0],
        "# doc\ncriterion  a  when   lead.a>1   # trailing\n\n\ncriterion b when lead.b > 2\nscore s {\n+1 when a\n   cap 5\n}\nmql when a\n"],
      ["one line of a block formats the whole block", [6, 0, 6, 1],
        "# doc\ncriterion  a  when   lead.a>1   # trailing\n\n\n  criterion  b  when   lead.b>2\nscore s {\n  +1 when a\n  cap 5\n}\nmql when a\n"],
      ["a blank line between declarations: nothing", [2, 0, 3, 0], text],
      ["a selection ending at a line start leaves that line", [0, 0, 9, 0],
        "# doc\ncriterion a when lead.a > 1  # trailing\n\ncriterion b when lead.b > 2\nscore s {\n  +1 when a\n  cap 5\n}\nmql when a\n"],
    ];
    it.each(cases)("%s", (_name, [sl, sc, el, ec], expected) => {
      const r = formatRange(text, { start: { line: sl, character: sc }, end: { line: el, character: ec } });
      expect(r.edits.length).toBeLessThanOrEqual(1);
      expect(apply(r.edits)).toBe(expected);
    });

    it("a range over the whole file gives what document formatting gives", () => {
      const r = formatRange(text, { start: { line: 0, character: 0 }, end: { line: 11, character: 0 } });
      expect(apply(r.edits)).toBe(apply(formatDocument(text).edits));
    });

    it("for every line of a messy file: the result still formats to the same text (meaning and layout kept)", () => {
      const messy = readFileSync(join(dir, "common.leaddef"), "utf8").replace(/ /g, "  ").replace(/\n/g, "\n ").replace(/>=/g, " >=  ");
      const lines = new LineIndex(messy);
      const full = formatDocument(messy);
      expect(full.edits).toHaveLength(1);
      const formatted = messy.slice(0, full.edits[0].span.start) + full.edits[0].newText + messy.slice(full.edits[0].span.end);
      let changedSome = 0;
      for (let line = 0; line < lines.lineCount; line++) {
        const r = formatRange(messy, { start: { line, character: 0 }, end: { line, character: 0 } });
        const after = r.edits.reduceRight((t, e) => t.slice(0, e.span.start) + e.newText + t.slice(e.span.end), messy);
        if (after !== messy) changedSome++;
        const f = formatDocument(after);
        expect(f.error).toBeUndefined();
        expect(f.edits.reduceRight((t, e) => t.slice(0, e.span.start) + e.newText + t.slice(e.span.end), after)).toBe(formatted);
      }
      expect(changedSome).toBeGreaterThan(10);
    });

    it("leaves files with syntax errors and formatted files alone", () => {
      expect(formatRange("criterion c when (lead.a >\n", { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } })).toMatchObject({ edits: [], error: expect.stringMatching(/syntax errors/) });
      expect(formatRange("mql when a\n", { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } }).edits).toEqual([]);
    });
  });

  it("minimalEdit keeps common prefix and suffix", () => {
    expect(minimalEdit("abcXYZdef", "abcQdef")).toMatchObject({ span: { start: 3, end: 6 }, newText: "Q" });
  });
});

describe("robustness", () => {
  it("never throws at any offset of a broken file", () => {
    const inputs = [
      `${IMPORT}\ncriterion when when\nscore { +\nexample "x {\n  a. = \nmql when (((\n`,
      "schema { a.b: enum(\n}\n",
      "\u0000\uffff#\n\"",
      "",
    ];
    for (const text of inputs) {
      const { result } = setup(text);
      for (let off = 0; off <= text.length; off++) {
        complete(result, off);
        hover(result, off);
        definition(result, off);
        prepareRename(result, off);
        codeActions(result, { start: off, end: off });
      }
      documentSymbols(result);
      foldingRanges(result);
      semanticTokens(result);
      exampleReport(result);
    }
  });
});

describe("binding real exports in the editor", () => {
  it("completes column names after `from \"` from the workspace's data files, escaped", async () => {
    const { complete } = await import("../lsp/features/completion.js");
    const { compile } = await import("../compiler/compile.js");
    const text = 'schema {\n  company.revenue: number from "Ann\n}\n';
    const result = compile(text);
    const offset = text.indexOf("Ann") + 3;
    const r = complete(result, offset, undefined, () => [{ name: "Annual Revenue", file: "export.csv" }, { name: 'Say "hi"', file: "export.csv" }]);
    expect(r.items.map((i) => [i.label, i.insertText])).toEqual([["Annual Revenue", "Annual Revenue"], ['Say "hi"', 'Say \\"hi\\"']]);
    expect(r.replace).toEqual({ start: text.indexOf("Ann"), end: offset });
    // elsewhere in a string: nothing, and the workspace is not asked
    let asked = false;
    const plain = 'criterion x when a contains "An';
    expect(complete(compile(plain), plain.length, undefined, () => { asked = true; return []; }).items).toEqual([]);
    expect(asked).toBe(false);
  });

  it("reads headers as run does: a CSV header with its delimiter and quotes, a JSON line's keys", async () => {
    const { headerColumns } = await import("../lsp/workspace.js");
    expect(headerColumns('\uFEFF"Lead ID";"Annual Revenue";Country/Region\r\n1;2;3\r\n', "csv")).toEqual(["Lead ID", "Annual Revenue", "Country/Region"]);
    expect(headerColumns('{"Record ID": 1, "company": {"name": "x"}}\n', "jsonl")).toEqual(["Record ID", "company"]);
    expect(headerColumns("not json\n", "jsonl")).toEqual([]);
  });

  it("hover on a field bound to a column names the column", async () => {
    const { hover } = await import("../lsp/features/hover.js");
    const { compile } = await import("../compiler/compile.js");
    const text = 'schema {\n  company.revenue: number? from "Annual Revenue"\n}\nbig when company.revenue > 1M\n';
    const h = hover(compile(text), text.lastIndexOf("company.revenue") + 3);
    expect(h?.markdown).toContain('company.revenue: number? from "Annual Revenue"');
    expect(h?.markdown).toContain("`Annual Revenue`");
  });
});
