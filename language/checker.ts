import * as A from "./ast.js";
import { layoutPattern } from "./date-layout.js";
import { codeList, diagnostic, helpText, message, type DiagnosticInit, type Message } from "./diagnostics.js";
import { DocSource } from "./docs.js";
import type { BodyLog, EditSession } from "./check-cache.js";
import type { DeclSymbol, FieldSymbol, FileModel, GradeSymbol, LeaddefSymbol, ParamSymbol, Resolution, StreamSymbol } from "./model.js";
import { baseName } from "./source.js";
import { closestName } from "./spelling.js";
import { isKeyword } from "./tokens.js";
import * as Ty from "./types.js";
import type { Type } from "./types.js";

/**
 * Column names every result has before the scores (and, with `--columns all`, the criteria and
 * stages), so no declaration may take them. (`stage`, the other one, is a keyword.)
 */
const RESULT_COLUMNS = new Set(["id"]);

export const FUNCTIONS = ["days_since"] as const;

type EnumType = Extract<Type, { kind: "enum" }>;

/**
 * Name resolution and type checking of one file whose scope (own and imported symbols) is
 * already in `model.fields` / `model.names`. Records every resolved occurrence and every
 * expression's type in the model's side tables.
 */
export class FileChecker {
  /** `session`: the language server's check of a new version of the file (see check-cache.ts). */
  constructor(private readonly model: FileModel, private readonly session?: EditSession) {}

  /** A new symbol, or (editing) the previous version's, updated: see `EditSession.keep`. */
  private keep<S extends LeaddefSymbol>(symbol: S): S {
    return this.session ? this.session.keep(symbol) : symbol;
  }

  private report(node: { span: A.Node["span"] }, message: Message, init?: DiagnosticInit): void {
    this.model.diagnostics.push(diagnostic(this.model.path, node.span, message, init));
  }

  /** A quick fix that replaces `node` with the name `near`. */
  private changeTo(node: { span: A.Node["span"] }, near: string): DiagnosticInit["suggestion"] {
    return { message: helpText("changeTo", { name: near }), span: node.span, text: near };
  }

  /**
   * Records a name resolved to a symbol. The declaration phase records every declared name again
   * on every keystroke in the editor, where the table passes from version to version: an equal
   * entry already there (the same node, symbol and role) is left as it is, not made anew.
   */
  private recordSymbol(node: A.Name | A.FieldPath, symbol: LeaddefSymbol, declaration: boolean): void {
    const old = this.model.occurrences.get(node.id);
    const r = old?.resolution;
    if (old?.node !== node || r?.kind !== "symbol" || r.symbol !== symbol || r.declaration !== declaration) this.record(node, { kind: "symbol", symbol, declaration });
    else this.recorded(node.id);
  }

  private record(node: A.Name | A.FieldPath, resolution: Resolution): void {
    this.model.occurrences.set(node.id, { node, resolution });
    this.recorded(node.id);
  }

  /** Who recorded occurrence `id`: the body being checked (its log) or the declaration phase. */
  private recorded(id: number): void {
    if (this.log) this.log.occurrences.push(id);
    else this.session?.declaredAt(id);
  }

  /** While a body is checked for the check cache: what it adds to the model (see check-cache.ts). */
  private log: BodyLog | undefined;

  private where(symbol: LeaddefSymbol): string {
    const line = symbol.file === this.model.path ? this.model.lines.position(symbol.decl.span.start).line + 1 : undefined;
    return line !== undefined ? helpText("atLine", { line }) : helpText("quoted", { text: baseName(symbol.file) });
  }

  // ---- declarations ----

  /** Builds symbols for this file's own declarations and adds them to its scope. */
  declareOwn(): void {
    const docs = new DocSource(this.model);
    for (const decl of this.model.ast.declarations) {
      switch (decl.kind) {
        case "SchemaDecl":
          for (const field of decl.fields) this.declareField(field, docs);
          break;
        case "CriterionDecl":
          this.declareName(this.keep({ kind: "criterion", name: decl.name.text, decl, file: this.model.path, docs }), decl.name);
          break;
        case "ScoreDecl":
          this.declareName(this.keep({ kind: "score", name: decl.name.text, decl, file: this.model.path, docs }), decl.name);
          break;
        case "StageDecl": {
          const symbol = this.keep({ kind: "stage" as const, name: decl.name.text, decl, file: this.model.path, docs, index: this.model.stages.length });
          if (this.declareName(symbol, decl.name)) this.model.stages.push(symbol);
          break;
        }
        case "ExampleDecl":
          this.model.examples.push(decl);
          break;
        case "ParamDecl":
          this.declareParam(decl, docs);
          break;
        case "OutcomeDecl":
          this.declareName(this.keep({ kind: "outcome", name: decl.name.text, decl, file: this.model.path, docs }), decl.name);
          break;
        case "EventsDecl":
          this.declareStream(decl, docs);
          break;
        case "GradeDecl": {
          const letters = [...new Set([...decl.lines, ...decl.otherwise].sort((a, b) => a.span.start - b.span.start).map((l) => l.letter.text).filter(Boolean))];
          this.declareName(this.keep({ kind: "grade", name: decl.name.text, decl, file: this.model.path, docs, letters }), decl.name);
          break;
        }
        case "DisqualifyDecl":
          this.model.disqualifications.push(decl);
          break;
      }
    }
    this.checkFieldPrefixes();
  }

