import { DISQUALIFIED, type IrExpr, type IrField, type IrPerLine, type IrProgram } from "../ir.js";
import { parseDateDays } from "../../language/literals.js";

/**
 * The semantics of leaddef as SMT-LIB terms: one encoding, used by `compare` (and meant for
 * lints and test generation), in the spirit of Cedar's cedar-policy-symcc. A lead is a set of
 * solver variables shared by every program encoded over the same Vocabulary; each program
 * becomes one constant per criterion, score and stage, equal to its term, written exactly as the generated
 * JavaScript evaluates them (compiler/js/emit-js.ts), the one missing-value rule included:
 *
 * - every field i has `p{i}` (present) and a value variable `v{i}`; a required field is present.
 *   numbers are Real (integers constrained whole), dates Int day numbers, enums Int indexes into
 *   the field's members, booleans Bool;
 * - a comparison, `in` or `contains` with a missing operand is false; arithmetic and days_since
 *   on missing give missing (a `def` flag travels with each value), so does division by zero;
 *   a boolean field used bare is false when missing; scores are never missing;
 * - strings: `v{i}` is the lowercased text (contains and starts with ignore case, so they test
 *   it directly with the needle lowercased). Case-sensitive `=`/`in` against a constant c is a
 *   Bool `e{i}_{k}` "the text is exactly c", tied to the lowercased text, with enough casings
 *   left over for every constant not chosen (see stringConstraints). The text's characters are
 *   printable ASCII without capitals plus the (caseless-stable) characters of the constants;
 * - list(string): one Bool `m{i}_{k}` per constant the definitions look for in the list (the
 *   list holds exactly those), as `contains` on a list is exact membership;
 * - the as-of date is the variable `asof`, so `days_since` is `asof - date`;
 * - event streams are abstracted (see declareEventAggregates): each distinct set of events a
 *   definition looks at — stream, `where`, `within` — is a count `n{k}` and a latest date `l{k}`,
 *   each `per` line a value `w{j}`, tied together only by facts every lead's events obey (no
 *   count below zero, a latest date inside its window, a wider window holds at least as many
 *   events, a line's value bounded by its count, weight, decay and cap). An `unsat` answer is
 *   still a proof; a model is not a lead (it has no events), so callers search for the witness.
 *
 * What this cannot express exactly is listed in `inexact` (string equality between two fields, a
 * list searched for a field's value, fields whose type differs between the definitions); callers
 * must then not trust an "equivalent" answer and fall back to a bounded search.
 */

/** The dates counterexamples may use (and the as-of date): 1900-01-01 to 2199-12-31. */
export const DATE_MIN = parseDateDays("1900-01-01");
export const DATE_MAX = parseDateDays("2199-12-31");

export interface VocabField {
  index: number;
  path: string;
  segments: string[];
  kind: IrField["kind"];
  integer: boolean;
  required: boolean;
  /** enums: the members a lead may hold (in both definitions when both declare the field) */
  members: string[];
  /** strings: constants compared case-sensitively; lists: constants looked for */
  constants: string[];
}

/** A set of events some `count`/`latest`/`per` looks at: a stream's events matching `where`, at most `within` days old. */
export interface VocabEventSet {
  index: number;
  stream: string;
  /** The `where` condition as a canonical key ("" without one): equal keys are the same events. */
  where: string;
  within: number | undefined;
}

/** A `per` line's value, abstracted over its event set. */
export interface VocabPerLine {
  index: number;
  set: VocabEventSet;
  weight: number;
  /** The least one event can be worth, as a fraction of the weight: 1 without decay, 0 when it decays without a window. */
  leastFactor: number;
  max: number | undefined;
}

/** The lead variables shared by the programs encoded over it. */
export interface Vocabulary {
  fields: VocabField[];
  byPath: Map<string, VocabField>;
  inexact: string[];
  /** Event aggregates by key (see eventSetKey); empty when no definition reads an event stream. */
  eventSets: Map<string, VocabEventSet>;
  perLines: Map<string, VocabPerLine>;
  /** Each program's position, for keys of conditions that refer to its own declarations. */
  programIds: Map<IrProgram, number>;
}

