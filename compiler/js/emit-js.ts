import type { Dep, IrCondition, IrExpr, IrField, IrPerLine, IrProgram } from "../ir.js";
import { DISQUALIFIED, irChildren } from "../ir.js";
import { codecOf, READER_PARAMS } from "../runtime/codecs/codec.js";
import { closure, depKey, outputRoots } from "../plan.js";
import { foldCase } from "../runtime/case-fold.js";
import { round2 } from "../runtime/events.js";

/**
 * JavaScript code generation. The program becomes the source of one factory function whose
 * body defines straight-line evaluators: fields are read into locals once, each criterion,
 * score and stage is computed once in dependency order, null guards are inlined, enum and
 * list membership are plain comparisons. Every user-written name and string reaches the
 * source only through JSON.stringify, so no file content can inject code.
 *
 * The factory's parameters are the runtime readers, the case folding and the field table (FACTORY_PARAMS);
 * it returns { evaluate, evaluateInto, evaluateIntoFull, explain }.
 */
export const FACTORY_PARAMS: readonly string[] = [...READER_PARAMS, "foldCase", "FIELDS"];

const str = JSON.stringify;

function num(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (!Number.isFinite(n)) return n > 0 ? "Infinity" : "-Infinity";
  return n < 0 || Object.is(n, -0) ? `(${n})` : String(n);
}

/** Property access that is safe for any key. */
function prop(key: string): string {
  return `[${str(key)}]`;
}

function objectKey(key: string): string {
  // `"__proto__": x` in a literal would set the prototype; a computed key defines a property.
  return key === "__proto__" ? `[${str(key)}]` : str(key);
}

interface Emitted {
  code: string;
  /** may be missing at run time (NaN or undefined) */
  nullable: boolean;
  /** a local or constant: cheap and safe to repeat */
  simple: boolean;
}

class FunctionEmitter {
  private temps = 0;
  readonly usedFields = new Set<number>();
  /**
   * Read fields where they are first needed instead of all up front, so a lead that fails an
   * early condition never pays for the fields of later ones. References are placeholders until
   * the function is assembled (see lazyFieldReads).
   */
  lazy = false;
  /** Criteria used exactly once, written at their use so `and`/`or` can skip them. */
  readonly inlined = new Map<number, IrExpr>();
  /** The event streams the function reads (each decoded once per lead into `S<i>`). */
  readonly usedStreams = new Set<number>();

  /** The code for stream s's events: an array of events, each an array of its field values. */
  private stream(s: number): string {
    this.usedStreams.add(s);
    return `S${s}`;
  }

  /**
   * The loop over a stream's events that a query or `per` line runs: `ev` is the event, `age`
   * its age in days at the as-of date; an event after the as-of date has not happened yet.
   */
  private eventLoop(stream: number, where: IrExpr | undefined, within: number | undefined, init: string, onMatch: string, result: string, extraParam = ""): string {
    const occ = this.program.streams[stream].occurred;
    const tests = ["age >= 0", within !== undefined ? `age <= ${num(within)}` : "", where ? this.cond(where) : ""].filter(Boolean).join(" && ");
    return `((S${extraParam ? `, ${extraParam}` : ""}) => { ${init} for (let k = 0; k < S.length; k++) { const ev = S[k]; const age = asOf - ev[${occ}]; if (${tests}) { ${onMatch} } } return ${result}; })`;
  }

  /** The value of a `per` line: its points per matching event, decayed, capped, rounded to 2 decimals. */
  perLine(l: IrPerLine, trace: string | undefined): string {
    const worth = l.decay ? `${num(l.weight)} * Math.pow(${num(l.decay.factor)}, Math.floor(age / ${num(l.decay.every)}))` : num(l.weight);
    const capped = l.max !== undefined ? `t > ${num(l.max)} ? ${num(l.max)} : t < ${num(-l.max)} ? ${num(-l.max)} : t` : "t";
    const onMatch = trace ? `const w = ${worth}; t += w; X.push(k, w);` : `t += ${worth};`;
    const loop = this.eventLoop(l.stream, l.where, l.within, "let t = 0;", onMatch, `round2(${capped})`, trace ? "X" : "");
    return `${loop}(${this.stream(l.stream)}${trace ? `, ${trace}` : ""})`;
  }

  /** The code that stands for field i's value. */
  private field(i: number): string {
    this.usedFields.add(i);
    return this.lazy ? `\u0000${i}\u0000` : `f${i}`;
  }