  /**
   * `events NAME { … }`: the stream's fields are a scope of their own (seen inside `where`), and
   * every stream has a required `occurred: date`, which windows and decay measure from.
   */
  private declareStream(decl: A.EventsDecl, docs: DocSource): void {
    const name = decl.name.text;
    const fields = new Map<string, FieldSymbol>();
    const symbol: StreamSymbol = this.keep({ kind: "stream", name, decl, file: this.model.path, docs, fields });
    for (const f of decl.fields) {
      const path = f.path.text;
      if (!path) continue;
      let type = f.type.kind === "TypeRef" ? this.typeOf(f.type) : Ty.ERROR;
      if (type.kind === "enum") type = { ...type, field: path, stream: name };
      const existing = fields.get(path);
      if (existing) {
        this.report(f.path, message("fieldDeclaredTwice", { path, where: this.where(existing) }), { help: helpText("declareFieldOnce") });
        continue;
      }
      const optional = f.type.kind === "TypeRef" && f.type.optional;
      const field: FieldSymbol = this.keep({ kind: "field", name: path, type, optional, decl: f, file: this.model.path, docs, stream: name });
      fields.set(path, field);
      this.recordSymbol(f.path, field, true);
    }
    if (!name) return;
    const occurred = fields.get("occurred");
    if (!occurred) this.report(decl.name, message("streamWithoutOccurred", { name }), { help: helpText("addOccurred") });
    else if ((occurred.type.kind !== "date" && occurred.type.kind !== "error") || occurred.optional) {
      this.report(occurred.decl.type, message("occurredNotADate", { name, found: occurred.decl.type.kind === "TypeRef" ? this.model.text.slice(occurred.decl.type.span.start, occurred.decl.type.span.end) : "?" }), { help: helpText("addOccurred") });
    }
    // In JSON Lines a stream is an array under its name: a field below that name has no place.
    const clash = [...this.model.fields.keys()].find((f) => f.startsWith(name + "."));
    if (clash) this.report(decl.name, message("streamFieldClash", { name, field: clash }), { help: helpText("renameStream") });
    this.declareName(symbol, decl.name);
  }

  private declareField(field: A.FieldDecl, docs: DocSource): void {
    const path = field.path.text;
    if (!path) return;
    let symbol = this.session?.unchangedField(field);
    if (symbol) symbol.docs = docs;
    else {
      const reported = this.model.diagnostics.length;
      let type = field.type.kind === "TypeRef" ? this.typeOf(field.type) : Ty.ERROR;
      if (type.kind === "enum") type = { ...type, field: path };
      const optional = field.type.kind === "TypeRef" && field.type.optional;
      symbol = this.keep<FieldSymbol>({ kind: "field", name: path, type, optional, decl: field, file: this.model.path, docs });
      if (this.model.diagnostics.length === reported) this.session?.declaredField(field, symbol);
    }
    const root = field.path.segments[0];
    if (root && isKeyword(root.text)) {
      this.report(root, message("keywordFieldRoot", { name: root.text }), { help: helpText("renameField", { path }) });
      return;
    }
    const existing = this.model.fields.get(path);
    if (existing) {
      this.report(field.path, message("fieldDeclaredTwice", { path, where: this.where(existing) }), { help: helpText("declareFieldOnce") });
      this.recordSymbol(field.path, existing, false);
      return;
    }
    const clash = this.model.names.get(path);
    if (clash) {
      this.report(field.path, message("alreadyDeclaredAs", { name: path, kind: clash.kind, where: this.where(clash) }));
      return;
    }
    this.model.fields.set(path, symbol);
    this.model.ownFields.push(symbol);
    this.recordSymbol(field.path, symbol, true);
  }

  /** A field that is also the parent of another (`a` and `a.b`) has no single JSON shape. */
  private checkFieldPrefixes(): void {
    const all = this.model.fields;
    for (const f of this.model.ownFields) {
      // Each path up to a dot: `a`, then `a.b` in `a.b.c`.
      for (let dot = f.name.indexOf("."); dot !== -1; dot = f.name.indexOf(".", dot + 1)) {
        const prefix = f.name.slice(0, dot);
        if (all.has(prefix)) {
          this.report(f.decl.path, message("fieldUnderField", { field: f.name, prefix }), { help: helpText("renameFieldPrefix") });
          break;
        }
      }
    }
  }

  private declareName(symbol: DeclSymbol, name: A.Name): boolean {
    if (!name.text) return false;
    if (isKeyword(name.text)) {
      const help = name.text === "none" ? helpText("noneMeansNoStage") : helpText("notAKeyword");
      this.report(name, message("keywordName", { name: name.text, kind: symbol.kind }), { help });
      return false;
    }
    if (RESULT_COLUMNS.has(name.text)) {
      // Results (CSV, SQL) put each score, criterion and stage in a column beside these.
      this.report(name, message("resultColumnName", { name: name.text, kind: symbol.kind }), { help: helpText("resultColumns") });
      return false;
    }
    if (symbol.kind === "stage" && name.text === "disqualified") {
      this.report(name, message("disqualifiedStageName"), { help: helpText("disqualifiedStage") });
      return false;
    }
    if (name.text === "reason" && this.model.ast.declarations.some((d) => d.kind === "DisqualifyDecl")) {
      // Results of a definition with disqualifications have a `reason` column beside the others.
      this.report(name, message("reasonColumnName", { kind: symbol.kind }), { help: helpText("reasonColumn") });
      return false;
    }
    const existing = this.model.names.get(name.text);
    if (existing) {
      this.report(name, message("alreadyDeclaredAs", { name: name.text, kind: existing.kind, where: this.where(existing) }), {
        help: helpText("oneSetOfNames"),
      });
      return false;
    }
    if (this.model.fields.has(name.text)) {
      this.report(name, message("alreadyDeclaredAsField", { name: name.text }));
      return false;
    }
    this.model.names.set(name.text, symbol);
    this.model.ownDecls.push(symbol);
    this.recordSymbol(name, symbol, true);
    return true;
  }

  /**
   * A parameter's type is its literal's: a whole number written without a point is an integer
   * (`60`), one with a point a number (`60.0`), and a bare name an enum member, typed by the
   * enum it is compared with.
   */
  private declareParam(decl: A.ParamDecl, docs: DocSource): void {
    const v = decl.value;
    let type: Type = Ty.ERROR;
    switch (v.kind) {
      case "NumberLit": type = Number.isInteger(v.value) && !v.raw.includes(".") ? Ty.INTEGER : Ty.NUMBER; break;
      case "StringLit": type = Ty.STRING; break;
      case "DateLit": type = Number.isNaN(v.days) ? Ty.ERROR : Ty.DATE; break;
      case "BoolLit": type = Ty.BOOLEAN; break;
      case "Ref": break;
      case "ListLit":
        this.report(v, message("paramNotAList", { name: decl.name.text }), { help: helpText("paramValues") });
        break;
      case "Missing": break;
    }
    const written = this.model.text.slice(v.span.start, v.span.end);
    const symbol: ParamSymbol = this.keep({ kind: "param", name: decl.name.text, decl, file: this.model.path, docs, type, written, enums: [] });
    this.declareName(symbol, decl.name);
  }

