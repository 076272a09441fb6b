// Parameters (`param NAME = literal`): parsing, checking, lowering with overrides, the values
// `--param` accepts, and the editor features that see them.
import { describe, expect, it } from "vitest";
import { compile, type CompileResult } from "../compiler/compile.js";
import { emitSql } from "../compiler/sql/emit-sql.js";
import { ParamError, paramOverrides, programWithParams, sweepValues, findParam } from "../compiler/params.js";
import { format } from "../language/formatter.js";
import { complete } from "../lsp/features/completion.js";
import { definition } from "../lsp/features/definition.js";
import { hover } from "../lsp/features/hover.js";
import { rename } from "../lsp/features/rename.js";
import { documentSymbols } from "../lsp/features/symbols.js";

const SCHEMA = `schema {
  engagement.score: number
  company.employees: integer
  company.industry: enum(retail, telecom, software)
  company.naics: string?
  created: date
  vip: boolean
}
`;

function codes(r: CompileResult): string[] {
  return r.diagnostics.map((d) => d.code);
}

const DEF = `${SCHEMA}
# The score at which marketing hands a lead over.
param mql_min = 60
param big = 1_000
param target = telecom
param code = "51"
param since = 2026-01-01
param need_vip = false

mql when engagement.score >= mql_min and company.employees >= big
  and company.industry = target and company.naics starts with code
  and created >= since and (vip or not need_vip)
`;

const lead = {
  engagement: { score: 65 }, company: { employees: 1200, industry: "telecom", naics: "5112" }, created: "2026-03-01", vip: false,
};