  constructor(
    private readonly program: IrProgram,
    /** Constants shared by every generated function (case-insensitive patterns). */
    private readonly pool: string[],
  ) {}

  tempDecl(): string {
    return this.temps ? `let ${Array.from({ length: this.temps }, (_, i) => `t${i}`).join(", ")};` : "";
  }

  private temp(): string {
    return `t${this.temps++}`;
  }

  /** Evaluates `e` once into a temp unless it is already simple. */
  private once(e: Emitted): { setup: string; ref: string } {
    if (e.simple) return { setup: e.code, ref: e.code };
    const t = this.temp();
    return { setup: `(${t} = ${e.code})`, ref: t };
  }

  value(e: IrExpr): Emitted {
    switch (e.k) {
      case "const":
        if (typeof e.value === "number") return { code: num(e.value), nullable: false, simple: true };
        return { code: typeof e.value === "string" ? str(e.value) : String(e.value), nullable: false, simple: true };
      case "field":
        // A deferred read is not repeated in the code: comparisons take it into a temp once.
        return { code: this.field(e.field.index), nullable: true, simple: !this.lazy };
      case "criterion":
        return this.inlined.has(e.index) ? { code: this.cond(e), nullable: false, simple: false } : { code: `c${e.index}`, nullable: false, simple: true };
      case "stage": return { code: `s${e.index}`, nullable: false, simple: true };
      case "score": return { code: `sc${e.index}`, nullable: false, simple: true };
      case "grade": return { code: `gr${e.index}`, nullable: false, simple: true };
      case "arith": {
        const l = this.value(e.l);
        const r = this.value(e.r);
        if (e.op !== "/") return { code: `(${l.code} ${e.op} ${r.code})`, nullable: true, simple: false };
        // Division by zero is missing, as in SQL's NULLIF(x, 0).
        const rr = this.once(r);
        return { code: `(${rr.setup} === 0 ? NaN : ${l.code} / ${rr.ref})`, nullable: true, simple: false };
      }
      case "neg": return { code: `(-${this.value(e.e).code})`, nullable: true, simple: false };
      case "daysSince": return { code: `(asOf - ${this.value(e.e).code})`, nullable: true, simple: false };
      case "eventField": return { code: `ev[${e.field.index}]`, nullable: true, simple: true };
      case "count":
        return { code: `${this.eventLoop(e.stream, e.where, e.within, "let n = 0;", "n++;", "n")}(${this.stream(e.stream)})`, nullable: false, simple: false };
      case "latest": {
        const occ = this.program.streams[e.stream].occurred;
        // The most recent matching event's date; NaN (missing) when none matches.
        return { code: `${this.eventLoop(e.stream, e.where, e.within, "let m = NaN;", `if (m !== m || ev[${occ}] > m) m = ev[${occ}];`, "m")}(${this.stream(e.stream)})`, nullable: true, simple: false };
      }
      default:
        return { code: this.cond(e), nullable: false, simple: false };
    }
  }

  cond(e: IrExpr): string {
    switch (e.k) {
      case "const": return String(e.value === true);
      case "field":
        return `(${this.field(e.field.index)} === true)`;
      case "eventField":
        return `(ev[${e.field.index}] === true)`;
      case "eventPresence": {
        const f = `ev[${e.field.index}]`;
        const numeric = e.field.kind === "number" || e.field.kind === "date";
        if (numeric) return e.missing ? `(${f} !== ${f})` : `(${f} === ${f})`;
        return e.missing ? `(${f} === undefined)` : `(${f} !== undefined)`;
      }
      case "criterion": {
        const inline = this.inlined.get(e.index);
        return inline ? `(${this.cond(inline)})` : `c${e.index}`;
      }
      case "stage": return `s${e.index}`;
      case "not": return `!${this.cond(e.e)}`;
      case "and": return `(${this.cond(e.l)} && ${this.cond(e.r)})`;
      case "or": return `(${this.cond(e.l)} || ${this.cond(e.r)})`;
      case "cmp": return this.compare(e);
      case "in": return this.inList(e);
      case "contains": {
        const l = this.once(this.value(e.l));
        const r = this.value(e.r);
        if (e.on === "list") return `(${l.setup} !== undefined && ${l.ref}.includes(${r.code}))`;
        return this.caseInsensitive(l, r, "includes");
      }
      case "startsWith": return this.caseInsensitive(this.once(this.value(e.l)), this.value(e.r), "startsWith");
      case "endsWith": return this.caseInsensitive(this.once(this.value(e.l)), this.value(e.r), "endsWith");
      case "presence": {
        const f = this.field(e.field.index);
        const numeric = e.field.kind === "number" || e.field.kind === "date";
        if (numeric) return e.missing ? `(${f} !== ${f})` : `(${f} === ${f})`;
        return e.missing ? `(${f} === undefined)` : `(${f} !== undefined)`;
      }
      case "atLeast":
        return `((${e.items.map((i) => `(${this.cond(i)} ? 1 : 0)`).join(" + ")}) >= ${num(e.n)})`;
      default:
        throw new Error(`internal: ${e.k} is not a condition`);
    }
  }

