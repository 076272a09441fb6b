import { reasonText } from "../runtime/codecs/reasons.js";
import { formatDateDays } from "../../language/literals.js";
import type { Reject } from "../batch/reject.js";
import type { DeclarationTrace, Explanation, FieldValue, Program } from "../runtime/program.js";
import { EXAMPLES_PER_CELL, type DiffReport, type PartChange, type Reason, type RejectDiff, type ScoreDiff, type Stats, type Transition } from "./diff.js";
import type { PairedRow } from "./paired-rows.js";
import { OutcomeFlags } from "./outcome-flags.js";

/**
 * The counting behind `leaddef diff`, and the reasons for each lead it shows: the stages and
 * criteria whose value differs between the two explanations.
 */

/** Grows by doubling: one number per compared lead, for medians. */
class NumberColumn {
  private data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = v;
  }
  append(values: Float64Array): void {
    if (this.length + values.length > this.data.length) this.grow(this.length + values.length);
    this.data.set(values, this.length);
    this.length += values.length;
  }
  private grow(atLeast: number): void {
    const bigger = new Float64Array(Math.max(atLeast, this.data.length * 2));
    bigger.set(this.data.subarray(0, this.length));
    this.data = bigger;
  }
  values(): Float64Array {
    return this.data.slice(0, this.length);
  }
  stats(): Stats {
    if (this.length === 0) return { mean: null, median: null };
    const values = this.data.slice(0, this.length).sort();
    let sum = 0;
    for (const v of values) sum += v;
    const mid = values.length >> 1;
    const median = values.length % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    return { mean: round(sum / values.length), median: round(median) };
  }
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;

/** A tally's state as plain data: what a worker thread sends back for one piece of input. */
export interface DiffPartial {
  rows: number;
  compared: number;
  changed: number;
  counts: number[][];
  examples: Transition["examples"][][];
  scores: { old: Float64Array[]; new: Float64Array[] };
  commonChanged: number[];
  rejected: RejectDiff;
  /** [from][to][outcome]: leads of the cell that had the outcome. */
  outcomeCounts: number[][][];
}

/** Where an outcome the diff counts is declared: the new definition's wins when both declare it. */
interface CountedOutcome { name: string; side: "old" | "new"; index: number }

function countedOutcomes(programs: { old: Program; new: Program }): CountedOutcome[] {
  const fresh = programs.new.ir.outcomes.map((o, index) => ({ name: o.name, side: "new" as const, index }));
  const oldOnly = programs.old.ir.outcomes
    .map((o, index) => ({ name: o.name, side: "old" as const, index }))
    .filter((o) => !fresh.some((n) => n.name === o.name));
  return [...fresh, ...oldOnly];
}

/**
 * The running totals of a diff: rows are added one by one (the single-threaded path, and each
 * worker on its piece), pieces' partials merged in input order (the parallel path), so both
 * paths give the same report, examples included.
 */
export class DiffTally {
  private rows = 0;
  private compared = 0;
  private changed = 0;
  private readonly before: string[];
  private readonly after: string[];
  private readonly counts: number[][];
  private readonly examples: Transition["examples"][][];
  private readonly columns: { old: NumberColumn[]; new: NumberColumn[] };
  private readonly common: { name: string; o: number; n: number; changed: number }[];
  private readonly rejected: RejectDiff = { before: 0, after: 0, only_before: 0, only_after: 0, examples: [] };
  private readonly oldOut: unknown[];
  private readonly newOut: unknown[];
  private readonly asOfText: string;
  private readonly outcomes: CountedOutcome[];
  private readonly outcomeFlags: { old: OutcomeFlags; new: OutcomeFlags };
  private readonly outcomeCounts: number[][][];

  constructor(private readonly programs: { old: Program; new: Program }, private readonly asOf: number) {
    // `disqualified` (when a side disqualifies) is a row and column of its own, after the funnel.
    this.before = ["none", ...programs.old.resultStages];
    this.after = ["none", ...programs.new.resultStages];
    this.counts = this.before.map(() => new Array<number>(this.after.length).fill(0));
    this.examples = this.before.map(() => this.after.map(() => []));
    this.columns = { old: programs.old.scores.map(() => new NumberColumn()), new: programs.new.scores.map(() => new NumberColumn()) };
    // common scores: index on each side, and how many leads it changed for
    const newScores = programs.new.scores;
    this.common = programs.old.scores.filter((s) => newScores.includes(s)).map((s, _, __) => ({ name: s, o: programs.old.scores.indexOf(s), n: newScores.indexOf(s), changed: 0 }));
    this.oldOut = new Array(1 + programs.old.scores.length);
    this.newOut = new Array(1 + newScores.length);
    this.asOfText = formatDateDays(asOf);
    this.outcomes = countedOutcomes(programs);
    this.outcomeFlags = { old: new OutcomeFlags(programs.old.ir), new: new OutcomeFlags(programs.new.ir) };
    this.outcomeCounts = this.before.map(() => this.after.map(() => new Array<number>(this.outcomes.length).fill(0)));
  }