/** The field table for a set of programs: a path read by several is one variable. */
export function vocabulary(programs: IrProgram[]): Vocabulary {
  const byPath = new Map<string, VocabField>();
  const inexact: string[] = [];
  for (const p of programs) {
    for (const f of p.fields) {
      const seen = byPath.get(f.path);
      if (!seen) {
        byPath.set(f.path, { index: byPath.size, path: f.path, segments: f.segments, kind: f.kind, integer: f.integer, required: !f.optional, members: [...f.members], constants: [] });
        continue;
      }
      if (seen.kind !== f.kind) {
        inexact.push(`field \`${f.path}\` is a ${seen.kind} in one definition and a ${f.kind} in the other`);
        continue;
      }
      // a lead both definitions accept satisfies both declarations
      seen.integer ||= f.integer;
      seen.required ||= !f.optional;
      if (f.kind === "enum") seen.members = seen.members.filter((m) => f.members.includes(m));
    }
  }
  const note = (f: IrField, c: string) => {
    const v = byPath.get(f.path)!;
    if (!v.constants.includes(c)) v.constants.push(c);
  };
  const visit = (e: IrExpr) => {
    if (e.k === "cmp" && e.kind === "string" && (e.op === "=" || e.op === "!=")) {
      if (e.l.k === "field" && e.r.k === "const") note(e.l.field, String(e.r.value));
      else if (e.r.k === "field" && e.l.k === "const") note(e.r.field, String(e.l.value));
      else if (e.l.k === "field" && e.r.k === "field") inexact.push(`\`${e.l.field.path} ${e.op} ${e.r.field.path}\` compares two text fields case-sensitively`);
    } else if (e.k === "in" && e.kind === "string" && e.e.k === "field") {
      for (const item of e.items) if (item.k === "const") note(e.e.field, String(item.value));
    } else if (e.k === "contains" && e.on === "list" && e.l.k === "field") {
      if (e.r.k === "const") note(e.l.field, String(e.r.value));
      else inexact.push(`\`${e.l.field.path} contains\` looks for a field's value in a list`);
    }
    forEachChild(e, visit);
  };
  for (const p of programs) forEachExpr(p, visit);
  const fields = [...byPath.values()];
  for (const f of fields) {
    if (f.kind === "string") for (const c of [...f.constants, ...stringLiterals(programs)]) if (!caseStable(c)) inexact.push(`the text ${JSON.stringify(c)} has characters whose lower case is not one character`);
  }
  const vocab: Vocabulary = { fields, byPath, inexact: [], eventSets: new Map(), perLines: new Map(), programIds: new Map(programs.map((p, i) => [p, i])) };
  for (const p of programs) {
    const visitAggregates = (e: IrExpr) => {
      if (e.k === "count" || e.k === "latest") eventSet(vocab, p, e.stream, e.where, e.within);
      forEachChild(e, visitAggregates);
    };
    forEachExpr(p, visitAggregates);
    for (const s of p.scores) {
      for (const l of s.perLines) perLineOf(vocab, p, l);
      // With per lines a score is rounded to cents; exact only when every part already has cents.
      if (s.perLines.length && ![...s.lines.map((l) => l.weight), s.cap ?? 0, s.floor ?? 0].every(hasCents)) inexact.push(`score \`${s.name}\` rounds to cents points that have more decimals`);
    }
  }
  vocab.inexact = [...new Set(inexact)];
  return vocab;
}

const hasCents = (x: number) => Math.abs(Math.round(x * 100) - x * 100) < 1e-9;

/**
 * A canonical text for a `where` condition: fields by path, streams by name, constants by value;
 * a reference to one of the program's own declarations carries the program's id (two
 * definitions' criteria of one name need not agree).
 */
function conditionKey(v: Vocabulary, p: IrProgram, e: IrExpr | undefined): string {
  if (!e) return "";
  const own = new Set(["criterion", "stage", "score", "grade"]);
  let local = false;
  const text = JSON.stringify(e, function (key, value) {
    if (key === "field") return (value as IrField).path;
    if (key === "stream") return p.streams[value as number].name;
    if (key === "k" && own.has(value as string)) local = true;
    return value;
  });
  return local ? `${v.programIds.get(p)}:${text}` : text;
}

