import type * as A from "./ast.js";
import { diagnostic, type DiagnosticCode, type DiagnosticInit } from "./diagnostics.js";
import { DocComments } from "./docs.js";
import type { DeclSymbol, FieldSymbol, FileModel, LeaddefSymbol, ParamSymbol, Resolution } from "./model.js";
import { closestName } from "./spelling.js";
import { isKeyword } from "./tokens.js";
import * as Ty from "./types.js";
import type { Type } from "./types.js";

export const FUNCTIONS = ["days_since"] as const;

type EnumType = Extract<Type, { kind: "enum" }>;

/**
 * Name resolution and type checking of one file whose scope (own and imported symbols) is
 * already in `model.fields` / `model.names`. Records every resolved occurrence and every
 * expression's type in the model's side tables.
 */
export class FileChecker {
  constructor(private readonly model: FileModel) {}

  private report(code: DiagnosticCode, node: { span: A.Node["span"] }, message: string, init?: DiagnosticInit): void {
    this.model.diagnostics.push(diagnostic(code, this.model.path, node.span, message, init));
  }

  private record(node: A.Name | A.FieldPath, resolution: Resolution): void {
    this.model.occurrences.set(node.id, { node, resolution });
  }

  private where(symbol: LeaddefSymbol): string {
    const line = symbol.file === this.model.path ? this.model.lines.position(symbol.decl.span.start).line + 1 : undefined;
    return line !== undefined ? `line ${line}` : `\`${symbol.file.split(/[\\/]/).pop()}\``;
  }

  // ---- declarations ----

  /** Builds symbols for this file's own declarations and adds them to its scope. */
  declareOwn(): void {
    const docs = new DocComments(this.model.comments, this.model.tokens);
    const docFor = (node: A.Node) => docs.above(this.model.lines.position(node.span.start).line + 1);
    for (const decl of this.model.ast.declarations) {
      switch (decl.kind) {
        case "SchemaDecl":
          for (const field of decl.fields) this.declareField(field, docFor(field));
          break;
        case "CriterionDecl":
          this.declareName({ kind: "criterion", name: decl.name.text, decl, file: this.model.path, doc: docFor(decl) }, decl.name);
          break;
        case "ScoreDecl":
          this.declareName({ kind: "score", name: decl.name.text, decl, file: this.model.path, doc: docFor(decl) }, decl.name);
          break;
        case "StageDecl": {
          const symbol = { kind: "stage" as const, name: decl.name.text, decl, file: this.model.path, doc: docFor(decl), index: this.model.stages.length };
          if (this.declareName(symbol, decl.name)) this.model.stages.push(symbol);
          break;
        }
        case "ExampleDecl":
          this.model.examples.push(decl);
          break;
        case "ParamDecl":
          this.declareParam(decl, docFor(decl));
          break;
      }
    }
    this.checkFieldPrefixes();
  }

  private declareField(field: A.FieldDecl, doc: string | undefined): void {
    const path = field.path.text;
    if (!path) return;
    let type = field.type.kind === "TypeRef" ? this.typeOf(field.type) : Ty.ERROR;
    if (type.kind === "enum") type = { ...type, field: path };
    const optional = field.type.kind === "TypeRef" && field.type.optional;
    const symbol: FieldSymbol = { kind: "field", name: path, type, optional, decl: field, file: this.model.path, doc };
    const root = field.path.segments[0];
    if (root && isKeyword(root.text)) {
      this.report("LD1007", root, `\`${root.text}\` is a keyword and cannot begin a field path`, { help: "rename the field, e.g. `lead." + path + "`" });
      return;
    }
    const existing = this.model.fields.get(path);
    if (existing) {
      this.report("LD1005", field.path, `field \`${path}\` is already declared at ${this.where(existing)}`, { help: "declare each field once; schema blocks merge" });
      this.record(field.path, { kind: "symbol", symbol: existing, declaration: false });
      return;
    }
    const clash = this.model.names.get(path);
    if (clash) {
      this.report("LD1004", field.path, `\`${path}\` is already declared as a ${clash.kind} at ${this.where(clash)}`);
      return;
    }
    this.model.fields.set(path, symbol);
    this.model.ownFields.push(symbol);
    this.record(field.path, { kind: "symbol", symbol, declaration: true });
  }

