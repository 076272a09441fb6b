import { walk, type AtLeast, type Expr, type ListLit, type Node } from "../../language/ast.js";
import { diagnostic, helpText, message, type Diagnostic, type Message, type Suggestion } from "../../language/diagnostics.js";
import type { DeclSymbol, FileModel } from "../../language/model.js";
import type { Span } from "../../language/source.js";
import type { CompileResult } from "../compile.js";
import { irChildren, type IrExpr } from "../ir.js";
import { openSolver, type Solver } from "./smt.js";
import { declareVocabulary, encodeProgram, smtReal, vocabulary } from "./smt-encode.js";

/**
 * Warnings about meaning that need the solver (the encoding of smt-encode.ts, the same one
 * `compare` uses): a stage no lead can reach or whose leads always reach a later one, a
 * criterion always true or always false, a score line that never fires, a cap or floor that
 * never applies, two conditions of one `at least` list that are the same condition. Each is a
 * proof (the solver's `unsat`); where the encoding is not exact, or the solver gives up, nothing
 * is reported. Run by `leaddef check --semantic` (a second or more), not on every keystroke.
 */

interface Finding { symbol: DeclSymbol; span: Span; message: Message; help: string; fix?: Suggestion }

/** The solver-backed warnings for an error-free compile result (none for a result with errors). */
export async function semanticLints(result: CompileResult, options: { solver?: Solver } = {}): Promise<Diagnostic[]> {
  const program = result.program;
  if (!program) return [];
  const ir = program.ir;
  const vocab = vocabulary([ir]);
  if (vocab.inexact.length) return [];
  const enc = encodeProgram(ir, vocab, "o_");
  const solver = options.solver ?? (await openSolver());
  const findings: Finding[] = [];
  try {
    await solver.reset([...declareVocabulary(vocab), ...enc.definitions]);
    /** The solver proved `term` can never hold. */
    const never = async (term: string) => (await solver.check(term, [])).status === "unsat";
    const entry = result.analysis.entry;
    const decls = [...entry.names.values()];
    const criteria = decls.filter((s) => s.kind === "criterion");
    const scores = decls.filter((s) => s.kind === "score");

    const unreachable = new Set<number>();
    for (const s of ir.stages) {
      const symbol = entry.stages[s.index];
      if (await never(`o_s${s.index}`)) {
        unreachable.add(s.index);
        findings.push({ symbol, span: symbol.decl.name.span, message: message("stageUnreachable", { name: s.name }), help: helpText("neverHolds") });
      }
    }
    for (const s of ir.stages) {
      const later = ir.stages.slice(s.index + 1);
      if (unreachable.has(s.index) || later.length === 0) continue;
      if (await never(`(and o_s${s.index} (not (or false ${later.map((l) => `o_s${l.index}`).join(" ")})))`)) {
        const symbol = entry.stages[s.index];
        findings.push({ symbol, span: symbol.decl.name.span, message: message("stagePassedOn", { name: s.name }), help: helpText("impliesLater", { later: later.length === 1 ? `\`${later[0].name}\`'s` : "a later stage's" }) });
      }
    }
    for (const c of ir.criteria) {
      const symbol = criteria[c.index];
      if (await never(`o_c${c.index}`)) findings.push({ symbol, span: symbol.decl.name.span, message: message("criterionNeverTrue", { name: c.name }), help: helpText("noLeadSatisfies") });
      else if (await never(`(not o_c${c.index})`)) findings.push({ symbol, span: symbol.decl.name.span, message: message("criterionAlwaysTrue", { name: c.name }), help: helpText("everyLeadSatisfies") });
    }
    for (const s of ir.scores) {
      const symbol = scores[s.index];
      const decl = symbol.decl.kind === "ScoreDecl" ? symbol.decl : undefined;
      if (!decl) continue;
      for (const [j, line] of s.lines.entries()) {
        if (await never(enc.condition(line.cond.expr))) findings.push({ symbol, span: decl.lines[j].span, message: message("scoreLineNever", { name: s.name }), help: helpText("neverHoldsShort") });
      }
      const raw = enc.rawScore(s.index);
      for (const bound of decl.bounds) {
        // reported only above the highest score (below the lowest): a cap equal to the maximum
        // documents the range and is left alone
        const over = bound.bound === "cap" ? `(>= ${raw} ${smtReal(bound.value)})` : `(<= ${raw} ${smtReal(bound.value)})`;
        if (await never(over)) {
          findings.push({
            symbol,
            span: bound.span,
            message: bound.bound === "cap" ? message("capUnreachable", { raw: bound.raw }) : message("floorUnreachable", { raw: bound.raw }),
            help: helpText("boundNeverApplies"),
            fix: { message: helpText("deleteBound", { bound: `${bound.bound} ${bound.raw}` }), span: bound.span, text: "" },
          });
        }
      }
    }
    // at least N of [...]: two conditions that hold for exactly the same leads count twice
    const declsWithConditions = [
      ...ir.criteria.map((c) => ({ symbol: criteria[c.index], exprs: [c.cond.expr], ast: [(criteria[c.index].decl as { condition: Expr }).condition] })),
      ...ir.stages.map((s) => ({ symbol: entry.stages[s.index] as DeclSymbol, exprs: [s.cond.expr], ast: [entry.stages[s.index].decl.condition] })),
      ...ir.scores.map((s) => {
        const decl = scores[s.index].decl;
        return { symbol: scores[s.index], exprs: s.lines.map((l) => l.cond.expr), ast: decl.kind === "ScoreDecl" ? decl.lines.map((l) => l.condition) : [] };
      }),
    ];
    for (const d of declsWithConditions) {
      const irLists = d.exprs.flatMap(atLeastIn);
      const astLists = d.ast.flatMap(atLeastNodes);
      if (irLists.length !== astLists.length) continue; // lowering changed the shape: say nothing
      for (const [k, list] of irLists.entries()) {
        const items = (astLists[k].list as ListLit).items ?? [];
        if (items.length !== list.items.length) continue;
        for (let b = 1; b < list.items.length; b++) {
          for (let a = 0; a < b; a++) {
            const x = enc.condition(list.items[a]);
            const y = enc.condition(list.items[b]);
            if (await never(`(not (= ${x} ${y}))`)) {
              findings.push({ symbol: d.symbol, span: items[b].span, message: message("atLeastDuplicate", { n: String(list.n), other: String(a + 1) }), help: helpText("countsTwice") });
              break;
            }
          }
        }
      }
    }
  } finally {
    if (!options.solver) solver.close();
  }
  return findings.map((f) => located(result, f));
}

function located(result: CompileResult, f: Finding): Diagnostic {
  const model: FileModel | undefined = result.analysis.files.get(f.symbol.file);
  const d = diagnostic(f.symbol.file, f.span, f.message, { help: f.help, ...(f.fix ? { suggestion: f.fix } : {}) });
  if (model) {
    d.range = model.lines.range(f.span);
    if (d.suggestion) d.suggestion.range = model.lines.range(d.suggestion.span);
  }
  return d;
}

function atLeastIn(e: IrExpr): Extract<IrExpr, { k: "atLeast" }>[] {
  const out: Extract<IrExpr, { k: "atLeast" }>[] = [];
  const visit = (x: IrExpr) => {
    if (x.k === "atLeast") out.push(x);
    irChildren(x).forEach(visit);
  };
  visit(e);
  return out;
}

function atLeastNodes(e: Expr): AtLeast[] {
  const out: AtLeast[] = [];
  walk(e as Node, (n) => {
    if (n.kind === "AtLeast") out.push(n as AtLeast);
  });
  return out;
}