/** The event set a `count`/`latest`/`per` reads, added to the vocabulary on first sight. */
function eventSet(v: Vocabulary, p: IrProgram, stream: number, where: IrExpr | undefined, within: number | undefined): VocabEventSet {
  const name = p.streams[stream].name;
  const whereKey = conditionKey(v, p, where);
  const key = `${name}|${whereKey}|${within ?? "all"}`;
  let set = v.eventSets.get(key);
  if (!set) v.eventSets.set(key, (set = { index: v.eventSets.size, stream: name, where: whereKey, within }));
  return set;
}

/** A `per` line's abstract value, added to the vocabulary on first sight (equal lines share it). */
function perLineOf(v: Vocabulary, p: IrProgram, l: IrPerLine): VocabPerLine {
  const set = eventSet(v, p, l.stream, l.where, l.within);
  const leastFactor = !l.decay ? 1 : l.within === undefined ? 0 : l.decay.factor ** Math.floor(l.within / l.decay.every);
  const key = `${set.index}|${l.weight}|${l.decay ? `${l.decay.factor}/${l.decay.every}` : ""}|${l.max ?? ""}`;
  let line = v.perLines.get(key);
  if (!line) v.perLines.set(key, (line = { index: v.perLines.size, set, weight: l.weight, leastFactor, max: l.max }));
  return line;
}

function forEachChild(e: IrExpr, f: (x: IrExpr) => void): void {
  switch (e.k) {
    case "not": case "neg": case "daysSince": f(e.e); break;
    case "and": case "or": case "cmp": case "contains": case "startsWith": case "endsWith": case "arith": f(e.l); f(e.r); break;
    case "in": f(e.e); e.items.forEach(f); break;
    case "atLeast": e.items.forEach(f); break;
    default: break;
  }
}

function forEachExpr(p: IrProgram, f: (e: IrExpr) => void): void {
  for (const c of p.criteria) f(c.cond.expr);
  for (const s of p.stages) f(s.cond.expr);
  for (const s of p.scores) for (const l of s.lines) f(l.cond.expr);
  for (const d of p.disqualifications) f(d.cond.expr);
  for (const g of p.grades) for (const l of g.lines) f(l.cond.expr);
}

function stringLiterals(programs: IrProgram[]): string[] {
  const out = new Set<string>();
  const visit = (e: IrExpr) => {
    if (e.k === "const" && e.kind === "string") out.add(String(e.value));
    forEachChild(e, visit);
  };
  for (const p of programs) forEachExpr(p, visit);
  return [...out];
}

/** Every character lowercases to one character that stays put. */
function caseStable(s: string): boolean {
  for (const ch of s) {
    const lower = ch.toLowerCase();
    if ([...lower].length !== 1 || lower.toLowerCase() !== lower || ch.codePointAt(0)! > 0xffff) return false;
  }
  return true;
}

/** How many texts lowercase to `ch` among those the decoder writes: the character and, if it has one, its capital. */
function casings(ch: string): number {
  const upper = ch.toUpperCase();
  return upper !== ch && [...upper].length === 1 && upper.toLowerCase() === ch ? 2 : 1;
}

// ─── SMT-LIB text ───────────────────────────────────────────────────────────────

/** A string literal in SMT-LIB 2.6: `"` doubled, anything but printable ASCII as \u{…}. */
export function smtString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '""';
    else if (c >= 0x20 && c <= 0x7e && ch !== "\\") out += ch;
    else out += `\\u{${c.toString(16)}}`;
  }
  return `${out}"`;
}

/** An exact Real literal for a JavaScript number (no exponents in SMT-LIB). */
export function smtReal(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`internal: ${n} in a condition`);
  const neg = n < 0;
  const [mantissa, exp = "0"] = Math.abs(n).toString().split("e");
  const [whole, frac = ""] = mantissa.split(".");
  let digits = BigInt(whole + frac);
  let scale = frac.length - Number(exp);
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale);
    scale = 0;
  }
  const body = scale === 0 ? `${digits}.0` : `(/ ${digits}.0 ${10n ** BigInt(scale)}.0)`;
  return neg ? `(- ${body})` : body;
}