  private typeOf(ref: A.TypeRef): Type {
    const name = ref.name.text;
    if (!(Ty.TYPE_NAMES as readonly string[]).includes(name)) {
      const near = closestName(name, Ty.TYPE_NAMES);
      this.report(ref.name, message("unknownType", { name }), {
        help: helpText("theTypes", { types: Ty.TYPE_NAMES.join(", ") }),
        ...(near ? { suggestion: this.changeTo(ref.name, near) } : {}),
      });
      return Ty.ERROR;
    }
    if (name === "enum") {
      if (ref.args.length === 0) {
        this.report(ref, message("emptyEnum"), { help: helpText("enumSyntax") });
        return Ty.ERROR;
      }
      const seen = new Set<string>();
      for (const arg of ref.args) {
        const text = A.argText(arg);
        if (ref.ellipsis && arg.span.start > ref.ellipsis.start) this.report(arg, message("ellipsisNotLast"), { help: helpText("ellipsisLast") });
        if (seen.has(text)) this.report(arg, message("enumMemberTwice", { member: text }));
        else if (arg.kind === "Name" && isKeyword(text)) this.report(arg, message("keywordMember", { name: text }), { help: helpText("quoteMember", { name: text }) });
        else if (arg.kind === "StringLit" && text.trim() === "") this.report(arg, message("emptyMember"));
        seen.add(text);
      }
      return { kind: "enum", members: [...seen], field: "", ...(ref.ellipsis ? { open: true } : {}) };
    }
    if (name === "date" && ref.hasArgs) {
      const layout = ref.args[0];
      if (ref.args.length !== 1 || layout.kind !== "StringLit") {
        this.report(ref, message("dateLayoutArgs"));
        return Ty.ERROR;
      }
      const pattern = layoutPattern(layout.value);
      if ("error" in pattern) {
        this.report(layout, message("badDateLayout", { layout: layout.value, problem: pattern.error }), { help: helpText("dateLayoutExample") });
        return Ty.ERROR;
      }
      return { kind: "date", layout: layout.value };
    }
    if (name === "list") {
      if (ref.args.length !== 1 || ref.args[0].kind !== "Name" || ref.args[0].text !== "string") {
        this.report(ref, message("listOfStrings"));
        return Ty.ERROR;
      }
      return Ty.LIST;
    }
    if (ref.hasArgs) this.report(ref, message("typeTakesNoArguments", { name }));
    return { kind: name } as Type;
  }

  // ---- bodies ----

  /**
   * Checks every declaration's body. In an editing session (see check-cache.ts) a body checked
   * in the previous version under the same scope is kept rather than checked again.
   */
  checkBodies(): void {
    const session = this.session;
    session?.scopeReady();
    for (const decl of this.model.ast.declarations) {
      if (!session) {
        this.checkBody(decl);
        continue;
      }
      if (session.kept(decl)) continue;
      const log: BodyLog = { types: [], occurrences: [], diagnostics: [] };
      const before = this.model.diagnostics.length;
      this.log = log;
      try {
        this.checkBody(decl);
      } finally {
        this.log = undefined;
      }
      log.diagnostics = this.model.diagnostics.slice(before);
      session.checked(decl, log);
    }
    session?.finish();
  }

  private checkBody(decl: A.Declaration): void {
    switch (decl.kind) {
      case "CriterionDecl":
      case "StageDecl":
        this.expectBoolean(decl.condition, decl.kind === "StageDecl" ? "a stage" : "a criterion");
        break;
      case "ScoreDecl":
        this.checkScore(decl);
        break;
      case "OutcomeDecl":
        this.expectBoolean(decl.condition, "an outcome");
        break;
      case "GradeDecl":
        this.checkGrade(decl);
        break;
      case "DisqualifyDecl":
        this.checkDisqualify(decl);
        break;
      case "ExampleDecl":
        this.checkExample(decl);
        break;
    }
  }

  private checkScore(decl: A.ScoreDecl): void {
    for (const line of decl.lines) this.expectBoolean(line.condition, "a score line");
    for (const line of decl.perLines) {
      this.checkStreamUse(line.stream, line.where, line.within);
      if (line.decay) {
        const r = line.decay.percent;
        if (r.raw && !(r.value > 0 && r.value <= 100)) this.report(r, message("badDecayPercent", { value: r.raw }), { help: helpText("windowExample") });
        const d = line.decay.every;
        if (d.raw && !(Number.isInteger(d.value) && d.value >= 1)) this.report(d, message("badDecayEvery", { value: d.raw }), { help: helpText("windowExample") });
      }
      if (line.max && !(line.max.value > 0)) this.report(line.max, message("badMax", { value: line.max.raw }));
    }
    const caps = decl.bounds.filter((b) => b.bound === "cap");
    const floors = decl.bounds.filter((b) => b.bound === "floor");
    for (const extra of [...caps.slice(1), ...floors.slice(1)]) {
      this.report(extra, message("boundSetTwice", { bound: extra.bound, score: decl.name.text }));
    }
    if (caps[0] && floors[0] && caps[0].value < floors[0].value) {
      this.report(caps[0], message("capBelowFloor", { cap: caps[0].raw, floor: floors[0].raw }), { help: helpText("capAndFloor") });
    }
  }

