import type { Span } from "./source.js";

/**
 * The typed syntax tree. Nodes are plain immutable values; every node has a file-unique `id`
 * (side tables in the checker are keyed by it) and a `span` of source offsets.
 * A piece the parser could not find is a `Missing` node, so a half-typed file still has a tree.
 */
interface NodeBase {
  readonly id: number;
  readonly span: Span;
}

export interface Name extends NodeBase {
  kind: "Name";
  text: string;
}

/** `company.industry`: the segments as written, with their own spans for rename and hover. */
export interface FieldPath extends NodeBase {
  kind: "FieldPath";
  segments: Name[];
  text: string;
}

export interface Missing extends NodeBase {
  kind: "Missing";
  /** What was expected, for messages and completion. */
  expected: string;
}

// ---- types in the schema -------------------------------------------------------------------

export type TypeName = "boolean" | "integer" | "number" | "string" | "date" | "enum" | "list";

export interface TypeRef extends NodeBase {
  kind: "TypeRef";
  name: Name;
  /** enum members (names, or strings where they are not plain names), the element type of list(...), a date's layout */
  args: (Name | StringLit)[];
  /** Where `...` was written: the enum is open (accepts other values). */
  ellipsis?: Span;
  optional: boolean;
  /** Set when the parenthesised argument list was written, even if empty. */
  hasArgs: boolean;
}

// ---- expressions ---------------------------------------------------------------------------

export type CompareOp = "=" | "!=" | "<" | "<=" | ">" | ">=";
export type ArithOp = "+" | "-" | "*" | "/";

export interface NumberLit extends NodeBase {
  kind: "NumberLit";
  value: number;
  raw: string;
}
/** An enum member or type argument as written: a name's text or a string's value. */
export function argText(a: Name | StringLit): string {
  return a.kind === "Name" ? a.text : a.value;
}

export interface StringLit extends NodeBase {
  kind: "StringLit";
  value: string;
  raw: string;
}
export interface DateLit extends NodeBase {
  kind: "DateLit";
  /** Whole days since 1970-01-01 (UTC); NaN when the written date is not a calendar date. */
  days: number;
  raw: string;
}
export interface BoolLit extends NodeBase {
  kind: "BoolLit";
  value: boolean;
}
export interface ListLit extends NodeBase {
  kind: "ListLit";
  items: Expr[];
}
/**
 * A bare name or dotted path as written in an expression. Whether it is a field, a criterion,
 * score or stage, or an enum member is the checker's decision (side table), not the parser's.
 */
export interface Ref extends NodeBase {
  kind: "Ref";
  path: FieldPath;
}
export interface Call extends NodeBase {
  kind: "Call";
  callee: Name;
  args: Expr[];
}
export interface AtLeast extends NodeBase {
  kind: "AtLeast";
  count: NumberLit | Missing;
  list: ListLit | Missing;
}
export interface Paren extends NodeBase {
  kind: "Paren";
  inner: Expr;
}
export interface Unary extends NodeBase {
  kind: "Unary";
  op: "-" | "not";
  operand: Expr;
}
export interface Binary extends NodeBase {
  kind: "Binary";
  op: "and" | "or" | CompareOp | ArithOp | "contains" | "starts with" | "ends with";
  left: Expr;
  right: Expr;
}
export interface InList extends NodeBase {
  kind: "InList";
  negated: boolean;
  operand: Expr;
  list: ListLit | Missing;
}
export interface PresenceTest extends NodeBase {
  kind: "PresenceTest";
  /** `is missing` when true, `is present` when false */
  missing: boolean;
  operand: Expr;
}

/**
 * `count(S where COND within N days)` / `latest(S where COND)`: a query over one of the lead's
 * event streams. Inside `where`, bare names are the event's fields first.
 */
export interface StreamQuery extends NodeBase {
  kind: "StreamQuery";
  fn: "count" | "latest";
  stream: Name;
  where: Expr | undefined;
  /** `within N days`: only events whose age is 0..N days. */
  within: NumberLit | undefined;
}

export type Expr =
  | NumberLit | StringLit | DateLit | BoolLit | ListLit | Ref | Call | AtLeast | Paren | Unary
  | Binary | InList | PresenceTest | StreamQuery | Missing;

// ---- declarations --------------------------------------------------------------------------