  /** Counts the outcomes the lead had into its cell; each side evaluates only the outcomes it declares. */
  private countOutcomes(row: PairedRow, from: number, to: number): void {
    const { old: oldFlags, new: newFlags } = this.outcomeFlags;
    const had = { old: oldFlags.any ? oldFlags.evaluate(row.old.values!, this.asOf) : oldFlags.flags, new: newFlags.any ? newFlags.evaluate(row.new.values!, this.asOf) : newFlags.flags };
    const cell = this.outcomeCounts[from][to];
    this.outcomes.forEach((o, k) => {
      if (had[o.side][o.index]) cell[k]++;
    });
  }

  private noteReject(side: "before" | "after", r: Reject): void {
    if (this.rejected.examples.length < 2 * EXAMPLES_PER_CELL) this.rejected.examples.push({ side, id: r.id, line: r.line, field: r.problems[0].field, value: r.problems[0].value, reason: r.problems.map((p) => reasonText(p.reason)).join("; ") });
  }

  /** Counts one row; explains it when it is among the first moved leads of its cell. */
  add(row: PairedRow): void {
    const { programs, rejected } = this;
    this.rows++;
    if (row.old.reject) rejected.before++;
    if (row.new.reject) rejected.after++;
    if (row.old.reject && !row.new.reject) {
      rejected.only_before++;
      this.noteReject("before", row.old.reject);
    }
    if (row.new.reject && !row.old.reject) {
      rejected.only_after++;
      this.noteReject("after", row.new.reject);
    }
    if (row.old.reject || row.new.reject) return;
    this.compared++;
    const { oldOut, newOut } = this;
    programs.old.evaluateValues(row.old.values, this.asOf, oldOut);
    programs.new.evaluateValues(row.new.values, this.asOf, newOut);
    const from = (oldOut[0] as number) + 1;
    const to = (newOut[0] as number) + 1;
    this.counts[from][to]++;
    if (this.outcomes.length > 0) this.countOutcomes(row, from, to);
    for (let k = 0; k < this.columns.old.length; k++) this.columns.old[k].push(oldOut[1 + k] as number);
    for (let k = 0; k < this.columns.new.length; k++) this.columns.new[k].push(newOut[1 + k] as number);
    for (const c of this.common) if (oldOut[1 + c.o] !== newOut[1 + c.n]) c.changed++;
    if (this.before[from] === this.after[to]) return;
    this.changed++;
    const cell = this.examples[from][to];
    if (cell.length < EXAMPLES_PER_CELL) cell.push({ id: row.id, line: row.line, reasons: explainMove(programs, row.lead(), this.asOfText) });
  }

  /** The state as plain data (structured-clone safe). */
  partial(): DiffPartial {
    return {
      rows: this.rows,
      compared: this.compared,
      changed: this.changed,
      counts: this.counts,
      examples: this.examples,
      scores: { old: this.columns.old.map((c) => c.values()), new: this.columns.new.map((c) => c.values()) },
      commonChanged: this.common.map((c) => c.changed),
      rejected: this.rejected,
      outcomeCounts: this.outcomeCounts,
    };
  }

  /** Adds the partial of the next piece of input; its line numbers start after `lineOffset`. */
  merge(p: DiffPartial, lineOffset: number): void {
    this.rows += p.rows;
    this.compared += p.compared;
    this.changed += p.changed;
    p.counts.forEach((row, i) => row.forEach((n, j) => (this.counts[i][j] += n)));
    p.outcomeCounts.forEach((row, i) => row.forEach((cell, j) => cell.forEach((n, k) => (this.outcomeCounts[i][j][k] += n))));
    p.examples.forEach((row, i) => row.forEach((cell, j) => {
      const mine = this.examples[i][j];
      for (const e of cell) if (mine.length < EXAMPLES_PER_CELL) mine.push({ ...e, line: e.line + lineOffset });
    }));
    p.scores.old.forEach((v, k) => this.columns.old[k].append(v));
    p.scores.new.forEach((v, k) => this.columns.new[k].append(v));
    p.commonChanged.forEach((n, k) => (this.common[k].changed += n));
    const r = this.rejected;
    r.before += p.rejected.before;
    r.after += p.rejected.after;
    r.only_before += p.rejected.only_before;
    r.only_after += p.rejected.only_after;
    for (const e of p.rejected.examples) if (r.examples.length < 2 * EXAMPLES_PER_CELL) r.examples.push({ ...e, line: e.line + lineOffset });
  }

