import type { IToken } from "chevrotain";
import { walk } from "./ast.js";
import { parseFile } from "./parse.js";
import { countLineBreaks } from "./source.js";
import * as T from "./tokens.js";

export interface FormatResult {
  text: string;
  changed: boolean;
  /** Set when the file has syntax errors: it is returned unchanged, never half-formatted. */
  error?: string;
}

const OPENERS = new Set([T.LParen, T.LBracket]);
const CLOSERS = new Set([T.RParen, T.RBracket]);
const NO_SPACE_BEFORE = new Set([T.Comma, T.RParen, T.RBracket, T.Dot, T.Colon, T.Question, T.Percent]);
const NO_SPACE_AFTER = new Set([T.LParen, T.LBracket, T.Dot]);

/**
 * The canonical layout. Works on the token stream, so it cannot change meaning or drop a
 * comment: only white space changes. Every declaration and block item starts its own line,
 * blocks indent by two, continuation lines by two more plus two per open bracket, the user's
 * line breaks inside expressions are kept (they matter in score blocks), blank lines collapse
 * to one, and a trailing comment sits two spaces after its code.
 * format(format(x)) === format(x).
 */
export function format(text: string): FormatResult {
  const parsed = parseFile("format", text);
  const syntaxError = parsed.diagnostics.find((d) => d.code.startsWith("LD0"));
  if (syntaxError) return { text, changed: false, error: `cannot format a file with syntax errors: ${syntaxError.message}` };

  const itemStarts = new Set<number>();
  // Left operands' ends of binary `+`/`-`: the operator is the first `+`/`-` token after it.
  const binaryLeftEnds: number[] = [];
  // An event in an example (`{type = email_click, occurred = 2026-11-20}`) stays on one line:
  // its braces open no block.
  const inlineBraces = new Set<number>();
  for (const decl of parsed.ast.declarations) {
    walk(decl, (n, parent) => {
      if (n.kind === "Binary" && (n.op === "+" || n.op === "-")) binaryLeftEnds.push(n.left.span.end);
      if (n.kind === "EventRecord") {
        inlineBraces.add(n.span.start);
        inlineBraces.add(n.span.end - 1);
      }
      switch (n.kind) {
        case "ExampleAssign":
          if (parent?.kind === "EventRecord") break;
        // falls through
        case "ImportDecl": case "SchemaDecl": case "CriterionDecl": case "ScoreDecl": case "StageDecl": case "ExampleDecl": case "ParamDecl": case "OutcomeDecl":
        case "EventsDecl": case "GradeDecl": case "DisqualifyDecl":
        case "FieldDecl": case "ScoreLine": case "PerLine": case "ScoreBound": case "ExampleAsOf":
        case "GradeLine": case "GradeElse":
        case "ExpectStage": case "ExpectScore": case "ExpectFlag": case "ExpectReason": case "ExpectGrade":
          itemStarts.add(n.span.start);
      }
    });
  }

  const binaryOperators = binaryOperatorTokens(parsed.tokens, binaryLeftEnds);

  type Piece = { token: IToken; comment: boolean };
  const pieces: Piece[] = [
    ...parsed.tokens.map((token) => ({ token, comment: false })),
    ...parsed.comments.map((token) => ({ token, comment: true })),
  ].sort((a, b) => a.token.startOffset - b.token.startOffset);

  const out: { code: string; comment: string }[] = [];
  let line = "";
  let trailing = "";
  let braceDepth = 0;
  let parenDepth = 0;
  let prev: IToken | undefined; // the last code token
  let started = false;
  let prevEnd = 0;

  const flush = () => {
    out.push({ code: line.trimEnd(), comment: trailing });
    line = "";
    trailing = "";
  };

  for (const { token, comment } of pieces) {
    const type = token.tokenType;
    const gap = text.slice(prevEnd, token.startOffset);
    const newlines = countLineBreaks(gap);
    const inline = !comment && inlineBraces.has(token.startOffset);
    const itemStart = !comment && (itemStarts.has(token.startOffset) || (type === T.RBrace && !inline));
    const afterOpenBrace = prev?.tokenType === T.LBrace && !inlineBraces.has(prev.startOffset) && line.trimEnd().endsWith("{");

    if (comment && prev !== undefined && newlines === 0 && line !== "" && !afterOpenBrace) {
      trailing = token.image.trimEnd(); // a trailing comment stays on its line
      prevEnd = token.endOffset! + 1;
      continue;
    }
    if (started && (newlines > 0 || itemStart || afterOpenBrace)) {
      flush();
      if (newlines > 1) out.push({ code: "", comment: "" });
    }
    if (type === T.RBrace && !inline) braceDepth = Math.max(0, braceDepth - 1);
    if (itemStart) parenDepth = 0;
    if (CLOSERS.has(type) && line === "") parenDepth = Math.max(0, parenDepth - 1);

    if (line === "") {
      const continuation = !itemStart && prev !== undefined && prev.tokenType !== T.LBrace && prev.tokenType !== T.RBrace && !nextIsItemStart(pieces, token, itemStarts, comment);
      const indent = 2 * braceDepth + (continuation ? 2 + 2 * parenDepth : 0);
      line = " ".repeat(indent) + (comment ? token.image.trimEnd() : token.image);
    } else {
      const prevType = prev!.tokenType;
      // Whether a `+`/`-` is a sign or an operator is the parser's knowledge, not the layout's:
      // guessing from the tokens around it made `present-5` and `8 \r- a` flip between passes.
      const prevIsSign = (prevType === T.Plus || prevType === T.Minus) && !binaryOperators.has(prev!);
      const insideEvent = (type === T.RBrace && inline) || (prevType === T.LBrace && inlineBraces.has(prev!.startOffset));
      const tight = NO_SPACE_BEFORE.has(type) || NO_SPACE_AFTER.has(prevType) || prevIsSign || insideEvent || (type === T.LParen && prevType === T.Identifier);
      line += (tight ? "" : " ") + token.image;
      if (CLOSERS.has(type)) parenDepth = Math.max(0, parenDepth - 1);
    }
    started = true;
    prevEnd = token.endOffset! + 1;
    if (comment) continue;
    if (type === T.LBrace && !inlineBraces.has(token.startOffset)) braceDepth++;
    if (OPENERS.has(type)) parenDepth++;
    prev = token;
  }
  if (line !== "") flush();
  while (out.length && out[out.length - 1].code === "" && !out[out.length - 1].comment) out.pop();
  const formatted = out.length ? `${alignTrailingComments(out).join("\n")}\n` : "";
  return { text: formatted, changed: formatted !== text };
}

