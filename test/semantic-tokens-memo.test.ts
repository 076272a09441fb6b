// The language server colours a file from classifications kept with each checked declaration
// (`encodedSemanticTokens`, BodyMemo.tokens). Whatever the edits, what it sends must equal the
// plain classification of the same version (`semanticTokens`, which reads every table afresh)
// and of a fresh compile().
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compile, type CompileResult } from "../compiler/compile.js";
import { nodeHost } from "../compiler/host.js";
import { bodyMemo } from "../language/check-cache.js";
import { clearLexCache } from "../language/incremental-lex.js";
import { clearParseCache } from "../language/parse.js";
import { encodedSemanticTokens, encodeSemanticTokens, semanticTokens } from "../lsp/features/semantic-tokens.js";
import { dependencyEdit, edit, versionsOf } from "./support/edits.js";
import { rng } from "./support/random-program.js";

const here = dirname(fileURLToPath(import.meta.url));
const examplesDir = resolve(here, "..", "examples");
const sources = readdirSync(examplesDir)
  .filter((f) => f.endsWith(".leaddef"))
  .map((f) => ({ path: join(examplesDir, f), text: readFileSync(join(examplesDir, f), "utf8") }));

const compileEditing = (path: string, text: string) => compile(text, { path, host: nodeHost(new Map([[path, text]]), { editing: true }) });
const compileFresh = (path: string, text: string) => {
  clearLexCache();
  clearParseCache();
  return compile(text, { path, host: nodeHost(new Map([[path, text]])) });
};
const plain = (result: CompileResult) => encodeSemanticTokens(semanticTokens(result));

/** Types a sequence of versions into one editing session; per version, what the server sends and how many declarations' colours were kept. */
function typeInto(path: string, versions: string[]): { sent: number[]; plain: number[]; kept: number }[] {
  clearLexCache();
  clearParseCache();
  return versions.map((v) => {
    const result = compileEditing(path, v);
    const model = result.analysis.entry;
    const before = new Map(model.ast.declarations.map((d) => [d, bodyMemo(model, d)?.tokens]));
    const sent = Array.from(encodedSemanticTokens(result));
    const kept = model.ast.declarations.filter((d) => before.get(d) !== undefined && bodyMemo(model, d)?.tokens === before.get(d)).length;
    return { sent, plain: plain(result), kept };
  });
}

describe("semantic tokens kept with checked declarations", () => {
  it("random edit sequences (every third an edit others depend on): each version's tokens equal the plain classification and a fresh compile's", () => {
    let steps = 0;
    let kept = 0;
    sources.forEach(({ path, text }, s) => {
      const r = rng(0x5e4a + s);
      const versions = versionsOf(text, 14, (v, i) => (i % 3 === 2 ? dependencyEdit(v, r) : edit(v, r)));
      const typed = typeInto(path, versions);
      versions.forEach((v, i) => {
        expect(typed[i].sent, `${path} after edit ${i}`).toStrictEqual(typed[i].plain);
        expect(typed[i].sent, `${path} after edit ${i}, fresh`).toStrictEqual(plain(compileFresh(path, v)));
        kept += typed[i].kept;
        steps++;
      });
    });
    expect(steps).toBeGreaterThan(50);
    // The memo is really used: most declarations keep their colours from one version to the next.
    expect(kept).toBeGreaterThan(steps * 5);
  });

  it("a duplicate declaration's name is coloured once the first is deleted, though its own text did not change", () => {
    const path = resolve("/virtual/tokens/dup.leaddef");
    const body = "schema lead {\n  company.size: integer\n}\n\ncriterion big when company.size >= 100\n\n";
    const first = "criterion twice when company.size >= 10\n\n";
    const second = "criterion twice when company.size >= 20\n";
    const typed = typeInto(path, [body + first + second, body + second, body + first + second]);
    for (const t of typed) expect(t.sent).toStrictEqual(t.plain);
    // Without the first, the second declares `twice`: its name now has the declaration colour.
    expect(typed[1].sent).not.toStrictEqual(typed[0].sent.slice(typed[0].sent.length - typed[1].sent.length));
  });

  it("outside an editing session (the CLI, tests) it is the plain encoding", () => {
    for (const { path, text } of sources) {
      const result = compileFresh(path, text);
      const sent = Array.from(encodedSemanticTokens(result));
      expect(sent, path).toStrictEqual(plain(result));
      // Every integer is one (a symbol kind without a colour once sent `null`).
      expect(plain(result).every(Number.isInteger), path).toBe(true);
    }
  });
});
