import { walk, type Binary, type Declaration, type Expr, type Node } from "./ast.js";
import { bodyMemo } from "./check-cache.js";
import { moveDiagnostic } from "./parse-cache.js";
import { codeList, diagnostic, helpText, message } from "./diagnostics.js";
import type { DeclSymbol, FileModel, LeaddefSymbol, StageSymbol } from "./model.js";
import { referencedDecls } from "./references.js";
import { baseName } from "./source.js";

/**
 * Warnings about meaning rather than form: declarations nothing uses, stages a lead can reach
 * without passing the one before, and conjunctions no value can satisfy.
 * `used` holds every symbol referenced anywhere in the analysis.
 */
export function lintFile(model: FileModel, used: ReadonlySet<LeaddefSymbol>): void {
  // A file without stages is a library for others to import: its criteria are not unused.
  if (model.stages.length > 0) {
    for (const symbol of model.ownDecls) {
      // A grade is a result column of its own, like the funnel's stages: used by being output.
      if (symbol.kind === "stage" || symbol.kind === "param" || symbol.kind === "outcome" || symbol.kind === "grade" || symbol.kind === "stream" || used.has(symbol)) continue;
      const unused = symbol.kind === "criterion"
        ? { message: message("unusedCriterion", { name: symbol.name }), help: helpText("useOrDelete") }
        : { message: message("unusedScore", { name: symbol.name }), help: helpText("scoreStillReported") };
      model.diagnostics.push(diagnostic(model.path, symbol.decl.name.span, unused.message, { help: unused.help }));
    }
  }
  for (let i = 1; i < model.stages.length; i++) lintFunnelOrder(model, model.stages[i], model.stages[i - 1]);
  for (const decl of model.ast.declarations) lintExpressions(model, decl);
}

/** The lints of one declaration's expressions; in the language server, kept with its kept body. */
function lintExpressions(model: FileModel, decl: Declaration): void {
  const memo = bodyMemo(model, decl);
  if (memo?.lints) {
    const delta = decl.span.start - memo.lints.start;
    for (const d of memo.lints.diagnostics) model.diagnostics.push(moveDiagnostic(d, delta, d.file));
    return;
  }
  const before = model.diagnostics.length;
  walk(decl, (n, parent) => lintImpossibleConjunction(model, n, parent));
  if (memo) memo.lints = { start: decl.span.start, diagnostics: model.diagnostics.slice(before).map((d) => moveDiagnostic(d, 0, d.file)) };
}

/**
 * An import none of whose declarations the file uses (directly, or through the files that
 * import brings in: imports are transitive). A file that declares nothing but imports is an
 * aggregator meant to be imported itself, so its imports are not reported.
 */
export function lintUnusedImports(model: FileModel, files: ReadonlyMap<string, FileModel>): void {
  const imports = model.ast.declarations.filter((d) => d.kind === "ImportDecl");
  if (imports.length === model.ast.declarations.length) return;
  const usedFiles = new Set<string>();
  for (const { resolution } of model.occurrences.values()) {
    if (resolution.kind === "symbol" && !resolution.declaration) usedFiles.add(resolution.symbol.file);
    else if (resolution.kind === "member" && resolution.field) usedFiles.add(resolution.field.file);
  }
  for (const decl of imports) {
    const target = model.imports.get(decl.id);
    if (target === undefined) continue; // not found or a cycle: reported already
    const reachable = new Set<string>();
    const visit = (path: string) => {
      if (reachable.has(path)) return;
      reachable.add(path);
      for (const next of files.get(path)?.imports.values() ?? []) if (next !== undefined) visit(next);
    };
    visit(target);
    if ([...reachable].some((f) => usedFiles.has(f))) continue;
    model.diagnostics.push(
      diagnostic(model.path, decl.span, message("unusedImport", { file: baseName(target) }), { help: helpText("deleteImport") }),
    );
  }
}

