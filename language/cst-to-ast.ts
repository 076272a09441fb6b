import type { CstNode, IToken } from "chevrotain";
import type * as A from "./ast.js";
import { diagnostic, helpText, message, type Diagnostic } from "./diagnostics.js";
import { decodeStringLiteral, parseDateDays, parseNumberLiteral } from "./literals.js";
import type { Span } from "./source.js";

type CstChild = CstNode | IToken;

function isToken(x: CstChild | undefined): x is IToken {
  return x !== undefined && "image" in x;
}

/**
 * Turns one declaration's CST into AST nodes. Pieces the parser recovered from are `Missing`
 * nodes; literal problems (bad dates, escapes, numbers) become diagnostics here.
 */
export class AstBuilder {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    private readonly file: string,
    private nextId: { value: number },
  ) {}

  private id(): number {
    return this.nextId.value++;
  }

  private tok(node: CstNode | undefined, name: string, index = 0): IToken | undefined {
    const t = node?.children[name]?.[index];
    return isToken(t) && !t.isInsertedInRecovery && !Number.isNaN(t.startOffset) ? t : undefined;
  }

  private tokens(node: CstNode, ...names: string[]): IToken[] {
    const out: IToken[] = [];
    for (const name of names) {
      for (const t of node.children[name] ?? []) {
        if (isToken(t) && !t.isInsertedInRecovery && !Number.isNaN(t.startOffset)) out.push(t);
      }
    }
    return out.sort((a, b) => a.startOffset - b.startOffset);
  }

  private sub(node: CstNode | undefined, name: string, index = 0): CstNode | undefined {
    const n = node?.children[name]?.[index];
    return n && !isToken(n) ? n : undefined;
  }

  private subs(node: CstNode, name: string): CstNode[] {
    return (node.children[name] ?? []).filter((n): n is CstNode => !isToken(n));
  }

  private tokenSpan(t: IToken): Span {
    return { start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1 };
  }

  /** The span actually covered by real tokens under `node`, or undefined for an empty node. */
  private nodeSpan(node: CstNode | undefined): Span | undefined {
    const loc = node?.location;
    if (!loc || Number.isNaN(loc.startOffset) || loc.endOffset === undefined || Number.isNaN(loc.endOffset)) return undefined;
    return { start: loc.startOffset, end: loc.endOffset + 1 };
  }

  private missing(expected: string, at: number): A.Missing {
    return { kind: "Missing", id: this.id(), span: { start: at, end: at }, expected };
  }

  /** `node` built by `build` when the parser produced it with some text, else a `Missing` node saying what was `expected` at `at`. */
  private orMissing<T>(node: CstNode | undefined, build: (n: CstNode) => T, expected: string, at: number): T | A.Missing {
    return node && this.nodeSpan(node) ? build(node) : this.missing(expected, at);
  }

  private name(t: IToken): A.Name {
    return { kind: "Name", id: this.id(), span: this.tokenSpan(t), text: t.image };
  }

  private nameOrMissing(t: IToken | undefined, at: number): A.Name {
    return t ? this.name(t) : { kind: "Name", id: this.id(), span: { start: at, end: at }, text: "" };
  }

  private numberLit(t: IToken, negative = false, startOverride?: number): A.NumberLit {
    const value = parseNumberLiteral(t.image);
    if (Number.isNaN(value)) {
      this.diagnostics.push(
        diagnostic(this.file, this.tokenSpan(t), message("notANumber", { text: t.image }), { help: helpText("numberSyntax") }),
      );
    }
    const span = this.tokenSpan(t);
    return {
      kind: "NumberLit",
      id: this.id(),
      span: startOverride === undefined ? span : { start: startOverride, end: span.end },
      value: negative ? -value : value,
      raw: negative ? `-${t.image}` : t.image,
    };
  }

  private stringLit(t: IToken): A.StringLit {
    const decoded = decodeStringLiteral(t.image);
    if (decoded.badEscapeAt !== undefined) {
      const at = t.startOffset + 1 + decoded.badEscapeAt - 1;
      this.diagnostics.push(
        diagnostic(this.file, { start: at, end: at + 2 }, message("unknownEscape", { escape: t.image.slice(decoded.badEscapeAt, decoded.badEscapeAt + 2) }), {
          help: helpText("escapes"),
        }),
      );
    }
    const nul = t.image.indexOf("\u0000");
    if (nul >= 0) {
      // PostgreSQL text cannot hold NUL and DuckDB's SQL parser stops at one: no engine could run it.
      const at = t.startOffset + nul;
      this.diagnostics.push(
        diagnostic(this.file, { start: at, end: at + 1 }, message("nulInString"), { help: helpText("removeNul") }),
      );
    }
    return { kind: "StringLit", id: this.id(), span: this.tokenSpan(t), value: decoded.value, raw: t.image };
  }

  private dateLit(t: IToken): A.DateLit {
    const days = parseDateDays(t.image);
    if (Number.isNaN(days)) {
      this.diagnostics.push(
        diagnostic(this.file, this.tokenSpan(t), message("notADate", { text: t.image }), { help: helpText("dateSyntax") }),
      );
    }
    return { kind: "DateLit", id: this.id(), span: this.tokenSpan(t), days, raw: t.image };
  }

  path(node: CstNode | undefined, at: number): A.FieldPath {
    const segs = node ? this.tokens(node, "Identifier", "NameLike").map((t) => this.name(t)) : [];
    const span = segs.length ? { start: segs[0].span.start, end: segs[segs.length - 1].span.end } : { start: at, end: at };
    return { kind: "FieldPath", id: this.id(), span, segments: segs, text: segs.map((s) => s.text).join(".") };
  }

  // ---- declarations ----

  declaration(node: CstNode): A.Declaration | undefined {
    const inner = Object.values(node.children)[0]?.[0];
    if (!inner || isToken(inner)) return undefined;
    switch (inner.name) {
      case "importDecl": return this.importDecl(inner);
      case "schemaDecl": return this.schemaDecl(inner);
      case "criterionDecl": return this.criterionDecl(inner);
      case "scoreDecl": return this.scoreDecl(inner);
      case "stageDecl": return this.stageDecl(inner);
      case "exampleDecl": return this.exampleDecl(inner);
      case "paramDecl": return this.paramDecl(inner);
      case "outcomeDecl": return this.outcomeDecl(inner);
      case "eventsDecl": return this.eventsDecl(inner);
      case "gradeDecl": return this.gradeDecl(inner);
      case "disqualifyDecl": return this.disqualifyDecl(inner);
      default: return undefined;
    }
  }

  private spanOf(node: CstNode, fallback: number): Span {
    return this.nodeSpan(node) ?? { start: fallback, end: fallback };
  }

  private importDecl(node: CstNode): A.ImportDecl {
    const span = this.spanOf(node, 0);
    const s = this.tok(node, "StringLiteral");
    return { kind: "ImportDecl", id: this.id(), span, path: s ? this.stringLit(s) : this.missing("a file path in quotes", span.end) };
  }

  private schemaDecl(node: CstNode): A.SchemaDecl {
    const span = this.spanOf(node, 0);
    return { kind: "SchemaDecl", id: this.id(), span, fields: this.fieldDecls(node) };
  }

  private eventsDecl(node: CstNode): A.EventsDecl {
    const span = this.spanOf(node, 0);
    return { kind: "EventsDecl", id: this.id(), span, name: this.nameOrMissing(this.tok(node, "NameLike"), span.end), fields: this.fieldDecls(node) };
  }

  /** The `path: type [from "Column"]` lines of a schema or an event stream. */
  private fieldDecls(node: CstNode): A.FieldDecl[] {
    return this.subs(node, "fieldDecl").flatMap((f) => {
      const fspan = this.nodeSpan(f);
      if (!fspan) return [];
      const path = this.path(this.sub(f, "path"), fspan.start);
      const typeNode = this.sub(f, "typeRef");
      const type = this.orMissing(typeNode, (n) => this.typeRef(n), "a type", fspan.end);
      const columnTok = this.tok(f, "StringLiteral");
      const column = columnTok ? this.stringLit(columnTok) : undefined;
      return [{ kind: "FieldDecl", id: this.id(), span: fspan, path, type, ...(column ? { column } : {}) } satisfies A.FieldDecl];
    });
  }

  private typeRef(node: CstNode): A.TypeRef {
    const span = this.spanOf(node, 0);
    const ellipsis = this.tok(node, "Ellipsis");
    const nameTok = this.tok(node, "Identifier");
    return {
      kind: "TypeRef",
      id: this.id(),
      span,
      name: this.nameOrMissing(nameTok, span.start),
      args: this.tokens(node, "NameLike", "StringLiteral").map((t) => (t.tokenType.name === "StringLiteral" ? this.stringLit(t) : this.name(t))),
      ...(ellipsis ? { ellipsis: this.tokenSpan(ellipsis) } : {}),
      optional: this.tok(node, "Question") !== undefined,
      hasArgs: this.tok(node, "LParen") !== undefined,
    };
  }

  private criterionDecl(node: CstNode): A.CriterionDecl {
    return { kind: "CriterionDecl", ...this.namedCondition(node, "end") };
  }

  private outcomeDecl(node: CstNode): A.OutcomeDecl {
    return { kind: "OutcomeDecl", ...this.namedCondition(node, "end") };
  }

  private gradeDecl(node: CstNode): A.GradeDecl {
    const span = this.spanOf(node, 0);
    const lines = this.subs(node, "gradeLine").flatMap((l): A.GradeLine[] => {
      const lspan = this.nodeSpan(l);
      if (!lspan) return [];
      return [{
        kind: "GradeLine",
        id: this.id(),
        span: lspan,
        letter: this.nameOrMissing(this.tok(l, "NameLike"), lspan.start),
        condition: this.expressionOrMissing(this.sub(l, "expression"), lspan.end),
      }];
    });
    const otherwise = this.subs(node, "gradeElse").flatMap((l): A.GradeElse[] => {
      const lspan = this.nodeSpan(l);
      if (!lspan) return [];
      return [{ kind: "GradeElse", id: this.id(), span: lspan, letter: this.nameOrMissing(this.tok(l, "NameLike"), lspan.end) }];
    });
    return { kind: "GradeDecl", id: this.id(), span, name: this.nameOrMissing(this.tok(node, "NameLike"), span.end), lines, otherwise };
  }

  private disqualifyDecl(node: CstNode): A.DisqualifyDecl {
    const span = this.spanOf(node, 0);
    const reason = this.tok(node, "StringLiteral");
    return {
      kind: "DisqualifyDecl",
      id: this.id(),
      span,
      condition: this.expressionOrMissing(this.sub(node, "expression"), span.end),
      reason: reason ? this.stringLit(reason) : undefined,
    };
  }

  private stageDecl(node: CstNode): A.StageDecl {
    return { kind: "StageDecl", ...this.namedCondition(node, "start") };
  }

  /** `criterion NAME when EXPR` and `NAME when EXPR`; a missing name sits where it was expected. */
  private namedCondition(node: CstNode, missingNameAt: "start" | "end") {
    const span = this.spanOf(node, 0);
    return {
      id: this.id(),
      span,
      name: this.nameOrMissing(this.tok(node, "NameLike"), span[missingNameAt]),
      condition: this.expressionOrMissing(this.sub(node, "expression"), span.end),
    };
  }

  private scoreDecl(node: CstNode): A.ScoreDecl {
    const span = this.spanOf(node, 0);
    const perLines: A.PerLine[] = [];
    const lines = this.subs(node, "scoreLine").flatMap((l): A.ScoreLine[] => {
      const lspan = this.nodeSpan(l);
      const num = this.tok(l, "NumberLiteral");
      if (!lspan || !num) return [];
      const negative = this.tok(l, "Minus") !== undefined;
      const lit = this.numberLit(num, negative);
      const per = this.sub(l, "perClause");
      if (per) {
        perLines.push(this.perLine(per, lspan, lit, `${negative ? "-" : "+"}${num.image}`));
        return [];
      }
      return [{
        kind: "ScoreLine",
        id: this.id(),
        span: lspan,
        weight: lit.value,
        raw: `${negative ? "-" : "+"}${num.image}`,
        condition: this.expressionOrMissing(this.sub(l, "expression"), lspan.end),
      }];
    });
    const bounds = this.subs(node, "scoreBound").flatMap((b): A.ScoreBound[] => {
      const bspan = this.nodeSpan(b);
      const num = this.tok(b, "NumberLiteral");
      if (!bspan || !num) return [];
      const negative = this.tok(b, "Minus") !== undefined;
      const lit = this.numberLit(num, negative);
      return [{ kind: "ScoreBound", id: this.id(), span: bspan, bound: this.tok(b, "Cap") ? "cap" : "floor", value: lit.value, raw: lit.raw }];
    });
    return { kind: "ScoreDecl", id: this.id(), span, name: this.nameOrMissing(this.tok(node, "NameLike"), span.end), lines, perLines, bounds };
  }

  private perLine(node: CstNode, span: Span, weight: A.NumberLit, raw: string): A.PerLine {
    const filters = this.streamFilters(node, span.end);
    const decay = this.tok(node, "decay");
    const every = this.tok(node, "every");
    const max = this.tok(node, "max");
    return {
      kind: "PerLine",
      id: this.id(),
      span,
      weight: weight.value,
      raw,
      stream: this.nameOrMissing(this.tok(node, "stream"), span.end),
      ...filters,
      decay: decay ? { percent: this.numberLit(decay), every: every ? this.numberLit(every) : this.missingNumber(span.end) } : undefined,
      max: max ? this.numberLit(max) : undefined,
    };
  }

  /** A stand-in for a number the parser could not find (its syntax error is already reported). */
  private missingNumber(at: number): A.NumberLit {
    return { kind: "NumberLit", id: this.id(), span: { start: at, end: at }, value: NaN, raw: "" };
  }

  /** The `where COND` and `within N days` of a stream query or a `per` line. */
  private streamFilters(node: CstNode, at: number): { where: A.Expr | undefined; within: A.NumberLit | undefined } {
    const whereWord = this.tok(node, "whereWord");
    const within = this.tok(node, "within");
    return {
      where: whereWord ? this.expressionOrMissing(this.sub(node, "where"), whereWord.endOffset! + 1) : undefined,
      within: within ? this.numberLit(within) : this.tok(node, "withinWord") ? this.missingNumber(at) : undefined,
    };
  }

  private exampleDecl(node: CstNode): A.ExampleDecl {
    const span = this.spanOf(node, 0);
    const title = this.tok(node, "StringLiteral");
    const assignments = this.assignments(node);
    const asOfs = this.subs(node, "exampleAsOf").flatMap((a): A.ExampleAsOf[] => {
      const aspan = this.nodeSpan(a);
      if (!aspan) return [];
      const d = this.tok(a, "DateLiteral");
      return [{ kind: "ExampleAsOf", id: this.id(), span: aspan, date: d ? this.dateLit(d) : this.missing("a date", aspan.end) }];
    });
    const expectations = this.subs(node, "expectClause").flatMap((e): A.Expectation[] => {
      const espan = this.nodeSpan(e);
      if (!espan) return [];
      if (this.tok(e, "Stage")) {
        return [{ kind: "ExpectStage", id: this.id(), span: espan, stage: this.nameOrMissing(this.tok(e, "NameLike"), espan.end) }];
      }
      if (this.tok(e, "Score")) {
        const num = this.tok(e, "NumberLiteral");
        return [{
          kind: "ExpectScore",
          id: this.id(),
          span: espan,
          score: this.nameOrMissing(this.tok(e, "NameLike"), espan.end),
          value: num ? this.numberLit(num, this.tok(e, "Minus") !== undefined) : this.missing("a number", espan.end),
        }];
      }
      const reason = this.tok(e, "StringLiteral");
      if (reason) return [{ kind: "ExpectReason", id: this.id(), span: espan, reason: this.stringLit(reason) }];
      const nameTok = this.tok(e, "Identifier");
      if (!nameTok) return [];
      if (this.tok(e, "Equals")) {
        return [{ kind: "ExpectGrade", id: this.id(), span: espan, grade: this.name(nameTok), letter: this.nameOrMissing(this.tok(e, "NameLike"), espan.end) }];
      }
      return [{ kind: "ExpectFlag", id: this.id(), span: espan, name: this.name(nameTok), value: this.tok(e, "Not") === undefined }];
    });
    if (asOfs.length > 1) {
      this.diagnostics.push(diagnostic(this.file, asOfs[1].span, message("asOfTwice"), { help: helpText("oneAsOf") }));
    }
    return {
      kind: "ExampleDecl",
      id: this.id(),
      span,
      title: title ? this.stringLit(title) : this.missing("a title in quotes", span.start),
      assignments,
      asOf: asOfs[0],
      expectations,
    };
  }

  /** The `path = value` lines of an example or an event record. */
  private assignments(node: CstNode): A.ExampleAssign[] {
    return this.subs(node, "exampleAssign").flatMap((a): A.ExampleAssign[] => {
      const aspan = this.nodeSpan(a);
      if (!aspan) return [];
      const valueNode = this.sub(a, "exampleValue");
      return [{
        kind: "ExampleAssign",
        id: this.id(),
        span: aspan,
        path: this.path(this.sub(a, "path"), aspan.start),
        value: this.orMissing(valueNode, (n) => this.exampleValue(n), "a value", aspan.end),
      }];
    });
  }

  private paramDecl(node: CstNode): A.ParamDecl {
    const span = this.spanOf(node, 0);
    const valueNode = this.sub(node, "exampleValue");
    return {
      kind: "ParamDecl",
      id: this.id(),
      span,
      name: this.nameOrMissing(this.tok(node, "NameLike"), span.end),
      value: valueNode && this.nodeSpan(valueNode) ? this.exampleValue(valueNode) : this.missing("a value", span.end),
    };
  }

  private exampleValue(node: CstNode): A.ExampleValue {
    const span = this.spanOf(node, 0);
    const num = this.tok(node, "NumberLiteral");
    if (num) {
      const minus = this.tok(node, "Minus");
      return this.numberLit(num, minus !== undefined, minus?.startOffset);
    }
    const literal = this.textLiteral(node, span);
    if (literal) return literal;
    const ident = this.tok(node, "Identifier");
    if (ident) {
      const name = this.name(ident);
      const path: A.FieldPath = { kind: "FieldPath", id: this.id(), span: name.span, segments: [name], text: name.text };
      return { kind: "Ref", id: this.id(), span: name.span, path };
    }
    const list = this.sub(node, "listLiteral");
    if (list) return this.listLiteral(list, span.start);
    const events = this.sub(node, "eventList");
    if (events) return this.eventList(events, span);
    return this.missing("a value", span.end);
  }

  private eventList(node: CstNode, span: Span): A.EventListLit {
    const events = this.subs(node, "eventRecord").flatMap((r): A.EventRecord[] => {
      const rspan = this.nodeSpan(r);
      if (!rspan) return [];
      return [{ kind: "EventRecord", id: this.id(), span: rspan, assignments: this.assignments(r) }];
    });
    return { kind: "EventListLit", id: this.id(), span, events };
  }

  // ---- expressions ----

  expressionOrMissing(node: CstNode | undefined, at: number): A.Expr {
    return this.orMissing(node, (n) => this.expression(n), "a condition", at);
  }

  private binaryChain(node: CstNode, operandRule: string, operatorTokens: string[], convert: (n: CstNode) => A.Expr, opText?: (t: IToken) => A.Binary["op"]): A.Expr {
    const operands = this.subs(node, operandRule);
    const ops = this.tokens(node, ...operatorTokens);
    const span = this.spanOf(node, 0);
    let result = this.orMissing(operands[0], convert, "an operand", span.start);
    for (let i = 0; i < ops.length; i++) {
      const rightNode = operands[i + 1];
      const right = this.orMissing(rightNode, convert, "an operand", ops[i].endOffset! + 1);
      result = {
        kind: "Binary",
        id: this.id(),
        span: { start: result.span.start, end: Math.max(right.span.end, ops[i].endOffset! + 1) },
        op: opText ? opText(ops[i]) : (ops[i].image as A.Binary["op"]),
        left: result,
        right,
      };
    }
    return result;
  }

  expression(node: CstNode): A.Expr {
    return this.binaryChain(node, "andExpr", ["Or"], (n) => this.andExpr(n));
  }

  private andExpr(node: CstNode): A.Expr {
    return this.binaryChain(node, "notExpr", ["And"], (n) => this.notExpr(n));
  }

  private notExpr(node: CstNode): A.Expr {
    return this.prefixRule(node, { token: "Not", op: "not", rule: "notExpr", what: "a condition" }, { rule: "comparison", what: "a condition", build: (n) => this.comparison(n) });
  }

  /**
   * A prefix-operator rule (`not x`, `-x`): the operator applied to the rule itself when its token
   * is there, else the next rule down; a part the parser could not read is `Missing`.
   */
  private prefixRule(
    node: CstNode,
    prefix: { token: string; op: "not" | "-"; rule: string; what: string },
    next: { rule: string; what: string; build: (n: CstNode) => A.Expr },
  ): A.Expr {
    const span = this.spanOf(node, 0);
    if (this.tok(node, prefix.token)) {
      const operand = this.orMissing(this.sub(node, prefix.rule), (n) => this.prefixRule(n, prefix, next), prefix.what, span.end);
      return { kind: "Unary", id: this.id(), span, op: prefix.op, operand };
    }
    return this.orMissing(this.sub(node, next.rule), next.build, next.what, span.start);
  }

  private comparison(node: CstNode): A.Expr {
    const span = this.spanOf(node, 0);
    const operands = this.subs(node, "additive");
    const left = this.orMissing(operands[0], (n) => this.additive(n), "an operand", span.start);
    const rightOf = (at: number) => this.orMissing(operands[1], (n) => this.additive(n), "an operand", at);
    const cmpTok = this.tokens(node, "Equals", "NotEquals", "Less", "LessEquals", "Greater", "GreaterEquals")[0];
    if (cmpTok) {
      const right = rightOf(cmpTok.endOffset! + 1);
      return { kind: "Binary", id: this.id(), span, op: cmpTok.image as A.CompareOp, left, right };
    }
    const inTok = this.tok(node, "In");
    if (inTok) {
      const listNode = this.sub(node, "listLiteral");
      const list = this.orMissing(listNode, (n) => this.listLiteral(n, inTok.endOffset! + 1), "a list `[...]`", inTok.endOffset! + 1);
      return { kind: "InList", id: this.id(), span, negated: this.tok(node, "Not") !== undefined, operand: left, list };
    }
    const containsTok = this.tok(node, "Contains");
    if (containsTok) return { kind: "Binary", id: this.id(), span, op: "contains", left, right: rightOf(containsTok.endOffset! + 1) };
    const withTok = this.tok(node, "With") ?? this.tok(node, "Starts") ?? this.tok(node, "Ends");
    if (withTok) {
      const op = this.tok(node, "Ends") ? "ends with" : "starts with";
      return { kind: "Binary", id: this.id(), span, op, left, right: rightOf(withTok.endOffset! + 1) };
    }
    if (this.tok(node, "Is")) {
      return { kind: "PresenceTest", id: this.id(), span, missing: this.tok(node, "Present") === undefined, operand: left };
    }
    return left;
  }

  private additive(node: CstNode): A.Expr {
    return this.binaryChain(node, "multiplicative", ["Plus", "Minus"], (n) => this.multiplicative(n));
  }

  private multiplicative(node: CstNode): A.Expr {
    return this.binaryChain(node, "unary", ["Star", "Slash"], (n) => this.unary(n));
  }

  private unary(node: CstNode): A.Expr {
    return this.prefixRule(node, { token: "Minus", op: "-", rule: "unary", what: "a number" }, { rule: "primary", what: "a value", build: (n) => this.primary(n) });
  }

  /** A string, date or boolean literal written in `node`, in examples and expressions alike. */
  private textLiteral(node: CstNode, span: Span): A.StringLit | A.DateLit | A.BoolLit | undefined {
    const s = this.tok(node, "StringLiteral");
    if (s) return this.stringLit(s);
    const d = this.tok(node, "DateLiteral");
    if (d) return this.dateLit(d);
    if (this.tok(node, "True")) return { kind: "BoolLit", id: this.id(), span, value: true };
    if (this.tok(node, "False")) return { kind: "BoolLit", id: this.id(), span, value: false };
    return undefined;
  }

  private primary(node: CstNode): A.Expr {
    const span = this.spanOf(node, 0);
    const num = this.tok(node, "NumberLiteral");
    if (num) return this.numberLit(num);
    const literal = this.textLiteral(node, span);
    if (literal) return literal;
    const list = this.sub(node, "listLiteral");
    if (list) return this.listLiteral(list, span.start);
    const atLeast = this.sub(node, "atLeast");
    if (atLeast) {
      const n = this.tok(atLeast, "NumberLiteral");
      const l = this.sub(atLeast, "listLiteral");
      const aspan = this.spanOf(atLeast, span.start);
      return {
        kind: "AtLeast",
        id: this.id(),
        span: aspan,
        count: n ? this.numberLit(n) : this.missing("a count", aspan.end),
        list: this.orMissing(l, (n) => this.listLiteral(n, aspan.end), "a list of conditions `[...]`", aspan.end),
      };
    }
    const query = this.sub(node, "streamQuery");
    if (query) {
      const qspan = this.spanOf(query, span.start);
      const fn = this.tok(query, "fn");
      return {
        kind: "StreamQuery",
        id: this.id(),
        span: qspan,
        fn: fn?.image === "latest" ? "latest" : "count",
        stream: this.nameOrMissing(this.tok(query, "stream"), qspan.end),
        ...this.streamFilters(query, qspan.end),
      };
    }
    const call = this.sub(node, "call");
    if (call) {
      const cspan = this.spanOf(call, span.start);
      return {
        kind: "Call",
        id: this.id(),
        span: cspan,
        callee: this.nameOrMissing(this.tok(call, "Identifier"), cspan.start),
        args: this.subs(call, "expression").filter((e) => this.nodeSpan(e)).map((e) => this.expression(e)),
      };
    }
    const path = this.sub(node, "path");
    if (path) {
      const p = this.path(path, span.start);
      return { kind: "Ref", id: this.id(), span: p.span, path: p };
    }
    const inner = this.sub(node, "expression");
    if (this.tok(node, "LParen")) {
      return { kind: "Paren", id: this.id(), span, inner: this.expressionOrMissing(inner, span.start + 1) };
    }
    return this.missing("a value", span.start);
  }

  private listLiteral(node: CstNode, at: number): A.ListLit {
    const span = this.nodeSpan(node) ?? { start: at, end: at };
    return {
      kind: "ListLit",
      id: this.id(),
      span,
      items: this.subs(node, "listItem").filter((e) => this.nodeSpan(e)).map((e) => this.listItem(e)),
    };
  }

  /** A list item: the AST a lone literal or name gets from `primary`, or any expression. */
  private listItem(node: CstNode): A.Expr {
    const inner = this.sub(node, "expression");
    if (inner) return this.expression(inner);
    const num = this.tok(node, "NumberLiteral");
    if (num) return this.numberLit(num);
    const s = this.tok(node, "StringLiteral");
    if (s) return this.stringLit(s);
    const d = this.tok(node, "DateLiteral");
    if (d) return this.dateLit(d);
    const span = this.spanOf(node, 0);
    if (this.tok(node, "True")) return { kind: "BoolLit", id: this.id(), span, value: true };
    if (this.tok(node, "False")) return { kind: "BoolLit", id: this.id(), span, value: false };
    const p = this.path(node, span.start);
    return { kind: "Ref", id: this.id(), span: p.span, path: p };
  }
}
