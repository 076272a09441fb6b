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

/** Where a case-insensitive test looks for its needle. */
export type NeedleAt = "anywhere" | "start" | "end";

/**
 * DuckDB: a case-insensitive `contains` / `starts with` / `ends with` of a constant needle as one
 * regular expression in which each needle character is the class of the characters that fold
 * into it (`student` → `[sSſ][tT][uU]…`), or on an ASCII text, for a needle folding to ASCII, the plain
 * test of the lowercased text. It decides exactly what the translated text does
 * (caseFoldedOperands), at about a third of the cost per row: DuckDB's `translate` cost ~0.3 s of
 * CPU per million cells of a title column. Undefined for other dialects (whose engines this was
 * not measured on), for needles that are expressions, and for needles nothing folds into.
 */
export function caseFoldedPattern(d: SqlDialect, text: string, needle: string, at: NeedleAt): string | undefined {
  if (d.name !== "duckdb") return undefined;
  const folded = Array.from(foldCase(needle));
  const { from, to } = foldingsInto(folded.join(""));
  if (!from) return undefined; // nothing folds into the needle (`52`): the plain test, no translate, is cheaper still
  const source = Array.from(from);
  const target = Array.from(to);
  // Letters and digits as themselves (and, alone, the ASCII signs no regular expression reads); the rest escaped.
  const char = (c: string, plain = /^[A-Za-z0-9]$/) => (plain.test(c) ? c : `\\x{${c.codePointAt(0)!.toString(16).toUpperCase()}}`);
  const classes = folded.map((c) => {
    const into = [c, ...source.filter((_, i) => target[i] === c && source[i] !== c)];
    return into.length === 1 ? char(c, /^[A-Za-z0-9 _\/:@#%&=,;<>!~-]$/) : `[${into.map((x) => char(x)).join("")}]`;
  });
  const pattern = `${at === "start" ? "^" : ""}${classes.join("")}${at === "end" ? "$" : ""}`;
  const regex = `regexp_matches(${text}, ${d.string(pattern)})`;
  const foldedNeedle = folded.join("");
  if (!/^[\x00-\x7F]*$/.test(foldedNeedle)) return regex;
  // An ASCII text (as many bytes as characters) holds no character outside ASCII, so there the
  // classes reduce to ASCII case pairs, which DuckDB's `lower` maps exactly: the plain string
  // test of the lowercased text is then exact, at about a quarter of the regular expression's
  // cost (84 → 22 ms of CPU over a million titles); other texts keep the regular expression.
  const plain = { anywhere: "contains", start: "starts_with", end: "ends_with" }[at];
  return `CASE WHEN strlen(${text}) = length(${text}) THEN ${plain}(lower(${text}), ${d.string(foldedNeedle)}) ELSE ${regex} END`;
}
