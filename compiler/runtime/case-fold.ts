import { FOLD_FROM, FOLD_TO } from "./case-fold-table.js";

/**
 * Case-insensitive matching (`contains`, `starts with` on strings) compares the Unicode
 * **simple case folding** of both sides: every character is replaced by its CaseFolding.txt
 * mapping of status C or S, and nothing else changes — no locale, no context, one character
 * for one character. So `ΑΣ`, `ας` and `ασ` all fold to `ασ`, `ſ` and `S` to `s`, the Kelvin
 * sign to `k`, `ẞ` to `ß`; `İ` (whose only folding is the full one, `i̇`) and Turkish `ı` fold to
 * themselves; `ß` does not match `ss`. Every engine applies this one table (case-fold-table.ts);
 * SQL through `translate` (sql/case-fold-sql.ts).
 */

/**
 * A folding function over the table `from[i] → to[i]` (code points). Self-contained, so the
 * standalone module writer can copy its source: ASCII text is folded by `toLowerCase`, which
 * on ASCII is exactly the simple folding; the rest character by character.
 */
export function makeCaseFolder(from: string, to: string): (s: string) => string {
  const map = new Map<string, string>();
  const source = Array.from(from);
  const target = Array.from(to);
  for (let i = 0; i < source.length; i++) map.set(source[i], target[i]);
  return function foldCase(s: string): string {
    let i = 0;
    while (i < s.length && s.charCodeAt(i) < 128) i++;
    if (i === s.length) return s.toLowerCase();
    let out = s.slice(0, i).toLowerCase();
    for (const ch of s.slice(i)) out += map.get(ch) ?? ch;
    return out;
  };
}

/** The simple case folding of `s` (see the module comment). */
export const foldCase: (s: string) => string = makeCaseFolder(FOLD_FROM, FOLD_TO);

/**
 * The folding table restricted to the characters that fold into `chars` (code points): the only
 * ones that matter when the folded text is searched for a needle made of `chars`. A text
 * character outside the table either folds to a character not in `chars` or is one already.
 */
export function foldingsInto(chars: string): { from: string; to: string } {
  const wanted = new Set(Array.from(chars));
  const source = Array.from(FOLD_FROM);
  const target = Array.from(FOLD_TO);
  let from = "";
  let to = "";
  for (let i = 0; i < source.length; i++) {
    if (wanted.has(target[i])) {
      from += source[i];
      to += target[i];
    }
  }
  return { from, to };
}