const and = (xs: string[]) => (xs.length === 0 ? "true" : xs.length === 1 ? xs[0] : `(and ${xs.join(" ")})`);
const or = (xs: string[]) => (xs.length === 0 ? "false" : xs.length === 1 ? xs[0] : `(or ${xs.join(" ")})`);

export const presentVar = (f: VocabField) => `p${f.index}`;
export const valueVar = (f: VocabField) => `v${f.index}`;
export const exactVar = (f: VocabField, k: number) => `e${f.index}_${k}`;
export const memberVar = (f: VocabField, k: number) => `m${f.index}_${k}`;
export const AS_OF = "asof";

/** Declarations and domain constraints of the lead variables and the as-of date. */
export function declareVocabulary(v: Vocabulary): string[] {
  const out: string[] = [`(declare-const ${AS_OF} Int)`, `(assert (and (>= ${AS_OF} ${DATE_MIN}) (<= ${AS_OF} ${DATE_MAX})))`];
  const alphabet = textAlphabet(v);
  for (const f of v.fields) {
    const p = presentVar(f);
    const x = valueVar(f);
    out.push(`(declare-const ${p} Bool)`);
    if (f.required) out.push(`(assert ${p})`);
    switch (f.kind) {
      case "number":
        out.push(`(declare-const ${x} Real)`);
        if (f.integer) out.push(`(assert (is_int ${x}))`);
        break;
      case "date":
        out.push(`(declare-const ${x} Int)`, `(assert (and (>= ${x} ${DATE_MIN}) (<= ${x} ${DATE_MAX})))`);
        break;
      case "boolean": out.push(`(declare-const ${x} Bool)`); break;
      case "enum": {
        out.push(`(declare-const ${x} Int)`, `(assert (and (>= ${x} 0) (< ${x} ${Math.max(1, f.members.length)})))`);
        // an enum with no member both definitions accept: no lead has the field
        if (f.members.length === 0) out.push(`(assert (not ${p}))`);
        break;
      }
      case "string":
        out.push(`(declare-const ${x} String)`, `(assert (str.in_re ${x} ${alphabet}))`, ...stringConstraints(f));
        break;
      case "list":
        f.constants.forEach((_, k) => out.push(`(declare-const ${memberVar(f, k)} Bool)`));
        break;
    }
  }
  out.push(...declareEventAggregates(v));
  return out;
}

export const countVar = (s: VocabEventSet) => `n${s.index}`;
export const latestVar = (s: VocabEventSet) => `l${s.index}`;
export const perLineVar = (l: VocabPerLine) => `w${l.index}`;

/**
 * The event aggregates' variables and the facts that hold for every lead's events: counts are
 * whole and not negative; the latest date exists exactly when the count is positive and lies in
 * its window (never after the as-of date); of two sets of one stream where one's events include
 * the other's (the same `where` or none, a window at least as wide) the larger counts at least as
 * many and its latest date is no earlier — equal when the windows differ only; a `per` line is
 * 0 without events, has cents, keeps its weight's sign, and lies between its count times the
 * least and the most one event is worth (within half a cent of rounding), capped at `max`.
 */