  /** The stream a query or `per` line names; reported (with a suggestion) when there is none. */
  private streamNamed(name: A.Name): StreamSymbol | undefined {
    if (!name.text) return undefined;
    const symbol = this.model.names.get(name.text);
    if (symbol?.kind === "stream") {
      this.record(name, { kind: "symbol", symbol, declaration: false });
      return symbol;
    }
    const streams = [...this.model.names.values()].filter((s) => s.kind === "stream").map((s) => s.name);
    const near = closestName(name.text, streams);
    this.report(name, message("unknownStream", { name: name.text }), near
      ? { help: helpText("didYouMean", { name: near }), suggestion: this.changeTo(name, near) }
      : { help: streams.length ? helpText("theStreams", { streams: codeList(streams) }) : helpText("declareStream", { name: name.text }) });
    return undefined;
  }

  /** The event stream whose fields bare names inside a `where` see first (undefined outside one). */
  private eventScope: StreamSymbol | undefined;
  /** Inside the `where` of an unknown stream, whose fields cannot be told: unknown names are not reported again. */
  private inUnknownStream = false;

  /** `S where COND within N days`, in a stream query or a `per` line. */
  private checkStreamUse(streamName: A.Name, where: A.Expr | undefined, within: A.NumberLit | undefined): void {
    const nested = this.eventScope !== undefined || this.inUnknownStream;
    if (nested) this.report(streamName, message("nestedStreamQuery"), { help: helpText("queryOnce") });
    const stream = this.streamNamed(streamName);
    if (within && within.raw && !(Number.isInteger(within.value) && within.value >= 0)) {
      this.report(within, message("badWithin", { value: within.raw }), { help: helpText("windowExample") });
    }
    if (!where) return;
    const outer = this.eventScope;
    const outerUnknown = this.inUnknownStream;
    this.eventScope = stream;
    this.inUnknownStream = stream === undefined;
    try {
      this.expectBoolean(where, "a `where` filter");
    } finally {
      this.eventScope = outer;
      this.inUnknownStream = outerUnknown;
    }
  }

  /** A grade's lines: boolean conditions, each letter once, and one `else`, last. */
  private checkGrade(decl: A.GradeDecl): void {
    const name = decl.name.text;
    const symbol = this.model.names.get(name);
    const enumType = symbol?.kind === "grade" && symbol.decl === decl ? gradeType(symbol) : undefined;
    const seen = new Set<string>();
    const items = [...decl.lines, ...decl.otherwise].sort((a, b) => a.span.start - b.span.start);
    for (const item of items) {
      const letter = item.letter;
      if (letter.text) {
        if (isKeyword(letter.text)) this.report(letter, message("keywordMember", { name: letter.text }), { help: helpText("notAKeyword") });
        else if (seen.has(letter.text) && item.kind === "GradeLine") this.report(letter, message("gradeLetterTwice", { letter: letter.text, name }), { help: helpText("gradeLettersOnce") });
        else if (enumType) this.record(letter, { kind: "member", field: undefined, enumType, member: letter.text });
        seen.add(letter.text);
      }
      if (item.kind === "GradeLine") this.expectBoolean(item.condition, "a grade line");
    }
    const last = items[items.length - 1];
    if (decl.otherwise.length === 0) {
      const fallback = ["D", "C", "B", "E", "F", "X"].find((l) => !seen.has(l)) ?? "other";
      this.report(decl.name, message("gradeWithoutElse", { name }), { help: helpText("gradeElse", { letter: fallback }) });
    } else if (decl.otherwise.length > 1 || last?.kind !== "GradeElse") {
      const wrong = decl.otherwise.find((e) => e !== last) ?? decl.otherwise[0];
      this.report(wrong, message("gradeElseNotLast", { name }));
    }
  }

  /** A disqualification: a boolean condition and a reason to show. */
  private checkDisqualify(decl: A.DisqualifyDecl): void {
    this.expectBoolean(decl.condition, "a disqualification");
    if (!decl.reason) {
      const at = decl.condition.span.end;
      this.report(decl, message("disqualifyWithoutReason"), {
        help: helpText("addReason"),
        suggestion: { message: helpText("addReason"), span: { start: at, end: at }, text: ' because "…"' },
      });
    } else if (decl.reason.value.trim() === "") {
      this.report(decl.reason, message("disqualifyEmptyReason"), { help: helpText("addReason") });
    }
  }

  private expectBoolean(expr: A.Expr, where: string): void {
    const t = this.infer(expr);
    if (t.kind !== "boolean" && t.kind !== "error") {
      this.report(expr, message("conditionNotBoolean", { where, found: Ty.typeText(t) }), {
        help: t.kind === "integer" || t.kind === "number" ? helpText("compareIt") : undefined,
      });
    }
  }

  /**
   * Records `expr`'s type. A node has one type: recording the same type again is harmless, a
   * different one means the checker typed the node twice in two contexts, which would report its
   * errors twice. That is a checker bug, so it throws rather than silently overwriting (cel-go's
   * `setType` does the same).
   */
  private setType(expr: A.Expr, t: Type): Type {
    const before = this.model.types.get(expr.id);
    if (before !== undefined && !Ty.sameType(before, t)) {
      throw new Error(`internal error: node ${expr.id} typed as ${Ty.typeText(before)}, then as ${Ty.typeText(t)}`);
    }
    this.model.types.set(expr.id, t);
    this.log?.types.push(expr.id);
    return t;
  }

  /** Infers an expression's type. `enumContext` is the enum a bare name beside it would belong to. */
  infer(expr: A.Expr, enumContext?: EnumType): Type {
    return this.setType(expr, this.inferUncached(expr, enumContext));
  }

