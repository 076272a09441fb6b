import type { IToken } from "chevrotain";
import type { CompileResult } from "../../compiler/compile.js";
import { docOf } from "../../language/docs.js";
import type { FieldSymbol, FileModel, StreamSymbol } from "../../language/model.js";
import { lineStartOf, type Span } from "../../language/source.js";
import { isKeyword } from "../../language/tokens.js";
import { TYPE_NAMES, typeSource } from "../../language/types.js";
import { KEYWORD_HELP } from "./hover.js";
import { isNameChar, modelOf, tokenBeforeCursor } from "./lookup.js";

export type CompletionKind =
  | "keyword" | "param" | "field" | "group" | "criterion" | "score" | "stage" | "grade" | "member" | "function" | "snippet" | "type" | "value" | "operator";

export interface CompletionEntry {
  label: string;
  kind: CompletionKind;
  detail?: string;
  documentation?: string;
  /** Text to insert instead of the label; a snippet (`$1`, `${1:x}`) when `snippet` is set. */
  insertText?: string;
  snippet?: boolean;
  sortText?: string;
}

export interface CompletionResult {
  items: CompletionEntry[];
  /** The part of the word already typed, which an accepted item replaces. */
  replace: Span;
}

const DECLARATION_SNIPPETS: CompletionEntry[] = [
  { label: "schema", kind: "snippet", detail: "schema block", insertText: "schema {\n  ${1:company.industry}: ${2:string}\n}", snippet: true },
  { label: "criterion", kind: "snippet", detail: "criterion NAME when …", insertText: "criterion ${1:name} when ${0:condition}", snippet: true },
  { label: "score", kind: "snippet", detail: "score NAME { … }", insertText: "score ${1:name} {\n  +${2:10} when ${3:condition}\n  cap ${4:100}\n}", snippet: true },
  { label: "stage", kind: "snippet", detail: "NAME when … (a funnel stage)", insertText: "${1:mql} when ${0:condition}", snippet: true },
  { label: "example", kind: "snippet", detail: "example \"…\" { … }", insertText: "example \"${1:what this lead shows}\" {\n  ${2:field} = ${3:value}\n  as of ${4:2026-01-01}\n  expect stage ${5:stage}\n}", snippet: true },
  { label: "import", kind: "snippet", detail: "import \"file.leaddef\"", insertText: "import \"${1:common.leaddef}\"", snippet: true },
  { label: "param", kind: "snippet", detail: "param NAME = value", insertText: "param ${1:name} = ${0:60}", snippet: true },
  { label: "outcome", kind: "snippet", detail: "outcome NAME when condition", insertText: "outcome ${1:won} when ${0}", snippet: true },
  { label: "events", kind: "snippet", detail: "events NAME { … } (a stream of dated events)", insertText: "events ${1:activity} {\n  ${2:type}: ${3:string}\n  occurred: date\n}", snippet: true },
  { label: "grade", kind: "snippet", detail: "grade NAME { L when … else L }", insertText: "grade ${1:fit_grade} {\n  ${2:A} when ${3:condition}\n  else ${4:B}\n}", snippet: true },
  { label: "disqualify", kind: "snippet", detail: "disqualify when condition because \"…\"", insertText: "disqualify when ${1:condition} because \"${2:reason}\"", snippet: true },
];

const OPERATOR_KEYWORDS: CompletionEntry[] = [
  { label: "and", kind: "operator" },
  { label: "or", kind: "operator" },
  { label: "in", kind: "operator", insertText: "in [$1]", snippet: true, detail: "in [a, b]" },
  { label: "not in", kind: "operator", insertText: "not in [$1]", snippet: true, detail: "not in [a, b]" },
  { label: "contains", kind: "operator" },
  { label: "starts with", kind: "operator" },
  { label: "ends with", kind: "operator" },
  { label: "is missing", kind: "operator" },
  { label: "is present", kind: "operator" },
];