  /** `contains` / `starts with` / `ends with` on strings: the test over both sides' simple case folding (runtime/case-fold.ts). */
  private caseInsensitive(l: { setup: string; ref: string }, r: Emitted, method: "includes" | "startsWith" | "endsWith"): string {
    if (!r.nullable && r.code.startsWith('"')) {
      const folded = foldCase(JSON.parse(r.code) as string);
      const needle = str(folded);
      if (/^[\x00-\x7f]*$/.test(folded)) {
        // No letters: no character folds to an ASCII digit or sign, so the plain test is exact.
        if (!/[a-z]/.test(folded)) return `(${l.setup} !== undefined && ${l.ref}.${method}(${needle}))`;
        // ASCII text: a non-Unicode /i pattern matches ASCII letters only by their ASCII case
        // partners, so `needle|[^\x00-\x7f]` fails exactly when the text is all ASCII and has no
        // match, where folding would find none either; that common case then costs one
        // regex test and no new string. Otherwise folding decides, as specified.
        const escaped = folded.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
        const anchored = method === "startsWith" ? `^${escaped}` : method === "endsWith" ? `${escaped}$` : escaped;
        const decl = `new RegExp(${str(`${anchored}|[^\\x00-\\x7f]`)}, "i");`;
        let k = this.pool.findIndex((d) => d.endsWith(` = ${decl}`));
        if (k < 0) {
          k = this.pool.length;
          this.pool.push(`const CI${k} = ${decl}`);
        }
        return `(${l.setup} !== undefined && CI${k}.test(${l.ref}) && foldCase(${l.ref}).${method}(${needle}))`;
      }
      return `(${l.setup} !== undefined && foldCase(${l.ref}).${method}(${needle}))`;
    }
    const rr = this.once(r);
    return `(${l.setup} !== undefined && ${rr.setup} !== undefined && foldCase(${l.ref}).${method}(foldCase(${rr.ref})))`;
  }

  private enumRank(e: IrExpr, emitted: { setup: string; ref: string }, members: readonly string[], first: boolean): string {
    if (e.k === "const") return num(members.indexOf(String(e.value)));
    if (e.k === "grade") return `G${e.index}[${first ? emitted.setup : emitted.ref}]`; // never missing
    const field = e.k === "field" ? e.field.index : -1;
    return `(${first ? emitted.setup : emitted.ref} !== undefined ? E${field}[${emitted.ref}] : undefined)`;
  }

  private compare(e: Extract<IrExpr, { k: "cmp" }>): string {
    const l = this.value(e.l);
    const r = this.value(e.r);
    const numeric = e.kind === "number" || e.kind === "date";
    if (numeric) {
      if (e.op === "=") return `(${l.code} === ${r.code})`;
      if (e.op === "!=") {
        // NaN (missing) is neither below nor above anything.
        const a = this.once(l);
        const b = this.once(r);
        return `(${a.setup} < ${b.setup} || ${a.ref} > ${b.ref})`;
      }
      return `(${l.code} ${e.op} ${r.code})`;
    }
    if (e.kind === "enum" && e.op !== "=" && e.op !== "!=") {
      const a = this.once(l);
      const b = this.once(r);
      const ra = this.enumRank(e.l, a, e.members, true);
      const rb = this.enumRank(e.r, b, e.members, true);
      return `(${ra} ${e.op} ${rb})`;
    }
    // strings, enum members, booleans: equality needs both sides present.
    if (e.op === "=") {
      if (!l.nullable || !r.nullable) return `(${l.code} === ${r.code})`;
      const a = this.once(l);
      return `(${a.setup} !== undefined && ${a.ref} === ${r.code})`;
    }
    const a = this.once(l);
    const b = this.once(r);
    const guards = [l.nullable ? `${a.setup} !== undefined` : "", r.nullable ? `${b.setup} !== undefined` : ""].filter(Boolean);
    const left = l.nullable ? a.ref : a.setup;
    const right = r.nullable ? b.ref : b.setup;
    return `(${[...guards, `${left} !== ${right}`].join(" && ")})`;
  }

