import type { InputFormat } from "../batch/sources/inputs.js";
import type { Reject } from "../batch/js/binder.js";
import type { DeclarationTrace, Explanation, FieldValue, Program } from "../runtime/program.js";
import { formatDateDays } from "../../language/literals.js";
import { pairedRows } from "./paired-rows.js";

/**
 * `leaddef diff`: what a change to a definition does to real leads. Both programs evaluate
 * every row of one pass over the input; the result is the stage transition matrix, a few
 * leads per changed cell with the conditions that flipped, per-score statistics and the rows
 * that only one side refuses. The JSON form of DiffReport is documented in the README and
 * kept stable: keys are only ever added.
 */

/** How many example leads each changed cell of the matrix keeps. */
export const EXAMPLES_PER_CELL = 5;

/** One condition part (a top-level `and` operand) whose truth differs, or which exists on one side only. */
export interface PartChange {
  text: string;
  /** The part's text in the old definition, when it was rewritten. */
  was?: string;
  /** null: the part is not in that side's condition */
  before: boolean | null;
  after: boolean | null;
  /** The fields the part reads, with the lead's values (null when missing). */
  fields: { path: string; value: unknown }[];
}

/** A stage or criterion whose value flipped for the lead: the decisive reason for its move. */
export interface Reason {
  kind: "stage" | "criterion";
  name: string;
  /** null: not declared on that side */
  before: boolean | null;
  after: boolean | null;
  parts: PartChange[];
}

export interface Transition {
  from: string;
  to: string;
  count: number;
  /** Up to EXAMPLES_PER_CELL leads, for cells where the stage changed (empty on the diagonal). */
  examples: { id: string; line: number; reasons: Reason[] }[];
}

export interface Stats { mean: number | null; median: number | null }

export interface ScoreDiff {
  /** Leads whose score differs; null when the score exists on one side only. */
  changed: number | null;
  before: Stats | null;
  after: Stats | null;
}

export interface RejectDiff {
  before: number;
  after: number;
  /** Rows refused by the old definition only / the new one only (a schema change). */
  only_before: number;
  only_after: number;
  examples: { side: "before" | "after"; id: string; line: number; field: string; value: string; reason: string }[];
}

export interface DiffReport {
  /** Data rows read. */
  rows: number;
  /** Rows both definitions accept: the population of the matrix and the score statistics. */
  compared: number;
  /** Of those, leads whose stage changed. */
  changed: number;
  as_of: string;
  stages: { before: string[]; after: string[] };
  /** Every (from, to) pair, the diagonal included; `none` first, then each side's funnel order. */
  transitions: Transition[];
  scores: Record<string, ScoreDiff>;
  rejected: RejectDiff;
  unknown_columns: { before: string[]; after: string[] };
}

export interface DiffOptions {
  input: string;
  format: InputFormat;
  /** As-of date as a day number. */
  asOf: number;
  idColumn: string;
}

/** Grows by doubling: one number per compared lead, for medians. */
class NumberColumn {
  private data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
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

/** Compares two compiled definitions on the leads of one file, reading it once. */
export async function diffOnData(programs: { old: Program; new: Program }, o: DiffOptions): Promise<DiffReport> {
  const before = ["none", ...programs.old.stages];
  const after = ["none", ...programs.new.stages];
  const counts = before.map(() => new Array<number>(after.length).fill(0));
  const examples = before.map(() => after.map(() => [] as Transition["examples"]));
  const oldScores = programs.old.scores;
  const newScores = programs.new.scores;
  const columns = {
    old: oldScores.map(() => new NumberColumn()),
    new: newScores.map(() => new NumberColumn()),
  };
  // common scores: index on each side, and how many leads it changed for
  const common = oldScores.filter((s) => newScores.includes(s)).map((s) => ({ name: s, o: oldScores.indexOf(s), n: newScores.indexOf(s), changed: 0 }));
  const oldOut: unknown[] = new Array(1 + oldScores.length);
  const newOut: unknown[] = new Array(1 + newScores.length);
  const asOf = formatDateDays(o.asOf);
  const rejected: RejectDiff = { before: 0, after: 0, only_before: 0, only_after: 0, examples: [] };
  const noteReject = (side: "before" | "after", r: Reject) => {
    if (rejected.examples.length < 2 * EXAMPLES_PER_CELL) rejected.examples.push({ side, id: r.id, line: r.line, field: r.field, value: r.value, reason: r.reason });
  };
  let compared = 0;
  let changed = 0;

  const summary = await pairedRows(programs, o.input, o.format, o.idColumn, (row) => {
    if (row.old.reject) rejected.before++;
    if (row.new.reject) rejected.after++;
    if (row.old.reject && !row.new.reject) {
      rejected.only_before++;
      noteReject("before", row.old.reject);
    }
    if (row.new.reject && !row.old.reject) {
      rejected.only_after++;
      noteReject("after", row.new.reject);
    }
    if (row.old.reject || row.new.reject) return;
    compared++;
    programs.old.evaluateValues(row.old.values, o.asOf, oldOut);
    programs.new.evaluateValues(row.new.values, o.asOf, newOut);
    const from = (oldOut[0] as number) + 1;
    const to = (newOut[0] as number) + 1;
    counts[from][to]++;
    for (let k = 0; k < oldScores.length; k++) columns.old[k].push(oldOut[1 + k] as number);
    for (let k = 0; k < newScores.length; k++) columns.new[k].push(newOut[1 + k] as number);
    for (const c of common) if (oldOut[1 + c.o] !== newOut[1 + c.n]) c.changed++;
    if (before[from] === after[to]) return;
    changed++;
    const cell = examples[from][to];
    if (cell.length < EXAMPLES_PER_CELL) {
      cell.push({ id: row.id, line: row.line, reasons: explainMove(programs, row.lead(), asOf) });
    }
  });

  const transitions: Transition[] = [];
  before.forEach((from, i) => after.forEach((to, j) => transitions.push({ from, to, count: counts[i][j], examples: examples[i][j] })));
  const scores: Record<string, ScoreDiff> = {};
  for (const name of [...oldScores, ...newScores.filter((s) => !oldScores.includes(s))]) {
    const o = oldScores.indexOf(name);
    const n = newScores.indexOf(name);
    scores[name] = {
      changed: common.find((c) => c.name === name)?.changed ?? null,
      before: o >= 0 ? columns.old[o].stats() : null,
      after: n >= 0 ? columns.new[n].stats() : null,
    };
  }
  return {
    rows: summary.rows,
    compared,
    changed,
    as_of: asOf,
    stages: { before: programs.old.stages, after: programs.new.stages },
    transitions,
    scores,
    rejected,
    unknown_columns: { before: summary.unknownColumns.old, after: summary.unknownColumns.new },
  };
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
