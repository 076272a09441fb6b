/** Reading the values of literal tokens; shared by the parser and the data readers. */

const SUFFIX: Record<string, number> = { K: 1e3, M: 1e6, B: 1e9 };

/** `1_000`, `3.5`, `100M` → number; NaN for anything else. */
export function parseNumberLiteral(raw: string): number {
  const m = /^(\d[\d_]*(?:\.\d[\d_]*)?)([KMB]?)$/.exec(raw);
  if (!m || /__|_$|_\./.test(m[1])) return NaN;
  const base = Number(m[1].replace(/_/g, ""));
  // Multiply in a way that keeps `1.1K` = 1100 exactly rather than 1100.0000000000002.
  return m[2] ? Math.round(base * SUFFIX[m[2]] * 1e6) / 1e6 : base;
}

const DAY_MS = 86_400_000;

/** Whole days since 1970-01-01 for a valid `YYYY-MM-DD`; NaN otherwise (`2026-02-30` included). */
export function parseDateDays(text: string): number {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return NaN;
  const y = Number(text.slice(0, 4));
  const m = Number(text.slice(5, 7));
  const d = Number(text.slice(8, 10));
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return NaN;
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return NaN;
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The `YYYY-MM-DD` text of a day number. */
export function formatDateDays(days: number): string {
  return new Date(days * DAY_MS).toISOString().slice(0, 10);
}

/** Today's date in UTC as a day number. */
export function todayDays(now: Date = new Date()): number {
  return Math.floor(now.getTime() / DAY_MS);
}

export interface StringDecodeResult {
  value: string;
  /** Offset within the raw token of the first bad escape, if any. */
  badEscapeAt?: number;
}

/**
 * Decodes a string token including its quotes; escapes `\" \\ \n \r \t` (`\r`: a raw CR ends the
 * line, as in the LSP, so this is how a string holds one). The token may be
 * unterminated (`"abc`, `"abc\"`, `"abc\`): decoding stops at the closing quote or the end,
 * and a lone backslash at the end is not an escape (the missing quote is reported instead).
 */
export function decodeStringLiteral(raw: string): StringDecodeResult {
  let value = "";
  let badEscapeAt: number | undefined;
  for (let i = 1; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === '"') break;
    if (ch !== "\\") {
      value += ch;
      continue;
    }
    const next = raw[++i];
    if (next === undefined) break;
    if (next === '"' || next === "\\") value += next;
    else if (next === "n") value += "\n";
    else if (next === "t") value += "\t";
    else if (next === "r") value += "\r";
    else {
      badEscapeAt ??= i - 1; // the backslash's offset within the token
      value += next;
    }
  }
  return badEscapeAt === undefined ? { value } : { value, badEscapeAt };
}

