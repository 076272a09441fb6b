import type { CompileResult } from "../../compiler/compile.js";
import type { IToken } from "chevrotain";
import { walk, type Declaration } from "../../language/ast.js";
import { bodyMemo, sessionOccurrences, type TokenContext } from "../../language/check-cache.js";
import type { FileModel, LeaddefSymbol, Occurrence } from "../../language/model.js";
import type { LineIndex, Span } from "../../language/source.js";
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

// Every kind of symbol has its colour (an event stream's name had none, and went out as `null`).
const KIND_TYPE: Record<LeaddefSymbol["kind"], TokenType> = { field: "property", stream: "variable", criterion: "function", score: "variable", stage: "class", param: "variable", outcome: "function", grade: "variable" };

/** A token's classification as the LSP encodes it: the legend's type index and modifier bits. */
interface Classified {
  length: number;
  type: number;
  modifiers: number;
}
/** Receives classified tokens in document order. */
type Sink = (offset: number, length: number, type: number, modifiers: number) => void;

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
  const out: SemanticToken[] = [];
  const cursor = new LineCursor(model.lines, from);
  classifyTokens(model, from, to, classifiedNames(model, from, to), (offset, length, type, modifiers) => {
    const line = cursor.lineOf(offset);
    out.push({ line, character: offset - cursor.lineStart, length, type: TOKEN_TYPES[type], modifiers: modifierList(modifiers) });
  });
  return out;
}

/**
 * The whole file's tokens in the LSP's relative encoding — `encodeSemanticTokens(semanticTokens(
 * result, path))`, which VS Code asks for (`full/delta`) after every edit. In the language
 * server (an editing session, language/check-cache.ts) each declaration's classified tokens are
 * kept with its checked body (`BodyMemo`) and reused while the body is: the same tree object (so
 * the same text) checked in the same scope resolves every name the same way. What else a
 * declaration's colours read is compared each time (`context`): the names its declaration phase
 * recorded, made anew every version (a duplicate's name is not recorded, and becomes so when
 * the first is deleted), and the token before it (`x.` and `:` change how a word is coloured).
 * So a keystroke classifies only the declarations it touched; the rest is re-encoding positions.
 * Held to the plain classification by test/semantic-tokens-memo.test.ts.
 */
export function encodedSemanticTokens(result: CompileResult, path?: string): Int32Array {
  const model = modelOf(result, path);
  const session = sessionOccurrences(model);
  const encoder = new Encoder(model.lines);
  if (!session) {
    classifyTokens(model, 0, Infinity, classifiedNames(model, 0, Infinity), encoder.push);
    return encoder.data;
  }
  const declarations = model.ast.declarations;
  const declared = declaredNames(model, session.declared);
  let next = 0; // the first of `declared` not yet passed
  let covered = 0;
  for (const decl of declarations) {
    const start = decl.span.start;
    const end = decl.span.end;
    if (start < covered) continue; // never the case for a parsed file; stay correct if it were
    classifyTokens(model, covered, start, EMPTY, encoder.push);
    // What this declaration's colours read besides its body: the token before it, its declared names.
    const before = model.tokens[T.firstTokenAtOrAfter(model.tokens, start) - 1];
    const context: TokenContext = { before: before?.image, adjacent: before !== undefined && before.endOffset! + 1 === start, declared: [] };
    while (next < declared.length && declared[next].offset < start) next++;
    for (; next < declared.length && declared[next].offset < end; next++) context.declared.push(declared[next]);
    const memo = bodyMemo(model, decl);
    let kept = memo?.tokens && sameContext(memo.tokens.context, context, start) ? memo.tokens.data : undefined;
    if (!kept) {
      const byOffset = new Map<number, Classified>();
      const ids = session.ofBody(decl);
      if (ids) {
        for (const id of ids) classifyOccurrence(model.occurrences.get(id)!, byOffset);
        for (const n of context.declared) byOffset.set(n.offset, n);
      } else {
        // Not a body of this session's (never expected): read the whole table for this declaration.
        for (const occ of model.occurrences.values()) if (declarationAt(declarations, occ.node.span.start) === decl) classifyOccurrence(occ, byOffset);
      }
      classifyStructure(decl, byOffset);
      const found: number[] = [];
      classifyTokens(model, start, end, byOffset, (offset, length, type, modifiers) => found.push(offset - start, length, type, modifiers));
      kept = Int32Array.from(found);
      if (memo) memo.tokens = { context: { ...context, declared: context.declared.map((n) => ({ ...n, offset: n.offset - start })) }, data: kept };
    }
    for (let k = 0; k < kept.length; k += 4) encoder.push(start + kept[k], kept[k + 1], kept[k + 2], kept[k + 3]);
    covered = end;
  }
  classifyTokens(model, covered, Infinity, EMPTY, encoder.push);
  return encoder.data;
}