  private inferUncached(expr: A.Expr, enumContext?: EnumType): Type {
    switch (expr.kind) {
      case "Missing": return Ty.ERROR;
      case "NumberLit": return Number.isInteger(expr.value) ? Ty.INTEGER : Ty.NUMBER;
      case "StringLit": return enumContext ? this.memberString(expr, enumContext) : Ty.STRING;
      case "DateLit": return Number.isNaN(expr.days) ? Ty.ERROR : Ty.DATE;
      case "BoolLit": return Ty.BOOLEAN;
      case "Paren": return this.infer(expr.inner, enumContext);
      case "Ref": return this.resolveRef(expr, enumContext);
      case "ListLit":
        this.report(expr, message("listOutOfPlace"));
        for (const item of expr.items) this.infer(item);
        return Ty.ERROR;
      case "Call": return this.checkCall(expr);
      case "StreamQuery":
        this.checkStreamUse(expr.stream, expr.where, expr.within);
        return expr.fn === "count" ? Ty.INTEGER : Ty.DATE;
      case "AtLeast": return this.checkAtLeast(expr);
      case "Unary": {
        if (expr.op === "not") {
          this.expectOperand(expr.operand, (t) => t.kind === "boolean", (found) => message("notTakesCondition", { found }));
          return Ty.BOOLEAN;
        }
        const t = this.infer(expr.operand);
        if (t.kind === "error") return t;
        if (!Ty.isNumeric(t)) {
          this.report(expr.operand, message("minusTakesNumber", { found: Ty.typeText(t) }));
          return Ty.ERROR;
        }
        return t;
      }
      case "InList": return this.checkIn(expr);
      case "PresenceTest": {
        const target = expr.operand.kind === "Paren" ? expr.operand.inner : expr.operand;
        const t = this.infer(expr.operand);
        const resolved = target.kind === "Ref" ? this.model.occurrences.get(target.path.id)?.resolution : undefined;
        const isField = resolved?.kind === "symbol" && resolved.symbol.kind === "field";
        if (!isField && t.kind !== "error") {
          this.report(expr.operand, message("presenceNeedsField", { test: expr.missing ? "missing" : "present" }), {
            help: helpText("onlyFieldsMissing"),
          });
        }
        return Ty.BOOLEAN;
      }
      case "Binary": return this.checkBinary(expr);
    }
  }

  /** Types `expr` and reports `mismatch(found type)` when `ok` refuses the type. */
  private expectOperand(expr: A.Expr, ok: (t: Type) => boolean, mismatch: (found: string) => Message, enumContext?: EnumType): Type {
    const t = this.infer(expr, enumContext);
    if (t.kind !== "error" && !ok(t)) this.report(expr, mismatch(Ty.typeText(t)));
    return t;
  }

  private checkCall(expr: A.Call): Type {
    const name = expr.callee.text;
    if (name !== "days_since") {
      const near = closestName(name, FUNCTIONS);
      this.report(expr.callee, message("unknownFunction", { name }), {
        help: helpText("oneFunction"),
        ...(near ? { suggestion: this.changeTo(expr.callee, near) } : {}),
      });
      for (const a of expr.args) this.infer(a);
      return Ty.ERROR;
    }
    if (expr.args.length !== 1) {
      this.report(expr, message("daysSinceArity", { count: expr.args.length }));
      for (const a of expr.args) this.infer(a);
      return Ty.INTEGER;
    }
    this.expectOperand(expr.args[0], (t) => t.kind === "date", (found) => message("daysSinceTakesDate", { found }));
    return Ty.INTEGER;
  }

  private checkAtLeast(expr: A.AtLeast): Type {
    const items = expr.list.kind === "ListLit" ? expr.list.items : [];
    for (const item of items) this.expectOperand(item, (t) => t.kind === "boolean", (found) => message("atLeastTakesConditions", { found }));
    if (expr.count.kind === "NumberLit") {
      const n = expr.count.value;
      if (!Number.isInteger(n) || n < 1 || (expr.list.kind === "ListLit" && n > items.length)) {
        this.report(expr.count, message("atLeastCount", { count: expr.count.raw, size: items.length }), {
          help: helpText("atLeastRange", { max: Math.max(1, items.length) }),
        });
      }
    }
    if (expr.list.kind === "ListLit") this.setType(expr.list, Ty.LIST);
    return Ty.BOOLEAN;
  }

  private checkIn(expr: A.InList): Type {
    const operandType = this.inferBeside(expr.operand, expr.list.kind === "ListLit" ? expr.list.items[0] : undefined);
    if (operandType.kind === "list") {
      this.report(expr.operand, message("inTakesSingleValue"), { help: helpText("useContains") });
      return Ty.BOOLEAN;
    }
    if (operandType.kind === "boolean") {
      this.report(expr.operand, message("inTakesScalar"));
    }
    if (expr.list.kind !== "ListLit") return Ty.BOOLEAN;
    this.setType(expr.list, Ty.LIST);
    for (const item of expr.list.items) {
      // The first item may already be typed (and its errors reported) to type a bare operand beside it.
      const t = this.model.types.get(item.id) ?? this.inferNextTo(item, operandType);
      if (!Ty.comparable(operandType, t)) {
        this.report(item, message("listItemMismatch", { item: item.kind === "Ref" ? item.path.text : "this value", type: Ty.typeText(t), operand: Ty.typeText(operandType) }));
      }
    }
    return Ty.BOOLEAN;
  }

  /**
   * Types `expr`, which stands beside `other` in a comparison. A bare name next to an enum value
   * is a member of that enum, so the other side is typed first when `expr` is a bare name.
   */
  private inferBeside(expr: A.Expr, other: A.Expr | undefined): Type {
    if (other && (isBareName(expr) || expr.kind === "StringLit") && !isBareName(other) && other.kind !== "StringLit") {
      const otherType = this.infer(other);
      return this.infer(expr, otherType.kind === "enum" ? otherType : undefined);
    }
    return this.infer(expr);
  }

