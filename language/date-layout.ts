/**
 * Date layouts a field may declare for its data: `date("M/D/YYYY")`. Tokens: `YYYY` (four-digit
 * year), `M`/`MM` (month, one or two digits / two digits), `D`/`DD` (day), and `HH`, `mm`, `ss`
 * for a time part that is read past and ignored; any other character stands for itself. A
 * layout needs a year, a month and a day, each once.
 *
 * `layoutPattern` is self-contained (no imports, no outer names): the generated module copies
 * its source, and the SQL readers use the same pattern, so every engine reads a layout alike.
 */
export function layoutPattern(layout: string): { source: string; year: number; month: number; day: number } | { error: string } {
  const tokens = ["YYYY", "MM", "DD", "HH", "mm", "ss", "M", "D"];
  let source = "";
  let group = 0;
  let year = 0;
  let month = 0;
  let day = 0;
  let i = 0;
  while (i < layout.length) {
    const token = tokens.find((t) => layout.startsWith(t, i));
    if (!token) {
      const c = layout[i];
      if (/[A-Za-z]/.test(c)) return { error: `\`${c}\` is not a layout token (use YYYY, M, MM, D, DD, HH, mm, ss)` };
      source += /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c === " " ? " +" : c;
      i++;
      continue;
    }
    i += token.length;
    if (token === "YYYY") {
      if (year) return { error: "the year is written twice" };
      year = ++group;
      source += "(\\d{4})";
    } else if (token === "M" || token === "MM") {
      if (month) return { error: "the month is written twice" };
      month = ++group;
      source += token === "M" ? "(\\d{1,2})" : "(\\d{2})";
    } else if (token === "D" || token === "DD") {
      if (day) return { error: "the day is written twice" };
      day = ++group;
      source += token === "D" ? "(\\d{1,2})" : "(\\d{2})";
    } else {
      source += token === "HH" ? "\\d{1,2}" : "\\d{2}";
    }
  }
  if (!year || !month || !day) return { error: "a layout needs a year (YYYY), a month (M or MM) and a day (D or DD)" };
  return { source, year, month, day };
}