export interface ImportDecl extends NodeBase {
  kind: "ImportDecl";
  path: StringLit | Missing;
}
export interface FieldDecl extends NodeBase {
  kind: "FieldDecl";
  path: FieldPath;
  type: TypeRef | Missing;
  /** `from "Column Header"`: the input column (CSV) or key (JSON Lines) the field binds to. */
  column?: StringLit;
}
export interface SchemaDecl extends NodeBase {
  kind: "SchemaDecl";
  fields: FieldDecl[];
}
export interface CriterionDecl extends NodeBase {
  kind: "CriterionDecl";
  name: Name;
  condition: Expr;
}
export interface ScoreLine extends NodeBase {
  kind: "ScoreLine";
  /** signed weight */
  weight: number;
  raw: string;
  condition: Expr;
}
/** `+P per S where COND within N days decay R% every D days max M`: points per matching event. */
export interface PerLine extends NodeBase {
  kind: "PerLine";
  weight: number;
  raw: string;
  stream: Name;
  where: Expr | undefined;
  within: NumberLit | undefined;
  /** `decay R% every D days`: each event is worth (1 - R/100) less per whole D days of age. */
  decay: { percent: NumberLit; every: NumberLit } | undefined;
  /** `max M`: the line's total is capped at M. */
  max: NumberLit | undefined;
}
export interface ScoreBound extends NodeBase {
  kind: "ScoreBound";
  bound: "cap" | "floor";
  value: number;
  raw: string;
}
export interface ScoreDecl extends NodeBase {
  kind: "ScoreDecl";
  name: Name;
  lines: ScoreLine[];
  /** The `per` lines (behaviour), apart from the condition lines most analyses look at. */
  perLines: PerLine[];
  bounds: ScoreBound[];
}
export interface StageDecl extends NodeBase {
  kind: "StageDecl";
  name: Name;
  condition: Expr;
}

/** `{type = email_click, occurred = 2026-11-20}`: one event in an example. */
export interface EventRecord extends NodeBase {
  kind: "EventRecord";
  assignments: ExampleAssign[];
}
/** `[{…}, {…}]`: a lead's events of one stream, in an example. */
export interface EventListLit extends NodeBase {
  kind: "EventListLit";
  events: EventRecord[];
}

export type ExampleValue = NumberLit | StringLit | DateLit | BoolLit | ListLit | EventListLit | Ref | Missing;

export interface ExampleAssign extends NodeBase {
  kind: "ExampleAssign";
  path: FieldPath;
  value: ExampleValue;
}
export interface ExampleAsOf extends NodeBase {
  kind: "ExampleAsOf";
  date: DateLit | Missing;
}
export interface ExpectStage extends NodeBase {
  kind: "ExpectStage";
  stage: Name;
}
export interface ExpectScore extends NodeBase {
  kind: "ExpectScore";
  score: Name;
  value: NumberLit | Missing;
}
/** `expect icp_fit` / `expect not mql`: a criterion or stage flag. */
export interface ExpectFlag extends NodeBase {
  kind: "ExpectFlag";
  name: Name;
  value: boolean;
}
/** `expect reason "text"`: the lead is disqualified, first by the clause with this reason. */
export interface ExpectReason extends NodeBase {
  kind: "ExpectReason";
  reason: StringLit;
}
/** `expect fit_grade = A`: the grade's letter for the lead. */
export interface ExpectGrade extends NodeBase {
  kind: "ExpectGrade";
  grade: Name;
  letter: Name;
}
export type Expectation = ExpectStage | ExpectScore | ExpectFlag | ExpectReason | ExpectGrade;

export interface ExampleDecl extends NodeBase {
  kind: "ExampleDecl";
  title: StringLit | Missing;
  assignments: ExampleAssign[];
  asOf: ExampleAsOf | undefined;
  expectations: Expectation[];
}

/**
 * `param NAME = literal`: a named constant used in conditions, which `--param NAME=VALUE`
 * overrides at run time. The literal is an example value (a list is refused by the checker).
 */
export interface ParamDecl extends NodeBase {
  kind: "ParamDecl";
  name: Name;
  value: ExampleValue;
}

/**
 * `outcome NAME when COND`: what really happened to a lead (a won deal), measured against the
 * definition by `leaddef outcomes`. The definition itself may never use it.
 */
export interface OutcomeDecl extends NodeBase {
  kind: "OutcomeDecl";
  name: Name;
  condition: Expr;
}

/** `events NAME { field: type … }`: a stream of dated events each lead has (a list of records). */
export interface EventsDecl extends NodeBase {
  kind: "EventsDecl";
  name: Name;
  fields: FieldDecl[];
}

/** `L when COND` inside a grade: the letter a lead gets when this is the first line that holds. */
export interface GradeLine extends NodeBase {
  kind: "GradeLine";
  letter: Name;
  condition: Expr;
}
/** `else L`: the letter of every lead no line gives one. */
export interface GradeElse extends NodeBase {
  kind: "GradeElse";
  letter: Name;
}
/**
 * `grade NAME { L when COND ... else L }`: one letter per lead, the first whose condition holds.
 * Every `else` written is kept (the checker wants exactly one, last).
 */