const OPERAND_KEYWORDS: CompletionEntry[] = [
  { label: "not", kind: "keyword" },
  { label: "days_since", kind: "function", insertText: "days_since(${1:date})", snippet: true, detail: "days_since(date): integer" },
  { label: "at least", kind: "keyword", insertText: "at least ${1:2} of [${2}]", snippet: true, detail: "at least N of [c1, c2, …]" },
];

/** Completion at `offset`: what may be typed here, from the schema, the declarations and the syntax. */
/** A column header of a data file in the workspace, offered after `from "`. */
export interface KnownColumn {
  name: string;
  /** The file it was read from, shown as detail. */
  file: string;
}

/**
 * Completion at `offset`. `columns` are the headers of the workspace's CSV and JSON Lines files
 * (the server reads them, only when asked; features do no I/O), offered inside the string after `from`.
 */
export function complete(result: CompileResult, offset: number, path?: string, columns: () => readonly KnownColumn[] = () => []): CompletionResult {
  const model = modelOf(result, path);
  const text = model.text;
  offset = Math.max(0, Math.min(offset, text.length));
  let wordStart = offset;
  while (wordStart > 0 && isNameChar(text[wordStart - 1])) wordStart--;
  const replace = { start: wordStart, end: offset };
  const done = (items: CompletionEntry[]): CompletionResult => ({ items: dedupe(items), replace });

  // `field: type from "Ann|`: the columns of the workspace's data files.
  const fromString = /\bfrom[ \t]+"((?:[^"\\\r\n]|\\.)*)$/.exec(text.slice(lineStartOf(text, offset), offset));
  if (fromString) {
    const start = offset - fromString[1].length;
    const items = columns().map((c): CompletionEntry => ({ label: c.name, kind: "value", detail: `column of ${c.file}`, insertText: JSON.stringify(c.name).slice(1, -1) }));
    return { items: dedupe(items), replace: { start, end: offset } };
  }
  if (insideCommentOrString(model, offset)) return done([]);

  // `company.` / `company.rev`: the typed path before the word, ending in a dot.
  let prefixStart = wordStart;
  while (text[prefixStart - 1] === ".") {
    let s = prefixStart - 1;
    while (s > 0 && isNameChar(text[s - 1])) s--;
    if (s === prefixStart - 1) break;
    prefixStart = s;
  }
  const prefix = text.slice(prefixStart, wordStart);

  const lineStart = lineStartOf(text, prefixStart);
  const lineBefore = text.slice(lineStart, prefixStart);
  const tokens = tokensBefore(model, prefixStart);
  let decl = tokens.slice(declarationStart(tokens));
  let block = openBlock(decl);
  // Text at the left margin that the parser would not cut as a declaration (`mql |`) is still
  // most likely a new one being typed, not a condition continued at column 0.
  if (!block && /^[A-Za-z_]/.test(lineBefore) && decl[0] && decl[0].startOffset < lineStart) {
    decl = tokensOnLine(decl, lineStart);
    block = openBlock(decl);
  }

  // A new line at the left margin outside any block: a new declaration.
  if (!block && lineBefore === "" && !prefix) return done(declarationItems());

  if (block?.kind === "schema") {
    const line = tokensOnLine(decl, lineStart);
    if (line.some((t) => t.image === ":")) return done(typeItems());
    if (prefix) return done(fieldChildren(model, prefix));
    return done(fieldRoots(model));
  }

  if (block?.kind === "events") {
    const line = tokensOnLine(decl, lineStart);
    return done(line.some((t) => t.image === ":") ? typeItems() : line.length === 0 && !prefix ? [{ label: "occurred", kind: "field", detail: "occurred: date (every stream needs it)", insertText: "occurred: date" }] : []);
  }

  if (block?.kind === "example") {
    const line = tokensOnLine(decl, lineStart);
    return done(exampleLine(model, line, prefix));
  }

  if (block?.kind === "score") {
    const line = tokensOnLine(decl, lineStart);
    const when = line.findIndex((t) => t.image === "when");
    const per = line.findIndex((t) => t.image === "per");
    if (per > 0 && when < 0) return done(conditionItems(model, line.slice(per), prefix, undefined));
    if (when < 0) {
      if (line.length === 0 && !prefix) {
        return done([
          { label: "+10 when", kind: "snippet", insertText: "+${1:10} when ${0:condition}", snippet: true, detail: "a weighted line" },
          { label: "-10 when", kind: "snippet", insertText: "-${1:10} when ${0:condition}", snippet: true, detail: "a negative weight" },
          { label: "cap", kind: "keyword", documentation: KEYWORD_HELP.cap },
          { label: "floor", kind: "keyword", documentation: KEYWORD_HELP.floor },
        ]);
      }
      if (line.length > 0 && /^[+-]?\d/.test(line[line.length - 1].image) && line[0].image !== "cap" && line[0].image !== "floor") {
        return done([{ label: "when", kind: "keyword" }, ...(streamsOf(model).length ? [{ label: "per", kind: "keyword" as const, detail: "points per event of a stream" }] : [])]);
      }
      return done([]);
    }
    return done(conditionItems(model, line.slice(when + 1), prefix, undefined));
  }

  if (block?.kind === "grade") {
    // Each line of a grade is `L when …` or `else L`: complete the condition after its `when`.
    const line = tokensOnLine(decl, lineStart);
    const when = line.findIndex((t) => t.image === "when");
    if (when < 0) return done(line.length === 0 && !prefix ? [{ label: "else", kind: "keyword", documentation: KEYWORD_HELP.else }] : []);
    return done(conditionItems(model, line.slice(when + 1), prefix, undefined));
  }

  // criterion NAME when … / NAME when …
  const when = decl.findIndex((t) => t.image === "when");
  if (when < 0) {
    if (decl.length === 1 && decl[0].image === "expect") return done([]);
    if ((decl.length === 2 && decl[0].image === "criterion") || (decl.length === 1 && !isKeyword(decl[0].image) && !prefix)) {
      return done([{ label: "when", kind: "keyword", documentation: KEYWORD_HELP.when }]);
    }
    if (decl.length === 0) return done(declarationItems());
    return done([]);
  }
  const self = decl[when - 1]?.image;
  return done(conditionItems(model, decl.slice(when + 1), prefix, self));
}