  /** The finished report. */
  report(unknownColumns: { old: string[]; new: string[] }): DiffReport {
    const transitions: Transition[] = [];
    const outcomesOf = (i: number, j: number) => Object.fromEntries(this.outcomes.map((o, k) => [o.name, this.outcomeCounts[i][j][k]]));
    this.before.forEach((from, i) => this.after.forEach((to, j) => transitions.push({
      from,
      to,
      count: this.counts[i][j],
      ...(this.outcomes.length > 0 ? { outcomes: outcomesOf(i, j) } : {}),
      examples: this.examples[i][j],
    })));
    const oldScores = this.programs.old.scores;
    const newScores = this.programs.new.scores;
    const scores: Record<string, ScoreDiff> = {};
    for (const name of [...oldScores, ...newScores.filter((s) => !oldScores.includes(s))]) {
      const o = oldScores.indexOf(name);
      const n = newScores.indexOf(name);
      scores[name] = {
        changed: this.common.find((c) => c.name === name)?.changed ?? null,
        before: o >= 0 ? this.columns.old[o].stats() : null,
        after: n >= 0 ? this.columns.new[n].stats() : null,
      };
    }
    return {
      rows: this.rows,
      compared: this.compared,
      changed: this.changed,
      as_of: this.asOfText,
      stages: { before: this.programs.old.resultStages, after: this.programs.new.resultStages },
      transitions,
      outcomes: this.outcomes.map((o) => o.name),
      scores,
      rejected: this.rejected,
      unknown_columns: { before: unknownColumns.old, after: unknownColumns.new },
    };
  }
}

function explainMove(programs: { old: Program; new: Program }, lead: Record<string, unknown>, asOf: string): Reason[] {
  try {
    return reasonsFor(programs.old.explain(lead, { asOf }), programs.new.explain(lead, { asOf }));
  } catch {
    // The row was bound, so explain reads it too; should a reader ever disagree, the lead is
    // still counted and listed, only without reasons.
    return [];
  }
}

const shownValue = (f: FieldValue) => ({ path: f.path, value: f.value === undefined ? null : f.value });

/**
 * Why a lead moved: the stages and criteria whose value differs between the two explanations,
 * each with the condition parts whose truth differs (matched by their source text, so a part
 * rewritten in the new definition shows as removed and added).
 */
export function reasonsFor(before: Explanation, after: Explanation): Reason[] {
  const reasons: Reason[] = [];
  const compare = (kind: Reason["kind"], olds: DeclarationTrace[], news: DeclarationTrace[]) => {
    const names = [...olds.map((d) => d.name), ...news.map((d) => d.name).filter((n) => !olds.some((d) => d.name === n))];
    for (const name of names) {
      const o = olds.find((d) => d.name === name);
      const n = news.find((d) => d.name === name);
      // a declaration that exists on one side only is decisive only where it holds
      if ((o?.holds ?? false) === (n?.holds ?? false)) continue;
      reasons.push({ kind, name, before: o ? o.holds : null, after: n ? n.holds : null, parts: partChanges(o, n) });
    }
  };
  compare("stage", before.stages, after.stages);
  compare("criterion", before.criteria, after.criteria);
  return reasons;
}

function partChanges(o: DeclarationTrace | undefined, n: DeclarationTrace | undefined): PartChange[] {
  const out: PartChange[] = [];
  const oldParts = o?.parts ?? [];
  const newParts = n?.parts ?? [];
  const removed = oldParts.filter((p) => !newParts.some((q) => q.text === p.text));
  const added = newParts.filter((q) => !oldParts.some((p) => p.text === q.text));
  for (const p of oldParts) {
    const q = newParts.find((x) => x.text === p.text);
    if (q && q.holds !== p.holds) out.push({ text: p.text, before: p.holds, after: q.holds, fields: q.fields.map(shownValue) });
  }
  // The same number of parts rewritten: the k-th removed one became the k-th added one (a
  // threshold raised, a member added). A rewrite whose truth did not change decided nothing.
  if (removed.length === added.length) {
    removed.forEach((p, k) => {
      const q = added[k];
      if (p.holds !== q.holds) out.push({ text: q.text, was: p.text, before: p.holds, after: q.holds, fields: mergeFields(p.fields, q.fields) });
    });
    return out;
  }
  for (const p of removed) out.push({ text: p.text, before: p.holds, after: null, fields: p.fields.map(shownValue) });
  for (const q of added) out.push({ text: q.text, before: null, after: q.holds, fields: q.fields.map(shownValue) });
  return out;
}

function mergeFields(a: FieldValue[], b: FieldValue[]): PartChange["fields"] {
  return [...a, ...b.filter((f) => !a.some((g) => g.path === f.path))].map(shownValue);
}