  /** A field that is also the parent of another (`a` and `a.b`) has no single JSON shape. */
  private checkFieldPrefixes(): void {
    const all = new Set(this.model.fields.keys());
    for (const f of this.model.ownFields) {
      const segs = f.name.split(".");
      for (let i = 1; i < segs.length; i++) {
        const prefix = segs.slice(0, i).join(".");
        if (all.has(prefix)) {
          this.report("LD1018", f.decl.path, `field \`${f.name}\` lies under field \`${prefix}\`, which is a value, not a group`, {
            help: "rename one of them so that no field path is the start of another",
          });
          break;
        }
      }
    }
  }

  private declareName(symbol: DeclSymbol, name: A.Name): boolean {
    if (!name.text) return false;
    if (isKeyword(name.text)) {
      const help = name.text === "none" ? "`none` means \"no stage\" in results; choose another name" : "choose a name that is not a keyword";
      this.report("LD1007", name, `\`${name.text}\` is a keyword and cannot name a ${symbol.kind}`, { help });
      return false;
    }
    const existing = this.model.names.get(name.text);
    if (existing) {
      this.report("LD1004", name, `\`${name.text}\` is already declared as a ${existing.kind} at ${this.where(existing)}`, {
        help: "criteria, scores and stages share one set of names",
      });
      return false;
    }
    if (this.model.fields.has(name.text)) {
      this.report("LD1004", name, `\`${name.text}\` is already declared as a field`);
      return false;
    }
    this.model.names.set(name.text, symbol);
    this.model.ownDecls.push(symbol);
    this.record(name, { kind: "symbol", symbol, declaration: true });
    return true;
  }

  /**
   * A parameter's type is its literal's: a whole number written without a point is an integer
   * (`60`), one with a point a number (`60.0`), and a bare name an enum member, typed by the
   * enum it is compared with.
   */
  private declareParam(decl: A.ParamDecl, doc: string | undefined): void {
    const v = decl.value;
    let type: Type = Ty.ERROR;
    switch (v.kind) {
      case "NumberLit": type = Number.isInteger(v.value) && !v.raw.includes(".") ? Ty.INTEGER : Ty.NUMBER; break;
      case "StringLit": type = Ty.STRING; break;
      case "DateLit": type = Number.isNaN(v.days) ? Ty.ERROR : Ty.DATE; break;
      case "BoolLit": type = Ty.BOOLEAN; break;
      case "Ref": break;
      case "ListLit":
        this.report("LD1019", v, `parameter \`${decl.name.text}\` holds one value, not a list`, {
          help: "write a number, a date, a string, `true`/`false` or an enum member",
        });
        break;
      case "Missing": break;
    }
    const written = this.model.text.slice(v.span.start, v.span.end);
    const symbol: ParamSymbol = { kind: "param", name: decl.name.text, decl, file: this.model.path, doc, type, written, enums: [] };
    this.declareName(symbol, decl.name);
  }