function declarationItems(): CompletionEntry[] {
  return DECLARATION_SNIPPETS.map((s, i) => ({ ...s, sortText: `0${i}` }));
}

function typeItems(): CompletionEntry[] {
  return TYPE_NAMES.map((t) => ({
    label: t,
    kind: "type" as const,
    ...(t === "enum" ? { insertText: "enum(${1:a, b})", snippet: true } : t === "list" ? { insertText: "list(string)" } : {}),
  }));
}

function dedupe(items: CompletionEntry[]): CompletionEntry[] {
  const seen = new Set<string>();
  return items.filter((i) => (seen.has(i.label) ? false : (seen.add(i.label), true)));
}

function insideCommentOrString(model: FileModel, offset: number): boolean {
  for (const c of model.comments) {
    if (c.startOffset < offset && offset <= c.endOffset! + 1) return true;
    if (c.startOffset > offset) break;
  }
  const t = tokenBeforeCursor(model.tokens, offset);
  if (!t) return false;
  const name = t.tokenType.name;
  if (name === "UnterminatedString") return offset > t.startOffset;
  return name === "StringLiteral" && offset > t.startOffset && offset <= t.endOffset!;
}

/** Tokens that end at or before `offset`. */
function tokensBefore(model: FileModel, offset: number): IToken[] {
  const tokens = model.tokens;
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid].endOffset! + 1 <= offset) lo = mid + 1;
    else hi = mid;
  }
  return tokens.slice(Math.max(0, lo - 4000), lo);
}

