import { dirname, relative, sep } from "node:path";
import type * as A from "../language/ast.js";
import type { DeclSymbol, FieldSymbol, FileModel, GradeSymbol, ParamSymbol, StreamSymbol } from "../language/model.js";
import { docOf } from "../language/docs.js";
import { printExpr, printPerLine } from "../language/print-expr.js";
import { referencedDecls } from "../language/references.js";
import type { Type } from "../language/types.js";
import { dependencyOrder } from "./plan.js";

/**
 * The checked program, lowered for the back ends: every name resolved to an index, every
 * operator specialised by operand type, nothing left to look up per lead. Exists only for
 * error-free input, so lowering may assume every node is well-typed.
 */
export type ValueKind = "number" | "date" | "string" | "boolean" | "enum" | "list";

export interface IrField {
  index: number;
  path: string;
  segments: string[];
  kind: ValueKind;
  /** For enums: the members in declaration order (their order is their rank). */
  members: readonly string[];
  optional: boolean;
  integer: boolean;
  /** The input column (CSV) or key (JSON Lines) the field binds to: its `from "…"`, else its path. */
  column: string;
  /** An open enum (`...`): values that are no member are accepted and equal no member. */
  open: boolean;
  /** A date's declared layout (`M/D/YYYY`), read besides ISO dates. */
  layout: string | undefined;
}

export type IrExpr =
  /** `param`: the parameter this constant is the value of (printing shows the name). */
  | { k: "const"; kind: ValueKind; value: number | string | boolean; param?: string }
  | { k: "field"; field: IrField }
  | { k: "criterion"; index: number }
  | { k: "stage"; index: number }
  | { k: "score"; index: number }
  /** A grade's letter: a member of the grade's letters, never missing. */
  | { k: "grade"; index: number }
  | { k: "not"; e: IrExpr }
  | { k: "and" | "or"; l: IrExpr; r: IrExpr }
  | { k: "cmp"; op: A.CompareOp; kind: ValueKind; members: readonly string[]; l: IrExpr; r: IrExpr }
  | { k: "in"; negated: boolean; kind: ValueKind; e: IrExpr; items: IrExpr[] }
  | { k: "contains"; on: "string" | "list"; l: IrExpr; r: IrExpr }
  | { k: "startsWith"; l: IrExpr; r: IrExpr }
  | { k: "endsWith"; l: IrExpr; r: IrExpr }
  | { k: "presence"; missing: boolean; field: IrField }
  | { k: "arith"; op: A.ArithOp; l: IrExpr; r: IrExpr }
  | { k: "neg"; e: IrExpr }
  | { k: "daysSince"; e: IrExpr }
  | { k: "atLeast"; n: number; items: IrExpr[] }
  /** A field of the event a stream query is looking at (only inside its `where`). */
  | { k: "eventField"; stream: number; field: IrField }
  /** `is missing` / `is present` on a field of the event a `where` is looking at. */
  | { k: "eventPresence"; missing: boolean; stream: number; field: IrField }
  /** `count(S where … within N days)`: an integer; `latest(S where …)`: a date, missing when no event matches. */
  | { k: "count" | "latest"; stream: number; where: IrExpr | undefined; within: number | undefined };

/**
 * `events NAME { … }`: a stream of dated events. Its fields are indexed within the stream; an
 * event is held as an array of their values, read like fields (dates as day numbers).
 */
export interface IrStream {
  name: string;
  index: number;
  fields: IrField[];
  /** The index of `occurred` among the fields. */
  occurred: number;
}

/**
 * `+P per S where … within N days decay R% every D days max M`: P for each matching event, times
 * `factor` once per whole `every` days of its age; the total capped at ±max, rounded to 2 decimals.
 */
export interface IrPerLine {
  weight: number;
  stream: number;
  where: IrExpr | undefined;
  within: number | undefined;
  /** `1 - R/100` and the period D, when the line decays. */
  decay: { factor: number; every: number; percent: number } | undefined;
  max: number | undefined;
  text: string;
  line: number;
}

/** A condition plus, for explanations, its top-level `and` parts with their source text. */
export interface IrCondition {
  expr: IrExpr;
  parts: { expr: IrExpr; text: string; fields: number[] }[];
}