  private typeOf(ref: A.TypeRef): Type {
    const name = ref.name.text;
    if (!(Ty.TYPE_NAMES as readonly string[]).includes(name)) {
      const near = closestName(name, Ty.TYPE_NAMES);
      this.report("LD1011", ref.name, `unknown type \`${name}\``, {
        help: `the types are ${Ty.TYPE_NAMES.join(", ")}`,
        ...(near ? { suggestion: { message: `change to \`${near}\``, span: ref.name.span, text: near } } : {}),
      });
      return Ty.ERROR;
    }
    if (name === "enum") {
      if (ref.args.length === 0) {
        this.report("LD1011", ref, "an enum needs at least one member", { help: "write the members in parentheses: `enum(a, b, c)`" });
        return Ty.ERROR;
      }
      const seen = new Set<string>();
      for (const arg of ref.args) {
        if (seen.has(arg.text)) this.report("LD1016", arg, `enum member \`${arg.text}\` is listed twice`);
        else if (isKeyword(arg.text)) this.report("LD1007", arg, `\`${arg.text}\` is a keyword and cannot be an enum member`);
        seen.add(arg.text);
      }
      return { kind: "enum", members: [...seen], field: "" };
    }
    if (name === "list") {
      if (ref.args.length !== 1 || ref.args[0].text !== "string") {
        this.report("LD1011", ref, "lists hold strings: write `list(string)`");
        return Ty.ERROR;
      }
      return Ty.LIST;
    }
    if (ref.hasArgs) this.report("LD1011", ref, `\`${name}\` takes no arguments`);
    return { kind: name } as Type;
  }

  // ---- bodies ----

  checkBodies(): void {
    for (const decl of this.model.ast.declarations) {
      switch (decl.kind) {
        case "CriterionDecl":
        case "StageDecl":
          this.expectBoolean(decl.condition, decl.kind === "StageDecl" ? "a stage" : "a criterion");
          break;
        case "ScoreDecl":
          this.checkScore(decl);
          break;
        case "ExampleDecl":
          this.checkExample(decl);
          break;
      }
    }
  }

  private checkScore(decl: A.ScoreDecl): void {
    for (const line of decl.lines) this.expectBoolean(line.condition, "a score line");
    const caps = decl.bounds.filter((b) => b.bound === "cap");
    const floors = decl.bounds.filter((b) => b.bound === "floor");
    for (const extra of [...caps.slice(1), ...floors.slice(1)]) {
      this.report("LD1004", extra, `\`${extra.bound}\` is set twice in score \`${decl.name.text}\``);
    }
    if (caps[0] && floors[0] && caps[0].value < floors[0].value) {
      this.report("LD1017", caps[0], `cap ${caps[0].raw} is below floor ${floors[0].raw}`, { help: "the cap is the highest score allowed, the floor the lowest" });
    }
  }

  private expectBoolean(expr: A.Expr, where: string): void {
    const t = this.infer(expr);
    if (t.kind !== "boolean" && t.kind !== "error") {
      this.report("LD1006", expr, `the condition of ${where} must be true or false, found ${Ty.typeText(t)}`, {
        help: t.kind === "integer" || t.kind === "number" ? "compare it, e.g. `>= 50`" : undefined,
      });
    }
  }

