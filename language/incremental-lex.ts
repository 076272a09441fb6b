import type { IToken, TokenType } from "chevrotain";
import * as T from "./tokens.js";
import { countLineBreaks } from "./source.js";

/**
 * Lexing by difference from the file's previous text, so a keystroke in a 5,000-line file
 * re-lexes one line instead of the whole file (lexing was the largest single cost of a re-check).
 *
 * Why it is exact: no token spans a line end (strings, comments and bad numbers stop before
 * `\r`/`\n`; line ends themselves are skipped whitespace), and every token's lookahead
 * (`(?![A-Za-z0-9_])`) sees a line end and the end of the input alike. So lexing the text from a
 * line start to a line start gives the very tokens a whole-file lex gives there, with offsets and
 * line numbers moved. The changed lines are lexed again; the tokens before them are reused as
 * they are and the tokens after them are reused, moved, when the edit changed their position.
 *
 * This is the "red-green" idea of rust-analyzer's salsa and TypeScript's incremental parser
 * (`updateSourceFile` reuses nodes outside the changed range, moving them): a result whose input
 * did not change is reused, and only the changed range is recomputed. `test/incremental.test.ts`
 * holds it to a fresh lex on random edit sequences.
 */

interface Remembered {
  text: string;
  tokens: T.LeaddefToken[];
  comments: IToken[];
  badText: { offset: number; length: number }[];
  /**
   * The lexer's own token type of each token the parser later retypes (an unterminated string
   * read as a string, a bad number as a number: `parseFile` changes them in place). Reused
   * tokens get their type back, so the parser sees what a fresh lex gives it.
   */
  retyped: Map<IToken, { tokenType: TokenType; tokenTypeIdx: number }>;
  /** Lexed for an editing parse, whose tokens the next editing lex of the file may move in place. */
  movable: boolean;
}

/** The last lex per file path; a handful of files are edited at once, so a few are kept. */
const MAX_REMEMBERED_FILES = 16;
const remembered = new Map<string, Remembered>();

/** Forgets every remembered lex (for tests that compare against a fresh lex). */
export function clearLexCache(): void {
  remembered.clear();
}

/**
 * The tokens of `text`, identical to `tokenize(text)`, computed from the lex of the text `path`
 * had last time when there was one. The returned tokens may be the previous call's objects.
 * `inPlace` (the language server, see `parseFile`): this lex supersedes the previous editing lex
 * of the file, whose tokens and arrays nobody reads any more, so they are moved and spliced in
 * place instead of copied (copying the tokens after a keystroke was ~2.7 MB of garbage per key
 * in a 5,000-line file).
 */
export function tokenizeIncrementally(path: string, text: string, inPlace = false): T.LexedFile {
  const previous = remembered.get(path);
  const lexed = previous ? relex(previous, text, inPlace && previous.movable) : T.tokenize(text);
  remember(path, text, lexed, inPlace);
  return lexed;
}

function remember(path: string, text: string, lexed: T.LexedFile, movable: boolean): void {
  const retyped = new Map<IToken, { tokenType: TokenType; tokenTypeIdx: number }>();
  // An index loop: `for … of` over ~20,000 tokens per keystroke allocated an iterator result each.
  const tokens = lexed.tokens;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.tokenType === T.UnterminatedString || t.tokenType === T.BadNumber) retyped.set(t, { tokenType: t.tokenType, tokenTypeIdx: t.tokenTypeIdx });
  }
  remembered.delete(path);
  remembered.set(path, { text, tokens: lexed.tokens, comments: lexed.comments, badText: lexed.badText, retyped, movable });
  for (const [oldest] of remembered) {
    if (remembered.size <= MAX_REMEMBERED_FILES) break;
    remembered.delete(oldest);
  }
}

/** The region that changed between two texts, cut at line starts both texts share. */
export interface ChangedLines {
  /** Where the changed lines start (the same offset in both texts). */
  start: number;
  /** Where they end in the old text and in the new one; the rest is the same in both. */
  oldEnd: number;
  newEnd: number;
}

/** How many characters `changedLines` compares at once while the texts agree. */
const COMPARED_BLOCK = 256;

/** The line-aligned stretch that differs, or undefined when the texts are equal. */
export function changedLines(oldText: string, newText: string): ChangedLines | undefined {
  if (oldText === newText) return undefined;
  const oldLength = oldText.length;
  const newLength = newText.length;
  const shorter = Math.min(oldLength, newLength);
  // Whole blocks first, compared as strings (by the engine, without a JS call per character:
  // ~15x faster over a 5,000-line file), then the last characters one by one.
  let prefix = 0;
  while (prefix + COMPARED_BLOCK <= shorter && oldText.slice(prefix, prefix + COMPARED_BLOCK) === newText.slice(prefix, prefix + COMPARED_BLOCK)) prefix += COMPARED_BLOCK;
  while (prefix < shorter && oldText.charCodeAt(prefix) === newText.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix + COMPARED_BLOCK <= shorter - prefix && oldText.slice(oldLength - suffix - COMPARED_BLOCK, oldLength - suffix) === newText.slice(newLength - suffix - COMPARED_BLOCK, newLength - suffix)) suffix += COMPARED_BLOCK;
  while (suffix < shorter - prefix && oldText.charCodeAt(oldLength - 1 - suffix) === newText.charCodeAt(newLength - 1 - suffix)) suffix++;
  // Back to just after a `\n` inside the common prefix: a line start in both texts. (A lone `\r`
  // ends a line too, but whether `\r` is followed by `\n` may be what changed, so only `\n` counts.)
  let start = prefix;
  while (start > 0 && newText.charCodeAt(start - 1) !== 10) start--;
  // Forward to a line start of both texts from which on they are the same: just after a `\n`
  // in each (the common suffix, or the common prefix when whole lines were added or removed).
  const shift = oldText.length - newText.length;
  const lineStartInBoth = (i: number) => i >= start && i + shift >= start && newText.charCodeAt(i - 1) === 10 && oldText.charCodeAt(i - 1 + shift) === 10;
  let newEnd = newText.length - suffix;
  while (newEnd < newText.length && !lineStartInBoth(newEnd)) newEnd++;
  const oldEnd = newEnd + shift;
  return { start, oldEnd, newEnd };
}