/** The names the declaration phase recorded (one or a few per declaration), in source order, with their colours. */
function declaredNames(model: FileModel, ids: readonly number[]): (Classified & { offset: number })[] {
  const out: (Classified & { offset: number })[] = [];
  for (const id of ids) {
    const occ = model.occurrences.get(id);
    if (!occ) continue;
    const c = classificationOf(occ);
    for (const n of namesOf(occ)) out.push({ offset: n.span.start, length: n.span.end - n.span.start, type: c.type, modifiers: c.modifiers });
  }
  for (let i = 1; i < out.length; i++) {
    if (out[i - 1].offset > out[i].offset) return out.sort((x, y) => x.offset - y.offset);
  }
  return out;
}

/** Whether a kept context (declared names' offsets relative to the declaration) equals this one's at `start`. */
function sameContext(kept: TokenContext, now: TokenContext, start: number): boolean {
  if (kept.before !== now.before || kept.adjacent !== now.adjacent || kept.declared.length !== now.declared.length) return false;
  for (let i = 0; i < now.declared.length; i++) {
    const k = kept.declared[i];
    const n = now.declared[i];
    if (k.offset + start !== n.offset || k.length !== n.length || k.type !== n.type || k.modifiers !== n.modifiers) return false;
  }
  return true;
}

/**
 * The colours of the names that start in [from, to), read from the file's tables: resolved names,
 * then type names, built-in functions and unresolved field paths of the declarations there. (The
 * occurrence table is read whole: its entries are not in source order, and reading it is cheap.)
 */
function classifiedNames(model: FileModel, from: number, to: number): Map<number, Classified> {
  const whole = from === 0 && to === Infinity;
  const byOffset = new Map<number, Classified>();
  for (const occ of model.occurrences.values()) {
    if (whole || namesOf(occ).some((n) => n.span.start >= from && n.span.start < to)) classifyOccurrence(occ, byOffset);
  }
  for (const d of declarationsOverlapping(model.ast.declarations, from, to)) classifyStructure(d, byOffset);
  return byOffset;
}

/** The names an occurrence colours: a field path's segments, else the name itself. */
function namesOf(occ: Occurrence): readonly { span: Span }[] {
  return occ.node.kind === "FieldPath" ? occ.node.segments : [occ.node];
}

/** How the names of a resolved occurrence are coloured (the length is each name's). */
function classificationOf(occ: Occurrence): Classified {
  const r = occ.resolution;
  const type: TokenType = r.kind === "member" ? "enumMember" : KIND_TYPE[r.symbol.kind];
  return { length: 0, type: TYPE_INDEX[type], modifiers: r.kind === "symbol" && r.declaration ? DECLARATION_BIT : 0 };
}

/** Resolved names → their classification. */
function classifyOccurrence(occ: Occurrence, byOffset: Map<number, Classified>): void {
  const c = classificationOf(occ);
  for (const n of namesOf(occ)) byOffset.set(n.span.start, { length: n.span.end - n.span.start, type: c.type, modifiers: c.modifiers });
}

/** Type names, enum members where declared, built-in functions, and unresolved field paths of one declaration. */
function classifyStructure(decl: Declaration, byOffset: Map<number, Classified>): void {
  walk(decl, (n) => {
    if (n.kind === "TypeRef") {
      byOffset.set(n.name.span.start, { length: n.name.span.end - n.name.span.start, type: TYPE_INDEX.type, modifiers: 0 });
      for (const a of n.args) {
        const isMember = n.name.text === "enum";
        byOffset.set(a.span.start, { length: a.span.end - a.span.start, type: isMember ? TYPE_INDEX.enumMember : TYPE_INDEX.type, modifiers: isMember ? DECLARATION_BIT : 0 });
      }
    } else if (n.kind === "Call") {
      byOffset.set(n.callee.span.start, { length: n.callee.span.end - n.callee.span.start, type: TYPE_INDEX.function, modifiers: MODIFIER_BIT.defaultLibrary });
    } else if (n.kind === "FieldPath" && !byOffset.has(n.span.start)) {
      // unresolved field path (an error is shown): still colour it as a field
      if (n.segments.length > 1) for (const s of n.segments) byOffset.set(s.span.start, { length: s.span.end - s.span.start, type: TYPE_INDEX.property, modifiers: 0 });
    }
  });
}

/**
 * The tokens and comments that start in [from, to), in order: by `byOffset` where it knows the
 * offset, else by the token itself.
 */