export interface GradeDecl extends NodeBase {
  kind: "GradeDecl";
  name: Name;
  lines: GradeLine[];
  otherwise: GradeElse[];
}

/** `disqualify when COND because "text"`: a lead for which COND holds has stage `disqualified`. */
export interface DisqualifyDecl extends NodeBase {
  kind: "DisqualifyDecl";
  condition: Expr;
  /** Undefined when `because "…"` was not written (the checker reports it). */
  reason: StringLit | undefined;
}

export type Declaration =
  | ImportDecl | SchemaDecl | CriterionDecl | ScoreDecl | StageDecl | ExampleDecl | ParamDecl | OutcomeDecl
  | EventsDecl | GradeDecl | DisqualifyDecl;

export interface SourceFile extends NodeBase {
  kind: "SourceFile";
  path: string;
  declarations: Declaration[];
}

export type Node =
  | SourceFile | Declaration | Expr | Name | FieldPath | TypeRef | FieldDecl | ScoreLine | PerLine
  | ScoreBound | ExampleAssign | ExampleAsOf | Expectation | EventRecord | EventListLit | GradeLine | GradeElse;

/** Children in source order: one generic walk for the checker, formatter and editor features. */
export function children(node: Node): Node[] {
  switch (node.kind) {
    case "SourceFile": return node.declarations;
    case "ImportDecl": return [node.path];
    case "SchemaDecl": return node.fields;
    case "FieldDecl": return node.column ? [node.path, node.type, node.column] : [node.path, node.type];
    case "TypeRef": return [node.name, ...node.args];
    case "CriterionDecl": return [node.name, node.condition];
    case "StageDecl": return [node.name, node.condition];
    case "ScoreDecl": return [node.name, ...[...node.lines, ...node.perLines, ...node.bounds].sort((a, b) => a.span.start - b.span.start)];
    case "ScoreLine": return [node.condition];
    case "PerLine": return perLineChildren(node);
    case "EventsDecl": return [node.name, ...node.fields];
    case "StreamQuery": return node.where ? [node.stream, node.where, ...(node.within ? [node.within] : [])] : node.within ? [node.stream, node.within] : [node.stream];
    case "EventListLit": return node.events;
    case "EventRecord": return node.assignments;
    case "ExampleDecl":
      return [node.title, ...[...node.assignments, ...(node.asOf ? [node.asOf] : []), ...node.expectations]
        .sort((a, b) => a.span.start - b.span.start)];
    case "ExampleAssign": return [node.path, node.value];
    case "ParamDecl": return [node.name, node.value];
    case "OutcomeDecl": return [node.name, node.condition];
    case "GradeDecl": return [node.name, ...[...node.lines, ...node.otherwise].sort((a, b) => a.span.start - b.span.start)];
    case "GradeLine": return [node.letter, node.condition];
    case "GradeElse": return [node.letter];
    case "DisqualifyDecl": return node.reason ? [node.condition, node.reason] : [node.condition];
    case "ExpectReason": return [node.reason];
    case "ExpectGrade": return [node.grade, node.letter];
    case "ExampleAsOf": return [node.date];
    case "ExpectStage": return [node.stage];
    case "ExpectScore": return [node.score, node.value];
    case "ExpectFlag": return [node.name];
    case "FieldPath": return node.segments;
    case "ListLit": return node.items;
    case "Ref": return [node.path];
    case "Call": return [node.callee, ...node.args];
    case "AtLeast": return [node.count, node.list];
    case "Paren": return [node.inner];
    case "Unary": return [node.operand];
    case "Binary": return [node.left, node.right];
    case "InList": return [node.operand, node.list];
    case "PresenceTest": return [node.operand];
    default: return [];
  }
}

function perLineChildren(node: PerLine): Node[] {
  const out: Node[] = [node.stream];
  if (node.where) out.push(node.where);
  if (node.within) out.push(node.within);
  if (node.decay) out.push(node.decay.percent, node.decay.every);
  if (node.max) out.push(node.max);
  return out;
}

/**
 * Calls `fn(child, node, context)` for each child of `node`, in the order `children` gives, without
 * allocating: hot walks (checker, lints, lowering) run on every keystroke in the editor.
 */
