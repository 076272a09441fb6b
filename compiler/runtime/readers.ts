/**
 * Value readers shared by the evaluator, the batch readers and the standalone module that
 * `leaddef build --target js` writes. Each function is self-contained (no imports, no outer
 * variables) because the module writer copies their source text.
 *
 * Internal representation: numbers, integers and dates (whole days since 1970-01-01) are
 * JS numbers with NaN for missing; booleans, strings, enum members and lists are their JS
 * values with undefined for missing. A value that does not fit its type throws an Error
 * whose message is the reason (the batch readers turn it into a reject).
 */

export function readNumber(v: unknown, integer: boolean): number {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`\`${v}\` is not a number`);
    if (integer && !Number.isInteger(v)) throw new Error(`\`${v}\` is not a whole number`);
    return v;
  }
  if (v === null || v === undefined) return NaN;
  if (typeof v === "string") {
    const s = v.trim();
    if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(s)) {
      const n = Number(s);
      if (integer && !Number.isInteger(n)) throw new Error(`\`${v}\` is not a whole number`);
      return n;
    }
  }
  throw new Error(`\`${typeof v === "string" ? v : JSON.stringify(v)}\` is not a ${integer ? "whole number" : "number"}`);
}

export function readDate(v: unknown): number {
  if (v === null || v === undefined) return NaN;
  if (typeof v === "string") {
    const s = v.trim();
    // YYYY-MM-DD, or an ISO timestamp whose date part is used.
    if (s.length === 10 || (s.length > 10 && (s[10] === "T" || s[10] === " "))) {
      const y = Number(s.slice(0, 4));
      const m = Number(s.slice(5, 7));
      const d = Number(s.slice(8, 10));
      if (s[4] === "-" && s[7] === "-" && /^\d{4}-\d\d-\d\d/.test(s) && m >= 1 && m <= 12 && d >= 1) {
        const days = Date.UTC(y, m - 1, d) / 86400000;
        // Date.UTC rolls 2026-02-30 over to March; a real date round-trips.
        if (new Date(days * 86400000).getUTCDate() === d) return days;
      }
    }
    throw new Error(`\`${v}\` is not a date (YYYY-MM-DD)`);
  }
  if (v instanceof Date && !Number.isNaN(v.getTime())) return Math.floor(v.getTime() / 86400000);
  throw new Error(`\`${JSON.stringify(v)}\` is not a date (YYYY-MM-DD)`);
}

/**
 * The fast path for dates: `YYYY-MM-DD` exactly (year 100 and later) as days since 1970-01-01,
 * NaN for anything else, which readDate then decides. Same value as readDate, without Date.
 */
export function plainDateDays(s: string): number {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return NaN;
  let y = 0;
  for (let i = 0; i < 4; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return NaN;
    y = y * 10 + c;
  }
  const m1 = s.charCodeAt(5) - 48;
  const m2 = s.charCodeAt(6) - 48;
  const d1 = s.charCodeAt(8) - 48;
  const d2 = s.charCodeAt(9) - 48;
  if (m1 < 0 || m1 > 9 || m2 < 0 || m2 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return NaN;
  const m = m1 * 10 + m2;
  const d = d1 * 10 + d2;
  if (y < 100 || m < 1 || m > 12 || d < 1) return NaN;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > (m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31)) return NaN;
  // days_from_civil (H. Hinnant)
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * ((m + 9) % 12) + 2) / 5) + d - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

export function readBoolean(v: unknown): boolean | undefined {
  if (v === true || v === false) return v;
  if (v === null || v === undefined) return undefined;
  if (typeof v === "string") {
    const s = v.trim().toLowerCase();
    if (s === "true" || s === "yes" || s === "1") return true;
    if (s === "false" || s === "no" || s === "0") return false;
  }
  if (v === 1) return true;
  if (v === 0) return false;
  throw new Error(`\`${typeof v === "string" ? v : JSON.stringify(v)}\` is not true/false/yes/no/1/0`);
}

export function readString(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (v === null || v === undefined) return undefined;
  throw new Error(`\`${JSON.stringify(v)}\` is not a string`);
}

export function readEnum(v: unknown, members: readonly string[]): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === "string" && members.includes(v)) return v;
  const shown = members.length > 6 ? `${members.slice(0, 6).join(", ")}, …` : members.join(", ");
  throw new Error(`\`${typeof v === "string" ? v : JSON.stringify(v)}\` is not one of ${shown}`);
}

export function readList(v: unknown): string[] | undefined {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === "string")) return v as string[];
    throw new Error(`${JSON.stringify(v)} is not a list of strings`);
  }
  if (typeof v === "string") {
    const items = [];
    for (const part of v.split(";")) {
      const item = part.trim();
      if (item) items.push(item);
    }
    return items;
  }
  throw new Error(`\`${JSON.stringify(v)}\` is not a list of strings`);
}

/** Copied into generated modules, in this order. */
export const RUNTIME_FUNCTIONS = [readNumber, readDate, readBoolean, readString, readEnum, readList, plainDateDays];
