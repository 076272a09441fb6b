import type { IRecognitionException, IToken, TokenType } from "chevrotain";
import { children } from "./ast.js";
import type * as A from "./ast.js";
import { AstBuilder } from "./cst-to-ast.js";
import { diagnostic, helpText, message, type Diagnostic, type Message } from "./diagnostics.js";
import { tokenizeIncrementally } from "./incremental-lex.js";
import { moveDiagnostic, moveInPlace, ParseCache, relocate, spansOf, type ChunkResult } from "./parse-cache.js";
import { isDisqualifyStart, isEventsStart, isGradeStart, isOutcomeStart, isParamStart, parseDeclarationTokens } from "./parser.js";
import * as T from "./tokens.js";

/** Deeper nesting than this is refused before parsing, so no phase can exhaust the stack. */
export const MAX_NESTING = 100;
/**
 * Lists never nest in a valid definition (their items are values or criterion names), and an
 * unclosed `[` costs chevrotain's error recovery several times the stack of a `(`: past this
 * many open brackets the declaration is refused before parsing.
 */
export const MAX_LIST_NESTING = 8;
/** The deepest syntax tree a declaration may have; later phases recurse over it. */
export const MAX_TREE_DEPTH = 400;

/** The depth of a node's subtree, computed without recursion (the tree may be very deep). */
function treeDepth(root: A.Node): number {
  let max = 0;
  const stack: [A.Node, number][] = [[root, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (depth > max) max = depth;
    if (max > MAX_TREE_DEPTH) return max;
    for (const child of children(node)) stack.push([child, depth + 1]);
  }
  return max;
}

/** Past this many syntax errors in one file the rest would be noise. */
const MAX_SYNTAX_ERRORS = 100;

export interface ParseResult {
  ast: A.SourceFile;
  diagnostics: Diagnostic[];
  comments: IToken[];
  tokens: IToken[];
}

const declarationKeywords = new Set<TokenType>([T.Import, T.Schema, T.Criterion, T.Score, T.Example]);

/**
 * A declaration begins at a line's first token when that token is a declaration keyword or a
 * name followed by `when`. Cutting the file there lets one broken declaration cost only itself:
 * every other declaration still parses, so one run reports every syntax error.
 */
function startsDeclaration(tokens: T.LeaddefToken[], i: number, inGrade: boolean): boolean {
  const t = tokens[i];
  if (!t.startsLine) return false;
  if (declarationKeywords.has(t.tokenType)) return true;
  if (isParamStart(t, tokens[i + 2]) || isOutcomeStart(t, tokens[i + 2]) || isEventsStart(t, tokens[i + 2])) return true;
  if (isGradeStart(t, tokens[i + 2]) || isDisqualifyStart(t, tokens[i + 1])) return true;
  // Inside a grade's braces, `A when …` is one of its lines, not a stage.
  if (inGrade) return false;
  return tokens[i + 1]?.tokenType === T.When && tokens[i + 1].startLine === t.startLine && t.tokenType !== T.Plus && t.tokenType !== T.Minus;
}

/**
 * Where each declaration's tokens begin: chunk c is tokens[starts[c], starts[c + 1]) (the last
 * runs to the end). Indexes, not arrays of tokens: only the chunks that must be parsed are
 * sliced (a keystroke in a large file cuts every declaration again, and parses one).
 */
function splitDeclarations(tokens: T.LeaddefToken[]): number[] {
  const starts: number[] = [];
  let chunkStart = -1;
  // Set from a grade's `{` to its `}` (the grade's lines look like stages to the rule above).
  let inGrade = false;
  for (let i = 0; i < tokens.length; i++) {
    if (chunkStart !== -1 && startsDeclaration(tokens, i, inGrade)) {
      chunkStart = -1;
      inGrade = false;
    }
    if (chunkStart === -1) {
      chunkStart = i;
      starts.push(i);
      if (isGradeStart(tokens[i], tokens[i + 2])) inGrade = true;
    } else if (inGrade && tokens[i].tokenType === T.RBrace) inGrade = false;
  }
  return starts;
}

/** Where and why a declaration nests too deeply to parse safely. */
interface TooDeep {
  token: IToken;
  message: Message;
}

/** The first token at which brackets or prefix operators nest deeper than MAX_NESTING (lists: MAX_LIST_NESTING). */
function tooDeep(chunk: IToken[]): TooDeep | undefined {
  let depth = 0;
  let lists = 0;
  let prefixRun = 0;
  for (const t of chunk) {
    const type = t.tokenType;
    if (type === T.LParen || type === T.LBracket) depth++;
    else if (type === T.RParen || type === T.RBracket) depth = Math.max(0, depth - 1);
    if (type === T.LBracket) lists++;
    else if (type === T.RBracket) lists = Math.max(0, lists - 1);
    prefixRun = type === T.Not || type === T.Minus ? prefixRun + 1 : 0;
    if (lists > MAX_LIST_NESTING) return { token: t, message: message("listsTooDeep", { max: MAX_LIST_NESTING }) };
    if (depth > MAX_NESTING || prefixRun > MAX_NESTING) return { token: t, message: message("nestedTooDeep", { max: MAX_NESTING }) };
  }
  return undefined;
}

/**
 * Runs the parser, turning a stack overflow into undefined. The limits above keep every known
 * input far from the stack's end, but the stack left to the parser depends on the caller (a
 * test worker, a language-server handler), so this is the guarantee that no input can take
 * `compile()` down.
 */
function parseGuarded(chunk: IToken[]): ReturnType<typeof parseDeclarationTokens> | undefined {
  try {
    return parseDeclarationTokens(chunk);
  } catch (e) {
    if (e instanceof RangeError) return undefined;
    throw e;
  }
}

const TOKEN_LABELS: Record<string, string> = {
  Identifier: "a name", NameLike: "a name", NumberLiteral: "a number", StringLiteral: "a string",
  DateLiteral: "a date", LBrace: "`{`", RBrace: "`}`", LParen: "`(`", RParen: "`)`",
  LBracket: "`[`", RBracket: "`]`", Comma: "`,`", Dot: "`.`", Percent: "`%`", Colon: "`:`", Question: "`?`",
  Equals: "`=`", NotEquals: "`!=`", Less: "`<`", LessEquals: "`<=`", Greater: "`>`",
  GreaterEquals: "`>=`", Plus: "`+`", Minus: "`-`", Star: "`*`", Slash: "`/`", EOF: "the end",
};

function label(tokenName: string): string {
  if (TOKEN_LABELS[tokenName]) return TOKEN_LABELS[tokenName];
  const word = tokenName.toLowerCase();
  return T.isKeyword(word) ? helpText("quoted", { text: word }) : tokenName;
}

const RULE_LABELS: Record<string, string> = {
  importDecl: "an import", schemaDecl: "the schema", fieldDecl: "a field declaration", typeRef: "a type",
  criterionDecl: "a criterion", scoreDecl: "a score", scoreLine: "a score line", scoreBound: "a score bound",
  stageDecl: "a stage", exampleDecl: "an example", exampleAssign: "an example value", exampleValue: "an example value",
  exampleAsOf: "`as of`", expectClause: "an `expect` line", listLiteral: "a list", atLeast: "`at least`",
  call: "a function call", paramDecl: "a parameter", eventsDecl: "an event stream", streamQuery: "a stream query",
  perClause: "a `per` score line", eventList: "a list of events", eventRecord: "an event `{…}`",
  gradeDecl: "a grade", gradeLine: "a grade line", gradeElse: "`else`",
  disqualifyDecl: "a disqualification",
};

/** A short, plain message from chevrotain's exception: what was expected, what was found. */
function syntaxMessage(e: IRecognitionException, found: string): Message {
  const expected = new Set<string>();
  // chevrotain names expected tokens as `--> Name <--` or inside `[Name, ...]` sequences.
  for (const m of e.message.matchAll(/-->\s*(\w+)\s*<--/g)) if (m[1] !== found) expected.add(label(m[1]));
  for (const m of e.message.matchAll(/\[([\w, ]+)\]/g)) expected.add(label(m[1].split(",")[0].trim()));
  const rule = [...e.context.ruleStack].reverse().find((r) => RULE_LABELS[r]);
  // Listing every token that may start an operand helps nobody.
  if (expected.has("a number") && expected.has("a string")) {
    for (const starter of ["`-`", "`not`", "a number", "a string", "a date", "`true`", "`false`", "`(`", "`[`", "`at`", "a name"]) expected.delete(starter);
    expected.add("a value");
  }
  const list = [...expected].slice(0, 5);
  if (list.length === 0) return rule ? message("syntaxUnexpectedIn", { found, rule: RULE_LABELS[rule] }) : message("syntaxUnexpected", { found });
  const alternatives = list.length === 1 ? list[0] : helpText("alternatives", { some: list.slice(0, -1).join(", "), last: list[list.length - 1] });
  return rule
    ? message("syntaxExpectedIn", { expected: alternatives, rule: RULE_LABELS[rule], found })
    : message("syntaxExpected", { expected: alternatives, found });
}

export interface ParseOptions {
  /**
   * This parse supersedes the previous `inPlace` parse of the same path, whose result nobody
   * reads any more (the language server's next version of a document). The trees of unchanged
   * declarations are then moved in place, keeping their node ids, instead of copied: `ids` must
   * then be a counter that never goes back, so new nodes never take a kept node's id.
   */
  inPlace?: boolean;
}

/** The last `inPlace` parse of each path: the holder of the trees the next one may take over. */
const lastInPlaceParse = new Map<string, object>();

/**
 * Parses a whole file. Never throws on user input: broken text gives a tree with `Missing`
 * pieces plus diagnostics.
 */
export function parseFile(path: string, text: string, ids: { value: number } = { value: 1 }, options: ParseOptions = {}): ParseResult {
  const thisParse = {};
  const previousParse = options.inPlace ? lastInPlaceParse.get(path) : undefined;
  if (options.inPlace) lastInPlaceParse.set(path, thisParse);
  const diagnostics: Diagnostic[] = [];
  // Only the lines that changed since this path was last parsed are lexed again.
  const lexed = tokenizeIncrementally(path, text, options.inPlace);
  for (const bad of lexed.badText.slice(0, MAX_SYNTAX_ERRORS)) {
    const chars = text.slice(bad.offset, bad.offset + bad.length);
    diagnostics.push(
      diagnostic(path, { start: bad.offset, end: bad.offset + bad.length }, chars.length === 1
        ? message("unexpectedCharacter", { text: printable(chars) })
        : message("unexpectedCharacters", { text: printable(chars) })),
    );
  }
  const lexicalErrorAt = new Set(lexed.badText.map((b) => b.offset));
  for (const t of lexed.tokens) {
    if (t.tokenType === T.UnterminatedString) {
      diagnostics.push(diagnostic(path, { start: t.startOffset, end: t.endOffset! + 1 }, message("unterminatedString"), { help: helpText("closeString") }));
      // Read on as if it were closed, so the rest of the declaration still parses.
      // The parser matches on tokenTypeIdx, so both must change.
      t.tokenType = T.StringLiteral;
      t.tokenTypeIdx = T.StringLiteral.tokenTypeIdx!;
      lexicalErrorAt.add(t.startOffset);
    } else if (t.tokenType === T.BadNumber) {
      t.tokenType = T.NumberLiteral; // the AST builder reports it as an invalid number
      t.tokenTypeIdx = T.NumberLiteral.tokenTypeIdx!;
    }
  }

  const builder = new AstBuilder(path, ids);
  const declarations: A.Declaration[] = [];
  const literalDiagnostics: Diagnostic[] = [];
  let syntaxErrors = 0;
  const tokens = lexed.tokens;
  const chunkStarts = splitDeclarations(tokens);
  for (let c = 0; c < chunkStarts.length; c++) {
    const from = chunkStarts[c];
    const to = c + 1 < chunkStarts.length ? chunkStarts[c + 1] : tokens.length;
    const start = tokens[from].startOffset;
    // A chunk's text runs to the next chunk, so lexical errors just after its last token count.
    const key = text.slice(start, to < tokens.length ? tokens[to].startOffset : text.length);
    const cached = chunkCache.get(key);
    let entry: ChunkResult;
    if (cached && previousParse !== undefined && cached.owner === previousParse) {
      // The previous version of this file held this tree: it moves, nothing is copied.
      moveInPlace(cached, start);
      cached.owner = thisParse;
      entry = cached;
    } else if (cached) {
      // A tree someone else may still read is copied when it will move (this parse's own trees
      // move with the next version) or when an editing parse holds it (it may move under us).
      entry = relocate(cached, start, ids.value, path, options.inPlace || cached.owner !== undefined);
      ids.value += entry.idCount;
      entry.owner = options.inPlace ? thisParse : undefined;
      chunkCache.set(key, entry);
    } else {
      entry = parseChunk(path, tokens.slice(from, to), builder, ids, lexicalErrorAt);
      entry.owner = options.inPlace ? thisParse : undefined;
      chunkCache.set(key, entry);
    }
    // The model's own copies of the diagnostics (analyze fills in their ranges), made only for
    // the chunks that have any: this loop runs over every declaration on every keystroke.
    if (entry.deep) {
      diagnostics.push(moveDiagnostic(entry.deep, 0, path));
      continue;
    }
    let stopped = false;
    for (const d of entry.syntax) {
      if (++syntaxErrors > MAX_SYNTAX_ERRORS) {
        stopped = true;
        break;
      }
      diagnostics.push(moveDiagnostic(d, 0, path));
    }
    if (stopped) {
      diagnostics.push(diagnostic(path, { start, end: start }, message("tooManySyntaxErrors", { max: MAX_SYNTAX_ERRORS })));
      break;
    }
    if (entry.decl) declarations.push(entry.decl);
    for (const d of entry.literal) literalDiagnostics.push(moveDiagnostic(d, 0, path));
  }
  diagnostics.push(...literalDiagnostics);
  const ast: A.SourceFile = { kind: "SourceFile", id: ids.value++, span: { start: 0, end: text.length }, path, declarations };
  return { ast, diagnostics, comments: lexed.comments, tokens: lexed.tokens };
}

/** Chunk results by chunk text, shared by every parse (results are identical to a fresh parse). */
const chunkCache = new ParseCache();

/** Empties the chunk cache (for tests that compare against a fresh parse). */
export function clearParseCache(): void {
  chunkCache.clear();
}

/** Parses one declaration chunk into its declaration and diagnostics, before the file-wide error cap. */
function parseChunk(path: string, chunk: T.LeaddefToken[], builder: AstBuilder, ids: { value: number }, lexicalErrorAt: ReadonlySet<number>): ChunkResult {
  const firstId = ids.value;
  const result: ChunkResult = { start: chunk[0].startOffset, firstId, idCount: 0, decl: undefined, deep: undefined, syntax: [], literal: [], spans: [], owner: undefined };
  const deep = tooDeep(chunk);
  if (deep) {
    result.deep = diagnostic(path, { start: deep.token.startOffset, end: deep.token.endOffset! + 1 }, deep.message, {
      help: helpText("splitIntoCriteria"),
    });
    return result;
  }
  const parsed = parseGuarded(chunk);
  if (!parsed) {
    const first = chunk[0];
    result.deep = diagnostic(path, { start: first.startOffset, end: first.endOffset! + 1 }, message("tooDeepToParse"), { help: helpText("splitIntoCriteria") });
    return result;
  }
  const { cst, errors } = parsed;
  const seenLines = new Set<number>();
  for (const e of errors) {
    const token = e.token;
    const atEnd = token.tokenType?.name === "EOF" || Number.isNaN(token.startOffset);
    const index = atEnd ? chunk.length : chunk.indexOf(token as T.LeaddefToken);
    const before = index > 0 ? chunk[index - 1] : undefined;
    // What is missing belongs at the end of the line it was missing from, not on the next line.
    const afterBefore = before !== undefined && (atEnd || token.startLine! > before.endLine!);
    const start = afterBefore ? before.endOffset! + 1 : token.startOffset;
    const end = afterBefore ? start : token.endOffset! + 1;
    const line = afterBefore ? before.endLine! : token.startLine!;
    if (seenLines.has(line) || lexicalErrorAt.has(start)) continue;
    seenLines.add(line);
    const found = atEnd ? helpText("endOfDeclaration") : helpText("quoted", { text: printable(token.image) });
    result.syntax.push(diagnostic(path, { start, end }, syntaxMessage(e, found)));
  }
  if (!cst) return result;
  const before = builder.diagnostics.length;
  result.decl = builder.declaration(cst);
  // Copies with spans of their own: a tree moved in place must not move them twice.
  result.literal = builder.diagnostics.slice(before).map((d) => moveDiagnostic(d, 0, path));
  // Long operator chains (`a and b and …`) nest as deeply as parentheses do.
  if (result.decl && treeDepth(result.decl) > MAX_TREE_DEPTH) {
    result.deep = diagnostic(path, { start: result.start, end: result.start + 1 }, message("chainedTooDeep", { max: MAX_TREE_DEPTH }), {
      help: helpText("splitIntoCriteria"),
    });
    result.decl = undefined;
  }
  if (result.decl) result.spans = spansOf(result.decl);
  result.idCount = ids.value - firstId;
  return result;
}

function printable(text: string): string {
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return shown.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).replace(/`/g, "'");
}
