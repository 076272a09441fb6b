import { formatDateDays, parseDateDays, todayDays } from "../../language/literals.js";
import { emitFactory, FACTORY_PARAMS, fieldTable, type GeneratedFunction } from "../js/emit-js.js";
import { DISQUALIFIED, type IrField, type IrProgram } from "../ir.js";
import { readDate } from "./codecs/date.js";
import { RUNTIME_FUNCTIONS } from "./codecs/codec.js";
import { foldCase } from "./case-fold.js";
import { conditionText, fieldsOf } from "../analysis/describe.js";
import { IrEvaluator, type LeadEnv } from "../analysis/evaluate-ir.js";
import { nearestMiss } from "../analysis/nearest-miss.js";

export interface EvaluateOptions {
  /** The date `days_since` counts to: `YYYY-MM-DD` or a Date. Default: today (UTC). */
  asOf?: string | Date;
}

export interface LeadResult {
  /** The last stage that holds, `none`, or `disqualified` when a disqualification holds. */
  stage: string;
  scores: Record<string, number>;
  /** Each grade's letter (only for definitions with grades). */
  grades?: Record<string, string>;
  /** The first holding disqualification's reason (only for definitions that disqualify; undefined when none holds). */
  reason?: string;
}

/** `evaluateColumns`' results: one array per output column, lead i at index i. */
export interface ColumnResults {
  /** Index into `program.resultStages`, -1 for none. */
  stage: Int16Array;
  scores: Record<string, Float64Array>;
  /** Each grade's letters (only for definitions with grades). */
  grades?: Record<string, string[]>;
  /** Each lead's disqualification reason, undefined when none holds (only for definitions that disqualify). */
  reason?: (string | undefined)[];
}

export interface FieldValue {
  path: string;
  /** As read: dates as `YYYY-MM-DD`, lists as arrays; undefined when missing. */
  value: unknown;
}

export interface ConditionPart {
  text: string;
  holds: boolean;
  fields: FieldValue[];
}

export interface DeclarationTrace {
  name: string;
  holds: boolean;
  parts: ConditionPart[];
}

export interface ScoreTrace {
  name: string;
  value: number;
  cap: number | undefined;
  floor: number | undefined;
  lines: { text: string; weight: number; holds: boolean; fields: FieldValue[] }[];
  /** The `per` lines: the line's points and each event that counted, with what it was worth after decay. */
  perLines: { text: string; value: number; events: CountedEvent[]; /** the events' sum exceeded `max` */ capped: boolean }[];
}

/** An event a `per` line counted: its position in the lead's list, its values, its worth after decay. */
export interface CountedEvent {
  /** 1-based position in the lead's list of the stream's events. */
  position: number;
  values: FieldValue[];
  worth: number;
}

/** What a lead lacks for the next stage up: the nearest miss (compiler/analysis/nearest-miss.ts). */
export interface MissingForNextStage {
  stage: string;
  /** The conditions that would have to hold, with the field values that decided them. */
  needs: { text: string; fields: FieldValue[] }[];
  /** Each `at least N of […]` on the way: how many of its items hold. */
  atLeast: { text: string; n: number; of: number; holding: number }[];
}

/** A grade in an explanation: its letter and the line that gave it (undefined: `else`). */
export interface GradeTrace {
  name: string;
  letter: string;
  /** The grade line that held first, as written (`A when …`); undefined when `else` gave the letter. */
  line: string | undefined;
  /** Every line in order, with whether it held (lines after the first that held are not consulted). */
  lines: { text: string; holds: boolean; fields: FieldValue[] }[];
}

export interface Explanation {
  asOf: string;
  stage: string;
  /** The first holding disqualification's reason, when the lead is disqualified. */
  reason?: string;
  /** Every disqualification (named by its reason), with its parts. */
  disqualifications: DeclarationTrace[];
  grades: GradeTrace[];
  /** Undefined at the top of the funnel. */
  next?: MissingForNextStage;
  scores: Record<string, number>;
  stages: DeclarationTrace[];
  criteria: DeclarationTrace[];
  scoreDetails: ScoreTrace[];
}

