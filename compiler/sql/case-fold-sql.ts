import { foldCase, foldingsInto } from "../runtime/case-fold.js";
import { FOLD_FROM, FOLD_TO } from "../runtime/case-fold-table.js";
import type { SqlDialect } from "./sql-dialects.js";

/**
 * The operands of a case-insensitive `contains` / `starts with`, as SQL over their simple case
 * folding (runtime/case-fold.ts): no engine's `lower` is used, since each lowercases by its own
 * rules (DuckDB `İ` → `i`, a Turkish PostgreSQL collation `I` → `ı`). A constant needle is folded
 * here; the text is then translated only for the characters that fold into the needle's, which
 * decides the match exactly and keeps the SQL small. A needle that is an expression gets the
 * whole table on both sides.
 */
export function caseFoldedOperands(d: SqlDialect, text: string, needle: { constant: string } | { sql: string }): { text: string; needle: string } {
  if ("constant" in needle) {
    const folded = foldCase(needle.constant);
    const { from, to } = foldingsInto(folded);
    return { text: from ? d.translate(text, d.string(from), d.string(to)) : text, needle: d.string(folded) };
  }
  const whole = (x: string) => d.translate(x, d.string(FOLD_FROM), d.string(FOLD_TO));
  return { text: whole(text), needle: whole(needle.sql) };
}
