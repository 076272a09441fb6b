import { formatDateDays, todayDays } from "../../language/literals.js";
import type { LeadResult, Program } from "../runtime/program.js";
import { irChildren, type IrExpr, type IrProgram } from "../ir.js";
import { randomLeads, setPath } from "./random-leads.js";
import { openSolver, QUERY_TIMEOUT_MS, smtNumberValue, smtStringValue, type Sexp, type Solver } from "./smt.js";
import {
  AS_OF, declareVocabulary, encodeProgram, exactVar, memberVar, presentVar, textFor, valueVar, vocabulary,
  type EncodedProgram, type Vocabulary,
} from "./smt-encode.js";

/**
 * `leaddef compare`: whether two definitions give every possible lead, on every as-of date,
 * the same stage and the same value of each score they share, decided by Z3 over the encoding
 * of smt-encode.ts. Every difference comes with a concrete lead that is evaluated with both
 * compiled programs before it is reported: a lead that does not reproduce is a bug in the
 * encoding, and compare fails loudly rather than show it. Where the encoding is not exact (or
 * the solver gives up), the answer comes from a bounded search over generated leads instead,
 * and says so.
 */

export interface Counterexample {
  /** The lead as nested JSON (missing fields left out). */
  lead: Record<string, unknown>;
  as_of: string;
  old: LeadResult;
  new: LeadResult;
}

export type StageRelationName = "same" | "stricter" | "looser" | "incomparable";
export type ScoreRelationName = "same" | "higher" | "lower" | "differs";

/** How an answer was reached: proved by the solver, or only searched for. */
export type Method = "solver" | "bounded search";

export interface StageComparison {
  /** Leads reaching the stage (it or a later one) under NEW compared with OLD. */
  relation: StageRelationName;
  /** false when a "same" part rests on a bounded search, not a proof */
  proved: boolean;
  /** The first witness: a lead the stage loses (stricter) or else gains (looser). */
  counterexample?: Counterexample;
  counterexamples: Counterexample[];
}

export interface ScoreComparison {
  /** NEW's value against OLD's: higher for some lead, lower for some, both (differs), or never different. */
  relation: ScoreRelationName;
  proved: boolean;
  counterexample?: Counterexample;
  counterexamples: Counterexample[];
}

export interface CompareReport {
  /** true: proved equivalent; false: a verified difference; null: none found, but not proved. */
  equivalent: boolean | null;
  method: Method;
  /** Why the solver's answer could not be trusted alone (then the search decided). */
  approximations: string[];
  /** A lead whose stage differs, if any. */
  stage_difference?: Counterexample;
  stages: Record<string, StageComparison>;
  scores: Record<string, ScoreComparison>;
  /** Scores declared by one definition only (not compared). */
  scores_only: { old: string[]; new: string[] };
  /** Leads tried by the bounded search, when it ran. */
  searched?: number;
}

/** A question for the solver, and the same question asked of two evaluations (for verification and search). */
interface Query {
  term: string;
  holds(oldResult: LeadResult, newResult: LeadResult): boolean;
  witness?: Counterexample;
  status?: "none" | "found" | "unknown";
  /** what settled it */
  by?: "solver" | "search";
}

export interface CompareOptions {
  /** Leads the bounded search tries (default 20 000). */
  searchSize?: number;
  /** Test hook: skip the solver, as when the encoding is inexact. */
  forceSearch?: boolean;
}

