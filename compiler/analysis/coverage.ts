import type * as A from "../../language/ast.js";
import type { FileModel } from "../../language/model.js";
import { printExpr } from "../../language/print-expr.js";
import { JsonBinder } from "../batch/js/binder.js";
import { originOf, type IrExpr, type IrProgram } from "../ir.js";
import { asOfDays, type Program } from "../runtime/program.js";
import { IrEvaluator } from "./evaluate-ir.js";

/**
 * Coverage of a definition by its examples. A point is an atomic condition (a comparison, a
 * membership or presence test, `contains`/`starts with`, a boolean field used bare, each item
 * of `at least N of`) or a whole criterion, stage or score line; it is covered when some example
 * makes it true and some example makes it false. Points are keyed by file and source span, so a
 * file imported by several definitions is counted once.
 */
export interface CoveragePoint {
  key: string;
  file: string;
  line: number;
  column: number;
  /** Where it is in its file (offsets), for the editor's hint. */
  span: { start: number; end: number };
  /** What it is: `condition`, `criterion`, `stage`, `score line`. */
  kind: string;
  text: string;
  trueCount: number;
  falseCount: number;
}

export class Coverage {
  private readonly points = new Map<string, CoveragePoint>();

  /** Runs every example of `program` (as `leaddef test` does) and records each point's outcomes. */
  addProgram(program: Program, models: ReadonlyMap<string, FileModel>, defaultAsOf: string): void {
    const ir = program.ir;
    const probes = collectPoints(ir, models);
    // Examples leave unspecified fields missing, so every field is optional here.
    const binder = new JsonBinder(ir.fields.map((f) => ({ ...f, optional: true })), "\u0000no id");
    const ev = new IrEvaluator(ir);
    for (const p of probes) if (!this.points.has(p.point.key)) this.points.set(p.point.key, p.point);
    for (const example of ir.examples) {
      const vals: unknown[] = new Array(ir.fields.length);
      if (binder.bind({ ...example.values }, example.line, 1, vals)) continue; // a value that does not fit: reported by `test`
      const env = ev.env(vals, example.asOf ?? asOfDays(defaultAsOf));
      for (const p of probes) {
        const point = this.points.get(p.point.key)!;
        if (ev.holds(p.expr, env)) point.trueCount++;
        else point.falseCount++;
      }
    }
  }

  /** Every point, by file and position. */
  all(): CoveragePoint[] {
    return [...this.points.values()].sort((a, b) => (a.file !== b.file ? (a.file < b.file ? -1 : 1) : a.line - b.line || a.column - b.column));
  }
}

/** Whether both outcomes were seen. */
export function covered(p: CoveragePoint): boolean {
  return p.trueCount > 0 && p.falseCount > 0;
}

interface Probe {
  expr: IrExpr;
  point: CoveragePoint;
}