const DECLARATION_KEYWORDS = new Set(["import", "schema", "criterion", "score", "example"]);
/** Inside a grade's braces, `A when …` continues the grade (the parser's splitter does the same). */
function insideGrade(tokens: IToken[], i: number): boolean {
  for (let k = i - 1; k >= 0; k--) {
    if (tokens[k].image === "}") return false;
    if (tokens[k].image === "grade" && tokens[k + 2]?.image === "{") return true;
  }
  return false;
}

/** Index of the token that begins the declaration the last token belongs to (as the parser splits them). */
function declarationStart(tokens: IToken[]): number {
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i];
    const prev = tokens[i - 1];
    const firstOnLine = !prev || prev.endLine! < t.startLine!;
    if (!firstOnLine) continue;
    if (DECLARATION_KEYWORDS.has(t.image) && t.tokenType.name !== "Identifier") return i;
    if (t.image === "param" && tokens[i + 2]?.image === "=") return i;
    if (t.image === "outcome" && tokens[i + 2]?.image === "when") return i;
    if (t.image === "events" && tokens[i + 2]?.image === "{") return i;
    if (t.image === "grade" && tokens[i + 2]?.image === "{") return i;
    if (t.image === "disqualify" && tokens[i + 1]?.image === "when") return i;
    const next = tokens[i + 1];
    if (next?.image === "when" && next.startLine === t.startLine && t.image !== "+" && t.image !== "-" && !insideGrade(tokens, i)) return i;
  }
  return 0;
}

function openBlock(decl: IToken[]): { kind: "schema" | "score" | "example" | "events" | "grade" } | undefined {
  const first = decl[0]?.image;
  if (first !== "schema" && first !== "score" && first !== "example" && first !== "events" && first !== "grade") return undefined;
  const open = decl.findIndex((t) => t.image === "{");
  if (open < 0) return undefined;
  // Braces nest inside an example (its events are `{…}` records): the block is open while the first one is.
  let depth = 0;
  for (const t of decl.slice(open)) {
    if (t.image === "{") depth++;
    else if (t.image === "}" && --depth === 0) return undefined;
  }
  return { kind: first };
}

function tokensOnLine(decl: IToken[], lineStart: number): IToken[] {
  const out: IToken[] = [];
  for (let i = decl.length - 1; i >= 0 && decl[i].startOffset >= lineStart; i--) out.unshift(decl[i]);
  return out.filter((t) => t.image !== "{");
}

// ---- names --------------------------------------------------------------------------------

function fieldEntry(f: FieldSymbol, label: string): CompletionEntry {
  const doc = docOf(f);
  return {
    label,
    kind: "field",
    detail: `${f.name}: ${typeSource(f.type)}${f.optional ? "?" : ""}`,
    ...(doc ? { documentation: doc } : {}),
    sortText: `1${label}`,
  };
}

/** The next segments under `prefix` (`company.` → `industry`, `revenue_usd`, ...). */
function fieldChildren(model: FileModel, prefix: string): CompletionEntry[] {
  const out: CompletionEntry[] = [];
  const groups = new Set<string>();
  for (const f of model.fields.values()) {
    if (!f.name.startsWith(prefix)) continue;
    const rest = f.name.slice(prefix.length).split(".");
    if (rest.length === 1) out.push(fieldEntry(f, rest[0]));
    else if (!groups.has(rest[0])) {
      groups.add(rest[0]);
      out.push({ label: rest[0], kind: "group", detail: `${prefix}${rest[0]}.…`, sortText: `1${rest[0]}` });
    }
  }
  return out;
}

/** The first segments of the visible fields (`company`, `contact`, ...). */
function fieldRoots(model: FileModel): CompletionEntry[] {
  const roots = new Map<string, FieldSymbol[]>();
  for (const f of model.fields.values()) {
    const root = f.name.split(".")[0];
    roots.set(root, [...(roots.get(root) ?? []), f]);
  }
  return [...roots].map(([root, fields]) =>
    fields.length === 1 && fields[0].name === root
      ? fieldEntry(fields[0], root)
      : { label: root, kind: "group" as const, detail: `${fields.length} field${fields.length === 1 ? "" : "s"}: ${fields.slice(0, 3).map((f) => f.name).join(", ")}${fields.length > 3 ? ", …" : ""}`, sortText: `2${root}` },
  );
}