  private inList(e: Extract<IrExpr, { k: "in" }>): string {
    const x = this.once(this.value(e.e));
    const items = e.items.map((i) => `${x.ref} === ${this.value(i).code}`);
    const any = items.length ? items.join(" || ") : "false";
    const numeric = e.kind === "number" || e.kind === "date";
    const present = numeric ? `${x.setup} === ${x.ref}` : `${x.setup} !== undefined`;
    return e.negated ? `(${present} && !(${any}))` : `(${present} && (${any}))`;
  }
}

/** The statements computing each needed declaration, in dependency order. */
function bodyStatements(p: IrProgram, em: FunctionEmitter, need: Set<string>, explain: boolean): string[] {
  const out: string[] = [];
  const condStatement = (local: string, cond: IrCondition, trace: string) => {
    if (!explain) return `const ${local} = ${em.cond(cond.expr)};`;
    // Explanations record each top-level `and` part; the declaration holds when all do.
    const parts = cond.parts.map((part) => em.cond(part.expr));
    return `const ${trace} = [${parts.join(", ")}]; const ${local} = ${trace}.every(Boolean);`;
  };
  for (const d of p.order) {
    if (!need.has(depKey(d))) continue;
    if (d.kind === "criterion" && em.inlined.has(d.index)) continue;
    if (d.kind === "criterion") out.push(condStatement(`c${d.index}`, p.criteria[d.index].cond, `xc${d.index}`));
    else if (d.kind === "stage") out.push(condStatement(`s${d.index}`, p.stages[d.index].cond, `xs${d.index}`));
    else if (d.kind === "disqualify") out.push(condStatement(`dq${d.index}`, p.disqualifications[d.index].cond, `xd${d.index}`));
    else if (d.kind === "grade") {
      // The first line that holds gives the letter; explanations keep which line that was.
      const g = p.grades[d.index];
      let line = "-1";
      for (let k = g.lines.length - 1; k >= 0; k--) line = `${em.cond(g.lines[k].cond.expr)} ? ${k} : ${line}`;
      if (explain) out.push(`const xg${d.index} = ${line};`);
      let letter = str(g.otherwise);
      for (let k = g.lines.length - 1; k >= 0; k--) letter = `${explain ? `xg${d.index} === ${k}` : em.cond(g.lines[k].cond.expr)} ? ${str(g.lines[k].letter)} : ${letter}`;
      out.push(`const gr${d.index} = ${letter};`);
    } else {
      const s = p.scores[d.index];
      const v = `sc${d.index}`;
      out.push(`let ${v} = 0;`);
      if (explain) out.push(`const xl${d.index} = [];`);
      for (const line of s.lines) {
        const c = em.cond(line.cond.expr);
        out.push(explain ? `if (xl${d.index}[xl${d.index}.length] = ${c}) ${v} += ${num(line.weight)};` : `if (${c}) ${v} += ${num(line.weight)};`);
      }
      if (explain && s.perLines.length) out.push(`const xp${d.index} = [];`);
      s.perLines.forEach((line, i) => out.push(`${v} += ${em.perLine(line, explain ? `xp${d.index}[${i}] = []` : undefined)};`));
      // Per-event points have cents: the sum is rounded so 0.1 + 0.2 prints as 0.3 in every engine.
      if (s.perLines.length) out.push(`${v} = round2(${v});`);
      if (s.cap !== undefined) out.push(`if (${v} > ${num(s.cap)}) ${v} = ${num(s.cap)};`);
      if (s.floor !== undefined) out.push(`if (${v} < ${num(s.floor)}) ${v} = ${num(s.floor)};`);
    }
  }
  return out;
}

/**
 * The lead's stage: `disqualified` (index: one past the funnel's last stage) when a
 * disqualification holds, else the last stage that holds, else `none` (-1).
 */
function stageExpression(p: IrProgram, asIndex: boolean): string {
  let code = asIndex ? "-1" : '"none"';
  for (const s of p.stages) code = `s${s.index} ? ${asIndex ? s.index : str(s.name)} : ${code}`;
  if (p.disqualifications.length === 0) return code;
  return `(${disqualifiedTest(p)}) ? ${asIndex ? p.stages.length : str(DISQUALIFIED)} : ${code}`;
}

