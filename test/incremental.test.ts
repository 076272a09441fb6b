// Incremental checking must be invisible: after any sequence of edits, what the compiler builds
// from the previous version (language/incremental-lex.ts re-lexes only the changed lines;
// language/parse-cache.ts reuses unchanged declarations) equals what a from-scratch compile()
// builds — the same diagnostics, tokens, comments and tree.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { IToken } from "chevrotain";
import { describe, expect, it } from "vitest";
import { compile, type CompileResult } from "../compiler/compile.js";
import { nodeHost } from "../compiler/host.js";
import { changedLines, clearLexCache, tokenizeIncrementally } from "../language/incremental-lex.js";
import { clearParseCache } from "../language/parse.js";
import { tokenize } from "../language/tokens.js";
import { rng } from "./support/random-program.js";

const here = dirname(fileURLToPath(import.meta.url));
const examplesDir = resolve(here, "..", "examples");
const sources = readdirSync(examplesDir)
  .filter((f) => f.endsWith(".leaddef"))
  .map((f) => ({ path: join(examplesDir, f), text: readFileSync(join(examplesDir, f), "utf8") }));

/** What a keystroke, a paste or a deletion can bring: line ends of every kind, strings cut open, bad characters. */
const SNIPPETS = [
  " ", "\n", "\r\n", "\r", "\n\n", "x", "1", "_", ".", "\"", "(", ")", "[", "]", "{", "}", ",", "=", ">=", "-", "#", "# note\n",
  "@", "\\", "ü", " and ", " or ", "not ", "criterion q when ", "score z {\n", "+3 when ", "example \"e\" {\n", "stage9 when ",
  "2026-02-30", "12abc", "\"unterminated", "expect stage ", "as of 2026-01-01\n", "in [a, b]", "}\n", "param p = 3\n",
];

/** One random edit: insert a snippet, delete a stretch, or duplicate or drop a line. */
function edit(text: string, r: () => number): string {
  const at = Math.floor(r() * (text.length + 1));
  const op = r();
  if (op < 0.55) return text.slice(0, at) + SNIPPETS[Math.floor(r() * SNIPPETS.length)] + text.slice(at);
  if (op < 0.8) return text.slice(0, at) + text.slice(at + 1 + Math.floor(r() * 20));
  const lineStart = text.lastIndexOf("\n", at - 1) + 1;
  const lineEnd = text.indexOf("\n", at) === -1 ? text.length : text.indexOf("\n", at) + 1;
  const line = text.slice(lineStart, lineEnd);
  return op < 0.9 ? text.slice(0, lineEnd) + line + text.slice(lineEnd) : text.slice(0, lineStart) + text.slice(lineEnd);
}

const tokenFacts = (t: IToken & { startsLine?: boolean }) => [t.image, t.startOffset, t.endOffset, t.startLine, t.endLine, t.startColumn, t.endColumn, t.tokenType.name, t.startsLine];

/** Everything a compile result is made of that editor features read, as plain data (taken at once: tokens are reused later). */
function snapshot(result: CompileResult) {
  const entry = result.analysis.entry;
  return {
    diagnostics: JSON.parse(JSON.stringify(result.diagnostics)),
    tokens: entry.tokens.map(tokenFacts),
    comments: entry.comments.map(tokenFacts),
    ast: JSON.parse(JSON.stringify(entry.ast)),
    types: [...entry.types].map(([id, t]) => [id, JSON.stringify(t)]),
    occurrences: [...entry.occurrences.keys()],
  };
}

const compileAt = (path: string, text: string) => compile(text, { path, host: nodeHost(new Map([[path, text]])) });

describe("incremental checking", () => {
  it("random edit sequences on the example definitions: the incremental result equals a fresh compile()", () => {
    let steps = 0;
    sources.forEach(({ path, text }, s) => {
      const r = rng(0x1c0de + s);
      const versions = [text];
      for (let i = 0; i < 14; i++) versions.push(edit(versions[versions.length - 1], r));
      // First the whole sequence as an editor sends it, every cache kept warm from the version before...
      clearLexCache();
      clearParseCache();
      const incremental = versions.map((v) => snapshot(compileAt(path, v)));
      // ...then each version from scratch.
      versions.forEach((v, i) => {
        clearLexCache();
        clearParseCache();
        const fresh = snapshot(compileAt(path, v));
        expect(incremental[i], `${path} after edit ${i}`).toStrictEqual(fresh);
        steps++;
      });
    });
    expect(steps).toBeGreaterThan(50);
  });

  it("random edit sequences: re-lexing the changed lines gives exactly the tokens of a full lex", () => {
    const r = rng(0x1e4);
    for (const { text } of sources) {
      clearLexCache();
      let current = text;
      for (let i = 0; i < 40; i++) {
        current = edit(current, r);
        const got = tokenizeIncrementally("lexed.leaddef", current);
        const expected = tokenize(current);
        expect(got.tokens.map(tokenFacts)).toStrictEqual(expected.tokens.map(tokenFacts));
        expect(got.comments.map(tokenFacts)).toStrictEqual(expected.comments.map(tokenFacts));
        expect(got.badText).toStrictEqual(expected.badText);
      }
    }
  });

  it("a token the parser retyped (an unterminated string) is lexed as the lexer saw it when reused", () => {
    clearLexCache();
    clearParseCache();
    const path = resolve("/virtual/retyped.leaddef");
    const text = `schema {\n  a.b: string\n}\ncriterion q when a.b = "open\n`;
    const first = compileAt(path, text);
    expect(first.diagnostics.map((d) => d.code)).toStrictEqual(["LD0004"]);
    // An edit on another line reuses the unterminated string's token: it must be reported again.
    const again = compileAt(path, `# top\n${text}`);
    expect(again.diagnostics.map((d) => d.code)).toStrictEqual(first.diagnostics.map((d) => d.code));
  });

  it("cuts the changed stretch at line starts both texts share, with CRLF and lone CR line ends", () => {
    expect(changedLines("a\nb\nc\n", "a\nb\nc\n")).toBeUndefined();
    // One character typed on the middle line: just that line.
    expect(changedLines("a\nbb\nc\n", "a\nbxb\nc\n")).toEqual({ start: 2, oldEnd: 5, newEnd: 6 });
    // `\r` turned into `\r\n`: the line ending there and the next are redone (a lone `\r` is no cut).
    expect(changedLines("a\rb\nc\n", "a\r\nb\nc\n")).toEqual({ start: 0, oldEnd: 4, newEnd: 5 });
    // An edit on the last line, with no line end after it: to the end.
    expect(changedLines("a\nb", "a\nbc")).toEqual({ start: 2, oldEnd: 3, newEnd: 4 });
    // A line deleted whole.
    expect(changedLines("a\nb\nc\n", "a\nc\n")).toEqual({ start: 2, oldEnd: 4, newEnd: 2 });
  });
});
