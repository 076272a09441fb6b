import type { CompileResult } from "../../compiler/compile.js";
import type { IToken } from "chevrotain";
import { walk, type Declaration } from "../../language/ast.js";
import type { Span } from "../../language/source.js";
import * as T from "../../language/tokens.js";
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
    const modifiers: TokenModifier[] = r.kind === "symbol" && r.declaration ? DECLARATION : NONE;
    for (const n of names) byOffset.set(n.span.start, { length: n.span.end - n.span.start, type, modifiers });
  }
  for (const d of declarationsOverlapping(model.ast.declarations, from, to)) {
    walk(d, (n) => {
      if (n.kind === "TypeRef") {
        byOffset.set(n.name.span.start, { length: n.name.span.end - n.name.span.start, type: "type", modifiers: NONE });
        for (const a of n.args) {
          const isMember = n.name.text === "enum";
          byOffset.set(a.span.start, { length: a.span.end - a.span.start, type: isMember ? "enumMember" : "type", modifiers: isMember ? ["declaration"] : [] });
        }
      } else if (n.kind === "Call") {
        byOffset.set(n.callee.span.start, { length: n.callee.span.end - n.callee.span.start, type: "function", modifiers: ["defaultLibrary"] });
      } else if (n.kind === "FieldPath" && !byOffset.has(n.span.start)) {
        // unresolved field path (an error is shown): still colour it as a field
        if (n.segments.length > 1) for (const s of n.segments) byOffset.set(s.span.start, { length: s.span.end - s.span.start, type: "property", modifiers: NONE });
      }
    });
  }
  const out: SemanticToken[] = [];
  // Tokens and comments arrive in offset order, so a line cursor replaces a search per token.
  const lines = model.lines;
  let line = lines.position(range ? from : 0).line;
  let lineStart = lines.offset({ line, character: 0 });
  let nextLineStart = line + 1 < lines.lineCount ? lines.offset({ line: line + 1, character: 0 }) : Infinity;
  const push = (offset: number, length: number, type: TokenType, modifiers: TokenModifier[]) => {
    if (length <= 0) return;
    while (offset >= nextLineStart) {
      line++;
      lineStart = nextLineStart;
      nextLineStart = line + 1 < lines.lineCount ? lines.offset({ line: line + 1, character: 0 }) : Infinity;
    }
    out.push({ line, character: offset - lineStart, length, type, modifiers });
  };
  const tokens = model.tokens;
  const comments = model.comments;
  let c = range ? T.firstTokenAtOrAfter(comments, from) : 0;
  // Comments in between tokens, each where it starts (no token and comment share an offset).
  const commentsBefore = (offset: number) => {
    for (; c < comments.length && comments[c].startOffset < offset; c++) push(comments[c].startOffset, comments[c].endOffset! + 1 - comments[c].startOffset, "comment", NONE);
  };
  for (let i = range ? T.firstTokenAtOrAfter(tokens, from) : 0; i < tokens.length && tokens[i].startOffset < to; i++) {
    const t = tokens[i];
    commentsBefore(t.startOffset);
    const known = byOffset.get(t.startOffset);
    const length = t.endOffset! + 1 - t.startOffset;
    if (known) {
      push(t.startOffset, known.length, known.type, known.modifiers);
      continue;
    }
    const kind = t.tokenType;
    if (kind === T.NumberLiteral || kind === T.DateLiteral) push(t.startOffset, length, "number", NONE);
    else if (kind === T.StringLiteral || kind === T.UnterminatedString) push(t.startOffset, length, "string", NONE);
    else if (kind !== T.Identifier && isLowerWord(t.image) && !afterDot(tokens, i)) push(t.startOffset, length, "keyword", NONE);
    else if (kind === T.Identifier && TYPE_NAME_SET.has(t.image) && tokens[i - 1]?.image === ":") push(t.startOffset, length, "type", NONE);
    else if (OPERATORS.has(t.image)) push(t.startOffset, length, "operator", NONE);
  }
  commentsBefore(to);
  return out;
}

// Shared by many tokens, so frozen: a caller changing one token's modifiers would change them all.
const DECLARATION = Object.freeze(["declaration"]) as TokenModifier[];
/** No modifiers. */
const NONE = Object.freeze([]) as unknown as TokenModifier[];
const TYPE_NAME_SET: ReadonlySet<string> = new Set(TYPE_NAMES);
const OPERATORS: ReadonlySet<string> = new Set(["=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/"]);

/** `[a-z]+`: how a keyword is spelled (a name-like token that is not an identifier). */
function isLowerWord(image: string): boolean {
  if (image.length === 0) return false;
  for (let i = 0; i < image.length; i++) {
    const ch = image.charCodeAt(i);
    if (ch < 97 || ch > 122) return false;
  }
  return true;
}

/** A member name written right after a `.` (`x.stage`) is a name, not a keyword. */
function afterDot(tokens: readonly IToken[], i: number): boolean {
  const before = tokens[i - 1];
  return before !== undefined && before.image === "." && before.endOffset! + 1 === tokens[i].startOffset;
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


/** The LSP's relative encoding: five integers per token, each position relative to the previous. */
export function encodeSemanticTokens(tokens: SemanticToken[]): number[] {
  const data = new Array<number>(tokens.length * 5);
  let line = 0;
  let char = 0;
  let k = 0;
  for (const t of tokens) {
    const dl = t.line - line;
    const dc = dl === 0 ? t.character - char : t.character;
    let mods = 0;
    for (const m of t.modifiers) mods |= MODIFIER_BIT[m];
    data[k++] = dl;
    data[k++] = dc;
    data[k++] = t.length;
    data[k++] = TYPE_INDEX[t.type];
    data[k++] = mods;
    line = t.line;
    char = t.character;
  }
  return data;
}

const TYPE_INDEX = Object.fromEntries(TOKEN_TYPES.map((t, i) => [t, i])) as Record<TokenType, number>;
const MODIFIER_BIT = Object.fromEntries(TOKEN_MODIFIERS.map((m, i) => [m, 1 << i])) as Record<TokenModifier, number>;