function lintFunnelOrder(model: FileModel, stage: StageSymbol, previous: StageSymbol): void {
  if (requires(model, stage.decl.condition, previous, new Set())) return;
  const at = stage.decl.condition.span.start;
  model.diagnostics.push(
    diagnostic(model.path, stage.decl.name.span, message("skipsFunnel", { stage: stage.name, previous: previous.name }), {
      help: helpText("funnelOrder", { previous: previous.name, stage: stage.name }),
      suggestion: { message: helpText("requirePrevious", { previous: previous.name }), span: { start: at, end: at }, text: `${previous.name} and ` },
    }),
  );
}

/** Whether `expr` can only hold when `target` holds, following named criteria and stages. */
function requires(model: FileModel, expr: Expr, target: DeclSymbol, seen: Set<DeclSymbol>): boolean {
  switch (expr.kind) {
    case "Paren": return requires(model, expr.inner, target, seen);
    case "Binary":
      if (expr.op === "and") return requires(model, expr.left, target, seen) || requires(model, expr.right, target, seen);
      if (expr.op === "or") return requires(model, expr.left, target, seen) && requires(model, expr.right, target, seen);
      return false;
    case "Ref": {
      const r = model.occurrences.get(expr.path.id)?.resolution;
      if (r?.kind !== "symbol" || r.symbol.kind === "field" || r.symbol.kind === "score" || r.symbol.kind === "param" || r.symbol.kind === "grade" || r.symbol.kind === "stream") return false;
      if (r.symbol === target) return true;
      if (seen.has(r.symbol) || r.symbol.file !== model.path) return false;
      seen.add(r.symbol);
      return requires(model, r.symbol.decl.condition, target, seen);
    }
    default: return false;
  }
}

interface Interval {
  lo: number; loInclusive: boolean; hi: number; hiInclusive: boolean; equals: number | undefined; impossible: boolean;
}

const FLIP: Record<string, string> = { "<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=" };

/** Checks each maximal `and` chain once, at its top node. */
function lintImpossibleConjunction(model: FileModel, node: Node, parent: Node | undefined): void {
  if (node.kind !== "Binary" || node.op !== "and") return;
  if (parent?.kind === "Binary" && parent.op === "and") return;
  const conjuncts: Expr[] = [];
  flattenAnd(node, conjuncts);
  const byField = new Map<string, Interval>();
  for (const c of conjuncts) {
    const bound = fieldBound(model, c);
    if (!bound) continue;
    const iv = byField.get(bound.field) ?? { lo: -Infinity, loInclusive: true, hi: Infinity, hiInclusive: true, equals: undefined, impossible: false };
    narrow(iv, bound.op, bound.value);
    byField.set(bound.field, iv);
  }
  for (const [field, iv] of byField) {
    const empty = iv.impossible || iv.lo > iv.hi || (iv.lo === iv.hi && !(iv.loInclusive && iv.hiInclusive))
      || (iv.equals !== undefined && !within(iv, iv.equals));
    if (empty) {
      model.diagnostics.push(
        diagnostic(model.path, node.span, message("neverTrue", { field }), { help: helpText("checkComparisons") }),
      );
    }
  }
}

function flattenAnd(e: Expr, out: Expr[]): void {
  if (e.kind === "Paren") return flattenAnd(e.inner, out);
  if (e.kind === "Binary" && e.op === "and") {
    flattenAnd(e.left, out);
    flattenAnd(e.right, out);
    return;
  }
  out.push(e);
}

function constantOf(e: Expr): number | undefined {
  if (e.kind === "NumberLit") return e.value;
  if (e.kind === "DateLit") return Number.isNaN(e.days) ? undefined : e.days;
  if (e.kind === "Unary" && e.op === "-" && e.operand.kind === "NumberLit") return -e.operand.value;
  if (e.kind === "Paren") return constantOf(e.inner);
  return undefined;
}

