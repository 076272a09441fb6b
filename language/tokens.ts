import type { IToken, TokenType } from "chevrotain";
import { createToken, Lexer } from "./chevrotain.js";

/** Anything that may follow a `.` in a field path: identifiers and every keyword. */
export const NameLike = createToken({ name: "NameLike", pattern: Lexer.NA });

export const Identifier = createToken({
  name: "Identifier",
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  categories: [NameLike],
});

export const KEYWORDS = [
  "import", "schema", "criterion", "score", "when", "example", "expect", "stage", "as", "of",
  "cap", "floor", "and", "or", "not", "in", "contains", "starts", "with", "at", "least", "is",
  "missing", "present", "true", "false", "none",
] as const;

export type Keyword = (typeof KEYWORDS)[number];

function keyword(word: Keyword): TokenType {
  const name = word[0].toUpperCase() + word.slice(1);
  return createToken({
    name,
    pattern: new RegExp(`${word}(?![A-Za-z0-9_])`),
    start_chars_hint: [word[0]],
    longer_alt: Identifier,
    categories: [NameLike],
  });
}

export const Import = keyword("import");
export const Schema = keyword("schema");
export const Criterion = keyword("criterion");
export const Score = keyword("score");
export const When = keyword("when");
export const Example = keyword("example");
export const Expect = keyword("expect");
export const Stage = keyword("stage");
export const As = keyword("as");
export const Of = keyword("of");
export const Cap = keyword("cap");
export const Floor = keyword("floor");
export const And = keyword("and");
export const Or = keyword("or");
export const Not = keyword("not");
export const In = keyword("in");
export const Contains = keyword("contains");
export const Starts = keyword("starts");
export const With = keyword("with");
export const At = keyword("at");
export const Least = keyword("least");
export const Is = keyword("is");
export const Missing = keyword("missing");
export const Present = keyword("present");
export const True = keyword("true");
export const False = keyword("false");
export const None = keyword("none");

/**
 * `from` in `field: type from "Column"`: a contextual word, not a keyword, so it still names
 * fields and declarations (it is an Identifier to the parser everywhere else).
 */
export const From = createToken({
  name: "From",
  pattern: /from(?![A-Za-z0-9_])/,
  start_chars_hint: ["f"],
  longer_alt: Identifier,
  categories: [Identifier, NameLike],
});

/**
 * A contextual word: an Identifier to the parser everywhere (so it still names fields and
 * declarations) except where the grammar asks for it by its own token type.
 */
function contextual(name: string, word: string): TokenType {
  return createToken({
    name,
    pattern: new RegExp(`${word}(?![A-Za-z0-9_])`),
    start_chars_hint: [word[0]],
    longer_alt: Identifier,
    categories: [Identifier, NameLike],
  });
}

/** `ends` in `x ends with "…"`: contextual, so a field or stage named `ends` keeps working. */
export const Ends = contextual("Ends", "ends");

/** `because` in `disqualify when … because "…"`: contextual, so fields named `because` keep working. */
export const Because = contextual("Because", "because");

const keywordTokens = [
  Import, Schema, Criterion, Score, When, Example, Expect, Stage, As, Of, Cap, Floor, And, Or,
  Not, In, Contains, Starts, With, At, Least, Is, Missing, Present, True, False, None,
];

