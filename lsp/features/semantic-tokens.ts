import type { CompileResult } from "../../compiler/compile.js";
import type { IToken } from "chevrotain";
import { walk, type Declaration } from "../../language/ast.js";
import type { Span } from "../../language/source.js";
import { TYPE_NAMES } from "../../language/types.js";
import { modelOf } from "./lookup.js";

/** The legend the server announces; token types and modifiers are indexes into these. */
export const TOKEN_TYPES = ["keyword", "property", "function", "variable", "class", "enumMember", "type", "number", "string", "comment", "operator"] as const;
export const TOKEN_MODIFIERS = ["declaration", "defaultLibrary"] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];
export type TokenModifier = (typeof TOKEN_MODIFIERS)[number];

export interface SemanticToken {
  line: number;
  character: number;
  length: number;
  type: TokenType;
  modifiers: TokenModifier[];
}

const KIND_TYPE: Record<string, TokenType> = { field: "property", criterion: "function", score: "variable", stage: "class", param: "variable", outcome: "function", grade: "variable" };

/**
 * Every token classified, in document order: fields, criteria (functions), scores (variables),
 * stages (classes) and enum members by what they resolved to; keywords, numbers, dates,
 * strings, comments and type names by their token.
 *
 * With `range` (offsets), only the tokens that start inside it: exactly the full answer's tokens
 * there (the LSP's `semanticTokens/range`, which VS Code asks for the visible lines). The work
 * is then proportional to the range, not the file: the tokens and comments are found by binary
 * search and only the declarations overlapping the range are walked. (The occurrence table is
 * still read whole: its entries are not in source order, and reading it is cheap.)
 */
export function semanticTokens(result: CompileResult, path?: string, range?: Span): SemanticToken[] {
  const model = modelOf(result, path);
  const from = range ? range.start : 0;
  const to = range ? range.end : Infinity;
  const inRange = (offset: number) => offset >= from && offset < to;
  // Offsets of resolved names → their classification.
  const byOffset = new Map<number, { length: number; type: TokenType; modifiers: TokenModifier[] }>();
  for (const occ of model.occurrences.values()) {
    const r = occ.resolution;
    const names = occ.node.kind === "FieldPath" ? occ.node.segments : [occ.node];
    if (range && !names.some((n) => inRange(n.span.start))) continue;
    const type: TokenType = r.kind === "member" ? "enumMember" : KIND_TYPE[r.symbol.kind];
    const modifiers: TokenModifier[] = r.kind === "symbol" && r.declaration ? ["declaration"] : [];
    for (const n of names) byOffset.set(n.span.start, { length: n.span.end - n.span.start, type, modifiers });
  }
  for (const d of declarationsOverlapping(model.ast.declarations, from, to)) {
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
  for (let i = range ? firstStartingAt(tokens, from) : 0; i < tokens.length && tokens[i].startOffset < to; i++) {
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
  const comments = model.comments;
  for (let i = range ? firstStartingAt(comments, from) : 0; i < comments.length && comments[i].startOffset < to; i++) {
    const c = comments[i];
    push(c.startOffset, c.endOffset! + 1 - c.startOffset, "comment", []);
  }
  return out.sort((a, b) => a.line - b.line || a.character - b.character);
}

/** The declarations (in source order) whose span meets [from, to). */
function declarationsOverlapping(declarations: readonly Declaration[], from: number, to: number): readonly Declaration[] {
  if (from === 0 && to === Infinity) return declarations;
  let lo = 0;
  let hi = declarations.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (declarations[mid].span.end < from) lo = mid + 1;
    else hi = mid;
  }
  const out: Declaration[] = [];
  for (let i = lo; i < declarations.length && declarations[i].span.start < to; i++) out.push(declarations[i]);
  return out;
}

/** The index of the first token starting at or after `offset` (tokens are in offset order). */
function firstStartingAt(tokens: readonly IToken[], offset: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tokens[mid].startOffset < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The LSP's relative encoding: five integers per token, each position relative to the previous. */
export function encodeSemanticTokens(tokens: SemanticToken[]): number[] {
  const data: number[] = [];
  let line = 0;
  let char = 0;
  for (const t of tokens) {
    const dl = t.line - line;
    const dc = dl === 0 ? t.character - char : t.character;
    let mods = 0;
    for (const m of t.modifiers) mods |= 1 << TOKEN_MODIFIERS.indexOf(m);
    data.push(dl, dc, t.length, TOKEN_TYPES.indexOf(t.type), mods);
    line = t.line;
    char = t.character;
  }
  return data;
}