/** A value of a parameter as the evaluator holds it: dates as day numbers, enum members as names. */
export type ParamValue = number | string | boolean;

/** A parameter: inlined as a constant wherever it is used, with this value. */
export interface IrParam {
  name: string;
  kind: ValueKind;
  value: ParamValue;
  /** The value as written in the file. */
  written: string;
  /** Set when `--param` gave the value. */
  overridden: boolean;
}

/**
 * Where a declaration is written, so generated code can point back at it: the file relative to
 * the entry file's folder (`/`-separated), its 1-based line, its text as written, and its doc
 * comment (the `#` lines directly above it, without the `#`).
 */
export interface IrSource { file: string; line: number; text: string; doc: string | undefined }

export interface IrCriterion { name: string; index: number; cond: IrCondition; deps: Dep[]; source: IrSource }
/** `outcome NAME when COND`: evaluated beside the definition (never by it) to measure it. */
export interface IrOutcome { name: string; index: number; cond: IrCondition; source: IrSource }
export interface IrStage { name: string; index: number; cond: IrCondition; deps: Dep[]; source: IrSource }
export interface IrScore {
  name: string;
  index: number;
  lines: { weight: number; cond: IrCondition; text: string; line: number }[];
  /** The `per` lines: points per matching event of a stream. */
  perLines: IrPerLine[];
  cap: number | undefined;
  floor: number | undefined;
  /** The `cap` and `floor` lines as written, in source order. */
  bounds: { text: string; line: number }[];
  deps: Dep[];
  source: IrSource;
}
/**
 * `grade NAME { L when COND ... else L }`: the first line that holds gives the letter, else
 * `otherwise`. `letters` are the grade's enum members (their order is their rank).
 */
export interface IrGrade {
  name: string;
  index: number;
  letters: readonly string[];
  lines: { letter: string; cond: IrCondition; text: string; line: number }[];
  otherwise: string;
  deps: Dep[];
  source: IrSource;
}
/** `disqualify when COND because "reason"`: in declaration order; the first that holds gives the reason. */
export interface IrDisqualify { index: number; cond: IrCondition; reason: string; deps: Dep[]; source: IrSource }
export type Dep = { kind: "criterion" | "stage" | "score" | "grade" | "disqualify"; index: number };

/** The stage of a lead for which a disqualification holds, whatever its stages say. */
export const DISQUALIFIED = "disqualified";

export interface IrExample {
  title: string;
  line: number;
  values: Record<string, unknown>;
  asOf: number | undefined;
  expectStage: string | undefined;
  expectScores: { name: string; value: number; line: number }[];
  expectFlags: { name: string; kind: "criterion" | "stage"; value: boolean; line: number }[];
  /** `expect reason "…"`: the reason the lead must be disqualified with. */
  expectReason: { reason: string; line: number } | undefined;
  /** `expect fit_grade = A`. */
  expectGrades: { name: string; letter: string; line: number }[];
}

export interface IrProgram {
  fields: IrField[];
  /** Event streams, in declaration order; in the batch engines' value arrays stream s sits after the fields. */
  streams: IrStream[];
  criteria: IrCriterion[];
  scores: IrScore[];
  stages: IrStage[];
  /** Grades in declaration order (own and imported, like scores). */
  grades: IrGrade[];
  /** The entry file's disqualifications in declaration order. */
  disqualifications: IrDisqualify[];
  examples: IrExample[];
  /** Outcomes in declaration order; no criterion, score or stage depends on one. */
  outcomes: IrOutcome[];
  /** The entry file's parameters (its own and imported), with the values the program uses. */
  params: IrParam[];
  /** criteria, scores and stages in an order where each comes after everything it uses */
  order: Dep[];
}

/** Where an IR node came from: its file and syntax node (a side table, so the IR stays plain data). */
export interface IrOrigin {
  model: FileModel;
  node: A.Expr;
}

const origins = new WeakMap<IrExpr, IrOrigin>();

/** The source of a lowered expression, for explanations and coverage (`file:line:col`, printed text). */
export function originOf(e: IrExpr): IrOrigin | undefined {
  return origins.get(e);
}