export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n\f\v\u00a0\ufeff]+/, group: Lexer.SKIPPED });
export const Comment = createToken({ name: "Comment", pattern: /#[^\r\n]*/, group: "comments" });

// A date must come before Number: `2026-11-20` is one token; `5 - 3` needs spaces.
export const DateLiteral = createToken({
  name: "DateLiteral",
  pattern: /\d{4}-\d{2}-\d{2}(?![A-Za-z0-9_])/,
  start_chars_hint: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
});
export const NumberLiteral = createToken({
  name: "NumberLiteral",
  pattern: /\d[\d_]*(?:\.\d[\d_]*)?[KMB]?(?![A-Za-z0-9_])/,
  start_chars_hint: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
});
// A number glued to letters (`100Mx`, `12abc`) is one bad token, not two good ones.
export const BadNumber = createToken({
  name: "BadNumber",
  pattern: /\d[\w.]*/,
  start_chars_hint: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
});
export const StringLiteral = createToken({ name: "StringLiteral", pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*"/ });
export const UnterminatedString = createToken({ name: "UnterminatedString", pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*\\?/ });

export const NotEquals = createToken({ name: "NotEquals", pattern: /!=/ });
export const LessEquals = createToken({ name: "LessEquals", pattern: /<=/ });
export const GreaterEquals = createToken({ name: "GreaterEquals", pattern: />=/ });
export const Less = createToken({ name: "Less", pattern: /</ });
export const Greater = createToken({ name: "Greater", pattern: />/ });
export const Equals = createToken({ name: "Equals", pattern: /=/ });
export const Plus = createToken({ name: "Plus", pattern: /\+/ });
export const Minus = createToken({ name: "Minus", pattern: /-/ });
export const Star = createToken({ name: "Star", pattern: /\*/ });
export const Slash = createToken({ name: "Slash", pattern: /\// });
export const LParen = createToken({ name: "LParen", pattern: /\(/ });
export const RParen = createToken({ name: "RParen", pattern: /\)/ });
export const LBracket = createToken({ name: "LBracket", pattern: /\[/ });
export const RBracket = createToken({ name: "RBracket", pattern: /\]/ });
export const LBrace = createToken({ name: "LBrace", pattern: /\{/ });
export const RBrace = createToken({ name: "RBrace", pattern: /\}/ });
export const Comma = createToken({ name: "Comma", pattern: /,/ });
/** `...`: the last member of an open enum. */
export const Ellipsis = createToken({ name: "Ellipsis", pattern: /\.\.\./ });
export const Dot = createToken({ name: "Dot", pattern: /\./ });
/** `%` in `decay 50% every 30 days`. */
export const Percent = createToken({ name: "Percent", pattern: /%/ });
export const Colon = createToken({ name: "Colon", pattern: /:/ });
export const Question = createToken({ name: "Question", pattern: /\?/ });

export const allTokens: TokenType[] = [
  WhiteSpace, Comment, DateLiteral, NumberLiteral, BadNumber, StringLiteral, UnterminatedString,
  NotEquals, LessEquals, GreaterEquals, Less, Greater, Equals, Plus, Minus, Star, Slash,
  LParen, RParen, LBracket, RBracket, LBrace, RBrace, Comma, Ellipsis, Dot, Percent, Colon, Question,
  ...keywordTokens, From, Ends, Because, Identifier, NameLike,
];

export const keywordSet: ReadonlySet<string> = new Set(KEYWORDS);

export function isKeyword(word: string): boolean {
  return keywordSet.has(word);
}

const lexer = new Lexer(allTokens, { positionTracking: "full", ensureOptimizations: false, skipValidations: process.env.LEADDEF_VALIDATE_GRAMMAR !== "1" });

/** A token that begins a line: inside a score block, a `+`/`-` there starts a new weighted line. */
export interface LeaddefToken extends IToken {
  startsLine: boolean;
}

export interface LexedFile {
  tokens: LeaddefToken[];
  comments: IToken[];
  /** Stretches of characters no token matches, as spans. */
  badText: { offset: number; length: number }[];
}

export function tokenize(text: string): LexedFile {
  const result = lexer.tokenize(text);
  const tokens = result.tokens as LeaddefToken[];
  let previousLine = -1;
  for (const token of tokens) {
    token.startsLine = (token.startLine ?? 0) > previousLine;
    previousLine = token.endLine ?? token.startLine ?? previousLine;
  }
  // chevrotain reports one error per run of unmatched characters already.
  const badText = result.errors.map((e) => ({ offset: e.offset, length: e.length }));
  return { tokens, comments: result.groups.comments ?? [], badText };
}

/** The index of the first token starting at or after `offset` (tokens are in offset order): a binary search. */
export function firstTokenAtOrAfter(tokens: readonly IToken[], offset: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tokens[mid].startOffset < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
