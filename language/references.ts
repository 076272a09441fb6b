import { walk, type Node } from "./ast.js";
import { bodyMemo } from "./check-cache.js";
import type { DeclSymbol, FileModel } from "./model.js";

/** The criteria, scores and stages that `node` (in `model`'s file) refers to, in source order. */
export function referencedDecls(model: FileModel, node: Node): { symbol: DeclSymbol; at: Node }[] {
  // In the language server a declaration whose body was kept refers to what it did before.
  const memo = bodyMemo(model, node);
  if (memo?.references) return memo.references;
  const out: { symbol: DeclSymbol; at: Node }[] = [];
  walk(node, (n) => {
    if (n.kind !== "Ref") return;
    const r = model.occurrences.get(n.path.id)?.resolution;
    if (r?.kind === "symbol" && r.symbol.kind !== "field") out.push({ symbol: r.symbol, at: n });
  });
  if (memo) memo.references = out;
  return out;
}