  private checkBinary(expr: A.Binary): Type {
    const { op, left, right } = expr;
    switch (op) {
      case "and":
      case "or":
        this.expectOperand(left, (t) => t.kind === "boolean", (found) => message("takesConditions", { op, found }));
        this.expectOperand(right, (t) => t.kind === "boolean", (found) => message("takesConditions", { op, found }));
        return Ty.BOOLEAN;
      case "=": case "!=": case "<": case "<=": case ">": case ">=": {
        const [lt, rt] = this.inferPair(left, right);
        const ok = op === "=" || op === "!=" ? Ty.comparable(lt, rt) : Ty.orderable(lt, rt);
        if (!ok) {
          const help = op === "=" || op === "!=" ? helpText("sameTypes") : helpText("orderable");
          this.report(expr, message("cannotCompare", { op, left: Ty.typeText(lt), right: Ty.typeText(rt) }), { help });
        }
        return Ty.BOOLEAN;
      }
      case "contains": {
        this.expectOperand(left, (t) => t.kind === "string" || t.kind === "list", (found) => message("containsLooksInside", { found }));
        this.expectOperand(right, (t) => t.kind === "string", (found) => message("containsLooksFor", { found }));
        return Ty.BOOLEAN;
      }
      case "starts with":
        this.expectOperand(left, (t) => t.kind === "string", (found) => message("startsWithTests", { found }));
        this.expectOperand(right, (t) => t.kind === "string", (found) => message("startsWithPrefix", { found }));
        return Ty.BOOLEAN;
      case "ends with":
        this.expectOperand(left, (t) => t.kind === "string", (found) => message("endsWithTests", { found }));
        this.expectOperand(right, (t) => t.kind === "string", (found) => message("endsWithSuffix", { found }));
        return Ty.BOOLEAN;
      case "+": case "-": case "*": case "/": {
        const lt = this.expectOperand(left, Ty.isNumeric, (found) => message("takesNumbers", { op, found }));
        const rt = this.expectOperand(right, Ty.isNumeric, (found) => message("takesNumbers", { op, found }));
        if (!Ty.isNumeric(lt) || !Ty.isNumeric(rt)) return lt.kind === "error" || rt.kind === "error" ? Ty.ERROR : Ty.NUMBER;
        return op !== "/" && lt.kind === "integer" && rt.kind === "integer" ? Ty.INTEGER : Ty.NUMBER;
      }
    }
  }

  private inferPair(left: A.Expr, right: A.Expr): [Type, Type] {
    // Type the side that can stand alone first. Two bare names (`director <= seniority`, with
    // a one-segment field) are told apart by which one is declared.
    // A string is typed beside the other side (it may name an enum member), so that side goes first.
    if (left.kind === "StringLit" || (isBareName(left) && right.kind !== "StringLit" && (!isBareName(right) || (!this.declared(left) && this.declared(right))))) {
      const rt = this.infer(right);
      return [this.inferNextTo(left, rt), rt];
    }
    const lt = this.infer(left);
    return [lt, this.inferNextTo(right, lt)];
  }

  /** Whether a bare name is a declared criterion, score, stage or field (rather than, maybe, an enum member). */
  private declared(expr: A.Expr): boolean {
    const e = expr.kind === "Paren" ? expr.inner : expr;
    if (e.kind !== "Ref") return false;
    if (this.eventScope?.fields.has(e.path.text)) return true;
    const decl = this.model.names.get(e.path.text);
    // A member parameter needs the other side's enum, so it counts as a bare member here.
    if (decl?.kind === "param" && decl.decl.value.kind === "Ref") return false;
    return decl !== undefined || this.model.fields.has(e.path.text);
  }

  // ---- names ----

  /** Set while typing a bare name beside an operand that already failed to type. */
  private besideUnknown = false;

  /**
   * Types `expr` beside an operand of type `other`: a bare name next to an enum is a member.
   * Next to an operand that is itself unknown (a misspelt field), an unknown bare name is most
   * likely a member of that field's enum, so it is not reported a second time.
   */
  private inferNextTo(expr: A.Expr, other: Type): Type {
    this.besideUnknown = other.kind === "error" && (isBareName(expr) || expr.kind === "StringLit");
    try {
      return this.infer(expr, other.kind === "enum" ? other : undefined);
    } finally {
      this.besideUnknown = false;
    }
  }

  /** A string beside an enum value names one of its members (`lead.status = "Working - Contacted"`). */
  private memberString(lit: A.StringLit, enumContext: EnumType): Type {
    if (enumContext.members.includes(lit.value)) return enumContext;
    const near = closestName(lit.value, enumContext.members);
    const notAMember = enumContext.field ? message("notAMemberOf", { name: lit.value, field: enumContext.field }) : message("notAMemberOfThisEnum", { name: lit.value });
    this.report(lit, notAMember, near
      ? { help: helpText("didYouMean", { name: near }), suggestion: { message: helpText("changeTo", { name: near }), span: lit.span, text: JSON.stringify(near) } }
      : { help: helpText("theMembers", { members: codeList(enumContext.members) }) });
    return Ty.ERROR;
  }

  /** The field an enum type belongs to: a schema field, an event stream's field, or none (a grade's letters). */
  private enumFieldOf(t: EnumType): FieldSymbol | undefined {
    if (t.grade) return undefined;
    if (t.stream === undefined) return this.model.fields.get(t.field);
    const stream = this.model.names.get(t.stream);
    return stream?.kind === "stream" ? stream.fields.get(t.field) : undefined;
  }

  private resolveRef(ref: A.Ref, enumContext?: EnumType): Type {
    const path = ref.path;
    const text = path.text;
    if (!text) return Ty.ERROR;
    // Inside `where`, the event's fields come first.
    const eventField = this.eventScope?.fields.get(text);
    if (eventField) {
      this.record(path, { kind: "symbol", symbol: eventField, declaration: false });
      return eventField.type;
    }
    if (path.segments.length === 1) {
      if (enumContext?.members.includes(text)) {
        this.record(path, { kind: "member", field: this.enumFieldOf(enumContext), enumType: enumContext, member: text });
        return enumContext;
      }
      const decl = this.model.names.get(text);
      if (decl?.kind === "param") return this.resolveParam(path, decl, enumContext);
      if (decl?.kind === "stream") {
        this.record(path, { kind: "symbol", symbol: decl, declaration: false });
        this.report(path, message("streamAsValue", { name: decl.name }), { help: helpText("streamQueries", { name: decl.name }) });
        return Ty.ERROR;
      }
      if (decl?.kind === "outcome") {
        // An outcome is what happened after qualification: a definition using it would predict with the answer.
        this.record(path, { kind: "symbol", symbol: decl, declaration: false });
        this.report(path, message("outcomeUsed", { name: decl.name }), { help: helpText("outcomesAreMeasured") });
        return Ty.BOOLEAN;
      }
      if (decl) {
        this.record(path, { kind: "symbol", symbol: decl, declaration: false });
        if (decl.kind === "grade") return gradeType(decl);
        return decl.kind === "score" ? Ty.NUMBER : Ty.BOOLEAN;
      }
    }
    const field = this.model.fields.get(text);
    if (field) {
      this.record(path, { kind: "symbol", symbol: field, declaration: false });
      return field.type;
    }
    this.reportUnknownRef(path, enumContext);
    return Ty.ERROR;
  }

