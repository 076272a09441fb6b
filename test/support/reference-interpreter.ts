// A small tree-walking interpreter written from the language contract, over the checked AST and
// the checker's side tables (resolutions and types). It exists only for differential tests
// against the generated JavaScript: it shares none of the IR lowering or code generation, and
// reads lead values itself. Slow and simple on purpose.
//
// Values: number (integers, numbers, dates as day numbers), string, boolean, string[] and
// MISSING (undefined). Conditions are plain booleans: the missing-value rule turns every
// comparison with a missing operand into false right where it happens.
import type * as A from "../../language/ast.js";
import type { Analysis, DeclSymbol, FieldSymbol, FileModel } from "../../language/model.js";
import { parseDateDays } from "../../language/literals.js";
import type { Type } from "../../language/types.js";

type Value = number | string | boolean | string[] | undefined;

export interface RefResult {
  stage: string;
  scores: Record<string, number>;
  /** Only for programs with grades. */
  grades?: Record<string, string>;
  /** Only for programs that disqualify: the first holding clause's reason, or undefined. */
  reason?: string;
  criteria: Record<string, boolean>;
  stages: Record<string, boolean>;
}

/** Reads a field from a nested or flat-keyed lead, by the contract's data-binding rules (JSON types or spelled strings). */
function readField(lead: Record<string, unknown>, field: FieldSymbol): Value {
  const segments = field.name.split(".");
  let v: unknown = lead;
  for (const s of segments) {
    v = v !== null && typeof v === "object" && Object.prototype.hasOwnProperty.call(v, s) ? (v as Record<string, unknown>)[s] : undefined;
  }
  if (v === undefined || v === null) v = Object.prototype.hasOwnProperty.call(lead, field.name) ? lead[field.name] : undefined;
  if (v === undefined || v === null) return undefined;
  const bad = () => new TypeError(`field ${field.name}: ${JSON.stringify(v)} does not fit ${field.type.kind}`);
  switch (field.type.kind) {
    case "integer":
    case "number": {
      const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
      if (!Number.isFinite(n) || (field.type.kind === "integer" && !Number.isInteger(n))) throw bad();
      return n;
    }
    case "date": {
      if (typeof v !== "string") throw bad();
      const days = parseDateDays(v.trim().slice(0, 10));
      if (Number.isNaN(days)) throw bad();
      return days;
    }
    case "boolean": {
      if (typeof v === "boolean") return v;
      const s = String(v).trim().toLowerCase();
      if (["true", "yes", "y", "on", "1"].includes(s)) return true;
      if (["false", "no", "n", "off", "0"].includes(s)) return false;
      throw bad();
    }
    case "string":
      if (typeof v !== "string") throw bad();
      return v;
    case "enum": {
      // a member, ignoring case and surrounding spaces; an open enum also takes any other text
      if (typeof v !== "string") throw bad();
      const t = field.type;
      const member = t.members.find((m) => m.toLowerCase() === v.trim().toLowerCase());
      if (member !== undefined) return t.members.includes(v) ? v : member;
      if (t.open) return v.trim();
      throw bad();
    }
    case "list":
      if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
      if (typeof v === "string") return v.split(";").map((x) => x.trim()).filter(Boolean);
      throw bad();
    default:
      throw new Error("unreachable");
  }
}

const isMissing = (v: Value) => v === undefined;

export class ReferenceInterpreter {
  private cache = new Map<DeclSymbol, boolean | number | string>();
  private lead: Record<string, unknown> = {};
  private asOf = 0;

  constructor(private readonly analysis: Analysis) {}

  private modelOf(file: string): FileModel {
    return this.analysis.files.get(file)!;
  }

  run(lead: Record<string, unknown>, asOf: string): RefResult {
    this.cache = new Map();
    this.lead = lead;
    this.asOf = parseDateDays(asOf);
    const entry = this.analysis.entry;
    // Read every field first, so a value that does not fit throws whether or not it is used.
    for (const f of entry.fields.values()) readField(lead, f);
    const stages: Record<string, boolean> = {};
    let stage = "none";
    for (const s of entry.stages) {
      stages[s.name] = this.decl(s) as boolean;
      if (stages[s.name]) stage = s.name; // the last declared stage that holds
    }
    const scores: Record<string, number> = {};
    const criteria: Record<string, boolean> = {};
    const grades: Record<string, string> = {};
    for (const sym of entry.names.values()) {
      if (sym.kind === "score") scores[sym.name] = this.decl(sym) as number;
      if (sym.kind === "criterion") criteria[sym.name] = this.decl(sym) as boolean;
      if (sym.kind === "grade") grades[sym.name] = this.decl(sym) as string;
    }
    // The contract: a lead for which a disqualification holds is `disqualified`, whatever its
    // stages say; the first that holds gives the reason.
    const first = entry.disqualifications.find((d) => this.cond(entry, d.condition));
    if (first) stage = "disqualified";
    return {
      stage, scores, criteria, stages,
      ...(Object.keys(grades).length ? { grades } : {}),
      ...(entry.disqualifications.length ? { reason: first?.reason?.value } : {}),
    };
  }