function fieldBound(model: FileModel, e: Expr): { field: string; op: string; value: number } | undefined {
  if (e.kind !== "Binary" || !(e.op in FLIP)) return undefined;
  const fieldName = (x: Expr) => {
    if (x.kind !== "Ref") return undefined;
    const r = model.occurrences.get(x.path.id)?.resolution;
    if (r?.kind !== "symbol" || r.symbol.kind !== "field") return undefined;
    const k = r.symbol.type.kind;
    return k === "integer" || k === "number" || k === "date" ? r.symbol.name : undefined;
  };
  const b = e as Binary;
  const lf = fieldName(b.left);
  const rv = constantOf(b.right);
  if (lf && rv !== undefined) return { field: lf, op: b.op, value: rv };
  const rf = fieldName(b.right);
  const lv = constantOf(b.left);
  if (rf && lv !== undefined) return { field: rf, op: FLIP[b.op], value: lv };
  return undefined;
}

function narrow(iv: Interval, op: string, v: number): void {
  switch (op) {
    case ">": if (v >= iv.lo) { iv.lo = v; iv.loInclusive = false; } break;
    case ">=": if (v > iv.lo) { iv.lo = v; iv.loInclusive = true; } break;
    case "<": if (v <= iv.hi) { iv.hi = v; iv.hiInclusive = false; } break;
    case "<=": if (v < iv.hi) { iv.hi = v; iv.hiInclusive = true; } break;
    case "=":
      if (iv.equals !== undefined && iv.equals !== v) iv.impossible = true;
      iv.equals = v;
      break;
  }
}

function within(iv: Interval, v: number): boolean {
  return (v > iv.lo || (v === iv.lo && iv.loInclusive)) && (v < iv.hi || (v === iv.hi && iv.hiInclusive));
}

/** Criteria, scores and stages may refer to each other at most this many levels deep. */
export const MAX_DEPENDENCY_DEPTH = 1000;

/**
 * Reports cycles among criteria, scores and stages (each once, at the reference closing it),
 * and chains of references deeper than MAX_DEPENDENCY_DEPTH. Iterative: a chain of thousands
 * of criteria must not exhaust the stack. Returns whether every chain is within the limit.
 */
export function checkReferenceCycles(files: Map<string, FileModel>): boolean {
  // Per symbol: ACTIVE while on the path, then its depth (≥ 1). One map, no per-frame arrays:
  // this runs over every declaration on every keystroke in the language server.
  const ACTIVE = 0;
  const depth = new Map<DeclSymbol, number>();
  const path: DeclSymbol[] = [];
  let withinLimit = true;
  type Frame = { symbol: DeclSymbol; model: FileModel; refs: ReturnType<typeof referencedDecls>; next: number; deepest: number };
  const enter = (symbol: DeclSymbol): Frame => {
    depth.set(symbol, ACTIVE);
    path.push(symbol);
    const model = files.get(symbol.file)!;
    return { symbol, model, refs: referencedDecls(model, symbol.decl), next: 0, deepest: 0 };
  };
  for (const file of files.values()) {
    for (const root of file.ownDecls) {
      if (depth.has(root)) continue;
      const stack: Frame[] = [enter(root)];
      while (stack.length) {
        const frame = stack[stack.length - 1];
        if (frame.next < frame.refs.length) {
          const { symbol: target, at } = frame.refs[frame.next++];
          const d = depth.get(target);
          if (d === ACTIVE) {
            const cycle = codeList([...path.slice(path.indexOf(target)), target].map((x) => x.name), " → ");
            frame.model.diagnostics.push(diagnostic(frame.model.path, at.span, message("dependsOnItself", { name: frame.symbol.name, cycle }), {
              help: helpText("noSelfReference"),
            }));
          } else if (d === undefined) {
            stack.push(enter(target));
          } else if (d > frame.deepest) frame.deepest = d;
          continue;
        }
        stack.pop();
        path.pop();
        const d = 1 + frame.deepest;
        depth.set(frame.symbol, d);
        const parent = stack[stack.length - 1];
        if (parent && d > parent.deepest) parent.deepest = d;
        if (d > MAX_DEPENDENCY_DEPTH && withinLimit) {
          withinLimit = false;
          frame.model.diagnostics.push(diagnostic(frame.model.path, frame.symbol.decl.name.span, message("dependencyChainTooLong", { name: frame.symbol.name, max: MAX_DEPENDENCY_DEPTH }), {
            help: helpText("flattenChain"),
          }));
        }
      }
    }
  }
  return withinLimit;
}