function classifyTokens(model: FileModel, from: number, to: number, byOffset: ReadonlyMap<number, Classified>, sink: Sink): void {
  const push: Sink = (offset, length, type, modifiers) => {
    if (length > 0) sink(offset, length, type, modifiers);
  };
  const tokens = model.tokens;
  const comments = model.comments;
  let c = from > 0 ? T.firstTokenAtOrAfter(comments, from) : 0;
  // Comments in between tokens, each where it starts (no token and comment share an offset).
  const commentsBefore = (offset: number) => {
    for (; c < comments.length && comments[c].startOffset < offset; c++) push(comments[c].startOffset, comments[c].endOffset! + 1 - comments[c].startOffset, TYPE_INDEX.comment, 0);
  };
  for (let i = from > 0 ? T.firstTokenAtOrAfter(tokens, from) : 0; i < tokens.length && tokens[i].startOffset < to; i++) {
    const t = tokens[i];
    commentsBefore(t.startOffset);
    const known = byOffset.get(t.startOffset);
    const length = t.endOffset! + 1 - t.startOffset;
    if (known) {
      push(t.startOffset, known.length, known.type, known.modifiers);
      continue;
    }
    const kind = t.tokenType;
    if (kind === T.NumberLiteral || kind === T.DateLiteral) push(t.startOffset, length, TYPE_INDEX.number, 0);
    else if (kind === T.StringLiteral || kind === T.UnterminatedString) push(t.startOffset, length, TYPE_INDEX.string, 0);
    else if (kind !== T.Identifier && isLowerWord(t.image) && !afterDot(tokens, i)) push(t.startOffset, length, TYPE_INDEX.keyword, 0);
    else if (kind === T.Identifier && TYPE_NAME_SET.has(t.image) && tokens[i - 1]?.image === ":") push(t.startOffset, length, TYPE_INDEX.type, 0);
    else if (OPERATORS.has(t.image)) push(t.startOffset, length, TYPE_INDEX.operator, 0);
  }
  commentsBefore(to);
}

/** Offsets to lines, for offsets that only grow: a line cursor replaces a search per token. */
class LineCursor {
  private line: number;
  lineStart: number;
  private nextLineStart: number;
  constructor(private readonly lines: LineIndex, from: number) {
    this.line = lines.position(from).line;
    this.lineStart = lines.offset({ line: this.line, character: 0 });
    this.nextLineStart = this.startOf(this.line + 1);
  }
  lineOf(offset: number): number {
    while (offset >= this.nextLineStart) {
      this.line++;
      this.lineStart = this.nextLineStart;
      this.nextLineStart = this.startOf(this.line + 1);
    }
    return this.line;
  }
  private startOf(line: number): number {
    return line < this.lines.lineCount ? this.lines.offset({ line, character: 0 }) : Infinity;
  }
}

/**
 * The LSP's relative encoding — five integers per token, its line and character from the
 * previous token's — written as tokens arrive, into an Int32Array grown by doubling: a JS array
 * of ~75,000 integers (5,000 lines) built per keystroke cost ~10 ms here, nearly all of it
 * allocation; the typed array costs well under 1 ms. `encodeSemanticTokens` writes a list with it.
 */
class RelativeWriter {
  private buffer = new Int32Array(1024);
  private size = 0;
  private line = 0;
  private character = 0;
  write(line: number, character: number, length: number, type: number, modifiers: number): void {
    const dl = line - this.line;
    if (this.size + 5 > this.buffer.length) {
      const grown = new Int32Array(this.buffer.length * 2);
      grown.set(this.buffer);
      this.buffer = grown;
    }
    const b = this.buffer;
    let k = this.size;
    b[k++] = dl;
    b[k++] = dl === 0 ? character - this.character : character;
    b[k++] = length;
    b[k++] = type;
    b[k++] = modifiers;
    this.size = k;
    this.line = line;
    this.character = character;
  }
  /** The integers written so far. */
  get data(): Int32Array {
    return this.buffer.subarray(0, this.size);
  }
}

/** A `RelativeWriter` fed classified tokens by offset (which only grow), through a line cursor. */
class Encoder extends RelativeWriter {
  private readonly cursor: LineCursor;
  constructor(lines: LineIndex) {
    super();
    this.cursor = new LineCursor(lines, 0);
  }
  readonly push: Sink = (offset, length, type, modifiers) => {
    const line = this.cursor.lineOf(offset);
    this.write(line, offset - this.cursor.lineStart, length, type, modifiers);
  };
}

/** The declaration whose span holds `offset` (declarations in source order), if any. */
function declarationAt(declarations: readonly Declaration[], offset: number): Declaration | undefined {
  let lo = 0;
  let hi = declarations.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (declarations[mid].span.end <= offset) lo = mid + 1;
    else hi = mid;
  }
  const d = declarations[lo];
  return d && d.span.start <= offset ? d : undefined;
}

function modifierList(bits: number): TokenModifier[] {
  if (bits === 0) return NONE;
  if (bits === DECLARATION_BIT) return DECLARATION;
  return TOKEN_MODIFIERS.filter((m) => (bits & MODIFIER_BIT[m]) !== 0);
}

const EMPTY: ReadonlyMap<number, Classified> = new Map();

const TYPE_INDEX = Object.fromEntries(TOKEN_TYPES.map((t, i) => [t, i])) as Record<TokenType, number>;
const MODIFIER_BIT = Object.fromEntries(TOKEN_MODIFIERS.map((m, i) => [m, 1 << i])) as Record<TokenModifier, number>;
const DECLARATION_BIT = MODIFIER_BIT.declaration;
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
  const writer = new RelativeWriter();
  for (const t of tokens) {
    let mods = 0;
    for (const m of t.modifiers) mods |= MODIFIER_BIT[m];
    writer.write(t.line, t.character, t.length, TYPE_INDEX[t.type], mods);
  }
  return Array.from(writer.data);
}