function declareEventAggregates(v: Vocabulary): string[] {
  const out: string[] = [];
  const sets = [...v.eventSets.values()];
  for (const s of sets) {
    const n = countVar(s);
    const l = latestVar(s);
    const window = s.within === undefined ? [] : [`(>= ${l} (- ${AS_OF} ${s.within}))`];
    out.push(`(declare-const ${n} Int)`, `(declare-const ${l} Int)`, `(assert (>= ${n} 0))`, `(assert (=> (> ${n} 0) ${and([`(<= ${l} ${AS_OF})`, ...window])}))`);
  }
  const wider = (a?: number, b?: number) => b === undefined || (a !== undefined && a <= b);
  for (const a of sets) {
    for (const b of sets) {
      if (a === b || a.stream !== b.stream || !wider(a.within, b.within) || (a.where !== b.where && b.where !== "")) continue;
      out.push(`(assert (<= ${countVar(a)} ${countVar(b)}))`, `(assert (=> (> ${countVar(a)} 0) (${a.where === b.where ? "=" : "<="} ${latestVar(a)} ${latestVar(b)})))`);
    }
  }
  for (const line of v.perLines.values()) {
    const w = perLineVar(line);
    const n = `(to_real ${countVar(line.set)})`;
    const sign = line.weight < 0 ? -1 : 1;
    // in the weight's direction: |w| between n × least and n × most, then the cap, ± half a cent
    const most = smtReal(Math.abs(line.weight));
    const least = smtReal(Math.abs(line.weight) * line.leastFactor);
    const magnitude = sign < 0 ? `(- ${w})` : w;
    const capped = (term: string) => (line.max === undefined ? term : `(let ((x ${term})) (ite (> x ${smtReal(line.max)}) ${smtReal(line.max)} x))`);
    out.push(
      `(declare-const ${w} Real)`,
      `(assert (is_int (* 100.0 ${w})))`,
      `(assert (=> (= ${countVar(line.set)} 0) (= ${w} 0.0)))`,
      `(assert (>= ${magnitude} 0.0))`,
      `(assert (<= ${magnitude} (+ ${capped(`(* ${most} ${n})`)} (/ 1.0 200.0))))`,
      `(assert (>= ${magnitude} (- ${capped(`(* ${least} ${n})`)} (/ 1.0 200.0))))`,
    );
  }
  return out;
}

/** Printable ASCII without capitals, and the lowercase characters of the definitions' texts. */
function textAlphabet(v: Vocabulary): string {
  const extra = new Set<string>();
  for (const f of v.fields) for (const c of f.constants) for (const ch of c.toLowerCase()) if (ch.codePointAt(0)! > 0x7e) extra.add(ch);
  const parts = ["(re.range \" \" \"@\")", "(re.range \"[\" \"~\")", ...[...extra].map((ch) => `(str.to_re ${smtString(ch)})`)];
  return `(re.* (re.union ${parts.join(" ")}))`;
}

/**
 * Ties the "exactly c" flags of a text field to its lowercased value: at most one holds, one
 * implies the value is c lowercased, and when every casing of a lowercased constant is itself
 * a constant of the field, the value equal to it means one of them is the text.
 */
function stringConstraints(f: VocabField): string[] {
  const out: string[] = [];
  const x = valueVar(f);
  f.constants.forEach((c, k) => out.push(`(declare-const ${exactVar(f, k)} Bool)`, `(assert (=> ${exactVar(f, k)} (= ${x} ${smtString(c.toLowerCase())})))`));
  for (let a = 0; a < f.constants.length; a++) for (let b = a + 1; b < f.constants.length; b++) out.push(`(assert (not (and ${exactVar(f, a)} ${exactVar(f, b)})))`);
  const groups = new Map<string, number[]>();
  f.constants.forEach((c, k) => groups.set(c.toLowerCase(), [...(groups.get(c.toLowerCase()) ?? []), k]));
  for (const [lower, ks] of groups) {
    const total = [...lower].reduce((n, ch) => n * casings(ch), 1);
    if (ks.length >= total) out.push(`(assert (=> (= ${x} ${smtString(lower)}) ${or(ks.map((k) => exactVar(f, k)))}))`);
  }
  return out;
}

/** The casing of a lowercased text that no constant of the field equals (see stringConstraints). */
export function textFor(lower: string, constants: string[]): string {
  const chars = [...lower];
  const cased = chars.map((ch, i) => (casings(ch) === 2 ? i : -1)).filter((i) => i >= 0);
  const taken = new Set(constants);
  for (let bits = 0; bits <= constants.length && bits < 2 ** Math.min(cased.length, 30); bits++) {
    const candidate = chars.map((ch, i) => (cased.indexOf(i) >= 0 && bits & (1 << cased.indexOf(i)) ? ch.toUpperCase() : ch)).join("");
    if (!taken.has(candidate)) return candidate;
  }
  return lower;
}

// ─── programs ───────────────────────────────────────────────────────────────────

interface Value { def: string; val: string; field?: VocabField; literal?: string }

