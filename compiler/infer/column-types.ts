/**
 * Type inference for `leaddef init`: from a column's sampled cells to the field type a starter
 * declares — the narrowest type every non-blank cell reads as, in the spellings exports write.
 * Pure functions; the rules are documented in README § "leaddef init".
 */

import type { SampleColumn } from "./sample.js";

export type InferredType =
  | { kind: "boolean" }
  | { kind: "integer" }
  | { kind: "number" }
  /** `layout` is absent for ISO dates and timestamps, which every date field reads. */
  | { kind: "date"; layout?: string }
  /** Members in declaration order; `open` when the sample may not show every value. */
  | { kind: "enum"; members: string[]; open: boolean }
  | { kind: "string" }
  /** A JSON Lines array. */
  | { kind: "list" };

export interface InferredColumn {
  header: string;
  type: InferredType;
  /** Some cell of the sample is blank. */
  optional: boolean;
  /** Up to three distinct non-blank values, most frequent first. */
  samples: string[];
  /** The few sampled values the type does not read (see inferColumnType). */
  strays: string[];
}

/** The largest number of distinct values a column may have to become an enum. */
export const ENUM_MAX_MEMBERS = 20;

const BOOLEAN_SPELLINGS = new Set(["true", "false", "yes", "no", "y", "n", "on", "off", "1", "0"]);

/**
 * Headers that name an identifier or free text: never an enum or a number, whatever the sample
 * shows (a numeric `Record ID` is an identifier, thirty first names are not a closed list).
 */
const FREE_TEXT_HEADER = /(^|[^a-z])(id|name|e-?mail|phone|mobile|fax|title|company|account|address|street|city|zip|postal|url|website|domain|description|notes?|comments?|message)([^a-z]|$)/i;

/** Headers of money: a number even when the sample holds only whole amounts. */
const MONEY_HEADER = /(revenue|amount|price|budget|value|cost|spend|arr|mrr|salary|income)/i;

/** Headers of quantities: a 0/1 column under such a header is a count, not a checkbox. */
const QUANTITY_HEADER = /(^|[^a-z])(number|no\.|num|count|total|#|clicks?|opens?|visits?|views?|score|days|employees|qty|quantity|amount|revenue)([^a-z]|$)/i;

const CURRENCY = String.raw`(?:[$€£¥]|[A-Z]{3}\s)`;
const US_NUMBER = new RegExp(
  String.raw`^${CURRENCY}?\s*[+-]?${CURRENCY}?\s*(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][+-]?\d+)?\s*(?:[$€£¥]|\s[A-Z]{3})?$`,
);
const EU_NUMBER = new RegExp(
  String.raw`^${CURRENCY}?\s*[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?\s*(?:[$€£¥]|\s[A-Z]{3})?$`,
);
const PLAIN_INTEGER = /^[+-]?\d+(?:\.0+)?$/;
const US_GROUPED_INTEGER = /^[+-]?\d{1,3}(?:,\d{3})+$/;
const EU_GROUPED_INTEGER = /^[+-]?\d{1,3}(?:\.\d{3})+$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const NUMERIC_DATE = /^(\d{1,2})([./-])(\d{1,2})\2(\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp][Mm]))?)?$/;

/** A number cell as a US/ISO export writes it (`1200`, `$1,200.00`, `USD 150,000.00`, `1e6`). */
export function isUsNumber(text: string): boolean {
  return /\d/.test(text) && US_NUMBER.test(text);
}

/** A number cell as a decimal-comma export writes it (`1.234.567,89`, `72,5`, `€ 12,00`). */
export function isEuropeanNumber(text: string): boolean {
  return /\d/.test(text) && EU_NUMBER.test(text);
}

/**
 * Whether the file writes decimal commas: some cell is unmistakably European (`1.234,5`, or a
 * comma followed by one, two or four-plus digits) and no numeric cell reads only the US way.
 */
export function detectDecimalComma(columns: readonly SampleColumn[]): boolean {
  let european = false;
  for (const column of columns) {
    for (const v of column.values) {
      if (v === "") continue;
      if (/^[^\d]*\d{1,3}(?:\.\d{3})+,\d+[^\d]*$/.test(v) || /^[^\d,]*\d+,(?:\d{1,2}|\d{4,})[^\d,]*$/.test(v)) {
        if (isEuropeanNumber(v)) european = true;
      } else if (/^[^\d]*\d{1,3}(?:,\d{3})+\.\d+[^\d]*$/.test(v)) return false;
    }
  }
  return european;
}