  /** A parameter used in a condition; an enum-member parameter takes the enum beside it. */
  private resolveParam(path: A.FieldPath, param: ParamSymbol, enumContext: EnumType | undefined): Type {
    this.record(path, { kind: "symbol", symbol: param, declaration: false });
    if (param.decl.value.kind !== "Ref") return param.type;
    const member = param.decl.value.path.text;
    if (!enumContext) {
      this.report(path, message("paramMemberNeedsEnum", { name: param.name, member }), { help: helpText("paramBesideEnum", { name: param.name }) });
      return Ty.ERROR;
    }
    if (!enumContext.members.includes(member)) {
      const near = closestName(member, enumContext.members);
      this.report(path, message("paramNotMember", { name: param.name, member, field: enumContext.field || "this enum" }), {
        help: near ? helpText("paramDidYouMean", { name: near }) : helpText("theMembers", { members: codeList(enumContext.members) }),
      });
      return Ty.ERROR;
    }
    if (!param.enums.some((e) => Ty.sameEnum(e, enumContext))) param.enums.push(enumContext);
    if (param.type.kind === "error") param.type = enumContext;
    return enumContext;
  }

  private reportUnknownRef(path: A.FieldPath, enumContext?: EnumType): void {
    const text = path.text;
    // `company.` half-typed: the syntax error already says a name is missing after the dot.
    if (this.model.text.charCodeAt(path.span.end) === 46 /* . */) return;
    const fix = (near: string) => ({ help: helpText("didYouMean", { name: near }), suggestion: this.changeTo(path, near) });
    if (path.segments.length > 1) {
      const near = closestName(text, this.model.fields.keys());
      const root = path.segments[0].text;
      const siblings = [...this.model.fields.keys()].filter((f) => f.startsWith(root + "."));
      this.report(path, message("unknownField", { path: text }), near ? fix(near) : {
        help: siblings.length ? helpText("fieldsUnder", { root, fields: codeList(siblings.slice(0, 6)) }) : helpText("declareInSchema"),
      });
      return;
    }
    if (enumContext) {
      const near = closestName(text, enumContext.members);
      const notAMember = enumContext.field ? message("notAMemberOf", { name: text, field: enumContext.field }) : message("notAMemberOfThisEnum", { name: text });
      this.report(path, notAMember, near ? fix(near) : { help: helpText("theMembers", { members: codeList(enumContext.members) }) });
      return;
    }
    if (this.besideUnknown || this.inUnknownStream) return;
    const eventFields = this.eventScope ? [...this.eventScope.fields.keys()] : [];
    const near = closestName(text, [...eventFields, ...this.model.names.keys(), ...this.model.fields.keys()]);
    this.report(path, message("unknownName", { name: text }), near ? fix(near) : { help: helpText("bareName") });
  }

  // ---- examples ----

  private checkExample(example: A.ExampleDecl): void {
    const assigned = new Map<string, A.ExampleAssign>();
    for (const a of example.assignments) {
      const stream = this.model.names.get(a.path.text);
      if (stream?.kind === "stream") {
        this.record(a.path, { kind: "symbol", symbol: stream, declaration: false });
        if (assigned.has(stream.name)) this.report(a.path, message("setTwiceInExample", { field: stream.name }));
        assigned.set(stream.name, a);
        this.checkExampleEvents(a, stream);
        continue;
      }
      const field = this.model.fields.get(a.path.text);
      if (!field) {
        if (a.path.text) this.reportUnknownRef(a.path);
        continue;
      }
      this.record(a.path, { kind: "symbol", symbol: field, declaration: false });
      if (assigned.has(field.name)) {
        this.report(a.path, message("setTwiceInExample", { field: field.name }));
      }
      assigned.set(field.name, a);
      this.checkExampleValue(a, field);
    }
    for (const e of example.expectations) this.checkExpectation(e);
    if (example.expectations.length === 0) {
      this.report(example.title.kind === "StringLit" ? example.title : example, message("expectsNothing"), { help: helpText("addExpect") });
    }
  }

  /** `activity = [{type = email_click, occurred = 2026-11-20}, …]`: each event's values fit the stream's fields. */
  private checkExampleEvents(a: A.ExampleAssign, stream: StreamSymbol): void {
    const v = a.value;
    if (v.kind === "Missing") return;
    if (v.kind === "ListLit" && v.items.length === 0) return;
    if (v.kind !== "EventListLit") {
      this.report(v, message("eventsDoNotFit", { name: stream.name }));
      return;
    }
    for (const event of v.events) {
      const seen = new Set<string>();
      for (const x of event.assignments) {
        const field = stream.fields.get(x.path.text);
        if (!field) {
          if (!x.path.text) continue;
          const near = closestName(x.path.text, stream.fields.keys());
          this.report(x.path, message("unknownField", { path: x.path.text }), near
            ? { help: helpText("didYouMean", { name: near }), suggestion: this.changeTo(x.path, near) }
            : { help: helpText("fieldsUnder", { root: stream.name, fields: codeList([...stream.fields.keys()]) }) });
          continue;
        }
        this.record(x.path, { kind: "symbol", symbol: field, declaration: false });
        if (seen.has(field.name)) this.report(x.path, message("setTwiceInExample", { field: field.name }));
        seen.add(field.name);
        this.checkExampleValue(x, field);
      }
      if (stream.fields.has("occurred") && !seen.has("occurred")) this.report(event, message("eventWithoutOccurred", { name: stream.name }));
    }
  }