/** A program's terms: `${prefix}c{i}`, `${prefix}sc{i}`, `${prefix}s{i}` and its stage index. */
export interface EncodedProgram {
  definitions: string[];
  /** Bool term: the lead's stage in this program is `stage` or a later one (false for a stage it does not declare). */
  reached(stage: string): string;
  /** Bool term: the lead's stage is exactly this one (`none` included). */
  isStage(stage: string): string;
  /** Real term of a score. */
  score(name: string): string;
  /** Bool term of any condition of this program (a score line, an `at least` item). */
  condition(e: IrExpr): string;
  /** Real term of a score's points before its cap and floor. */
  rawScore(index: number): string;
}

/** Encodes one program over the vocabulary; `prefix` keeps its names apart from another's. */
export function encodeProgram(p: IrProgram, v: Vocabulary, prefix: string): EncodedProgram {
  const enc = new ExprEncoder(p, v, prefix);
  const definitions: string[] = [];
  // A score's points before cap and floor: its lines that hold plus its `per` lines' values.
  const rawScore = (index: number) => {
    const s = p.scores[index];
    const terms = [...s.lines.map((l) => `(ite ${enc.cond(l.cond.expr)} ${smtReal(l.weight)} 0.0)`), ...s.perLines.map((l) => perLineVar(perLineOf(v, p, l)))];
    return terms.length ? `(+ 0.0 ${terms.join(" ")})` : "0.0";
  };
  // A constant equal to its term rather than a define-fun: the model then holds a value, not
  // the whole term, and queries parsed later refer to it by name.
  const define = (name: string, sort: string, term: string) => definitions.push(`(declare-const ${name} ${sort})`, `(assert (= ${name} ${term}))`);
  for (const d of p.order) {
    if (d.kind === "criterion") define(`${prefix}c${d.index}`, "Bool", enc.cond(p.criteria[d.index].cond.expr));
    else if (d.kind === "stage") define(`${prefix}s${d.index}`, "Bool", enc.cond(p.stages[d.index].cond.expr));
    else if (d.kind === "disqualify") define(`${prefix}dq${d.index}`, "Bool", enc.cond(p.disqualifications[d.index].cond.expr));
    else if (d.kind === "grade") {
      // A grade is the rank of its letter among its letters: the first line that holds, else `else`.
      const g = p.grades[d.index];
      let term = String(g.letters.indexOf(g.otherwise));
      for (let k = g.lines.length - 1; k >= 0; k--) term = `(ite ${enc.cond(g.lines[k].cond.expr)} ${g.letters.indexOf(g.lines[k].letter)} ${term})`;
      define(`${prefix}gr${d.index}`, "Int", term);
    } else {
      const s = p.scores[d.index];
      let sum = rawScore(d.index);
      if (s.cap !== undefined) sum = `(let ((x ${sum})) (ite (> x ${smtReal(s.cap)}) ${smtReal(s.cap)} x))`;
      if (s.floor !== undefined) sum = `(let ((x ${sum})) (ite (< x ${smtReal(s.floor)}) ${smtReal(s.floor)} x))`;
      define(`${prefix}sc${d.index}`, "Real", sum);
    }
  }
  // the stage is the last declared one whose condition holds
  let stageIndex = "(- 1)";
  for (const s of p.stages) stageIndex = `(ite ${prefix}s${s.index} ${s.index} ${stageIndex})`;
  // A disqualification overrides the funnel: index one past its last stage, reaching none of them.
  const disqualifies = p.disqualifications.length > 0;
  if (disqualifies) stageIndex = `(ite ${or(p.disqualifications.map((d) => `${prefix}dq${d.index}`))} ${p.stages.length} ${stageIndex})`;
  define(`${prefix}stage`, "Int", stageIndex);
  const indexOf = (name: string) => (name === "none" ? -1 : disqualifies && name === DISQUALIFIED ? p.stages.length : p.stages.findIndex((s) => s.name === name));
  const int = (n: number) => (n < 0 ? `(- ${-n})` : String(n));
  const notDisqualified = disqualifies ? [`(< ${prefix}stage ${p.stages.length})`] : [];
  return {
    definitions,
    reached: (stage) => (stage === DISQUALIFIED && disqualifies ? `(= ${prefix}stage ${p.stages.length})`
      : indexOf(stage) < 0 ? (stage === "none" ? "true" : "false") : and([`(>= ${prefix}stage ${indexOf(stage)})`, ...notDisqualified])),
    isStage: (stage) => (stage !== "none" && indexOf(stage) < 0 ? "false" : `(= ${prefix}stage ${int(indexOf(stage))})`),
    score: (name) => `${prefix}sc${p.scores.findIndex((s) => s.name === name)}`,
    condition: (e) => enc.cond(e),
    rawScore,
  };
}