function disqualifiedTest(p: IrProgram): string {
  return p.disqualifications.map((d) => `dq${d.index}`).join(" || ");
}

/** The first holding disqualification's reason; undefined when none holds. */
function reasonExpression(p: IrProgram): string {
  let code = "undefined";
  for (let k = p.disqualifications.length - 1; k >= 0; k--) code = `dq${k} ? ${str(p.disqualifications[k].reason)} : ${code}`;
  return code;
}

/**
 * The text values that follow the numbers in a batch row: the reason (when the program
 * disqualifies), then each grade's letter. Text comes last so the numeric positions readers
 * rely on (`out[1 + i]` for score i, criteria after the scores) stay where they were.
 */
function textValues(p: IrProgram): string[] {
  return [...(p.disqualifications.length ? [reasonExpression(p)] : []), ...p.grades.map((g) => `gr${g.index}`)];
}

/** Names a plain object, string, number, array or function inherits: `lead.constructor` must not find Object. */
function inherited(key: string): boolean {
  return key === "__proto__" || [Object.prototype, String.prototype, Number.prototype, Boolean.prototype, Array.prototype, Function.prototype].some((p) => key in p);
}

/** `base[key]`, or an own-property read for a name every object inherits. */
function step(base: string, key: string, optional: boolean): string {
  if (inherited(key)) return `own(${base}, ${str(key)})`;
  return `${base}${optional ? "?." : ""}${prop(key)}`;
}

/** The local holding the group object at `segments[0..depth)` of a lead (`lead.company`). */
function groupLocal(groups: Map<string, string>, segments: readonly string[], depth: number): string {
  if (depth === 0) return "lead";
  const local = groups.get(JSON.stringify(segments.slice(0, depth)));
  if (local === undefined) throw new Error("internal: group read before its prologue");
  return local;
}

/**
 * The group objects a function's fields sit in, each read once per lead (`const g0 =
 * lead["company"]`, `const g1 = g0?.["info"]`), in an order where a parent comes first. Reading
 * `lead.company` once instead of once per field is what a hand-written evaluator does.
 */
function groupPrologue(fields: IrField[], used: number[]): { groups: Map<string, string>; lines: string[] } {
  const groups = new Map<string, string>();
  const lines: string[] = [];
  for (const i of used) {
    const segs = fields[i].segments;
    for (let depth = 1; depth < segs.length; depth++) {
      const key = JSON.stringify(segs.slice(0, depth));
      if (groups.has(key)) continue;
      const parent = groupLocal(groups, segs, depth - 1);
      const local = `g${groups.size}`;
      lines.push(`const ${local} = ${step(parent, segs[depth - 1], depth > 1)};`);
      groups.set(key, local);
    }
  }
  return { groups, lines };
}

/**
 * Reads field i of a lead object: nested (`lead.company.industry`, through the group locals of
 * groupPrologue) or flat (`lead["company.industry"]`), the nested value first. The field's
 * codec gives the inline read; anything not already a valid value of the field's JSON type goes
 * through the slow path, which reads a spelled value or throws a TypeError naming the field.
 */
function objectRead(f: IrField, groups: Map<string, string>): string {
  const depth = f.segments.length - 1;
  const nested = step(groupLocal(groups, f.segments, depth), f.segments[depth], depth > 0);
  const byPath = depth > 0 ? `(${nested} ?? ${step("lead", f.path, false)})` : nested;
  // A field bound to a column (`from "Annual Revenue"`) reads that key first.
  const get = f.column !== f.path ? `(${step("lead", f.column, false)} ?? ${byPath})` : byPath;
  return codecOf(f).inlineRead(get, `slow(${f.index}, v)`, f.index);
}

/** Each stream the function reads, decoded once per lead: from the lead object, or the value array's slot after the fields. */
function streamPrologue(em: FunctionEmitter, p: IrProgram, source: "object" | "values"): string[] {
  return [...em.usedStreams].sort((a, b) => a - b).map((s) => source === "values"
    ? `const S${s} = vals[${p.fields.length + s}] ?? NO_EVENTS;`
    : `const S${s} = events${s}(${step("lead", p.streams[s].name, false)});`);
}

