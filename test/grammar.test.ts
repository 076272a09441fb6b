// Golden test of the TextMate grammar shipped in the VS Code extension: every fixture in
// test/grammar/*.leaddef is tokenized with vscode-textmate + vscode-oniguruma (the engine VS Code
// uses) and compared to test/grammar/<name>.tokens.txt. Update with `npx vitest run -u`.
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import * as oniguruma from "vscode-oniguruma";
import * as vsctm from "vscode-textmate";

const here = dirname(fileURLToPath(import.meta.url));
const grammarPath = join(here, "..", "vscode-extension", "syntaxes", "leaddef.tmLanguage.json");
const fixtureDir = join(here, "grammar");
const fixtures = readdirSync(fixtureDir).filter((f) => f.endsWith(".leaddef")).sort();

let grammar: vsctm.IGrammar;

beforeAll(async () => {
  const require = createRequire(import.meta.url);
  const wasm = readFileSync(join(dirname(require.resolve("vscode-oniguruma")), "onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) =>
      scopeName === "source.leaddef" ? vsctm.parseRawGrammar(readFileSync(grammarPath, "utf8"), grammarPath) : null,
  });
  const g = await registry.loadGrammar("source.leaddef");
  if (!g) throw new Error("grammar did not load");
  grammar = g;
});

/** Each source line, then one line per token: its text and its scopes without `source.leaddef`. */
function tokenize(text: string): string {
  const out: string[] = [];
  let state = vsctm.INITIAL;
  for (const line of text.replace(/\n$/, "").split("\n")) {
    const r = grammar.tokenizeLine(line, state);
    out.push(`>${line}`);
    for (const t of r.tokens) {
      const piece = line.slice(t.startIndex, t.endIndex);
      if (piece.trim() === "") continue; // white space: its scopes do not show
      out.push(` ${JSON.stringify(piece).padEnd(24)} ${t.scopes.slice(1).join(" ")}`);
    }
    state = r.ruleStack;
  }
  return out.join("\n") + "\n";
}

describe("TextMate grammar", () => {
  it("finds fixtures", () => expect(fixtures.length).toBeGreaterThan(0));
  for (const f of fixtures) {
    it(`tokenizes ${f} as in its golden file`, async () => {
      const tokens = tokenize(readFileSync(join(fixtureDir, f), "utf8"));
      await expect(tokens).toMatchFileSnapshot(join(fixtureDir, f.replace(/\.leaddef$/, ".tokens.txt")));
    });
  }

  it("scopes the constructs the language has", () => {
    const all = fixtures.map((f) => tokenize(readFileSync(join(fixtureDir, f), "utf8"))).join("");
    const scopeOf = (re: RegExp) => all.split("\n").filter((l) => re.test(l));
    const expectToken = (text: string, scope: string) =>
      expect(scopeOf(new RegExp(`^ ${JSON.stringify(text).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s`)).some((l) => l.includes(scope)),
        `${text} → ${scope}`).toBe(true);
    expectToken("#", "comment.line.number-sign.leaddef");
    expectToken(" Right title at the right company.", "comment.line.number-sign.leaddef");
    expectToken("import", "keyword.control.import.leaddef");
    expectToken("schema", "keyword.other.schema.leaddef");
    expectToken("icp_fit", "entity.name.function.criterion.leaddef");
    expectToken("fit", "entity.name.function.score.leaddef");
    expectToken("mql", "entity.name.type.stage.leaddef");
    expectToken("sql", "entity.name.type.stage.leaddef");
    for (const kw of ["starts with", "ends with", "not in", "is missing", "is present"]) expectToken(kw, "keyword.operator.word.leaddef");
    for (const kw of ["grade", "disqualify", "because", "else"]) expectToken(kw, ".leaddef");
    expectToken("at least", "keyword.operator.quantifier.leaddef");
    expectToken("as of", "keyword.other.as-of.leaddef");
    expectToken("days_since", "support.function.builtin.leaddef");
    expectToken("industry", "variable.other.property.leaddef");
    expectToken("company", "variable.other.object.leaddef");
    expectToken("score", "variable.other.property.leaddef"); // engagement.score
    expectToken("financial_services", "constant.other.enum-member.leaddef");
    expectToken("enum", "support.type.enum.leaddef");
    expectToken("M", "keyword.other.unit.suffix.leaddef");
    expectToken("2026-11-20", "constant.numeric.date.leaddef");
    expectToken("\\\"", "constant.character.escape.leaddef");
    expectToken("\\q", "invalid.illegal.escape.leaddef");
    expectToken(">=", "keyword.operator.comparison.leaddef");
    expectToken("true", "constant.language.boolean.leaddef");
    expectToken("none", "constant.language.none.leaddef");
  });
});