class ExprEncoder {
  constructor(
    private readonly p: IrProgram,
    private readonly v: Vocabulary,
    private readonly prefix: string,
  ) {}

  private field(f: IrField): VocabField {
    return this.v.byPath.get(f.path)!;
  }

  /** The value of an expression with its defined-ness (false where the JS evaluator has NaN/undefined). */
  value(e: IrExpr): Value {
    switch (e.k) {
      case "const":
        switch (e.kind) {
          case "number": return { def: "true", val: smtReal(Number(e.value)) };
          case "date": return { def: "true", val: smtReal(Number(e.value)) };
          case "boolean": return { def: "true", val: String(e.value === true) };
          case "string": return { def: "true", val: smtString(String(e.value).toLowerCase()), literal: String(e.value) };
          default: return { def: "true", val: "", literal: String(e.value) }; // enum members: see rank
        }
      case "field": {
        const f = this.field(e.field);
        const x = valueVar(f);
        return { def: presentVar(f), val: f.kind === "date" ? `(to_real ${x})` : x, field: f };
      }
      case "score": return { def: "true", val: `${this.prefix}sc${e.index}` };
      case "grade": return { def: "true", val: `${this.prefix}gr${e.index}` };
      case "arith": {
        const l = this.value(e.l);
        const r = this.value(e.r);
        if (e.op === "/") return { def: and([l.def, r.def, `(not (= ${r.val} 0.0))`]), val: `(/ ${l.val} ${r.val})` };
        return { def: and([l.def, r.def]), val: `(${e.op} ${l.val} ${r.val})` };
      }
      case "neg": {
        const x = this.value(e.e);
        return { def: x.def, val: `(- ${x.val})` };
      }
      case "daysSince": {
        const x = this.value(e.e);
        return { def: x.def, val: `(- (to_real ${AS_OF}) ${x.val})` };
      }
      case "count": return { def: "true", val: `(to_real ${countVar(eventSet(this.v, this.p, e.stream, e.where, e.within))})` };
      case "latest": {
        const set = eventSet(this.v, this.p, e.stream, e.where, e.within);
        return { def: `(> ${countVar(set)} 0)`, val: `(to_real ${latestVar(set)})` };
      }
      default:
        return { def: "true", val: this.cond(e) };
    }
  }

  /** An enum operand as its rank in `members` (the comparison's declaration order). */
  private rank(e: IrExpr, members: readonly string[]): Value {
    if (e.k === "const") return { def: "true", val: String(members.indexOf(String(e.value))) };
    // A grade is compared with its own letters, so its rank is already in this order.
    if (e.k === "grade") return { def: "true", val: `${this.prefix}gr${e.index}` };
    if (e.k !== "field") throw new Error("internal: an enum value that is not a field or a member");
    const f = this.field(e.field);
    let term = "(- 1)";
    f.members.forEach((m, k) => {
      const r = members.indexOf(m);
      term = `(ite (= ${valueVar(f)} ${k}) ${r < 0 ? "(- 1)" : r} ${term})`;
    });
    return { def: presentVar(f), val: term };
  }

  /** `a = b` for operands of one kind, false when either is missing. */
  private equal(kind: IrField["kind"], members: readonly string[], a: IrExpr, b: IrExpr): string {
    if (kind === "enum") {
      const x = this.rank(a, members);
      const y = this.rank(b, members);
      return and([x.def, y.def, `(= ${x.val} ${y.val})`]);
    }
    const x = this.value(a);
    const y = this.value(b);
    if (kind === "string") {
      const exact = (f: VocabField, literal: string) => {
        const k = f.constants.indexOf(literal);
        if (k < 0) throw new Error("internal: a text constant the vocabulary missed");
        return and([presentVar(f), exactVar(f, k)]);
      };
      if (x.field && y.literal !== undefined) return exact(x.field, y.literal);
      if (y.field && x.literal !== undefined) return exact(y.field, x.literal);
      if (x.literal !== undefined && y.literal !== undefined) return String(x.literal === y.literal);
      // two text fields: listed in the vocabulary's `inexact`; equal lowercased text approximates it
    }
    return and([x.def, y.def, `(= ${x.val} ${y.val})`]);
  }