describe("parameters in the language", () => {
  it("a definition using every kind of parameter checks clean and evaluates with the written values", () => {
    const r = compile(DEF);
    expect(r.diagnostics).toEqual([]);
    expect(r.program!.evaluate(lead, { asOf: "2026-11-22" }).stage).toBe("mql");
    expect(r.program!.ir.params.map((p) => [p.name, p.kind, p.value])).toEqual([
      ["mql_min", "number", 60], ["big", "number", 1000], ["target", "enum", "telecom"], ["code", "string", "51"],
      ["since", "date", 20454], ["need_vip", "boolean", false],
    ]);
  });

  it("overrides change the program's verdict, each kind read by its type", () => {
    const r = compile(DEF);
    const verdict = (flags: string[]) => programWithParams(r, paramOverrides(r.analysis, flags)).evaluate(lead, { asOf: "2026-11-22" }).stage;
    expect(verdict(["mql_min=66"])).toBe("none");
    expect(verdict(["mql_min=65"])).toBe("mql");
    expect(verdict(["big=2K"])).toBe("none");
    expect(verdict(["target=software"])).toBe("none");
    expect(verdict(["code=52"])).toBe("none");
    expect(verdict(["since=2026-03-02"])).toBe("none");
    expect(verdict(["need_vip=true"])).toBe("none");
    // a later flag for the same parameter wins
    expect(verdict(["mql_min=90", "mql_min=10"])).toBe("mql");
    // the compiled program keeps the written values
    expect(r.program!.evaluate(lead, { asOf: "2026-11-22" }).stage).toBe("mql");
  });

  it("a value of the wrong type, or an unknown name, is refused with a message that says why", () => {
    const r = compile(DEF);
    const refused = (flag: string) => {
      try {
        paramOverrides(r.analysis, [flag]);
      } catch (e) {
        expect(e).toBeInstanceOf(ParamError);
        return (e as Error).message;
      }
      throw new Error(`accepted ${flag}`);
    };
    expect(refused("mql_mim=70")).toBe("unknown parameter `mql_mim`; did you mean `mql_min`? (the parameters are `mql_min`, `big`, `target`, `code`, `since`, `need_vip`)");
    expect(refused("mql_min=lots")).toBe("parameter `mql_min` is a whole number; `lots` does not fit");
    expect(refused("mql_min=62.5")).toContain("declare it `param mql_min = 60.0` to allow fractions");
    expect(refused("target=telecon")).toBe("parameter `target` is a member of `company.industry`; `telecon` is not one (did you mean `telecom`?)");
    expect(refused("since=2026-02-30")).toContain("a date (YYYY-MM-DD)");
    expect(refused("need_vip=yes")).toContain("`true` or `false`");
    expect(refused("mql_min")).toBe("--param takes NAME=VALUE, found `mql_min`");
  });

  it("a parameter written with a decimal point takes fractions", () => {
    const r = compile(`${SCHEMA}param ratio = 0.5\nmql when engagement.score >= ratio\n`);
    expect(r.diagnostics).toEqual([]);
    expect(paramOverrides(r.analysis, ["ratio=62.5"]).get("ratio")).toBe(62.5);
  });

  it("checks: type mismatches, unknown names with a suggestion, duplicates, lists, stray enum members", () => {
    expect(codes(compile(`${SCHEMA}param mql_min = "60"\nmql when engagement.score >= mql_min\n`))).toEqual(["LD1006"]);
    const typo = compile(`${SCHEMA}param mql_min = 60\nmql when engagement.score >= mql_mim\n`);
    expect(codes(typo)).toEqual(["LD1002"]);
    expect(typo.diagnostics[0].suggestion?.text).toBe("mql_min");
    expect(codes(compile(`${SCHEMA}param mql = 60\nmql when vip\n`))).toEqual(["LD1004"]);
    expect(codes(compile(`${SCHEMA}param p = 1\nparam p = 2\nmql when engagement.score >= p\n`))).toEqual(["LD1004"]);
    expect(codes(compile(`${SCHEMA}param p = [1, 2]\nmql when vip\n`))).toEqual(["LD1019"]);
    expect(codes(compile(`${SCHEMA}param p = telecon\nmql when company.industry = p\n`))).toEqual(["LD1019"]);
    expect(codes(compile(`${SCHEMA}param p = telecom\nmql when p\n`))).toEqual(["LD1019"]);
    expect(codes(compile(`${SCHEMA}param p = telecom\nmql when company.industry in [p, retail]\n`))).toEqual([]);
    expect(codes(compile(`${SCHEMA}param p = 2026-02-30\nmql when created >= p\n`))).toEqual(["LD0003"]);
  });

  it("`param` stays an ordinary name where it does not start `param NAME =`", () => {
    const r = compile(`schema {\n  param.x: number\n}\nparam when param.x > 1\n`);
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(r.program!.stages).toEqual(["param"]);
  });

  it("a parameter in an imported file is visible, and the override reaches the imported criterion", () => {
    const files = new Map([
      ["/defs/common.leaddef", `${SCHEMA}param min_score = 50\ncriterion engaged when engagement.score >= min_score\n`],
      ["/defs/main.leaddef", `import "common.leaddef"\nmql when engaged\n`],
    ]);
    const host = { readFile: (p: string) => files.get(p), resolveImport: (_from: string, spec: string) => `/defs/${spec}` };
    const r = compile("", { path: "/defs/main.leaddef", host });
    expect(r.diagnostics).toEqual([]);
    const at = (flags: string[]) => programWithParams(r, paramOverrides(r.analysis, flags)).evaluate(lead, { asOf: "2026-11-22" }).stage;
    expect(at([])).toBe("mql");
    expect(at(["min_score=70"])).toBe("none");
  });

  it("SQL inlines the value in effect; a hostile string stays a literal", () => {
    const r = compile(`${SCHEMA}param code = "x' OR 1=1 --"\nmql when company.naics starts with code and engagement.score >= 60\n`);
    const program = programWithParams(r, paramOverrides(r.analysis, ["code=it's"]));
    const sql = emitSql(program.ir, { dialect: "postgres", table: "leads", idColumn: "id", columns: "default" });
    expect(sql).toContain("'it''s'");
    expect(sql).not.toContain("OR 1=1");
    // DuckDB tests a constant needle with a regular expression of its case classes: still one literal.
    const duck = emitSql(program.ir, { dialect: "duckdb", table: "leads", idColumn: "id", columns: "default" });
    expect(duck).toContain("regexp_matches(company_naics, '^[iI][tT]\\x{27}[sS\\x{17F}]')");
    expect(duck).not.toContain("OR 1=1");
  });

  it("the formatter keeps a parameter on its own line and is idempotent", () => {
    const once = format(`${SCHEMA}param   mql_min=60\nparam code =   "5"\nmql when engagement.score >= mql_min\n`);
    expect(once.error).toBeUndefined();
    expect(once.text).toContain("\nparam mql_min = 60\nparam code = \"5\"\n");
    expect(format(once.text).changed).toBe(false);
  });
});