/**
 * The layout of a column of numeric dates (`11/3/2025`, `3.11.2025`, `03/11/2025 14:05`), or
 * undefined when the cells do not share one. Day-first when some first part exceeds 12,
 * month-first when some second part does; otherwise `/` means month-first (US) and `.` or `-`
 * day-first (European).
 */
export function numericDateLayout(values: readonly string[]): string | undefined {
  let separator: string | undefined;
  let firstOver12 = false;
  let secondOver12 = false;
  let time: string | undefined;
  for (const v of values) {
    const m = NUMERIC_DATE.exec(v);
    if (!m) return undefined;
    if (separator !== undefined && m[2] !== separator) return undefined;
    separator = m[2];
    if (Number(m[1]) > 12) firstOver12 = true;
    if (Number(m[3]) > 12) secondOver12 = true;
    if (m[5] !== undefined) {
      if (m[8] !== undefined) return undefined; // 12-hour clocks have no layout token
      const t = m[7] !== undefined ? "HH:mm:ss" : "HH:mm";
      if (time !== undefined && time !== t) return undefined;
      time = t;
    } else if (time !== undefined) return undefined;
  }
  if (separator === undefined || (firstOver12 && secondOver12)) return undefined;
  const dayFirst = firstOver12 || (!secondOver12 && separator !== "/");
  const date = dayFirst ? `D${separator}M${separator}YYYY` : `M${separator}D${separator}YYYY`;
  return time ? `${date} ${time}` : date;
}

/** True when a text can be written as a bare enum member (a name that is not a keyword). */
export type IsBareMember = (text: string) => boolean;

/** Known value orders, lowest first, so that `>=` on the enum means what the CRM means. */
const KNOWN_ORDERS: readonly (readonly string[])[] = [
  ["subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer", "evangelist", "other"],
  ["cold", "warm", "hot"],
  ["open - not contacted", "working - contacted", "closed - converted", "closed - not converted"],
];

/**
 * Members in a known order when all of them belong to one — with the order's members the sample
 * did not show added, in the sample's letter case — else alphabetically.
 */
function orderMembers(members: string[]): string[] {
  for (const order of KNOWN_ORDERS) {
    if (members.every((m) => order.includes(m.toLowerCase()))) {
      const upper = members.every((m) => m === m.toUpperCase());
      const titled = members.every((m) => m[0] === m[0].toUpperCase());
      const spell = (m: string) => members.find((s) => s.toLowerCase() === m) ??
        (upper ? m.toUpperCase() : titled ? m.replace(/(^|[\s-])([a-z])/g, (_, p: string, c: string) => p + c.toUpperCase()) : m);
      return order.map(spell);
    }
  }
  return [...members].sort((a, b) => a.localeCompare(b, "en"));
}

/** Distinct values (case and surrounding spaces ignored, first spelling kept) with their counts. */
function distinctValues(values: readonly string[]): Map<string, { text: string; count: number }> {
  const distinct = new Map<string, { text: string; count: number }>();
  for (const v of values) {
    if (v === "") continue;
    const key = v.toLowerCase();
    const entry = distinct.get(key);
    if (entry) entry.count++;
    else distinct.set(key, { text: v, count: 1 });
  }
  return distinct;
}