function fieldPrologue(em: FunctionEmitter, fields: IrField[], source: "object" | "values"): string[] {
  const used = [...em.usedFields].sort((a, b) => a - b);
  if (source === "values") return used.map((i) => `const f${i} = vals[${i}];`);
  const { groups, lines } = groupPrologue(fields, used);
  return [...lines, ...used.map((i) => `const f${i} = ${objectRead(fields[i], groups)};`)];
}

/**
 * The criteria that the needed declarations use exactly once: they need no local of their own,
 * and written in place they short-circuit with the condition around them.
 */
function singleUseCriteria(p: IrProgram, need: Set<string>): Map<number, IrExpr> {
  const uses = new Map<number, number>();
  const count = (e: IrExpr) => {
    if (e.k === "criterion") uses.set(e.index, (uses.get(e.index) ?? 0) + 1);
    for (const c of irChildren(e)) count(c);
  };
  for (const key of need) {
    const [kind, i] = key.split(":");
    const index = Number(i);
    if (kind === "criterion") count(p.criteria[index].cond.expr);
    else if (kind === "stage") count(p.stages[index].cond.expr);
    else if (kind === "disqualify") count(p.disqualifications[index].cond.expr);
    // A grade line is only evaluated when the lines above it failed: not a single use to inline.
    else if (kind === "grade") for (const line of p.grades[index].lines) { count(line.cond.expr); count(line.cond.expr); }
    else for (const line of p.scores[index].lines) count(line.cond.expr);
  }
  const out = new Map<number, IrExpr>();
  for (const [index, n] of uses) if (n === 1) out.set(index, p.criteria[index].cond.expr);
  return out;
}

function emitFunction(p: IrProgram, pool: string[], name: string, params: string, source: "object" | "values", need: Set<string>, explain: boolean, tail: (em: FunctionEmitter) => string, inlineCriteria = false): string {
  const em = new FunctionEmitter(p, pool);
  if (inlineCriteria) for (const [index, expr] of singleUseCriteria(p, need)) em.inlined.set(index, expr);
  // Explanations show every field, so they read them all; array reads are too cheap to defer.
  em.lazy = source === "object" && !explain;
  const body = bodyStatements(p, em, need, explain);
  const ret = tail(em);
  const streams = streamPrologue(em, p, source);
  if (!em.lazy) {
    const prologue = fieldPrologue(em, p.fields, source);
    return [`function ${name}(${params}) {`, source === "object" ? "let v, t;" : "", em.tempDecl(), ...prologue, ...streams, ...body, ret, "}"].filter(Boolean).join("\n  ");
  }
  return lazyFieldReads(p.fields, em, [`function ${name}(${params}) {`, "let v, t;", em.tempDecl(), ...streams, ...body, ret, "}"].filter(Boolean).join("\n  "));
}

/**
 * Replaces the field placeholders in a function's code: a field used once is read in place; a
 * field used more often is read at its first use and remembered in a local.
 */
function lazyFieldReads(fields: IrField[], em: FunctionEmitter, code: string): string {
  const used = [...em.usedFields].sort((a, b) => a - b);
  const { groups, lines } = groupPrologue(fields, used);
  const uses = new Map<number, number>();
  for (const m of code.matchAll(/\u0000(\d+)\u0000/g)) uses.set(Number(m[1]), (uses.get(Number(m[1])) ?? 0) + 1);
  const remembered = used.filter((i) => (uses.get(i) ?? 0) > 1);
  const declarations = remembered.length ? [`let ${remembered.map((i) => `f${i}, r${i} = false`).join(", ")};`] : [];
  const body = code.replace(/\u0000(\d+)\u0000/g, (_, digits: string) => {
    const i = Number(digits);
    const read = objectRead(fields[i], groups);
    return (uses.get(i) ?? 0) > 1 ? `(r${i} ? f${i} : (r${i} = true, f${i} = ${read}))` : read;
  });
  // The group objects (lead.company, …) are read up front: one load each, shared by many fields.
  const open = body.indexOf("\n");
  return [body.slice(0, open), ...lines.map((l) => `  ${l}`), ...declarations.map((d) => `  ${d}`), body.slice(open + 1)].join("\n");
}

export const GENERATED_FUNCTIONS = ["evaluate", "evaluateToColumns", "evaluateInto", "evaluateIntoFull", "explain", "decodeStreams"] as const;
export type GeneratedFunction = (typeof GENERATED_FUNCTIONS)[number];