  private decl(sym: DeclSymbol): boolean | number | string {
    const cached = this.cache.get(sym);
    if (cached !== undefined) return cached;
    const model = this.modelOf(sym.file);
    let result: boolean | number | string;
    if (sym.kind === "grade") {
      // the first line whose condition holds, else the `else` letter
      const line = sym.decl.lines.find((l) => this.cond(model, l.condition));
      result = line ? line.letter.text : sym.decl.otherwise[0].letter.text;
    } else if (sym.kind === "score") {
      let total = 0;
      for (const line of sym.decl.lines) if (this.cond(model, line.condition)) total += line.weight;
      const cap = sym.decl.bounds.find((b) => b.bound === "cap");
      const floor = sym.decl.bounds.find((b) => b.bound === "floor");
      if (cap && total > cap.value) total = cap.value;
      if (floor && total < floor.value) total = floor.value;
      result = total;
    } else {
      // criteria and stages: the only other declarations a lead is evaluated for
      result = this.cond(model, (sym.decl as A.CriterionDecl | A.StageDecl).condition);
    }
    this.cache.set(sym, result);
    return result;
  }

  private type(model: FileModel, e: A.Expr): Type {
    return model.types.get(e.id) ?? { kind: "error" };
  }

  /** A condition: always true or false, never missing. */
  private cond(model: FileModel, e: A.Expr): boolean {
    const v = this.value(model, e);
    return v === true;
  }

  private value(model: FileModel, e: A.Expr): Value {
    switch (e.kind) {
      case "NumberLit": return e.value;
      case "StringLit": return e.value;
      case "DateLit": return e.days;
      case "BoolLit": return e.value;
      case "Paren": return this.value(model, e.inner);
      case "Ref": {
        const r = model.occurrences.get(e.path.id)!.resolution;
        if (r.kind === "member") return r.member;
        if (r.symbol.kind === "field") return readField(this.lead, r.symbol);
        // A parameter is its written value (an enum member is a bare name).
        if (r.symbol.kind === "param") {
          const v = r.symbol.decl.value;
          return v.kind === "Ref" ? v.path.text : this.value(model, v as A.Expr);
        }
        return this.decl(r.symbol);
      }
      case "Call": {
        const d = this.value(model, e.args[0]) as number | undefined;
        return isMissing(d) ? undefined : this.asOf - d!;
      }
      case "AtLeast": {
        const items = (e.list as A.ListLit).items;
        return items.filter((i) => this.cond(model, i)).length >= (e.count as A.NumberLit).value;
      }
      case "Unary": {
        if (e.op === "not") return !this.cond(model, e.operand);
        const v = this.value(model, e.operand) as number | undefined;
        return isMissing(v) ? undefined : -v!;
      }
      case "PresenceTest": {
        const v = this.value(model, e.operand);
        return e.missing ? isMissing(v) : !isMissing(v);
      }
      case "InList": {
        const x = this.value(model, e.operand);
        if (isMissing(x)) return false; // `in` and `not in` with a missing operand are false
        const any = (e.list as A.ListLit).items.some((i) => {
          const v = this.value(model, i);
          return !isMissing(v) && v === x;
        });
        return e.negated ? !any : any;
      }
      case "Binary": return this.binary(model, e);
      default:
        throw new Error(`reference interpreter: unexpected ${e.kind}`);
    }
  }

  private binary(model: FileModel, e: A.Binary): Value {
    if (e.op === "and") return this.cond(model, e.left) && this.cond(model, e.right);
    if (e.op === "or") return this.cond(model, e.left) || this.cond(model, e.right);
    const l = this.value(model, e.left);
    const r = this.value(model, e.right);
    switch (e.op) {
      case "+": case "-": case "*": case "/": {
        if (isMissing(l) || isMissing(r)) return undefined;
        const a = l as number;
        const b = r as number;
        if (e.op === "/") return b === 0 ? undefined : a / b;
        return e.op === "+" ? a + b : e.op === "-" ? a - b : a * b;
      }
      case "contains":
        if (isMissing(l) || isMissing(r)) return false;
        if (Array.isArray(l)) return l.includes(r as string); // exact membership on lists
        return matchesFolded(l as string, r as string, "");
      case "starts with":
        if (isMissing(l) || isMissing(r)) return false;
        return matchesFolded(l as string, r as string, "^");
      case "ends with":
        if (isMissing(l) || isMissing(r)) return false;
        return matchesFolded(l as string, r as string, "$");
      default: {
        if (isMissing(l) || isMissing(r)) return false;
        const lt = this.type(model, e.left);
        const t = lt.kind === "error" ? this.type(model, e.right) : lt;
        let a: number | string | boolean = l as number;
        let b: number | string | boolean = r as number;
        if (t.kind === "enum" && e.op !== "=" && e.op !== "!=") {
          // ordered by declaration; a string that is not a member has no rank
          const ra = t.members.indexOf(l as string);
          const rb = t.members.indexOf(r as string);
          if (ra < 0 || rb < 0) return false;
          a = ra;
          b = rb;
        } else {
          a = l as number | string | boolean;
          b = r as number | string | boolean;
        }
        switch (e.op) {
          case "=": return a === b;
          case "!=": return a !== b;
          case "<": return a < b;
          case "<=": return a <= b;
          case ">": return a > b;
          case ">=": return a >= b;
        }
      }
    }
    return undefined;
  }
}

/**
 * Case-insensitive matching, independently of the compiler's table: a RegExp with flags `iu`
 * compares characters by their simple case folding (ECMAScript's Canonicalize), which is the
 * definition, so the needle as a pattern matches exactly where the folded texts match.
 */
function matchesFolded(text: string, needle: string, anchor: "" | "^" | "$"): boolean {
  const escaped = needle.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  return new RegExp(anchor === "$" ? escaped + anchor : anchor + escaped, "iu").test(text);
}