  private setType(expr: A.Expr, t: Type): Type {
    this.model.types.set(expr.id, t);
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
      case "StringLit": return Ty.STRING;
      case "DateLit": return Number.isNaN(expr.days) ? Ty.ERROR : Ty.DATE;
      case "BoolLit": return Ty.BOOLEAN;
      case "Paren": return this.infer(expr.inner, enumContext);
      case "Ref": return this.resolveRef(expr, enumContext);
      case "ListLit":
        this.report("LD1014", expr, "a list can only follow `in`, `not in` or `at least N of`");
        for (const item of expr.items) this.infer(item);
        return Ty.ERROR;
      case "Call": return this.checkCall(expr);
      case "AtLeast": return this.checkAtLeast(expr);
      case "Unary": {
        if (expr.op === "not") {
          this.expectOperand(expr.operand, (t) => t.kind === "boolean", "`not` takes a condition");
          return Ty.BOOLEAN;
        }
        const t = this.infer(expr.operand);
        if (t.kind === "error") return t;
        if (!Ty.isNumeric(t)) {
          this.report("LD1006", expr.operand, `\`-\` takes a number, found ${Ty.typeText(t)}`);
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
          this.report("LD1012", expr.operand, `\`is ${expr.missing ? "missing" : "present"}\` takes a field path`, {
            help: "only fields can be missing; criteria, scores and stages always have a value",
          });
        }
        return Ty.BOOLEAN;
      }
      case "Binary": return this.checkBinary(expr);
    }
  }

  private expectOperand(expr: A.Expr, ok: (t: Type) => boolean, message: string, enumContext?: EnumType): Type {
    const t = this.infer(expr, enumContext);
    if (t.kind !== "error" && !ok(t)) this.report("LD1006", expr, `${message}, found ${Ty.typeText(t)}`);
    return t;
  }

  private checkCall(expr: A.Call): Type {
    const name = expr.callee.text;
    if (name !== "days_since") {
      const near = closestName(name, FUNCTIONS);
      this.report("LD1013", expr.callee, `unknown function \`${name}\``, {
        help: "the one function is `days_since(date)`",
        ...(near ? { suggestion: { message: `change to \`${near}\``, span: expr.callee.span, text: near } } : {}),
      });
      for (const a of expr.args) this.infer(a);
      return Ty.ERROR;
    }
    if (expr.args.length !== 1) {
      this.report("LD1006", expr, `\`days_since\` takes one date, found ${expr.args.length} arguments`);
      for (const a of expr.args) this.infer(a);
      return Ty.INTEGER;
    }
    this.expectOperand(expr.args[0], (t) => t.kind === "date", "`days_since` takes a date");
    return Ty.INTEGER;
  }

  private checkAtLeast(expr: A.AtLeast): Type {
    const items = expr.list.kind === "ListLit" ? expr.list.items : [];
    for (const item of items) this.expectOperand(item, (t) => t.kind === "boolean", "`at least N of` takes conditions");
    if (expr.count.kind === "NumberLit") {
      const n = expr.count.value;
      if (!Number.isInteger(n) || n < 1 || (expr.list.kind === "ListLit" && n > items.length)) {
        this.report("LD1015", expr.count, `\`at least ${expr.count.raw} of\` a list of ${items.length} can never hold as intended`, {
          help: `use a whole number from 1 to ${Math.max(1, items.length)}`,
        });
      }
    }
    if (expr.list.kind === "ListLit") this.setType(expr.list, Ty.LIST);
    return Ty.BOOLEAN;
  }

  private checkIn(expr: A.InList): Type {
    const operandType = this.inferBeside(expr.operand, expr.list.kind === "ListLit" ? expr.list.items[0] : undefined);
    if (operandType.kind === "list") {
      this.report("LD1006", expr.operand, "`in` takes a single value, found a list", { help: "to test a list field, use `contains`" });
      return Ty.BOOLEAN;
    }
    if (operandType.kind === "boolean") {
      this.report("LD1006", expr.operand, "`in` takes a number, string, date or enum value, found boolean");
    }
    if (expr.list.kind !== "ListLit") return Ty.BOOLEAN;
    this.setType(expr.list, Ty.LIST);
    for (const item of expr.list.items) {
      const t = this.inferNextTo(item, operandType);
      if (!Ty.comparable(operandType, t)) {
        this.report("LD1006", item, `\`${item.kind === "Ref" ? item.path.text : "this value"}\` (${Ty.typeText(t)}) cannot be in a list compared with ${Ty.typeText(operandType)}`);
      }
    }
    return Ty.BOOLEAN;
  }

  /**
   * Types `expr`, which stands beside `other` in a comparison. A bare name next to an enum value
   * is a member of that enum, so the other side is typed first when `expr` is a bare name.
   */
  private inferBeside(expr: A.Expr, other: A.Expr | undefined): Type {
    if (other && isBareName(expr) && !isBareName(other)) {
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
        this.expectOperand(left, (t) => t.kind === "boolean", `\`${op}\` takes conditions`);
        this.expectOperand(right, (t) => t.kind === "boolean", `\`${op}\` takes conditions`);
        return Ty.BOOLEAN;
      case "=": case "!=": case "<": case "<=": case ">": case ">=": {
        const [lt, rt] = this.inferPair(left, right);
        const ok = op === "=" || op === "!=" ? Ty.comparable(lt, rt) : Ty.orderable(lt, rt);
        if (!ok) {
          const help = op === "=" || op === "!="
            ? "both sides must have the same type (integers and numbers mix)"
            : "`<`, `<=`, `>` and `>=` order numbers, dates, and members of one enum";
          this.report("LD1006", expr, `\`${op}\` cannot compare ${Ty.typeText(lt)} with ${Ty.typeText(rt)}`, { help });
        }
        return Ty.BOOLEAN;
      }
      case "contains": {
        const lt = this.expectOperand(left, (t) => t.kind === "string" || t.kind === "list", "`contains` looks inside a string or a list");
        this.expectOperand(right, (t) => t.kind === "string", `\`contains\` looks for a string`);
        void lt;
        return Ty.BOOLEAN;
      }
      case "starts with":
        this.expectOperand(left, (t) => t.kind === "string", "`starts with` tests a string");
        this.expectOperand(right, (t) => t.kind === "string", "`starts with` takes a string prefix");
        return Ty.BOOLEAN;
      case "+": case "-": case "*": case "/": {
        const lt = this.expectOperand(left, Ty.isNumeric, `\`${op}\` takes numbers`);
        const rt = this.expectOperand(right, Ty.isNumeric, `\`${op}\` takes numbers`);
        if (!Ty.isNumeric(lt) || !Ty.isNumeric(rt)) return lt.kind === "error" || rt.kind === "error" ? Ty.ERROR : Ty.NUMBER;
        return op !== "/" && lt.kind === "integer" && rt.kind === "integer" ? Ty.INTEGER : Ty.NUMBER;
      }
    }
  }

  private inferPair(left: A.Expr, right: A.Expr): [Type, Type] {
    // Type the side that can stand alone first. Two bare names (`director <= seniority`, with
    // a one-segment field) are told apart by which one is declared.
    if (isBareName(left) && (!isBareName(right) || (!this.declared(left) && this.declared(right)))) {
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
    this.besideUnknown = other.kind === "error" && isBareName(expr);
    try {
      return this.infer(expr, other.kind === "enum" ? other : undefined);
    } finally {
      this.besideUnknown = false;
    }
  }

  private resolveRef(ref: A.Ref, enumContext?: EnumType): Type {
    const path = ref.path;
    const text = path.text;
    if (!text) return Ty.ERROR;
    if (path.segments.length === 1) {
      if (enumContext?.members.includes(text)) {
        this.record(path, { kind: "member", field: this.model.fields.get(enumContext.field), enumType: enumContext, member: text });
        return enumContext;
      }
      const decl = this.model.names.get(text);
      if (decl?.kind === "param") return this.resolveParam(path, decl, enumContext);
      if (decl) {
        this.record(path, { kind: "symbol", symbol: decl, declaration: false });
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
      this.report("LD1019", path, `parameter \`${param.name}\` holds the enum member \`${member}\`, so it can only be compared with an enum field`, {
        help: "use it beside an enum field: `field = " + param.name + "` or `field in [" + param.name + ", …]`",
      });
      return Ty.ERROR;
    }
    if (!enumContext.members.includes(member)) {
      const near = closestName(member, enumContext.members);
      this.report("LD1019", path, `parameter \`${param.name}\` is \`${member}\`, which is not a member of ${enumContext.field ? `\`${enumContext.field}\`` : "this enum"}`, {
        help: near ? `did you mean \`${near}\`? (change it at the parameter's declaration)` : `the members are ${enumContext.members.map((m) => `\`${m}\``).join(", ")}`,
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
    const fix = (near: string) => ({ suggestion: { message: `change to \`${near}\``, span: path.span, text: near } });
    if (path.segments.length > 1) {
      const near = closestName(text, this.model.fields.keys());
      const root = path.segments[0].text;
      const siblings = [...this.model.fields.keys()].filter((f) => f.startsWith(root + "."));
      this.report("LD1001", path, `unknown field \`${text}\``, {
        help: near ? `did you mean \`${near}\`?` : siblings.length ? `fields under \`${root}\`: ${siblings.slice(0, 6).map((s) => `\`${s}\``).join(", ")}` : "declare it in a `schema` block",
        ...(near ? fix(near) : {}),
      });
      return;
    }
    if (enumContext) {
      const near = closestName(text, enumContext.members);
      this.report("LD1003", path, `\`${text}\` is not a member of ${enumContext.field ? `\`${enumContext.field}\`` : "this enum"}`, {
        help: near ? `did you mean \`${near}\`?` : `the members are ${enumContext.members.map((m) => `\`${m}\``).join(", ")}`,
        ...(near ? fix(near) : {}),
      });
      return;
    }
    if (this.besideUnknown) return;
    const near = closestName(text, [...this.model.names.keys(), ...this.model.fields.keys()]);
    this.report("LD1002", path, `unknown name \`${text}\``, {
      help: near ? `did you mean \`${near}\`?` : "a bare name must be a criterion, score or stage, or a member beside an enum field",
      ...(near ? fix(near) : {}),
    });
  }

  // ---- examples ----

  private checkExample(example: A.ExampleDecl): void {
    const assigned = new Map<string, A.ExampleAssign>();
    for (const a of example.assignments) {
      const field = this.model.fields.get(a.path.text);
      if (!field) {
        if (a.path.text) this.reportUnknownRef(a.path);
        continue;
      }
      this.record(a.path, { kind: "symbol", symbol: field, declaration: false });
      if (assigned.has(field.name)) {
        this.report("LD3002", a.path, `\`${field.name}\` is set twice in this example`);
      }
      assigned.set(field.name, a);
      this.checkExampleValue(a, field);
    }
    for (const e of example.expectations) this.checkExpectation(e);
    if (example.expectations.length === 0) {
      this.report("LD3004", example.title.kind === "StringLit" ? example.title : example, "this example expects nothing, so it can never fail", {
        help: "add `expect stage NAME` or `expect score NAME = N`",
      });
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
      this.report("LD3001", v, `\`${field.name}\` is ${Ty.typeText(t)}; this value does not fit`, {
        help: exampleValueHelp(t),
      });
    }
  }

  private checkExpectation(e: A.Expectation): void {
    const stages = this.model.stages.map((s) => s.name);
    switch (e.kind) {
      case "ExpectStage": {
        const name = e.stage.text;
        if (!name || name === "none") return;
        const stage = this.model.stages.find((s) => s.name === name);
        if (stage) {
          this.record(e.stage, { kind: "symbol", symbol: stage, declaration: false });
          return;
        }
        const near = closestName(name, [...stages, "none"]);
        this.report("LD3003", e.stage, `no stage named \`${name}\``, {
          help: `the stages are ${[...stages, "none"].map((s) => `\`${s}\``).join(", ")}`,
          ...(near ? { suggestion: { message: `change to \`${near}\``, span: e.stage.span, text: near } } : {}),
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
        this.report("LD3003", nameNode, e.kind === "ExpectScore" ? `no score named \`${name}\`` : `no criterion or stage named \`${name}\``, {
          ...(near ? { help: `did you mean \`${near}\`?`, suggestion: { message: `change to \`${near}\``, span: nameNode.span, text: near } } : {}),
        });
        return;
      }
    }
  }
}

function exampleValueHelp(t: Type): string {
  switch (t.kind) {
    case "boolean": return "write `true` or `false`";
    case "integer": return "write a whole number, e.g. `500`";
    case "number": return "write a number, e.g. `250M`";
    case "string": return "write a string in double quotes";
    case "date": return "write a date, e.g. `2026-11-20`";
    case "list": return "write a list of strings, e.g. `[\"salesforce\", \"sap\"]`";
    case "enum": return `write one of ${t.members.map((m) => `\`${m}\``).join(", ")}`;
    default: return "";
  }
}

export function isBareName(expr: A.Expr): boolean {
  const e = expr.kind === "Paren" ? expr.inner : expr;
  return e.kind === "Ref" && e.path.segments.length === 1;
}

