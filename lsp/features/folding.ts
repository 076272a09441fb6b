import type { CompileResult } from "../../compiler/compile.js";
import { modelOf } from "./lookup.js";

export interface FoldingRange {
  startLine: number;
  endLine: number;
  kind?: "comment" | "region";
}

/** Multi-line declarations, and runs of two or more comment lines. */
export function foldingRanges(result: CompileResult, path?: string): FoldingRange[] {
  const model = modelOf(result, path);
  const out: FoldingRange[] = [];
  for (const d of model.ast.declarations) {
    const start = model.lines.position(d.span.start).line;
    const end = model.lines.position(d.span.end).line;
    if (end > start) out.push({ startLine: start, endLine: end, kind: "region" });
  }
  let runStart = -1;
  let prev = -2;
  const flush = () => {
    if (runStart >= 0 && prev > runStart) out.push({ startLine: runStart, endLine: prev, kind: "comment" });
  };
  for (const c of model.comments) {
    const line = c.startLine! - 1;
    if (line !== prev + 1) {
      flush();
      runStart = line;
    }
    prev = line;
  }
  flush();
  return out.sort((a, b) => a.startLine - b.startLine);
}