/**
 * The factory's source, with the functions named in `only` (default: all). Generating only what
 * is used keeps one-off runs (an editor running a file's examples) from compiling five copies
 * of a large program.
 */
export function emitFactory(p: IrProgram, only: readonly GeneratedFunction[] = GENERATED_FUNCTIONS): string {
  const pool: string[] = [];
  const wanted = new Set(only);
  const skip = () => "";
  const lean = closure(p, outputRoots(p, false));
  const full = closure(p, outputRoots(p, true));
  const scoresObject = `{ ${p.scores.map((s) => `${objectKey(s.name)}: sc${s.index}`).join(", ")} }`;
  // Grades and the reason appear in results only for programs that have them.
  const extras = [
    ...(p.grades.length ? [`grades: { ${p.grades.map((g) => `${objectKey(g.name)}: gr${g.index}`).join(", ")} }`] : []),
    ...(p.disqualifications.length ? [`reason: ${reasonExpression(p)}`] : []),
  ].map((x) => `, ${x}`).join("");
  const evaluate = !wanted.has("evaluate") ? skip() : emitFunction(p, pool, "evaluate", "lead, asOf", "object", lean, false, () => `return { stage: ${stageExpression(p, false)}, scores: ${scoresObject}${extras} };`, true);
  const intoTail = (withFlags: boolean) => () => {
    const parts = [`out[0] = ${stageExpression(p, true)};`, ...p.scores.map((s, i) => `out[${1 + i}] = sc${s.index};`)];
    let k = 1 + p.scores.length;
    if (withFlags) {
      for (const c of p.criteria) parts.push(`out[${k++}] = c${c.index};`);
      for (const s of p.stages) parts.push(`out[${k++}] = s${s.index};`);
    }
    for (const text of textValues(p)) parts.push(`out[${k++}] = ${text};`);
    return parts.join("\n  ");
  };
  // The columnar batch form: no result object per lead, just stores into typed arrays.
  const evaluateToColumns = !wanted.has("evaluateToColumns") ? skip() : emitFunction(p, pool, "evaluateToColumns", "lead, asOf, i, stageOut, scoreOut, textOut", "object", lean, false, () =>
    [`stageOut[i] = ${stageExpression(p, true)};`, ...p.scores.map((s, k) => `scoreOut[${k}][i] = sc${s.index};`), ...textValues(p).map((text, k) => `textOut[${k}][i] = ${text};`)].join("\n  "),
  true);
  const evaluateInto = !wanted.has("evaluateInto") ? skip() : emitFunction(p, pool, "evaluateInto", "vals, asOf, out", "values", lean, false, intoTail(false), true);
  const evaluateIntoFull = !wanted.has("evaluateIntoFull") ? skip() : emitFunction(p, pool, "evaluateIntoFull", "vals, asOf, out", "values", full, false, intoTail(true));
  const explain = !wanted.has("explain") ? skip() : emitFunction(p, pool, "explain", "lead, asOf", "object", full, true, (em) => {
    // every field is reported in explanations, so read them all
    for (const f of p.fields) em.usedFields.add(f.index);
    for (const s of p.streams) em.usedStreams.add(s.index);
    const perLines = p.scores.map((s) => (s.perLines.length ? `xp${s.index}` : "[]"));
    return `return { stage: ${stageExpression(p, false)}, scores: [${p.scores.map((s) => `sc${s.index}`).join(", ")}], criteria: [${p.criteria.map((c) => `xc${c.index}`).join(", ")}], stages: [${p.stages.map((s) => `xs${s.index}`).join(", ")}], scoreLines: [${p.scores.map((s) => `xl${s.index}`).join(", ")}], grades: [${p.grades.map((g) => `gr${g.index}`).join(", ")}], gradeLines: [${p.grades.map((g) => `xg${g.index}`).join(", ")}], disqualifications: [${p.disqualifications.map((d) => `xd${d.index}`).join(", ")}], perLines: [${perLines.join(", ")}], values: [${p.fields.map((f) => `f${f.index}`).join(", ")}], streams: [${p.streams.map((s) => `S${s.index}`).join(", ")}] };`;
  });
  const enumTables = [
    ...p.fields.filter((f) => f.kind === "enum").map((f) => `const E${f.index} = rankTable(FIELDS[${f.index}].members);`),
    ...p.grades.map((g) => `const G${g.index} = rankTable(${str(g.letters)});`),
  ];
  return [
    '"use strict";',
    "function own(o, k) { return o !== null && typeof o === \"object\" && Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined; }",
    "function rankTable(members) { const t = Object.create(null); members.forEach((m, i) => { t[m] = i; }); return t; }",
    ...enumTables,
    "function allStrings(a) { for (let i = 0; i < a.length; i++) if (typeof a[i] !== \"string\") return false; return true; }",
    ...pool,
    `const READERS = [${p.fields.map((f) => codecOf(f).readerSource(`FIELDS[${f.index}]`)).join(", ")}];`,
    // The slow path: anything not already of the field's JSON type is read (or refused) here.
    "function slow(i, v) { try { return READERS[i](v); } catch (e) { throw new TypeError(`field ${FIELDS[i].path}: ${e.message}`); } }",
    ...eventRuntime(p),
    evaluate,
    evaluateToColumns,
    evaluateInto,
    evaluateIntoFull,
    explain,
    `return { ${[...new Set([...only, "decodeStreams"])].join(", ")} };`,
  ].filter(Boolean).join("\n");
}