function collectPoints(ir: IrProgram, models: ReadonlyMap<string, FileModel>): Probe[] {
  const probes: Probe[] = [];
  const seen = new Set<IrExpr>();
  const at = (model: FileModel, span: A.Node["span"], kind: string, text: string, expr: IrExpr) => {
    const p = model.lines.position(span.start);
    probes.push({
      expr,
      point: { key: `${model.path}:${span.start}:${span.end}:${kind}`, file: model.path, line: p.line + 1, column: p.character + 1, span: { start: span.start, end: span.end }, kind, text, trueCount: 0, falseCount: 0 },
    });
  };
  const atom = (e: IrExpr) => {
    if (seen.has(e)) return;
    seen.add(e);
    const origin = originOf(e);
    if (origin) at(origin.model, origin.node.span, "condition", printExpr(origin.node), e);
  };
  const walk = (e: IrExpr) => {
    switch (e.k) {
      case "and": case "or": walk(e.l); walk(e.r); return;
      case "not": walk(e.e); return;
      case "atLeast":
        for (const item of e.items) {
          atom(item);
          walk(item);
        }
        return;
      // Named declarations are points of their own, where they are declared.
      case "criterion": case "stage": case "const": return;
      default: atom(e);
    }
  };
  // A criterion's, stage's or score line's own place: its name (or the line) in its file.
  const declPoint = (kind: string, name: string, expr: IrExpr, span?: A.Node["span"], model?: FileModel) => {
    const origin = originOf(expr);
    const m = model ?? origin?.model;
    const s = span ?? origin?.node.span;
    if (m && s) at(m, s, kind, name, expr);
  };
  const named = (name: string) => {
    for (const m of models.values()) {
      const sym = m.names.get(name);
      if (sym && sym.file === m.path && (sym.kind === "criterion" || sym.kind === "stage")) return { model: m, span: sym.decl.name.span };
    }
    return undefined;
  };
  for (const c of ir.criteria) {
    const where = named(c.name);
    declPoint("criterion", c.name, c.cond.expr, where?.span, where?.model);
    walk(c.cond.expr);
  }
  for (const s of ir.stages) {
    const where = named(s.name);
    declPoint("stage", s.name, s.cond.expr, where?.span, where?.model);
    walk(s.cond.expr);
  }
  for (const s of ir.scores) {
    for (const line of s.lines) {
      const origin = originOf(line.cond.expr);
      declPoint("score line", `${s.name}: ${line.text}`, line.cond.expr, origin ? lineSpan(origin.model, origin.node.span) : undefined, origin?.model);
      walk(line.cond.expr);
    }
  }
  return probes;
}

/** The score line around a condition: from the weight (`+20`) to the condition's end. */
function lineSpan(model: FileModel, cond: A.Node["span"]): A.Node["span"] {
  const lineStart = model.text.lastIndexOf("\n", cond.start - 1) + 1;
  const weight = model.text.slice(lineStart, cond.start).search(/[+-]/);
  return { start: weight >= 0 ? lineStart + weight : cond.start, end: cond.end };
}

/** `file:line:col: what — never true`, one per uncovered point. */
export function uncoveredLines(points: CoveragePoint[], display: (file: string) => string): string[] {
  return points.filter((p) => !covered(p)).map((p) => {
    const missing = p.trueCount === 0 && p.falseCount === 0 ? "no example reaches it" : p.trueCount === 0 ? "never true" : "never false";
    return `${display(p.file)}:${p.line}:${p.column}: ${p.kind} \`${p.text}\` — ${missing}`;
  });
}

/** The summary line: `conditions covered: X of Y (Z%)`. */
export function coverageSummary(points: CoveragePoint[]): string {
  const n = points.filter(covered).length;
  const pct = points.length === 0 ? 100 : (100 * n) / points.length;
  return `conditions covered: ${n} of ${points.length} (${pct.toFixed(1)}%)`;
}

/**
 * LCOV, for Codecov and SonarQube: each point is a branch pair (true, false) on its line, and a
 * line counts as hit when every point on it is covered.
 */
export function toLcov(points: CoveragePoint[], display: (file: string) => string = (f) => f): string {
  const byFile = new Map<string, CoveragePoint[]>();
  for (const p of points) byFile.set(p.file, [...(byFile.get(p.file) ?? []), p]);
  const out: string[] = ["TN:leaddef"];
  for (const [file, list] of byFile) {
    out.push(`SF:${display(file)}`);
    list.forEach((p, block) => {
      out.push(`BRDA:${p.line},${block},0,${p.trueCount}`, `BRDA:${p.line},${block},1,${p.falseCount}`);
    });
    out.push(`BRF:${list.length * 2}`, `BRH:${list.reduce((n, p) => n + (p.trueCount > 0 ? 1 : 0) + (p.falseCount > 0 ? 1 : 0), 0)}`);
    const lines = new Map<number, boolean>();
    for (const p of list) lines.set(p.line, (lines.get(p.line) ?? true) && covered(p));
    const sorted = [...lines].sort((a, b) => a[0] - b[0]);
    for (const [line, ok] of sorted) out.push(`DA:${line},${ok ? 1 : 0}`);
    out.push(`LF:${sorted.length}`, `LH:${sorted.filter(([, ok]) => ok).length}`, "end_of_record");
  }
  return `${out.join("\n")}\n`;
}