/** Trailing comments on consecutive lines line up, two spaces after the longest code. */
function alignTrailingComments(lines: { code: string; comment: string }[]): string[] {
  const result: string[] = [];
  for (let i = 0; i < lines.length; ) {
    if (!lines[i].comment) {
      result.push(lines[i].code);
      i++;
      continue;
    }
    let j = i;
    while (j < lines.length && lines[j].comment) j++;
    const width = Math.max(...lines.slice(i, j).map((l) => l.code.length));
    for (let k = i; k < j; k++) result.push(`${lines[k].code.padEnd(width)}  ${lines[k].comment}`);
    i = j;
  }
  return result;
}

/** An own-line comment takes the indentation of the code line it introduces. */
function nextIsItemStart(pieces: { token: IToken; comment: boolean }[], token: IToken, itemStarts: Set<number>, comment: boolean): boolean {
  if (!comment) return false;
  const next = pieces.find((p) => !p.comment && p.token.startOffset > token.startOffset);
  return next === undefined || itemStarts.has(next.token.startOffset) || next.token.tokenType === T.RBrace;
}

/** The `+`/`-` tokens that are binary operators: for each left operand's end, the first such token after it. */
function binaryOperatorTokens(tokens: readonly IToken[], leftEnds: number[]): Set<IToken> {
  const out = new Set<IToken>();
  const signs = tokens.filter((t) => t.tokenType === T.Plus || t.tokenType === T.Minus);
  for (const end of leftEnds) {
    let lo = 0;
    let hi = signs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (signs[mid].startOffset < end) lo = mid + 1;
      else hi = mid;
    }
    if (lo < signs.length) out.add(signs[lo]);
  }
  return out;
}