function relex(previous: Remembered, text: string, inPlace: boolean): T.LexedFile {
  // The parser retyped some of these tokens in place; a fresh lex would not have.
  for (const [t, original] of previous.retyped) {
    t.tokenType = original.tokenType;
    t.tokenTypeIdx = original.tokenTypeIdx;
  }
  const changed = changedLines(previous.text, text);
  if (!changed) {
    if (inPlace) return { tokens: previous.tokens, comments: previous.comments, badText: previous.badText };
    return { tokens: [...previous.tokens], comments: [...previous.comments], badText: previous.badText.map((b) => ({ ...b })) };
  }
  const { start, oldEnd, newEnd } = changed;
  const offsetDelta = newEnd - oldEnd;
  // The ranges start and end at line starts, so no CRLF is cut in two.
  const firstLine = countLineBreaks(text, 0, start) + 1;
  const lineDelta = countLineBreaks(text, start, newEnd) - countLineBreaks(previous.text, start, oldEnd);
  const middle = T.tokenize(text.slice(start, newEnd));

  const place = (t: IToken): IToken => {
    t.startOffset += start;
    t.endOffset = t.endOffset! + start;
    t.startLine = t.startLine! + firstLine - 1;
    t.endLine = t.endLine! + firstLine - 1;
    return t;
  };
  // A class instance rather than an object literal: every moved token gets the same hidden class
  // with its fields in the object itself, so tens of thousands of copies are one tight loop.
  const moved = <K extends IToken>(t: K): K => {
    if (offsetDelta === 0 && lineDelta === 0) return t;
    return new MovedToken(t, offsetDelta, lineDelta) as unknown as K;
  };
  const splice = <K extends IToken>(old: K[], fresh: K[]): K[] => {
    const out = old.slice(0, T.firstTokenAtOrAfter(old, start));
    for (const t of fresh) out.push(place(t) as K);
    for (let i = T.firstTokenAtOrAfter(old, oldEnd); i < old.length; i++) out.push(moved(old[i]));
    return out;
  };

  // The previous arrays and tokens themselves, changed in place (see `tokenizeIncrementally`).
  const spliceInPlace = <K extends IToken>(old: K[], fresh: K[]): K[] => {
    const from = T.firstTokenAtOrAfter(old, start);
    const to = T.firstTokenAtOrAfter(old, oldEnd);
    if (offsetDelta !== 0 || lineDelta !== 0) {
      for (let i = to; i < old.length; i++) {
        const t = old[i];
        t.startOffset += offsetDelta;
        t.endOffset = t.endOffset! + offsetDelta;
        t.startLine = t.startLine! + lineDelta;
        t.endLine = t.endLine! + lineDelta;
      }
    }
    old.splice(from, to - from, ...fresh.map((t) => place(t) as K));
    return old;
  };

  // (A large paste is spliced by copying: `splice(…, ...fresh)` passes every token as an argument.)
  const movable = inPlace && middle.tokens.length + middle.comments.length < 10_000;
  const tokens = movable ? spliceInPlace(previous.tokens, middle.tokens) : splice(previous.tokens, middle.tokens);
  const comments = movable ? spliceInPlace(previous.comments, middle.comments) : splice(previous.comments, middle.comments);
  // `startsLine` needs no pass over the whole file: the tokens before `start` keep theirs; the
  // fresh middle was lexed from a line start, as the tokens after `oldEnd` were (no token spans a
  // line end), so the first of each starts a line in the file too and the rest are relative.
  const badText = [
    ...previous.badText.filter((b) => b.offset < start).map((b) => ({ ...b })),
    ...middle.badText.map((b) => ({ offset: b.offset + start, length: b.length })),
    ...previous.badText.filter((b) => b.offset >= oldEnd).map((b) => ({ offset: b.offset + offsetDelta, length: b.length })),
  ];
  return { tokens, comments, badText };
}

/** A token copied `offsetDelta` characters and `lineDelta` lines further; the same fields a fresh lex gives, plus `startsLine`. */
class MovedToken {
  image: string;
  startOffset: number;
  endOffset: number;
  startLine: number;
  endLine: number;
  startColumn: number;
  endColumn: number;
  tokenTypeIdx: number;
  tokenType: TokenType;
  startsLine: boolean;

  constructor(t: IToken, offsetDelta: number, lineDelta: number) {
    this.image = t.image;
    this.startOffset = t.startOffset + offsetDelta;
    this.endOffset = t.endOffset! + offsetDelta;
    this.startLine = t.startLine! + lineDelta;
    this.endLine = t.endLine! + lineDelta;
    this.startColumn = t.startColumn!;
    this.endColumn = t.endColumn!;
    this.tokenTypeIdx = t.tokenTypeIdx;
    this.tokenType = t.tokenType;
    // Comments have no `startsLine`; a comment copied with `false` would differ from a fresh lex.
    this.startsLine = (t as Partial<T.LeaddefToken>).startsLine!;
  }
}