interface Generated {
  evaluate(lead: unknown, asOf: number): LeadResult;
  evaluateToColumns(lead: unknown, asOf: number, i: number, stageOut: Int16Array, scoreOut: Float64Array[], textOut: (string | undefined)[][]): void;
  evaluateInto(vals: unknown[], asOf: number, out: unknown[]): void;
  evaluateIntoFull(vals: unknown[], asOf: number, out: unknown[]): void;
  explain(lead: unknown, asOf: number): {
    stage: string; scores: number[]; criteria: boolean[][]; stages: boolean[][]; scoreLines: boolean[][];
    grades: string[]; gradeLines: number[]; disqualifications: boolean[][]; values: unknown[];
    /** Per score, per `per` line: flat pairs (event index, worth). */
    perLines: number[][][];
    /** Each stream's events, as read. */
    streams: unknown[][][];
  };
  decodeStreams(lead: unknown): unknown[][][];
}

/** A read value as explanations show it: dates as `YYYY-MM-DD`, missing as undefined. */
function shown(kind: string, v: unknown): unknown {
  const missing = v === undefined || (typeof v === "number" && Number.isNaN(v));
  return missing ? undefined : kind === "date" ? formatDateDays(v as number) : v;
}

/** Day number for an as-of option; throws a RangeError for a date that does not exist. */
export function asOfDays(asOf: string | Date | undefined): number {
  if (asOf === undefined) return todayDays();
  if (asOf instanceof Date) return Math.floor(asOf.getTime() / 86_400_000);
  const days = parseDateDays(asOf);
  if (Number.isNaN(days)) throw new RangeError(`as-of date \`${asOf}\` is not a valid YYYY-MM-DD date`);
  return days;
}

/**
 * A compiled, error-free definition. The evaluators are generated JavaScript, compiled once
 * on first use; nothing is looked up by name per lead.
 */
export class Program {
  private readonly compiled = new Map<GeneratedFunction, unknown>();
  // The per-lead entry points, kept in fields: the hot paths skip the map.
  private evaluateFn: Generated["evaluate"] | undefined;
  private intoFn: Generated["evaluateInto"] | undefined;
  private intoFullFn: Generated["evaluateIntoFull"] | undefined;
  private decodeFn: Generated["decodeStreams"] | undefined;
  private lastAsOf: string | undefined;
  private irEvaluator: IrEvaluator | undefined;
  private lastAsOfDays = 0;

  constructor(readonly ir: IrProgram) {}

  get stages(): string[] { return this.ir.stages.map((s) => s.name); }
  get scores(): string[] { return this.ir.scores.map((s) => s.name); }
  get criteria(): string[] { return this.ir.criteria.map((c) => c.name); }
  get fields(): readonly IrField[] { return this.ir.fields; }
  get grades(): string[] { return this.ir.grades.map((g) => g.name); }
  /**
   * The stage values a result can have after `none`: the funnel, then `disqualified` when the
   * definition disqualifies. A stage index (batch forms) indexes this list.
   */
  get resultStages(): string[] {
    return this.ir.disqualifications.length ? [...this.stages, DISQUALIFIED] : this.stages;
  }
  /** The text columns that end every result row: `reason` (when the definition disqualifies), then each grade. */
  get textColumns(): string[] {
    return [...(this.ir.disqualifications.length ? ["reason"] : []), ...this.grades];
  }

  /** The generated factory's source, for inspection and for `build --target js`. */
  get factorySource(): string {
    return emitFactory(this.ir);
  }

  /** Each generated function is compiled on its first use, on its own. */
  private fn<K extends GeneratedFunction>(name: K): Generated[K] {
    let f = this.compiled.get(name) as Generated[K] | undefined;
    if (!f) {
      const factory = new Function(...FACTORY_PARAMS, emitFactory(this.ir, [name])) as (...args: unknown[]) => Generated;
      f = factory(...RUNTIME_FUNCTIONS, foldCase, fieldTable(this.ir))[name];
      this.compiled.set(name, f);
    }
    return f;
  }