  private checkExampleValue(a: A.ExampleAssign, field: FieldSymbol): void {
    const v = a.value;
    const t = field.type;
    if (v.kind === "Missing" || t.kind === "error") return;
    let ok: boolean;
    switch (t.kind) {
      case "boolean": ok = v.kind === "BoolLit"; break;
      case "integer": ok = v.kind === "NumberLit" && Number.isInteger(v.value); break;
      case "number": ok = v.kind === "NumberLit"; break;
      case "string": ok = v.kind === "StringLit"; break;
      case "date": ok = v.kind === "DateLit"; break;
      case "list":
        ok = v.kind === "ListLit" && v.items.every((i) => i.kind === "StringLit");
        break;
      case "enum": {
        if (v.kind === "StringLit") {
          this.memberString(v, t);
          return;
        }
        if (v.kind === "Ref") {
          const member = v.path.text;
          if (t.members.includes(member)) {
            this.record(v.path, { kind: "member", field, enumType: t, member });
            return;
          }
          this.reportUnknownRef(v.path, t);
          return;
        }
        ok = false;
        break;
      }
    }
    if (!ok) {
      this.report(v, message("valueDoesNotFit", { field: field.name, type: Ty.typeText(t) }), { help: exampleValueHelp(t) });
    }
  }

  private checkExpectation(e: A.Expectation): void {
    const stages = this.model.stages.map((s) => s.name);
    switch (e.kind) {
      case "ExpectStage": {
        const name = e.stage.text;
        if (!name || name === "none") return;
        if (name === "disqualified" && this.model.disqualifications.length > 0) return;
        const stage = this.model.stages.find((s) => s.name === name);
        if (stage) {
          this.record(e.stage, { kind: "symbol", symbol: stage, declaration: false });
          return;
        }
        const all = [...stages, "none", ...(this.model.disqualifications.length > 0 ? ["disqualified"] : [])];
        const near = closestName(name, all);
        this.report(e.stage, message("noStageNamed", { name }), {
          help: helpText("theStages", { stages: codeList(all) }),
          ...(near ? { suggestion: this.changeTo(e.stage, near) } : {}),
        });
        return;
      }
      case "ExpectScore":
      case "ExpectFlag": {
        const nameNode = e.kind === "ExpectScore" ? e.score : e.name;
        const name = nameNode.text;
        if (!name) return;
        const symbol = this.model.names.get(name);
        const wanted = e.kind === "ExpectScore" ? ["score"] : ["criterion", "stage"];
        if (symbol && wanted.includes(symbol.kind)) {
          this.record(nameNode, { kind: "symbol", symbol, declaration: false });
          return;
        }
        const candidates = [...this.model.names.values()].filter((s) => wanted.includes(s.kind)).map((s) => s.name);
        const near = closestName(name, candidates);
        const unknown = e.kind === "ExpectScore" ? message("noScoreNamed", { name }) : message("noCriterionOrStageNamed", { name });
        this.report(nameNode, unknown, near ? { help: helpText("didYouMean", { name: near }), suggestion: this.changeTo(nameNode, near) } : {});
        return;
      }
      case "ExpectReason": this.checkExpectReason(e); return;
      case "ExpectGrade": this.checkExpectGrade(e); return;
    }
  }

  /** `expect reason "…"`: the text of one of this file's disqualifications. */
  private checkExpectReason(e: A.ExpectReason): void {
    const reasons = this.model.disqualifications.flatMap((d) => (d.reason ? [d.reason.value] : []));
    if (this.model.disqualifications.length === 0) {
      this.report(e, message("noDisqualifications"));
      return;
    }
    if (reasons.includes(e.reason.value)) return;
    const near = closestName(e.reason.value, reasons);
    this.report(e.reason, message("unknownReason", { reason: e.reason.value }), near
      ? { help: helpText("didYouMean", { name: near }), suggestion: { message: helpText("changeTo", { name: near }), span: e.reason.span, text: JSON.stringify(near) } }
      : { help: helpText("theReasons", { reasons: reasons.map((r) => JSON.stringify(r)).join(", ") }) });
  }

  /** `expect fit_grade = A`: a grade and one of its letters. */
  private checkExpectGrade(e: A.ExpectGrade): void {
    const symbol = this.model.names.get(e.grade.text);
    if (symbol?.kind !== "grade") {
      const grades = [...this.model.names.values()].filter((s) => s.kind === "grade").map((s) => s.name);
      const near = closestName(e.grade.text, grades);
      this.report(e.grade, message("noGradeNamed", { name: e.grade.text }), near
        ? { help: helpText("didYouMean", { name: near }), suggestion: this.changeTo(e.grade, near) }
        : grades.length ? { help: helpText("theGrades", { grades: codeList(grades) }) } : {});
      return;
    }
    this.record(e.grade, { kind: "symbol", symbol, declaration: false });
    const letter = e.letter.text;
    if (!letter) return;
    const enumType = gradeType(symbol);
    if (symbol.letters.includes(letter)) {
      this.record(e.letter, { kind: "member", field: undefined, enumType, member: letter });
      return;
    }
    const near = closestName(letter, symbol.letters);
    this.report(e.letter, message("notAMemberOf", { name: letter, field: symbol.name }), near
      ? { help: helpText("didYouMean", { name: near }), suggestion: this.changeTo(e.letter, near) }
      : { help: helpText("theMembers", { members: codeList(symbol.letters) }) });
  }
}

function exampleValueHelp(t: Type): string {
  switch (t.kind) {
    case "boolean": return helpText("writeBoolean");
    case "integer": return helpText("writeInteger");
    case "number": return helpText("writeNumber");
    case "string": return helpText("writeString");
    case "date": return helpText("writeDate");
    case "list": return helpText("writeList");
    case "enum": return helpText("writeOneOf", { members: codeList(t.members) });
    default: return "";
  }
}

/** A grade's type: the enum of its letters, named after the grade in messages. */
export function gradeType(grade: GradeSymbol): EnumType {
  return { kind: "enum", members: grade.letters, field: grade.name, grade: true };
}

export function isBareName(expr: A.Expr): boolean {
  const e = expr.kind === "Paren" ? expr.inner : expr;
  return e.kind === "Ref" && e.path.segments.length === 1;
}