describe("sweep values", () => {
  const r = compile(DEF);
  it("a range includes both ends and does not drift", () => {
    expect(sweepValues(findParam(r.analysis, "mql_min"), "40..90:10")).toEqual([40, 50, 60, 70, 80, 90]);
    const fractional = compile(`${SCHEMA}param x = 0.5\nmql when engagement.score >= x\n`);
    expect(sweepValues(findParam(fractional.analysis, "x"), "0.1..0.4:0.1")).toEqual([0.1, 0.2, 0.3, 0.4]);
  });
  it("a list is read by the parameter's type", () => {
    expect(sweepValues(findParam(r.analysis, "target"), "retail, software")).toEqual(["retail", "software"]);
    expect(() => sweepValues(findParam(r.analysis, "target"), "retail..software:1")).toThrow(/range/);
    expect(() => sweepValues(findParam(r.analysis, "mql_min"), "90..40:10")).toThrow(/backwards/);
    expect(() => sweepValues(findParam(r.analysis, "mql_min"), "0..100000:1")).toThrow(/at most/);
  });
});

describe("parameters in the editor", () => {
  const marked = (text: string) => ({ text: text.replace("<|>", ""), offset: text.indexOf("<|>") });

  it("hover on a use shows the value", () => {
    const { text, offset } = marked(DEF.replace(">= mql_min", ">= mql_<|>min"));
    const h = hover(compile(text), offset);
    expect(h?.markdown).toContain("param mql_min = 60");
    expect(h?.markdown).toContain("The score at which marketing hands a lead over.");
  });

  it("go to definition lands on the declaration's name", () => {
    const { text, offset } = marked(DEF.replace(">= mql_min", ">= mql_<|>min"));
    const d = definition(compile(text), offset);
    expect(text.slice(d!.span.start, d!.span.end)).toBe("mql_min");
    expect(d!.span.start).toBe(text.indexOf("param mql_min") + 6);
  });

  it("rename changes the declaration and every use", () => {
    const { text, offset } = marked(DEF.replace("param mql_min", "param mql_<|>min"));
    const r = rename(compile(text), offset, "hand_over");
    expect("edits" in r).toBe(true);
    const edits = "edits" in r ? r.edits : [];
    expect(edits).toHaveLength(2);
    let renamed = text;
    for (const e of [...edits].sort((a, b) => b.span.start - a.span.start)) renamed = renamed.slice(0, e.span.start) + e.newText + renamed.slice(e.span.end);
    expect(renamed).toContain("param hand_over = 60");
    expect(renamed).toContain(">= hand_over");
    expect(compile(renamed).diagnostics).toEqual([]);
  });

  it("completion in a condition offers the parameters with their values", () => {
    const { text, offset } = marked(DEF.replace("mql when engagement.score >= mql_min", "mql when engagement.score >= <|>"));
    const items = complete(compile(text), offset).items;
    const item = items.find((i) => i.label === "mql_min");
    expect(item?.kind).toBe("param");
    expect(item?.detail).toBe("param = 60");
  });

  it("completion after `=` on an enum field offers its members and the parameters holding one", () => {
    const { text, offset } = marked(DEF.replace("and company.industry = target", "and company.industry = <|>"));
    const items = complete(compile(text), offset).items;
    expect(items.map((i) => i.label)).toEqual(["retail", "telecom", "software", "target"]);
  });

  it("the outline lists parameters", () => {
    const symbols = documentSymbols(compile(DEF));
    expect(symbols.filter((s) => s.kind === "param").map((s) => s.name)).toEqual(["mql_min", "big", "target", "code", "since", "need_vip"]);
  });
});