export function valueKind(t: Type): ValueKind {
  switch (t.kind) {
    case "integer": case "number": return "number";
    case "date": return "date";
    case "string": return "string";
    case "boolean": return "boolean";
    case "enum": return "enum";
    case "list": return "list";
    default: throw new Error(`internal: no value kind for ${t.kind}`);
  }
}

/** The value a parameter's literal stands for, in the evaluator's representation. */
export function writtenParamValue(p: ParamSymbol): ParamValue {
  const v = p.decl.value;
  switch (v.kind) {
    case "NumberLit": case "StringLit": case "BoolLit": return v.value;
    case "DateLit": return v.days;
    case "Ref": return v.path.text;
    default: throw new Error(`internal: parameter ${p.name} has no value`);
  }
}

/**
 * Lowers an error-free analysis. `overrides` (by parameter name, already checked against the
 * parameters' types: see compiler/params.ts) replace the values written in the file.
 */
/** A field symbol (of the schema or of an event stream) lowered to the IR's field facts. */
function irField(f: FieldSymbol, index: number): IrField {
  return {
    index,
    path: f.name,
    segments: f.name.split("."),
    kind: valueKind(f.type),
    members: f.type.kind === "enum" ? f.type.members : [],
    optional: f.optional,
    integer: f.type.kind === "integer",
    column: f.decl.column?.value ?? f.name,
    open: f.type.kind === "enum" && f.type.open === true,
    layout: f.type.kind === "date" ? f.type.layout : undefined,
  };
}