  cond(e: IrExpr): string {
    switch (e.k) {
      case "const": return String(e.value === true);
      case "field": {
        const f = this.field(e.field);
        return `(and ${presentVar(f)} ${valueVar(f)})`;
      }
      case "criterion": return `${this.prefix}c${e.index}`;
      case "stage": return `${this.prefix}s${e.index}`;
      case "not": return `(not ${this.cond(e.e)})`;
      case "and": return `(and ${this.cond(e.l)} ${this.cond(e.r)})`;
      case "or": return `(or ${this.cond(e.l)} ${this.cond(e.r)})`;
      case "cmp": {
        if (e.op === "=") return this.equal(e.kind, e.members, e.l, e.r);
        if (e.op === "!=") {
          // present on both sides and not equal
          const [x, y] = e.kind === "enum" ? [this.rank(e.l, e.members), this.rank(e.r, e.members)] : [this.value(e.l), this.value(e.r)];
          return and([x.def, y.def, `(not ${this.equal(e.kind, e.members, e.l, e.r)})`]);
        }
        const [x, y] = e.kind === "enum" ? [this.rank(e.l, e.members), this.rank(e.r, e.members)] : [this.value(e.l), this.value(e.r)];
        // an enum value outside this ordering (rank -1) compares false, as `undefined < n` does in JS
        const known = e.kind === "enum" ? [`(>= ${x.val} 0)`, `(>= ${y.val} 0)`] : [];
        return and([x.def, y.def, ...known, `(${e.op} ${x.val} ${y.val})`]);
      }
      case "in": {
        const x = e.kind === "enum" ? this.rank(e.e, this.membersOf(e.e)) : this.value(e.e);
        const any = or(e.items.map((item) => this.equal(e.kind, this.membersOf(e.e), e.e, item)));
        return and([x.def, e.negated ? `(not ${any})` : any]);
      }
      case "contains": {
        if (e.on === "list") {
          if (e.l.k !== "field") throw new Error("internal: contains on a list that is not a field");
          const f = this.field(e.l.field);
          const k = e.r.k === "const" ? f.constants.indexOf(String(e.r.value)) : -1;
          // a field's value looked for in a list: listed in `inexact`, approximated by "not found"
          return k < 0 ? "false" : and([presentVar(f), memberVar(f, k)]);
        }
        const l = this.value(e.l);
        const r = this.value(e.r);
        return and([l.def, r.def, `(str.contains ${l.val} ${r.val})`]);
      }
      case "startsWith": {
        const l = this.value(e.l);
        const r = this.value(e.r);
        return and([l.def, r.def, `(str.prefixof ${r.val} ${l.val})`]);
      }
      case "endsWith": {
        const l = this.value(e.l);
        const r = this.value(e.r);
        return and([l.def, r.def, `(str.suffixof ${r.val} ${l.val})`]);
      }
      case "presence": {
        const p = presentVar(this.field(e.field));
        return e.missing ? `(not ${p})` : p;
      }
      case "atLeast":
        return `(>= (+ 0 ${e.items.map((i) => `(ite ${this.cond(i)} 1 0)`).join(" ")}) ${smtReal(e.n).replace(/\.0$/, "")})`;
      default:
        throw new Error(`internal: ${e.k} is not a condition`);
    }
  }

  private membersOf(e: IrExpr): readonly string[] {
    return e.k === "field" ? e.field.members : e.k === "grade" ? this.p.grades[e.index].letters : [];
  }
}

/** The names every program in the pair declares, for reports. */
export function stageNames(programs: IrProgram[]): string[] {
  const out: string[] = [];
  for (const p of programs) for (const s of p.stages) if (!out.includes(s.name)) out.push(s.name);
  if (programs.some((p) => p.disqualifications.length > 0)) out.push(DISQUALIFIED);
  return out;
}