export function forEachChild<C>(node: Node, fn: (child: Node, parent: Node, context: C) => void, context: C): void {
  switch (node.kind) {
    case "SourceFile": for (const d of node.declarations) fn(d, node, context); return;
    case "ImportDecl": fn(node.path, node, context); return;
    case "SchemaDecl": for (const f of node.fields) fn(f, node, context); return;
    case "FieldDecl": fn(node.path, node, context); fn(node.type, node, context); if (node.column) fn(node.column, node, context); return;
    case "TypeRef": fn(node.name, node, context); for (const a of node.args) fn(a, node, context); return;
    case "CriterionDecl": case "StageDecl": fn(node.name, node, context); fn(node.condition, node, context); return;
    case "ScoreDecl":
      fn(node.name, node, context);
      if (node.perLines.length === 0) inSourceOrder(node.lines, undefined, node.bounds, fn, node, context);
      else for (const c of children(node).slice(1)) fn(c, node, context);
      return;
    case "ScoreLine": fn(node.condition, node, context); return;
    case "PerLine": for (const c of perLineChildren(node)) fn(c, node, context); return;
    case "EventsDecl": fn(node.name, node, context); for (const f of node.fields) fn(f, node, context); return;
    case "StreamQuery":
      fn(node.stream, node, context);
      if (node.where) fn(node.where, node, context);
      if (node.within) fn(node.within, node, context);
      return;
    case "EventListLit": for (const e of node.events) fn(e, node, context); return;
    case "EventRecord": for (const a of node.assignments) fn(a, node, context); return;
    case "ExampleDecl":
      fn(node.title, node, context);
      inSourceOrder(node.assignments, node.asOf, node.expectations, fn, node, context);
      return;
    case "ExampleAssign": fn(node.path, node, context); fn(node.value, node, context); return;
    case "ParamDecl": fn(node.name, node, context); fn(node.value, node, context); return;
    case "OutcomeDecl": fn(node.name, node, context); fn(node.condition, node, context); return;
    case "GradeDecl":
      fn(node.name, node, context);
      inSourceOrder(node.lines, undefined, node.otherwise, fn, node, context);
      return;
    case "GradeLine": fn(node.letter, node, context); fn(node.condition, node, context); return;
    case "GradeElse": fn(node.letter, node, context); return;
    case "DisqualifyDecl": fn(node.condition, node, context); if (node.reason) fn(node.reason, node, context); return;
    case "ExpectReason": fn(node.reason, node, context); return;
    case "ExpectGrade": fn(node.grade, node, context); fn(node.letter, node, context); return;
    case "ExampleAsOf": fn(node.date, node, context); return;
    case "ExpectStage": fn(node.stage, node, context); return;
    case "ExpectScore": fn(node.score, node, context); fn(node.value, node, context); return;
    case "ExpectFlag": fn(node.name, node, context); return;
    case "FieldPath": for (const s of node.segments) fn(s, node, context); return;
    case "ListLit": for (const i of node.items) fn(i, node, context); return;
    case "Ref": fn(node.path, node, context); return;
    case "Call": fn(node.callee, node, context); for (const a of node.args) fn(a, node, context); return;
    case "AtLeast": fn(node.count, node, context); fn(node.list, node, context); return;
    case "Paren": fn(node.inner, node, context); return;
    case "Unary": fn(node.operand, node, context); return;
    case "Binary": fn(node.left, node, context); fn(node.right, node, context); return;
    case "InList": fn(node.operand, node, context); fn(node.list, node, context); return;
    case "PresenceTest": fn(node.operand, node, context); return;
    default: return;
  }
}

/**
 * `a`, then `b` (optional), then `c`, merged by span start as a stable sort of their concatenation
 * would order them (each list is already in source order: the builder keeps the CST's order).
 */
function inSourceOrder<C>(a: readonly Node[], b: Node | undefined, c: readonly Node[], fn: (child: Node, parent: Node, context: C) => void, parent: Node, context: C): void {
  let i = 0;
  let k = 0;
  let bDone = b === undefined;
  for (;;) {
    const x = i < a.length ? a[i] : undefined;
    const z = k < c.length ? c[k] : undefined;
    // Ties go to the earlier list, as in a stable sort.
    if (x && (bDone || x.span.start <= b!.span.start) && (!z || x.span.start <= z.span.start)) {
      fn(x, parent, context);
      i++;
    } else if (!bDone && (!z || b!.span.start <= z.span.start)) {
      fn(b!, parent, context);
      bDone = true;
    } else if (z) {
      fn(z, parent, context);
      k++;
    } else return;
  }
}

/** Calls `visit` on `node` and every descendant, parents first. */
export function walk(node: Node, visit: (node: Node, parent: Node | undefined) => void, parent?: Node): void {
  visit(node, parent);
  forEachChild(node, walkChild, visit);
}

function walkChild(child: Node, parent: Node, visit: (node: Node, parent: Node | undefined) => void): void {
  walk(child, visit, parent);
}

/** The innermost node whose span contains `offset` (end inclusive, so a cursor after a name finds it). */
export function nodeAt(root: Node, offset: number): Node[] {
  const path: Node[] = [];
  let current: Node | undefined = root;
  while (current) {
    path.push(current);
    current = children(current).find((c) => c.span.start <= offset && offset <= c.span.end && c.kind !== "Missing");
  }
  return path;
}