export function lower(entry: FileModel, files: Map<string, FileModel>, overrides: ReadonlyMap<string, ParamValue> = new Map()): IrProgram {
  const fields: IrField[] = [...entry.fields.values()].map((f, index) => irField(f, index));
  const fieldIndex = new Map<FieldSymbol, IrField>([...entry.fields.values()].map((f, i) => [f, fields[i]]));
  const streamSyms = [...entry.names.values()].filter((s): s is StreamSymbol => s.kind === "stream");
  const eventFields = new Map<FieldSymbol, { stream: number; field: IrField }>();
  const streams: IrStream[] = streamSyms.map((s, index) => {
    const own = [...s.fields.values()].map((f, i) => irField(f, i));
    [...s.fields.values()].forEach((f, i) => eventFields.set(f, { stream: index, field: own[i] }));
    return { name: s.name, index, fields: own, occurred: own.findIndex((f) => f.path === "occurred") };
  });
  const streamIndex = new Map(streamSyms.map((s, i) => [s.name, i]));

  const paramSyms = [...entry.names.values()].filter((s): s is ParamSymbol => s.kind === "param");
  const params: IrParam[] = paramSyms.map((s) => ({
    name: s.name,
    kind: s.type.kind === "error" ? "enum" : valueKind(s.type),
    value: overrides.has(s.name) ? overrides.get(s.name)! : writtenParamValue(s),
    written: s.written,
    overridden: overrides.has(s.name),
  }));
  // Imported criteria resolve to the imported file's symbol: look parameters up by name.
  const paramValues = new Map(params.map((p) => [p.name, p]));
  const decls = [...entry.names.values()].filter((s) => s.kind !== "stage" && s.kind !== "param" && s.kind !== "outcome" && s.kind !== "stream");
  const criteriaSyms = decls.filter((s) => s.kind === "criterion");
  const scoreSyms = decls.filter((s) => s.kind === "score");
  const gradeSyms = decls.filter((s): s is GradeSymbol => s.kind === "grade");
  const declIndex = new Map<DeclSymbol, Dep>();
  criteriaSyms.forEach((s, index) => declIndex.set(s, { kind: "criterion", index }));
  scoreSyms.forEach((s, index) => declIndex.set(s, { kind: "score", index }));
  gradeSyms.forEach((s, index) => declIndex.set(s, { kind: "grade", index }));
  entry.stages.forEach((s, index) => declIndex.set(s, { kind: "stage", index }));

  const modelOf = (s: DeclSymbol) => files.get(s.file)!;
  // Parameters are constants, inlined where used: nothing to compute first.
  const depsOf = (s: DeclSymbol) => uniqueDeps(referencedDecls(modelOf(s), s.decl).filter((r) => r.symbol.kind !== "param").map((r) => declIndex.get(r.symbol)!));

  const lowerer = (model: FileModel) => new Lowerer(model, fieldIndex, declIndex, paramValues, eventFields, streamIndex);
  const condition = (model: FileModel, e: A.Expr): IrCondition => lowerer(model).condition(e);

  const baseDir = dirname(entry.path);
  const sourceOf = (s: DeclSymbol): IrSource => {
    const model = modelOf(s);
    return {
      file: relative(baseDir, s.file).split(sep).join("/"),
      line: model.lines.position(s.decl.span.start).line + 1,
      text: model.text.slice(s.decl.span.start, s.decl.span.end),
      doc: docOf(s),
    };
  };
  const criteria = criteriaSyms.map((s, index) => ({
    name: s.name, index, cond: condition(modelOf(s), (s.decl as A.CriterionDecl).condition), deps: depsOf(s), source: sourceOf(s),
  }));
  const scores = scoreSyms.map((s, index) => {
    const decl = s.decl as A.ScoreDecl;
    const model = modelOf(s);
    return {
      name: s.name,
      index,
      lines: decl.lines.map((l) => ({
        weight: l.weight,
        cond: condition(model, l.condition),
        text: `${l.raw} when ${printExpr(l.condition)}`,
        line: model.lines.position(l.span.start).line + 1,
      })),
      perLines: decl.perLines.map((l): IrPerLine => {
        const low = lowerer(model);
        return {
          weight: l.weight,
          stream: streamIndex.get(l.stream.text)!,
          where: l.where ? low.expr(l.where) : undefined,
          within: l.within?.value,
          decay: l.decay ? { factor: 1 - l.decay.percent.value / 100, every: l.decay.every.value, percent: l.decay.percent.value } : undefined,
          max: l.max?.value,
          text: printPerLine(l),
          line: model.lines.position(l.span.start).line + 1,
        };
      }),
      cap: decl.bounds.find((b) => b.bound === "cap")?.value,
      floor: decl.bounds.find((b) => b.bound === "floor")?.value,
      bounds: decl.bounds.map((b) => ({ text: model.text.slice(b.span.start, b.span.end), line: model.lines.position(b.span.start).line + 1 })),
      deps: depsOf(s),
      source: sourceOf(s),
    };
  });
  const stages = entry.stages.map((s, index) => ({ name: s.name, index, cond: condition(entry, s.decl.condition), deps: depsOf(s), source: sourceOf(s) }));
  const grades = gradeSyms.map((s, index): IrGrade => {
    const model = modelOf(s);
    return {
      name: s.name,
      index,
      letters: s.letters,
      lines: s.decl.lines.map((l) => ({
        letter: l.letter.text,
        cond: condition(model, l.condition),
        text: `${l.letter.text} when ${printExpr(l.condition)}`,
        line: model.lines.position(l.span.start).line + 1,
      })),
      otherwise: s.decl.otherwise[0].letter.text,
      deps: depsOf(s),
      source: sourceOf(s),
    };
  });
  const disqualifications = entry.disqualifications.map((d, index): IrDisqualify => ({
    index,
    cond: condition(entry, d.condition),
    reason: d.reason!.value,
    deps: uniqueDeps(referencedDecls(entry, d).filter((r) => r.symbol.kind !== "param").map((r) => declIndex.get(r.symbol)!)),
    source: {
      file: relative(baseDir, entry.path).split(sep).join("/"),
      line: entry.lines.position(d.span.start).line + 1,
      text: entry.text.slice(d.span.start, d.span.end),
      doc: undefined,
    },
  }));

  const outcomes = [...entry.names.values()].filter((s) => s.kind === "outcome").map((s, index) => ({
    name: s.name, index, cond: condition(modelOf(s), (s.decl as A.OutcomeDecl).condition), source: sourceOf(s),
  }));

  const program: IrProgram = { fields, streams, criteria, scores, stages, grades, disqualifications, outcomes, examples: [], params, order: [] };
  program.order = dependencyOrder(program);
  program.examples = entry.examples.map((e) => lowerExample(entry, e));
  return program;
}

