import type { Dep, IrCriterion, IrDisqualify, IrGrade, IrProgram, IrScore, IrStage } from "./ir.js";

/**
 * The evaluation plan both emitters share: which criteria, scores and stages an output needs
 * (the dependency closure of its roots), an order in which each comes after everything it
 * uses, and levels (one more than the deepest thing used) for emitters that compute a level at
 * a time, as the SQL target's CTEs do.
 */

/** A declaration's key in plan sets: `criterion:3`. */
export function depKey(d: Dep): string {
  return `${d.kind}:${d.index}`;
}

/** The declaration a dependency names. */
export function declarationOf(p: IrProgram, d: Dep): IrCriterion | IrScore | IrStage | IrGrade | IrDisqualify {
  switch (d.kind) {
    case "criterion": return p.criteria[d.index];
    case "score": return p.scores[d.index];
    case "stage": return p.stages[d.index];
    case "grade": return p.grades[d.index];
    case "disqualify": return p.disqualifications[d.index];
  }
}

/** Every criterion, score and stage in an order where each comes after everything it uses. */
export function dependencyOrder(p: IrProgram): Dep[] {
  const order: Dep[] = [];
  const done = new Set<string>();
  const visit = (d: Dep) => {
    const key = depKey(d);
    if (done.has(key)) return;
    done.add(key); // the checker has ruled out cycles
    for (const dep of declarationOf(p, d).deps) visit(dep);
    order.push(d);
  };
  p.criteria.forEach((_, index) => visit({ kind: "criterion", index }));
  p.scores.forEach((_, index) => visit({ kind: "score", index }));
  p.stages.forEach((_, index) => visit({ kind: "stage", index }));
  p.grades.forEach((_, index) => visit({ kind: "grade", index }));
  p.disqualifications.forEach((_, index) => visit({ kind: "disqualify", index }));
  return order;
}

/** What an output shows: every stage, score, grade and disqualification, and every criterion when flags are asked for. */
export function outputRoots(p: IrProgram, withCriteria: boolean): Dep[] {
  return [
    ...p.stages.map((s) => ({ kind: "stage" as const, index: s.index })),
    ...p.scores.map((s) => ({ kind: "score" as const, index: s.index })),
    ...p.grades.map((g) => ({ kind: "grade" as const, index: g.index })),
    ...p.disqualifications.map((d) => ({ kind: "disqualify" as const, index: d.index })),
    ...(withCriteria ? p.criteria.map((c) => ({ kind: "criterion" as const, index: c.index })) : []),
  ];
}

/** The declarations `roots` need, themselves included (keys as depKey gives them). */
export function closure(p: IrProgram, roots: Dep[]): Set<string> {
  const need = new Set<string>();
  const visit = (d: Dep) => {
    const key = depKey(d);
    if (need.has(key)) return;
    need.add(key);
    declarationOf(p, d).deps.forEach(visit);
  };
  roots.forEach(visit);
  return need;
}

/** The needed declarations by level, each level in dependency order. */
export function levels(p: IrProgram, need: Set<string>): Dep[][] {
  const level = new Map<string, number>();
  const out: Dep[][] = [];
  for (const d of p.order) {
    if (!need.has(depKey(d))) continue;
    const l = 1 + Math.max(-1, ...declarationOf(p, d).deps.map((x) => level.get(depKey(x)) ?? -1));
    level.set(depKey(d), l);
    (out[l] ??= []).push(d);
  }
  return out;
}