function declItems(model: FileModel, kinds: ("criterion" | "score" | "stage" | "param" | "grade")[], exclude?: string): CompletionEntry[] {
  const out: CompletionEntry[] = [];
  const add = (kind: "criterion" | "score" | "stage" | "param" | "grade", name: string, doc: string | undefined, detail: string) => {
    if (name === exclude || !kinds.includes(kind)) return;
    out.push({ label: name, kind, detail, ...(doc ? { documentation: doc } : {}), sortText: `1${name}` });
  };
  // Outcomes are left out: no condition may use one.
  for (const s of model.names.values()) {
    if (s.kind === "outcome" || s.kind === "stream") continue;
    add(s.kind, s.name, docOf(s), s.kind === "param" ? `param = ${s.written}` : s.kind === "grade" ? `grade: ${s.letters.join(", ")}` : s.kind);
  }
  return out;
}

function memberItems(field: FieldSymbol, exclude: Set<string> = new Set()): CompletionEntry[] {
  if (field.type.kind !== "enum") return [];
  return field.type.members
    .filter((m) => !exclude.has(m))
    .map((m, i) => ({ label: m, kind: "member" as const, detail: field.name, sortText: `0${String(i).padStart(4, "0")}` }));
}

/** Parameters holding a member of this field's enum (`param target = telecom`). */
function memberParamItems(model: FileModel, field: FieldSymbol): CompletionEntry[] {
  const t = field.type;
  if (t.kind !== "enum") return [];
  return [...model.names.values()]
    .filter((s) => s.kind === "param" && s.decl.value.kind === "Ref" && t.members.includes(s.decl.value.path.text))
    .map((s) => ({ label: s.name, kind: "param" as const, detail: `param = ${s.kind === "param" ? s.written : ""}`, sortText: `1${s.name}` }));
}

/** The letters of grade `name` (less those already listed), or undefined when `name` is no grade. */
function gradeLetterItems(model: FileModel, name: string, exclude: Set<string> = new Set()): CompletionEntry[] | undefined {
  const grade = model.names.get(name);
  if (grade?.kind !== "grade") return undefined;
  return grade.letters
    .filter((l) => !exclude.has(l))
    .map((l, i) => ({ label: l, kind: "member" as const, detail: grade.name, sortText: `0${String(i).padStart(4, "0")}` }));
}

function valueItemsFor(field: FieldSymbol | undefined, exclude?: Set<string>, model?: FileModel): CompletionEntry[] | undefined {
  if (!field) return undefined;
  switch (field.type.kind) {
    case "enum": return [...memberItems(field, exclude), ...(model ? memberParamItems(model, field) : [])];
    case "boolean": return [{ label: "true", kind: "value" }, { label: "false", kind: "value" }];
    default: return undefined;
  }
}

// ---- conditions ---------------------------------------------------------------------------

/** The field path that ends just before token index `end` (exclusive), if any. */
function pathBefore(tokens: IToken[], end: number): string | undefined {
  let i = end - 1;
  const parts: string[] = [];
  while (i >= 0 && /^[A-Za-z_]/.test(tokens[i].image) && tokens[i].tokenType.name !== "StringLiteral") {
    parts.unshift(tokens[i].image);
    if (tokens[i - 1]?.image === ".") i -= 2;
    else break;
  }
  return parts.length ? parts.join(".") : undefined;
}

/** Index of the unclosed `[` among `tokens`, if the last ones are inside one. */
function openBracket(tokens: IToken[]): number {
  let depth = 0;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i].image;
    if (t === "]" || t === ")") depth++;
    else if (t === "[" || t === "(") {
      if (depth === 0) return t === "[" ? i : -1;
      depth--;
    }
  }
  return -1;
}

