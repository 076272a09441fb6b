// `semanticTokens/range` must be the full answer cut to the range: the editor colours the visible
// lines from it and the rest from the full answer, and the two must never disagree.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compile, type CompileResult } from "../compiler/compile.js";
import { walk } from "../language/ast.js";
import { TYPE_NAMES } from "../language/types.js";
import { semanticTokens, type SemanticToken, type TokenModifier, type TokenType } from "../lsp/features/semantic-tokens.js";
import { rng } from "./support/random-program.js";

const here = dirname(fileURLToPath(import.meta.url));
const examplesDir = resolve(here, "..", "examples");
const sources = readdirSync(examplesDir)
  .filter((f) => f.endsWith(".leaddef"))
  .map((f) => ({ path: join(examplesDir, f), text: readFileSync(join(examplesDir, f), "utf8") }));

const KIND_TYPE: Record<string, TokenType> = { field: "property", stream: "variable", criterion: "function", score: "variable", stage: "class", param: "variable", outcome: "function", grade: "variable" };

/**
 * The specification: the first, straightforward classification (a position search per token, a
 * sort at the end). The server's version walks tokens and comments in order instead; both must
 * give the same answer.
 */
function referenceTokens(result: CompileResult, path?: string): SemanticToken[] {
  const model = (path && result.analysis.files.get(path)) || result.analysis.entry;
  // Offsets of resolved names → their classification.
  const byOffset = new Map<number, { length: number; type: TokenType; modifiers: TokenModifier[] }>();
  for (const occ of model.occurrences.values()) {
    const r = occ.resolution;
    const type: TokenType = r.kind === "member" ? "enumMember" : KIND_TYPE[r.symbol.kind];
    const modifiers: TokenModifier[] = r.kind === "symbol" && r.declaration ? ["declaration"] : [];
    const names = occ.node.kind === "FieldPath" ? occ.node.segments : [occ.node];
    for (const n of names) byOffset.set(n.span.start, { length: n.span.end - n.span.start, type, modifiers });
  }
  for (const d of model.ast.declarations) {
    walk(d, (n) => {
      if (n.kind === "TypeRef") {
        byOffset.set(n.name.span.start, { length: n.name.span.end - n.name.span.start, type: "type", modifiers: [] });
        for (const a of n.args) {
          const isMember = n.name.text === "enum";
          byOffset.set(a.span.start, { length: a.span.end - a.span.start, type: isMember ? "enumMember" : "type", modifiers: isMember ? ["declaration"] : [] });
        }
      } else if (n.kind === "Call") {
        byOffset.set(n.callee.span.start, { length: n.callee.span.end - n.callee.span.start, type: "function", modifiers: ["defaultLibrary"] });
      } else if (n.kind === "FieldPath" && !byOffset.has(n.span.start)) {
        // unresolved field path (an error is shown): still colour it as a field
        if (n.segments.length > 1) for (const s of n.segments) byOffset.set(s.span.start, { length: s.span.end - s.span.start, type: "property", modifiers: [] });
      }
    });
  }
  const out: SemanticToken[] = [];
  const push = (offset: number, length: number, type: TokenType, modifiers: TokenModifier[]) => {
    if (length <= 0) return;
    const p = model.lines.position(offset);
    out.push({ line: p.line, character: p.character, length, type, modifiers });
  };
  const tokens = model.tokens;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const known = byOffset.get(t.startOffset);
    const length = t.endOffset! + 1 - t.startOffset;
    if (known) {
      push(t.startOffset, known.length, known.type, known.modifiers);
      continue;
    }
    const name = t.tokenType.name;
    const afterDot = tokens[i - 1]?.image === "." && tokens[i - 1].endOffset! + 1 === t.startOffset;
    if (name === "NumberLiteral" || name === "DateLiteral") push(t.startOffset, length, "number", []);
    else if (name === "StringLiteral" || name === "UnterminatedString") push(t.startOffset, length, "string", []);
    else if (name !== "Identifier" && /^[a-z]+$/.test(t.image) && !afterDot) push(t.startOffset, length, "keyword", []);
    else if (name === "Identifier" && (TYPE_NAMES as readonly string[]).includes(t.image) && tokens[i - 1]?.image === ":") push(t.startOffset, length, "type", []);
    else if (/^(=|!=|<=?|>=?|\+|-|\*|\/)$/.test(t.image)) push(t.startOffset, length, "operator", []);
  }
  for (const c of model.comments) push(c.startOffset, c.endOffset! + 1 - c.startOffset, "comment", []);
  return out.sort((a, b) => a.line - b.line || a.character - b.character);
}

/** Text with every kind of line end and a few broken pieces, from an example. */
function roughened(text: string): string {
  return text.replace(/\n\n/g, "\r\n\r\n").replace(/\n(criterion)/, "\r$1").replace(/ when /, ' when "open ').replace(/\n# /, "\n@ # ");
}

describe("semantic tokens", () => {
  it("equal the straightforward classification on every example, with CRLF and CR line ends and broken text", () => {
    let compared = 0;
    for (const { path, text } of sources) {
      for (const variant of [text, roughened(text)]) {
        const result = compile(variant, { path });
        const expected = referenceTokens(result);
        expect(semanticTokens(result), path).toEqual(expected);
        compared += expected.length;
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it("for a range equal the full answer's tokens that start inside the range, on every example and random ranges", () => {
    let compared = 0;
    sources.forEach(({ path, text }, s) => {
      const result = compile(text, { path });
      const model = result.analysis.entry;
      const full = semanticTokens(result);
      const r = rng(0x5e11 + s);
      // Whole lines (what VS Code asks for), arbitrary offsets, empty ranges, the whole file.
      const ranges = [{ start: 0, end: text.length }, { start: 0, end: 0 }, { start: text.length, end: text.length }];
      for (let i = 0; i < 12; i++) {
        const a = Math.floor(r() * (text.length + 1));
        const b = Math.min(text.length, a + Math.floor(r() * 600));
        ranges.push({ start: a, end: b });
        const first = model.lines.position(a).line;
        ranges.push({ start: model.lines.offset({ line: first, character: 0 }), end: model.lines.offset({ line: first + 1 + Math.floor(r() * 40), character: 0 }) });
      }
      for (const span of ranges) {
        const expected = full.filter((t) => {
          const offset = model.lines.offset({ line: t.line, character: t.character });
          return offset >= span.start && offset < span.end;
        });
        expect(semanticTokens(result, undefined, span), `${path} ${span.start}..${span.end}`).toEqual(expected);
        compared += expected.length;
      }
    });
    expect(compared).toBeGreaterThan(1000);
  });
});