/** Compares two compiled definitions over every lead; see the module comment. */
export async function compareDefinitions(programs: { old: Program; new: Program }, o: CompareOptions = {}): Promise<CompareReport> {
  const { old: before, new: after } = programs;
  const vocab = vocabulary([before.ir, after.ir]);
  const encOld = encodeProgram(before.ir, vocab, "o_");
  const encNew = encodeProgram(after.ir, vocab, "n_");
  const reached = (p: Program, r: LeadResult, stage: string) => p.stages.indexOf(r.stage) >= p.stages.indexOf(stage) && p.stages.includes(stage);
  const stageNames = ["none", ...before.stages, ...after.stages.filter((s) => !before.stages.includes(s))];

  const stageQuery: Query = {
    term: `(or ${stageNames.map((s) => `(and ${encOld.isStage(s)} (not ${encNew.isStage(s)}))`).join(" ")})`,
    holds: (a, b) => a.stage !== b.stage,
  };
  const perStage = stageNames.filter((s) => s !== "none").map((stage) => ({
    stage,
    lost: { term: `(and ${encOld.reached(stage)} (not ${encNew.reached(stage)}))`, holds: (a: LeadResult, b: LeadResult) => reached(before, a, stage) && !reached(after, b, stage) } as Query,
    gained: { term: `(and (not ${encOld.reached(stage)}) ${encNew.reached(stage)})`, holds: (a: LeadResult, b: LeadResult) => !reached(before, a, stage) && reached(after, b, stage) } as Query,
  }));
  const common = before.scores.filter((s) => after.scores.includes(s));
  const perScore = common.map((score) => ({
    score,
    higher: { term: `(> ${encNew.score(score)} ${encOld.score(score)})`, holds: (a: LeadResult, b: LeadResult) => b.scores[score] > a.scores[score] } as Query,
    lower: { term: `(< ${encNew.score(score)} ${encOld.score(score)})`, holds: (a: LeadResult, b: LeadResult) => b.scores[score] < a.scores[score] } as Query,
  }));
  const queries = [stageQuery, ...perStage.flatMap((s) => [s.lost, s.gained]), ...perScore.flatMap((s) => [s.higher, s.lower])];

  const approximations = [...vocab.inexact];
  const exact = approximations.length === 0 && !o.forceSearch;
  if (exact) {
    let solver: Solver | undefined;
    try {
      solver = await openSolver();
    } catch (e) {
      approximations.push(`the SMT solver (z3-solver) is not available: ${(e as Error).message}`);
    }
    if (solver) {
      try {
        const { rounding, eventModels } = await solve(solver, queries, vocab, [...encOld.definitions, ...encNew.definitions], programs);
        const gaveUp = queries.filter((q) => q.status === "unknown").length - rounding.length - eventModels.length;
        if (eventModels.length) approximations.push(`the solver models event streams by their counts and latest dates, not by events, so ${eventModels.length === 1 ? "a difference it found was" : `${eventModels.length} differences it found were`} looked for among generated leads with events instead`);
        if (gaveUp > 0) approximations.push(`the solver could not decide ${gaveUp} question${gaveUp === 1 ? "" : "s"} (a nonlinear condition, or over ${QUERY_TIMEOUT_MS / 1000} s), so ${gaveUp === 1 ? "it was" : "they were"} searched instead`);
        if (rounding.length) approximations.push("a counterexample found over exact real numbers did not reproduce in floating point (arithmetic or fractional score weights), so those questions were searched instead");
      } finally {
        solver.close();
      }
    }
  }
  const open = queries.filter((q) => q.status === undefined || q.status === "unknown");
  let searched: number | undefined;
  if (open.length) {
    if (!exact && o.forceSearch) approximations.push("the solver was skipped (forced bounded search)");
    searched = search(open, vocab, programs, o.searchSize ?? 20_000);
  }
  const proved = (q: Query) => q.status === "none";

  /** One comparison from its two one-sided queries: which side found a witness decides the relation. */
  const twoSided = <R extends string>(a: Query, b: Query, relation: { both: R; a: R; b: R; none: R }) => {
    const witnesses = [a.witness, b.witness].filter((w): w is Counterexample => w !== undefined);
    return {
      relation: a.witness && b.witness ? relation.both : a.witness ? relation.a : b.witness ? relation.b : relation.none,
      proved: (a.witness !== undefined || proved(a)) && (b.witness !== undefined || proved(b)),
      counterexample: witnesses[0],
      counterexamples: witnesses,
    };
  };
  const stages: Record<string, StageComparison> = {};
  for (const s of perStage) stages[s.stage] = twoSided(s.lost, s.gained, { both: "incomparable", a: "stricter", b: "looser", none: "same" });
  const scores: Record<string, ScoreComparison> = {};
  for (const s of perScore) scores[s.score] = twoSided(s.higher, s.lower, { both: "differs", a: "higher", b: "lower", none: "same" });
  const anyDifference = queries.some((q) => q.witness);
  const allProved = queries.every(proved);
  return {
    equivalent: anyDifference ? false : allProved ? true : null,
    method: queries.every((q) => q.by === "solver") ? "solver" : "bounded search",
    approximations,
    stage_difference: stageQuery.witness,
    stages,
    scores,
    scores_only: { old: before.scores.filter((s) => !after.scores.includes(s)), new: after.scores.filter((s) => !before.scores.includes(s)) },
    ...(searched !== undefined ? { searched } : {}),
  };
}

/**
 * Asks the solver each query; a witness is decoded and verified by evaluating both programs.
 * Returns the questions left to the search because doubles round where rationals do not, and
 * those whose model has event aggregates but no events to make a lead of.
 */