/** The event streams visible in the file. */
function streamsOf(model: FileModel): StreamSymbol[] {
  return [...model.names.values()].filter((s): s is StreamSymbol => s.kind === "stream");
}

function streamItems(model: FileModel): CompletionEntry[] {
  return streamsOf(model).map((s) => {
    const doc = docOf(s);
    return { label: s.name, kind: "field" as const, detail: `events: ${[...s.fields.keys()].join(", ")}`, ...(doc ? { documentation: doc } : {}), sortText: `0${s.name}` };
  });
}

/**
 * The stream whose fields a `where` at the end of `tokens` sees: inside `count(S where …` or
 * `latest(S where …` still open, or after `per S where` in a score line.
 */
function eventScope(model: FileModel, tokens: IToken[]): StreamSymbol | undefined {
  const after = (j: number) => {
    if (!tokens.slice(j + 1).some((t) => t.image === "where")) return undefined;
    const s = model.names.get(tokens[j]?.image ?? "");
    return s?.kind === "stream" ? s : undefined;
  };
  let depth = 0;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i].image;
    if (t === ")") depth++;
    else if (t === "(") {
      if (depth > 0) depth--;
      else if (tokens[i - 1]?.image === "count" || tokens[i - 1]?.image === "latest") return after(i + 1);
    } else if (t === "per" && depth === 0) return after(i + 1);
  }
  return undefined;
}

/** A path's field: the event's first inside a `where`, then the lead's. */
function fieldNamed(model: FileModel, scope: StreamSymbol | undefined, path: string): FieldSymbol | undefined {
  return scope?.fields.get(path) ?? model.fields.get(path);
}

function operandItems(model: FileModel, self: string | undefined, scope?: StreamSymbol): CompletionEntry[] {
  return [
    // Inside `where`, the event's fields come first.
    ...(scope ? [...scope.fields.values()].map((f) => ({ ...fieldEntry(f, f.name), sortText: `0${f.name}` })) : []),
    ...declItems(model, ["criterion", "score", "stage", "param", "grade"], self),
    ...fieldRoots(model),
    ...OPERAND_KEYWORDS.map((k) => ({ ...k, sortText: `3${k.label}` })),
  ];
}

/** Completion inside a condition, given the condition's tokens before the word. */
function conditionItems(model: FileModel, tokens: IToken[], prefix: string, self: string | undefined): CompletionEntry[] {
  if (prefix) return fieldChildren(model, prefix);
  const scope = eventScope(model, tokens);
  const last = tokens[tokens.length - 1];
  if (!last) return operandItems(model, self);
  const l = last.image;
  const before = tokens[tokens.length - 2]?.image;
  // `count(|`, `latest(|`, `per |`: the streams; `count(activity |`: its filters.
  if ((l === "(" && (before === "count" || before === "latest")) || l === "per") return streamItems(model);
  if (model.names.get(l)?.kind === "stream" && (before === "(" || before === "per")) {
    return [{ label: "where", kind: "keyword", detail: "only the events for which a condition holds" }, { label: "within", kind: "keyword", detail: "within N days: only recent events" }];
  }
  switch (l) {
    case "and": case "or": case "not": case "(": case "when": case "+": case "-": case "*": case "/": case "where":
      return operandItems(model, self, scope);
    case "=": case "!=": case "<": case "<=": case ">": case ">=": {
      const before = pathBefore(tokens, tokens.length - 1) ?? "";
      const grade = gradeLetterItems(model, before);
      if (grade) return grade;
      const field = fieldNamed(model, scope, before);
      return valueItemsFor(field, undefined, model) ?? operandItems(model, self, scope);
    }
    case "at": return [{ label: "least", kind: "keyword", documentation: KEYWORD_HELP.at }];
    case "is": return [{ label: "missing", kind: "keyword" }, { label: "present", kind: "keyword" }];
    case "starts": case "ends": return [{ label: "with", kind: "keyword" }];
    case "in": return [{ label: "[", kind: "operator", insertText: "[$1]", snippet: true }];
    case "contains": case "with": case "least": return [];
    case "of": return [{ label: "[", kind: "operator", insertText: "[$1]", snippet: true }];
  }
  if (l === "[" || l === ",") {
    const open = openBracket(tokens);
    if (open >= 0) {
      const before = tokens[open - 1]?.image;
      if (before === "in") {
        const notIn = tokens[open - 2]?.image === "not";
        const before = pathBefore(tokens, open - (notIn ? 2 : 1)) ?? "";
        const listed = new Set(tokens.slice(open + 1).map((t) => t.image));
        const grade = gradeLetterItems(model, before, listed);
        if (grade) return grade;
        const field = fieldNamed(model, scope, before);
        const values = valueItemsFor(field, listed);
        if (values) return values;
        return [];
      }
      return operandItems(model, self, scope);
    }
    return operandItems(model, self, scope);
  }
  // After a complete operand: an operator.
  return OPERATOR_KEYWORDS.map((k) => ({ ...k, ...(KEYWORD_HELP[k.label.split(" ")[0]] ? { documentation: KEYWORD_HELP[k.label.split(" ")[0]] } : {}) }));
}