  private days(options: EvaluateOptions | undefined): number {
    const asOf = options?.asOf;
    if (typeof asOf === "string") {
      if (asOf !== this.lastAsOf) {
        this.lastAsOfDays = asOfDays(asOf);
        this.lastAsOf = asOf;
      }
      return this.lastAsOfDays;
    }
    return asOfDays(asOf);
  }

  /**
   * The lead's stage and scores. `lead` is a nested object (`{company: {industry: ...}}`) or
   * has flat dotted keys; values have their JSON types or are strings that spell them. A value
   * that does not fit its field throws a TypeError naming the field when the evaluation reads
   * it (fields are read where first needed).
   */
  evaluate(lead: object, options?: EvaluateOptions): LeadResult {
    if (lead === null || typeof lead !== "object") throw new TypeError("a lead must be an object");
    return (this.evaluateFn ??= this.fn("evaluate"))(lead, this.days(options));
  }

  /**
   * The columnar batch form: the same results as `evaluate` on each lead, written into typed
   * arrays instead of one object per lead. `stage[i]` is the index of lead i's stage in
   * `program.resultStages` (`disqualified` last when the definition disqualifies), or -1 for
   * none; `scores[name][i]` its score; as `evaluate` has them, `grades[name][i]` its letter and
   * `reason[i]` why it was disqualified (undefined when it was not).
   */
  evaluateColumns(leads: ArrayLike<object>, options?: EvaluateOptions): ColumnResults {
    const asOf = this.days(options);
    const n = leads.length;
    const stage = new Int16Array(n);
    const columns = this.ir.scores.map(() => new Float64Array(n));
    const texts = this.textColumns.map(() => new Array<string | undefined>(n));
    const fn = this.fn("evaluateToColumns");
    for (let i = 0; i < n; i++) fn(leads[i], asOf, i, stage, columns, texts);
    const out: ColumnResults = { stage, scores: Object.fromEntries(this.ir.scores.map((s, k) => [s.name, columns[k]])) };
    // the text columns come in textColumns' order: the reason first, then each grade
    let k = 0;
    if (this.ir.disqualifications.length) out.reason = texts[k++];
    if (this.ir.grades.length) out.grades = Object.fromEntries(this.ir.grades.map((g) => [g.name, texts[k++] as string[]]));
    return out;
  }

  /** Evaluates many leads; the same results as calling evaluate on each. */
  evaluateMany(leads: Iterable<object>, options?: EvaluateOptions): LeadResult[] {
    const asOf = this.days(options);
    const fn = this.fn("evaluate");
    if (Array.isArray(leads)) {
      const out = new Array<LeadResult>(leads.length);
      for (let i = 0; i < leads.length; i++) out[i] = fn(leads[i], asOf);
      return out;
    }
    const out: LeadResult[] = [];
    for (const lead of leads) out.push(fn(lead, asOf));
    return out;
  }

  /**
   * Batch form over already-read values (`vals[i]` is field i in the internal representation,
   * as the data readers produce it). Writes the stage index (-1 for none) and the scores into
   * `out`; with `full`, also every criterion and then every stage flag.
   */
  evaluateValues(vals: unknown[], asOf: number, out: unknown[], full = false): void {
    (full ? (this.intoFullFn ??= this.fn("evaluateIntoFull")) : (this.intoFn ??= this.fn("evaluateInto")))(vals, asOf, out);
  }

  /**
   * The lead's event streams read into the evaluator's representation (`evaluateValues` takes
   * stream s at `vals[fields.length + s]`); throws a TypeError naming the event and field that
   * does not fit. Empty when the program declares no streams.
   */
  decodeStreams(lead: object): unknown[][][] {
    if (this.ir.streams.length === 0) return [];
    return (this.decodeFn ??= this.fn("decodeStreams"))(lead);
  }