/** The type of one column: the first of boolean, integer, number, date, enum that fits every cell. */
function strictType(header: string, present: readonly string[], decimalComma: boolean): InferredType {
  if (present.length === 0) return { kind: "string" };
  // `Email clicks` is a count and `Company Revenue` money, whatever else their header says.
  const freeText = FREE_TEXT_HEADER.test(header) && !QUANTITY_HEADER.test(header) && !MONEY_HEADER.test(header);
  const lower = present.map((v) => v.toLowerCase());
  const onlyBits = lower.every((v) => v === "0" || v === "1");
  if (lower.every((v) => BOOLEAN_SPELLINGS.has(v)) && !(onlyBits && QUANTITY_HEADER.test(header))) {
    return { kind: "boolean" };
  }
  if (!freeText) {
    // A leading zero (`02134`) is a code whose zero matters, so never a number.
    const leadingZero = present.some((v) => /^[+-]?0\d/.test(v));
    const groupedInteger = decimalComma ? EU_GROUPED_INTEGER : US_GROUPED_INTEGER;
    if (!leadingZero && present.every((v) => PLAIN_INTEGER.test(v) || groupedInteger.test(v))) {
      // Money and values past 32 bits (revenue in cents, phone-like codes) are read as numbers.
      const big = present.some((v) => v.replace(/\.0+$/, "").replace(/\D/g, "").length > 9);
      if (!big && !MONEY_HEADER.test(header)) return { kind: "integer" };
    }
    const isNumber = decimalComma ? isEuropeanNumber : isUsNumber;
    if (!leadingZero && present.every(isNumber)) return { kind: "number" };
  }
  if (present.every((v) => ISO_DATE.test(v))) return { kind: "date" };
  const layout = numericDateLayout(present);
  if (layout) return { kind: "date", layout };
  if (!freeText) {
    const distinct = distinctValues(present);
    const longest = Math.max(...[...distinct.values()].map((d) => d.text.length));
    const repeats = distinct.size * 2 <= present.length;
    if (distinct.size <= ENUM_MAX_MEMBERS && repeats && longest <= 60 && !/[\r\n]/.test(present.join(""))) {
      const counts = [...distinct.values()];
      // Open when a value was seen only once or twice, or when the sample is small for its number
      // of values: either way the next rows may well bring a value the sample did not show.
      const open = counts.some((d) => d.count <= 2) || distinct.size * 5 > present.length;
      return { kind: "enum", members: orderMembers(counts.map((d) => d.text)), open };
    }
  }
  return { kind: "string" };
}

/**
 * The part of a header the name rules look at: the last segment of a dotted key without spaces
 * (`company.locations` is about locations, not a company name); a label (`No. of Employees`) whole.
 */
export function headerName(header: string): string {
  return /\s/.test(header) ? header : header.slice(header.lastIndexOf(".") + 1);
}

/** The least number of filled cells for which a few stray values may be tolerated. */
export const TOLERANCE_MIN_CELLS = 50;

/**
 * The type of one column, and the stray values it does not read (shown in the starter). A column
 * of at least 50 filled cells in which at most 1% do not read as a boolean, number or date is
 * still that type: exports carry a few bad cells (`n/a`), and a string field would reject every
 * good JSON number. Those rows are then rejected by `run`, with their reason.
 */
export function inferColumnType(header: string, values: readonly string[], decimalComma: boolean): { type: InferredType; strays: string[] } {
  header = headerName(header);
  const present = values.filter((v) => v !== "");
  const strict = strictType(header, present, decimalComma);
  if ((strict.kind !== "string" && strict.kind !== "enum") || present.length < TOLERANCE_MIN_CELLS) return { type: strict, strays: [] };
  const allowed = Math.floor(present.length / 100);
  const isNumber = decimalComma ? isEuropeanNumber : isUsNumber;
  const readers: ((v: string) => boolean)[] = [(v) => BOOLEAN_SPELLINGS.has(v.toLowerCase()), isNumber, (v) => ISO_DATE.test(v)];
  for (const reads of readers) {
    const strays = present.filter((v) => !reads(v));
    if (strays.length === 0 || strays.length > allowed) continue;
    const type = strictType(header, present.filter(reads), decimalComma);
    if (type.kind !== "string" && type.kind !== "enum") return { type, strays: [...new Set(strays)] };
  }
  return { type: strict, strays: [] };
}

/** The type of one column (see inferColumnType). */
export function inferType(header: string, values: readonly string[], decimalComma: boolean): InferredType {
  return inferColumnType(header, values, decimalComma).type;
}

/** Up to `limit` distinct non-blank values, most frequent first (ties: first seen). */
export function sampleValues(values: readonly string[], limit = 3): string[] {
  return [...distinctValues(values).values()]
    .map((d, index) => ({ ...d, index }))
    .sort((a, b) => b.count - a.count || a.index - b.index)
    .slice(0, limit)
    .map((d) => d.text);
}

/** Infers every column of a sample. */
export function inferColumns(columns: readonly SampleColumn[], decimalComma: boolean): InferredColumn[] {
  return columns.map((c) => {
    const { type, strays } = c.list ? { type: { kind: "list" } as const, strays: [] as string[] } : inferColumnType(c.header, c.values, decimalComma);
    const samples = sampleValues(c.values.filter((v) => !strays.includes(v)));
    return { header: c.header, type, optional: c.values.some((v) => v === "") || c.values.length === 0, samples, strays };
  });
}