/**
 * Reading event streams: per stream, its field table (data, through JSON.stringify), a reader per
 * field (the fields' codecs), and `events<i>(list)`, which reads a lead's list of events into arrays
 * of values or throws a TypeError naming the event and field. `decodeStreams(lead)` reads them all
 * (the batch engines store the result after the fields); `round2` is the one rounding of points
 * per event (half away from zero, after rounding to 6 decimals so float noise cannot flip a cent;
 * the SQL emitter writes the same steps).
 */
function eventRuntime(p: IrProgram): string[] {
  const out = [
    "const NO_EVENTS = Object.freeze([]);",
    round2.toString(),
    "function eventValue(e, segs) { let v = e; for (let i = 0; i < segs.length; i++) { v = own(v, segs[i]); if (v === undefined) break; } return v === undefined && segs.length > 1 ? own(e, segs.join(\".\")) : v; }",
  ];
  for (const st of p.streams) {
    const table = st.fields.map((f) => ({ path: f.path, segments: f.segments, kind: f.kind, integer: f.integer, members: f.members, open: f.open, layout: f.layout ?? null, optional: f.optional }));
    out.push(`const SF${st.index} = ${JSON.stringify(table)};`);
    out.push(`const SR${st.index} = [${st.fields.map((f) => codecOf(f).readerSource(`SF${st.index}[${f.index}]`)).join(", ")}];`);
    out.push(`const SM${st.index} = [${st.fields.map((f) => (codecOf(f).missing === undefined ? "undefined" : "NaN")).join(", ")}];`);
    const name = str(st.name);
    out.push(`function events${st.index}(a) {
  if (a === undefined || a === null) return NO_EVENTS;
  if (!Array.isArray(a)) throw new TypeError("stream " + ${name} + ": expected a list of events");
  const out = new Array(a.length);
  for (let k = 0; k < a.length; k++) {
    const e = a[k];
    if (e === null || typeof e !== "object" || Array.isArray(e)) throw new TypeError("stream " + ${name} + ", event " + (k + 1) + ": not a record");
    const r = new Array(${st.fields.length});
    for (let j = 0; j < ${st.fields.length}; j++) {
      const v = eventValue(e, SF${st.index}[j].segments);
      if (v === undefined || v === null || v === "") {
        if (!SF${st.index}[j].optional) throw new TypeError("stream " + ${name} + ", event " + (k + 1) + ": " + SF${st.index}[j].path + " is required");
        r[j] = SM${st.index}[j];
      } else {
        try { r[j] = SR${st.index}[j](v); } catch (x) { throw new TypeError("stream " + ${name} + ", event " + (k + 1) + ", field " + SF${st.index}[j].path + ": " + x.message); }
      }
    }
    out[k] = r;
  }
  return out;
}`);
  }
  out.push(`function decodeStreams(lead) { return [${p.streams.map((st) => `events${st.index}(${step("lead", st.name, false)})`).join(", ")}]; }`);
  return out;
}

/** The field table the factory receives: plain data, safe to print as JSON. */
export function fieldTable(p: IrProgram): { path: string; column: string; kind: string; integer: boolean; members: readonly string[]; open: boolean; layout: string | null; optional: boolean }[] {
  return p.fields.map((f) => ({ path: f.path, column: f.column, kind: f.kind, integer: f.integer, members: f.members, open: f.open, layout: f.layout ?? null, optional: f.optional }));
}

export { irChildren };