function uniqueDeps(deps: Dep[]): Dep[] {
  const seen = new Set<string>();
  return deps.filter((d) => {
    const key = `${d.kind}:${d.index}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

class Lowerer {
  constructor(
    private readonly model: FileModel,
    private readonly fields: Map<FieldSymbol, IrField>,
    private readonly decls: Map<DeclSymbol, Dep>,
    private readonly params: ReadonlyMap<string, IrParam>,
    private readonly eventFields: ReadonlyMap<FieldSymbol, { stream: number; field: IrField }> = new Map(),
    private readonly streams: ReadonlyMap<string, number> = new Map(),
  ) {}

  condition(e: A.Expr): IrCondition {
    const parts: A.Expr[] = [];
    const flatten = (x: A.Expr) => {
      if (x.kind === "Binary" && x.op === "and") {
        flatten(x.left);
        flatten(x.right);
      } else parts.push(x);
    };
    flatten(e);
    return {
      expr: this.expr(e),
      parts: parts.map((p) => ({ expr: this.expr(p), text: printExpr(p), fields: this.fieldsIn(p) })),
    };
  }

  private fieldsIn(e: A.Expr): number[] {
    const out = new Set<number>();
    const visit = (x: IrExpr) => {
      if (x.k === "field") out.add(x.field.index);
      else if (x.k === "presence") out.add(x.field.index);
      for (const c of irChildren(x)) visit(c);
    };
    visit(this.expr(e));
    return [...out];
  }

  private type(e: A.Expr): Type {
    return this.model.types.get(e.id) ?? { kind: "error" };
  }

  expr(e: A.Expr): IrExpr {
    const lowered = this.lowerExpr(e);
    // Parentheses lower to their inside, which keeps the inner node as its origin.
    if (!origins.has(lowered)) origins.set(lowered, { model: this.model, node: e });
    return lowered;
  }

  private lowerExpr(e: A.Expr): IrExpr {
    switch (e.kind) {
      case "NumberLit": return { k: "const", kind: "number", value: e.value };
      // a string beside an enum names one of its members
      case "StringLit": return { k: "const", kind: this.type(e).kind === "enum" ? "enum" : "string", value: e.value };
      case "DateLit": return { k: "const", kind: "date", value: e.days };
      case "BoolLit": return { k: "const", kind: "boolean", value: e.value };
      case "Paren": return this.expr(e.inner);
      case "Ref": {
        const r = this.model.occurrences.get(e.path.id)!.resolution;
        if (r.kind === "member") return { k: "const", kind: "enum", value: r.member };
        if (r.symbol.kind === "field") {
          const event = this.eventFields.get(r.symbol);
          return event ? { k: "eventField", ...event } : { k: "field", field: this.fields.get(r.symbol)! };
        }
        if (r.symbol.kind === "param") {
          const p = this.params.get(r.symbol.name)!;
          return { k: "const", kind: p.kind, value: p.value, param: p.name };
        }
        const dep = this.decls.get(r.symbol)!;
        // Only criteria, scores, stages and grades have names to refer to.
        return { k: dep.kind as "criterion" | "score" | "stage" | "grade", index: dep.index };
      }
      case "Call": return { k: "daysSince", e: this.expr(e.args[0]) };
      case "StreamQuery":
        return { k: e.fn, stream: this.streams.get(e.stream.text)!, where: e.where ? this.expr(e.where) : undefined, within: e.within?.value };
      case "AtLeast":
        return { k: "atLeast", n: (e.count as A.NumberLit).value, items: (e.list as A.ListLit).items.map((i) => this.expr(i)) };
      case "Unary":
        return e.op === "not" ? { k: "not", e: this.expr(e.operand) } : { k: "neg", e: this.expr(e.operand) };
      case "PresenceTest": {
        const target = e.operand.kind === "Paren" ? e.operand.inner : e.operand;
        const ref = this.expr(target);
        if (ref.k === "eventField") return { k: "eventPresence", missing: e.missing, stream: ref.stream, field: ref.field };
        if (ref.k !== "field") throw new Error("internal: presence test on a non-field");
        return { k: "presence", missing: e.missing, field: ref.field };
      }
      case "InList": {
        const t = this.type(e.operand);
        return {
          k: "in",
          negated: e.negated,
          kind: valueKind(t),
          e: this.expr(e.operand),
          items: (e.list as A.ListLit).items.map((i) => this.expr(i)),
        };
      }
      case "Binary": {
        const l = this.expr(e.left);
        const r = this.expr(e.right);
        switch (e.op) {
          case "and": case "or": return { k: e.op, l, r };
          case "contains": return { k: "contains", on: this.type(e.left).kind === "list" ? "list" : "string", l, r };
          case "starts with": return { k: "startsWith", l, r };
          case "ends with": return { k: "endsWith", l, r };
          case "+": case "-": case "*": case "/": return { k: "arith", op: e.op, l, r };
          default: {
            const lt = this.type(e.left);
            const t = lt.kind === "error" ? this.type(e.right) : lt;
            return { k: "cmp", op: e.op, kind: valueKind(t), members: t.kind === "enum" ? t.members : [], l, r };
          }
        }
      }
      case "ListLit":
      case "Missing":
        throw new Error(`internal: ${e.kind} in an error-free program`);
    }
  }
}

export function irChildren(x: IrExpr): IrExpr[] {
  switch (x.k) {
    case "not": case "neg": case "daysSince": return [x.e];
    case "and": case "or": case "cmp": case "contains": case "startsWith": case "endsWith": case "arith": return [x.l, x.r];
    case "in": return [x.e, ...x.items];
    case "atLeast": return x.items;
    case "count": case "latest": return x.where ? [x.where] : [];
    default: return [];
  }
}

/** One value of an event in an example, as a JSON record would hold it. */
function exampleScalar(model: FileModel, v: A.ExampleValue): unknown {
  switch (v.kind) {
    case "NumberLit": case "StringLit": case "BoolLit": return v.value;
    case "DateLit": return model.text.slice(v.span.start, v.span.end);
    case "Ref": return v.path.text;
    case "ListLit": return v.items.map((i) => (i as A.StringLit).value);
    default: return undefined;
  }
}

function lowerExample(model: FileModel, e: A.ExampleDecl): IrExample {
  const values: Record<string, unknown> = {};
  for (const a of e.assignments) {
    const v = a.value;
    let value: unknown;
    switch (v.kind) {
      case "NumberLit": case "StringLit": case "BoolLit": value = v.value; break;
      case "DateLit": value = model.text.slice(v.span.start, v.span.end); break;
      case "Ref": value = v.path.text; break;
      case "ListLit": value = v.items.map((i) => (i as A.StringLit).value); break;
      case "EventListLit":
        // Each event as a JSON Lines record would hold it: the stream's reader reads it like data.
        value = v.events.map((ev) => Object.fromEntries(ev.assignments.map((x) => [x.path.text, exampleScalar(model, x.value)])));
        break;
      default: value = undefined;
    }
    values[a.path.text] = value;
  }
  const lineOf = (n: A.Node) => model.lines.position(n.span.start).line + 1;
  const expectStage = e.expectations.find((x): x is A.ExpectStage => x.kind === "ExpectStage");
  const expectReason = e.expectations.find((x): x is A.ExpectReason => x.kind === "ExpectReason");
  return {
    title: e.title.kind === "StringLit" ? e.title.value : "",
    line: lineOf(e),
    values,
    asOf: e.asOf?.date.kind === "DateLit" ? e.asOf.date.days : undefined,
    expectStage: expectStage?.stage.text,
    expectScores: e.expectations.filter((x): x is A.ExpectScore => x.kind === "ExpectScore").map((x) => ({
      name: x.score.text, value: (x.value as A.NumberLit).value, line: lineOf(x),
    })),
    expectFlags: e.expectations.filter((x): x is A.ExpectFlag => x.kind === "ExpectFlag").map((x) => ({
      name: x.name.text,
      kind: model.names.get(x.name.text)?.kind === "stage" ? ("stage" as const) : ("criterion" as const),
      value: x.value,
      line: lineOf(x),
    })),
    expectReason: expectReason ? { reason: expectReason.reason.value, line: lineOf(expectReason) } : undefined,
    expectGrades: e.expectations.filter((x): x is A.ExpectGrade => x.kind === "ExpectGrade").map((x) => ({
      name: x.grade.text, letter: x.letter.text, line: lineOf(x),
    })),
  };
}