// ---- examples -----------------------------------------------------------------------------

function exampleLine(model: FileModel, line: IToken[], prefix: string): CompletionEntry[] {
  const first = line[0]?.image;
  if (!first) {
    if (prefix) return fieldChildren(model, prefix);
    return [
      ...fieldRoots(model),
      { label: "expect stage", kind: "keyword", sortText: "3expect stage" },
      { label: "expect score", kind: "keyword", sortText: "3expect score", insertText: "expect score ${1:name} = ${2:0}", snippet: true },
      { label: "expect", kind: "keyword", sortText: "3expect", documentation: KEYWORD_HELP.expect },
      { label: "as of", kind: "keyword", sortText: "3as of", insertText: "as of ${1:2026-01-01}", snippet: true },
    ];
  }
  if (first === "expect") {
    const rest = line.slice(1).map((t) => t.image);
    if (rest.length === 0) {
      return [
        { label: "stage", kind: "keyword" },
        { label: "score", kind: "keyword" },
        { label: "not", kind: "keyword" },
        ...(model.disqualifications.length ? [{ label: "reason", kind: "keyword" as const, insertText: "reason \"${1}\"", snippet: true }] : []),
        ...declItems(model, ["criterion", "stage", "grade"]),
      ];
    }
    if (rest.length === 1 && rest[0] === "stage") {
      return [
        ...model.stages.map((s) => ({ label: s.name, kind: "stage" as const, detail: `stage ${s.index + 1}` })),
        { label: "none", kind: "keyword" as const, detail: "no stage" },
        ...(model.disqualifications.length ? [{ label: "disqualified", kind: "keyword" as const, detail: "a disqualify holds" }] : []),
      ];
    }
    if (rest.length === 2 && rest[1] === "=") return gradeLetterItems(model, rest[0]) ?? [];
    if (rest.length === 1 && rest[0] === "score") return declItems(model, ["score"]);
    if (rest.length === 1 && rest[0] === "not") return declItems(model, ["criterion", "stage"]);
    if (rest.length === 2 && rest[0] === "score") return [{ label: "=", kind: "operator" }];
    return [];
  }
  if (first === "as") return line.length === 1 ? [{ label: "of", kind: "keyword" }] : [];
  const eq = line.findIndex((t) => t.image === "=");
  if (eq < 0) return prefix ? fieldChildren(model, prefix) : line.length === 0 ? fieldRoots(model) : [{ label: "=", kind: "operator" }];
  const field = model.fields.get(pathBefore(line, eq) ?? "");
  if (!field) return [];
  if (eq === line.length - 1) return valueItemsFor(field) ?? [];
  // Inside a list value: `["a", |` offers nothing typed; enums never take lists.
  return [];
}