async function solve(solver: Solver, queries: Query[], vocab: Vocabulary, definitions: string[], programs: { old: Program; new: Program }): Promise<{ rounding: Query[]; eventModels: Query[] }> {
  const floatSensitive = usesFloatingPoint(programs.old.ir) || usesFloatingPoint(programs.new.ir);
  const rounding: Query[] = [];
  const eventModels: Query[] = [];
  await solver.reset([...declareVocabulary(vocab), ...definitions]);
  const names = modelNames(vocab);
  for (const q of queries) {
    let answer = await solver.check(q.term, names);
    if (answer.status === "sat" && vocab.eventSets.size > 0) {
      // Counts and dates without events: maybe no lead has them (see smt-encode.ts); the search decides.
      q.status = "unknown";
      eventModels.push(q);
      continue;
    }
    if (answer.status === "sat") {
      // a counterexample as of today reads better than one as of 1970, when there is one
      const today = await solver.check(`(and ${q.term} (= ${AS_OF} ${todayDays()}))`, names);
      if (today.status === "sat") answer = today;
    }
    if (answer.status === "unsat") {
      q.status = "none";
      q.by = "solver";
    }
    else if (answer.status === "unknown") q.status = "unknown";
    else {
      let decoded: { lead: Record<string, unknown>; asOf: string };
      try {
        decoded = decodeLead(vocab, answer.values);
      } catch {
        // a value JavaScript cannot hold (an irrational root of a nonlinear condition): search instead
        q.status = "unknown";
        continue;
      }
      const witness = evaluatePair(programs, decoded.lead, decoded.asOf);
      if (!q.holds(witness.old, witness.new)) {
        if (floatSensitive) {
          // exact rationals and doubles part ways at a rounding boundary: search instead
          q.status = "unknown";
          rounding.push(q);
          continue;
        }
        throw new Error(`internal: the solver's counterexample does not reproduce when evaluated (${JSON.stringify({ lead: decoded.lead, as_of: decoded.asOf, old: witness.old, new: witness.new })}); the encoding disagrees with the evaluator`);
      }
      q.status = "found";
      q.witness = witness;
      q.by = "solver";
    }
  }
  return { rounding, eventModels };
}

/**
 * Whether doubles may round where the solver's rationals do not: arithmetic in a condition, or a
 * score adding weights that are not whole numbers (0.1 + 0.2 is not 0.3 in doubles).
 */
function usesFloatingPoint(p: IrProgram): boolean {
  const arithmetic = (e: IrExpr): boolean => e.k === "arith" || e.k === "neg" || irChildren(e).some(arithmetic);
  const conditions = [...p.criteria.map((c) => c.cond.expr), ...p.stages.map((s) => s.cond.expr), ...p.scores.flatMap((s) => s.lines.map((l) => l.cond.expr))];
  const fractional = p.scores.some((s) => [...s.lines.map((l) => l.weight), s.cap ?? 0, s.floor ?? 0].some((w) => !Number.isInteger(w)));
  return fractional || conditions.some(arithmetic);
}

function evaluatePair(programs: { old: Program; new: Program }, lead: Record<string, unknown>, asOf: string): Counterexample {
  return { lead, as_of: asOf, old: programs.old.evaluate(lead, { asOf }), new: programs.new.evaluate(lead, { asOf }) };
}

function modelNames(v: Vocabulary): string[] {
  const names = [AS_OF];
  for (const f of v.fields) {
    names.push(presentVar(f));
    if (f.kind !== "list") names.push(valueVar(f));
    if (f.kind === "string") f.constants.forEach((_, k) => names.push(exactVar(f, k)));
    if (f.kind === "list") f.constants.forEach((_, k) => names.push(memberVar(f, k)));
  }
  return names;
}

/** The lead and as-of date a model describes. */
function decodeLead(v: Vocabulary, values: Map<string, Sexp>): { lead: Record<string, unknown>; asOf: string } {
  // a constant the model leaves out is in no assertion: any value does, so false or zero
  const get = (name: string): Sexp => values.get(name) ?? "0";
  const truth = (name: string) => values.get(name) === "true";
  const lead: Record<string, unknown> = {};
  for (const f of v.fields) {
    if (!truth(presentVar(f))) continue;
    let value: unknown;
    switch (f.kind) {
      case "number": {
        value = smtNumberValue(get(valueVar(f)));
        if (!Number.isFinite(value as number)) throw new Error("not representable");
        break;
      }
      case "date": value = formatDateDays(smtNumberValue(get(valueVar(f)))); break;
      case "boolean": value = truth(valueVar(f)); break;
      case "enum": value = f.members[smtNumberValue(get(valueVar(f)))]; break;
      case "string": {
        const k = f.constants.findIndex((_, i) => truth(exactVar(f, i)));
        const text = values.get(valueVar(f));
        value = k >= 0 ? f.constants[k] : textFor(typeof text === "string" ? smtStringValue(text) : "", f.constants);
        break;
      }
      case "list": value = f.constants.filter((_, k) => truth(memberVar(f, k))); break;
    }
    setPath(lead, f.segments, value);
  }
  return { lead, asOf: formatDateDays(smtNumberValue(get(AS_OF))) };
}

/** The bounded search: generated leads evaluated with both programs; returns how many were tried. */
function search(open: Query[], vocab: Vocabulary, programs: { old: Program; new: Program }, size: number): number {
  let tried = 0;
  for (const { lead, asOf } of randomLeads(vocab, [programs.old.ir, programs.new.ir], size)) {
    tried++;
    let pair: Counterexample;
    try {
      pair = evaluatePair(programs, lead, asOf);
    } catch {
      continue; // a generated value one definition refuses
    }
    for (const q of open) {
      if (q.witness || !q.holds(pair.old, pair.new)) continue;
      q.witness = pair;
      q.status = "found";
      q.by = "search";
    }
    if (open.every((q) => q.witness)) break;
  }
  return tried;
}
