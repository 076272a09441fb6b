// The VS Code extension's static parts: the manifest points at files that exist, and the
// language configuration, grammar and snippets are what the editor expects. The behaviour is
// covered by test/vscode/e2e.mjs in the real VS Code.
import { coverageHintsSetting, DEFAULT_COVERAGE_HINTS } from "../lsp/features/coverage-hints.js";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ext = join(dirname(fileURLToPath(import.meta.url)), "..", "vscode-extension");
const json = (p: string) => JSON.parse(readFileSync(join(ext, p), "utf8"));
const manifest = json("package.json");

describe("vscode-extension manifest", () => {
  it("identifies the extension", () => {
    expect(manifest).toMatchObject({ name: "leaddef", publisher: "leaddef", license: "MIT", main: "./dist/extension.js" });
    expect(manifest.engines.vscode).toBe("^1.82.0");
    expect(existsSync(join(ext, "LICENSE"))).toBe(true);
    expect(existsSync(join(ext, "README.md"))).toBe(true);
    // vsce refuses dependencies it would have to ship; everything is bundled by build.mjs.
    expect(manifest.dependencies ?? {}).toEqual({});
    // The extension bundles this toolchain, so it carries the toolchain's version.
    expect(manifest.version).toBe(JSON.parse(readFileSync(join(ext, "..", "package.json"), "utf8")).version);
  });

  it("contributes the leaddef language, grammar and snippets from files that exist", () => {
    const c = manifest.contributes;
    expect(c.languages[0]).toMatchObject({ id: "leaddef", extensions: [".leaddef"] });
    for (const p of [c.languages[0].configuration, c.grammars[0].path, c.snippets[0].path]) expect(existsSync(join(ext, p)), p).toBe(true);
    expect(c.grammars[0]).toMatchObject({ language: "leaddef", scopeName: "source.leaddef" });
    expect(json(c.grammars[0].path).scopeName).toBe("source.leaddef");
  });

  it("contributes the commands and settings", () => {
    const titles = Object.fromEntries(manifest.contributes.commands.map((c: { command: string; category: string; title: string }) => [c.command, `${c.category}: ${c.title}`]));
    expect(titles).toMatchObject({
      "leaddef.runExamples": "leaddef: Run examples in this file",
      "leaddef.explainLead": "leaddef: Explain a lead…",
      "leaddef.showFunnel": "leaddef: Show funnel for a data file…",
    });
    const props = manifest.contributes.configuration.properties;
    expect(Object.keys(props)).toEqual(expect.arrayContaining(["leaddef.server.path", "leaddef.trace.server", "leaddef.asOf"]));
    expect(props["leaddef.trace.server"].enum).toEqual(["off", "messages", "verbose"]);
    // the values the server understands (lsp/features/coverage-hints.ts), its default the server's
    expect(props["leaddef.coverageHints"].enum).toEqual(["off", "uncovered"]);
    expect(props["leaddef.coverageHints"].default).toBe(DEFAULT_COVERAGE_HINTS);
    for (const v of props["leaddef.coverageHints"].enum) expect(coverageHintsSetting(v)).toBe(v);
    const asOf = new RegExp(props["leaddef.asOf"].pattern);
    expect(asOf.test("2026-11-22") && asOf.test("") && !asOf.test("22/11/2026")).toBe(true);
  });

  it("configures comments, brackets, quotes and indentation", () => {
    const lc = json("language-configuration.json");
    expect(lc.comments.lineComment).toBe("#");
    expect(lc.brackets).toEqual([["{", "}"], ["[", "]"], ["(", ")"]]);
    expect(lc.autoClosingPairs.map((p: { open: string }) => p.open)).toEqual(["{", "[", "(", '"']);
    const inc = new RegExp(lc.indentationRules.increaseIndentPattern);
    const dec = new RegExp(lc.indentationRules.decreaseIndentPattern);
    expect(inc.test("score fit {")).toBe(true);
    expect(inc.test('example "bank CIO" {')).toBe(true);
    expect(inc.test('example "a {b} # c" {  # trailing comment')).toBe(true);
    expect(inc.test('example "a {"')).toBe(false); // a brace inside a string
    expect(inc.test("schema { a.b: number }")).toBe(false);
    expect(inc.test("# a comment {")).toBe(false);
    expect(dec.test("  }")).toBe(true);
    const word = new RegExp(`^(?:${lc.wordPattern})$`);
    for (const w of ["company", "revenue_usd", "100M", "1_000", "2026-11-20"]) expect(word.test(w), w).toBe(true);
  });

  it("has the snippets the brief names, with bodies", () => {
    const snippets = json("snippets/leaddef.json");
    for (const name of ["schema", "criterion", "score", "stage", "example"]) {
      expect(snippets[name]?.prefix, name).toBe(name);
      expect(snippets[name].body.length, name).toBeGreaterThan(0);
    }
  });
});