  /** Why the lead got its stage: each declaration's parts with their truth and the fields they read. */
  explain(lead: object, options?: EvaluateOptions): Explanation {
    if (lead === null || typeof lead !== "object") throw new TypeError("a lead must be an object");
    const asOf = this.days(options);
    const raw = this.fn("explain")(lead, asOf);
    const display = (i: number): FieldValue => ({ path: this.ir.fields[i].path, value: shown(this.ir.fields[i].kind, raw.values[i]) });
    const trace = (name: string, cond: IrProgram["stages"][number]["cond"], parts: boolean[]): DeclarationTrace => ({
      name,
      holds: parts.every(Boolean),
      parts: cond.parts.map((p, i) => ({ text: p.text, holds: parts[i], fields: p.fields.map(display) })),
    });
    const stageIndex = this.ir.stages.findIndex((s) => s.name === raw.stage);
    const disqualifications = this.ir.disqualifications.map((d, i) => trace(d.reason, d.cond, raw.disqualifications[i]));
    const reason = disqualifications.find((d) => d.holds)?.name;
    // The IR evaluator over the lead's read values and streams, made when first needed.
    const evaluator = () => (this.irEvaluator ??= new IrEvaluator(this.ir));
    let leadEnv: LeadEnv | undefined;
    const env = () => (leadEnv ??= evaluator().env([...raw.values, ...raw.streams], asOf));
    let next: MissingForNextStage | undefined;
    // A disqualified lead reaches no stage, whatever it would need: there is no nearest miss.
    if (reason === undefined && stageIndex + 1 < this.ir.stages.length) {
      const miss = nearestMiss(this.ir, evaluator(), env(), stageIndex + 1);
      next = {
        stage: miss.stage,
        needs: miss.needs.map((atom) => ({ text: conditionText(atom), fields: fieldsOf(atom).map((f) => display(f.index)) })),
        atLeast: miss.counts.map((c) => ({ text: conditionText(c.expr), n: c.expr.n, of: c.expr.items.length, holding: c.holding })),
      };
    }
    const grades = this.ir.grades.map((g, i): GradeTrace => {
      const held = raw.gradeLines[i];
      return {
        name: g.name,
        letter: raw.grades[i],
        line: held >= 0 ? g.lines[held].text : undefined,
        lines: g.lines.map((l, k) => ({
          text: l.text.replace(/\s+/g, " "),
          holds: k === held,
          fields: l.cond.parts.flatMap((p) => p.fields).filter((x, j, all) => all.indexOf(x) === j).map(display),
        })),
      };
    });
    return {
      asOf: formatDateDays(asOf),
      stage: raw.stage,
      ...(reason !== undefined ? { reason } : {}),
      disqualifications,
      grades,
      ...(next ? { next } : {}),
      scores: Object.fromEntries(this.ir.scores.map((s, i) => [s.name, raw.scores[i]])),
      stages: this.ir.stages.map((s, i) => trace(s.name, s.cond, raw.stages[i])),
      criteria: this.ir.criteria.map((c, i) => trace(c.name, c.cond, raw.criteria[i])),
      scoreDetails: this.ir.scores.map((s, i) => ({
        name: s.name,
        value: raw.scores[i],
        cap: s.cap,
        floor: s.floor,
        lines: s.lines.map((l, j) => ({
          text: l.text.replace(/\s+/g, " "),
          weight: l.weight,
          holds: raw.scoreLines[i][j],
          fields: l.cond.parts.flatMap((p) => p.fields).filter((x, k, all) => all.indexOf(x) === k).map(display),
        })),
        perLines: s.perLines.map((l, j) => {
          const pairs = raw.perLines[i][j] ?? [];
          const stream = this.ir.streams[l.stream];
          const events: CountedEvent[] = [];
          for (let k = 0; k < pairs.length; k += 2) {
            const event = raw.streams[l.stream][pairs[k]] as unknown[];
            events.push({ position: pairs[k] + 1, worth: pairs[k + 1], values: stream.fields.map((f) => ({ path: f.path, value: shown(f.kind, event[f.index]) })) });
          }
          const capped = l.max !== undefined && Math.abs(events.reduce((t, e) => t + e.worth, 0)) > l.max;
          return { text: l.text, value: evaluator().perLine(l, env()), events, capped };
        }),
      })),
    };
  }
}
