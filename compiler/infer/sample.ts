/**
 * Reading a sample of an export for `leaddef init`: the header and the first rows of a CSV file
 * (delimiter detected among `, ; tab |`, UTF-8 BOM and CRLF accepted, a Salesforce report trailer
 * dropped) or of a JSON Lines file (nested objects flattened to dotted keys). Pure: text in,
 * columns out. It is deliberately lenient — a sample that reads badly should still give a
 * starter — and never throws on data; the only errors are "no header" / "no JSON object".
 * The delimiter and the trailer are decided by `run`'s own rules (batch/sources/csv-dialect.ts,
 * trailer.ts), so the starter is written for the file as `run` will read it.
 */
import { detectDelimiter } from "../batch/sources/csv-dialect.js";
import { trailerIn } from "../batch/sources/trailer.js";

export { detectDelimiter, DELIMITERS } from "../batch/sources/csv-dialect.js";

/** One column of the sample: its header text and its cells, `""` for a blank or absent cell. */
export interface SampleColumn {
  header: string;
  values: string[];
  /** JSON Lines: some record holds an array under this key (a `list(string)` field). */
  list?: boolean;
}

/** What `init` learned about the file as a whole. */
export interface ExportSample {
  format: "csv" | "jsonl";
  /** The delimiter of a CSV file (`,` for JSON Lines, where it means nothing). */
  delimiter: string;
  columns: SampleColumn[];
  /** Data rows in the sample (trailer and blank lines excluded). */
  rows: number;
  /** True when the text ended before the file did (the sample is a prefix). */
  truncated: boolean;
  /** Non-empty lines after the data that look like a report trailer, skipped. */
  trailerLines: number;
}

/** Removes a leading UTF-8 byte-order mark. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The first physical line of a text, ignoring newlines inside quotes. */
function firstRecordText(text: string): string {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === "\n" || ch === "\r")) return text.slice(0, i);
  }
  return text;
}

interface ParsedRecord {
  cells: string[];
  /** The record ended at end of text without a line break (it may be cut short). */
  unterminated: boolean;
}

/** RFC 4180 records of `text` (quotes, doubled quotes, CRLF/LF), at most `limit` of them. */
function parseCsvRecords(text: string, delimiter: string, limit: number): ParsedRecord[] {
  const records: ParsedRecord[] = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let i = 0;
  while (i < text.length && records.length < limit) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else cell += ch;
      i++;
      continue;
    }
    if (ch === '"' && cell === "") quoted = true;
    else if (ch === delimiter) {
      cells.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      cells.push(cell);
      records.push({ cells, unterminated: false });
      cells = [];
      cell = "";
      if (ch === "\r" && text[i + 1] === "\n") i++;
    } else cell += ch;
    i++;
  }
  if (records.length < limit && (cell !== "" || cells.length > 0)) {
    cells.push(cell);
    records.push({ cells, unterminated: true });
  }
  return records;
}

const isBlankRecord = (cells: string[]): boolean => cells.every((c) => c.trim() === "");

/** Samples a CSV text: the header and up to `maxRows` data rows. */
export function sampleCsv(text: string, maxRows: number, complete: boolean): ExportSample {
  const body = stripBom(text);
  const delimiter = detectDelimiter(firstRecordText(body));
  const headerCells = parseCsvRecords(body, delimiter, 1)[0]?.cells ?? [];
  // `run`'s trailer rule, on the end of the file (only a whole file has one, only a header of
  // two or more columns tells one apart); the data is what comes before it.
  const trailer = complete && headerCells.length >= 2 ? trailerIn(body, 0, delimiter) : undefined;
  const data = trailer ? Buffer.from(body, "utf8").subarray(0, trailer.dataEnd).toString("utf8") : body;
  // A few records past the limit tell whether the sample is all there is.
  const records = parseCsvRecords(data, delimiter, maxRows + 64);
  const header = records.shift();
  if (!header || isBlankRecord(header.cells)) throw new Error("the file has no header line");
  const headers = header.cells.map((h) => h.trim());
  const cells = records.map((r) => r.cells);
  // A record cut off by the end of a partial read is not a row.
  if (!complete && records.length > 0 && records[records.length - 1].unterminated) cells.pop();
  const trailerLines = trailer?.lines ?? 0;
  const dataRows = cells.filter((c) => !isBlankRecord(c));
  const rows = dataRows.slice(0, maxRows);
  return {
    format: "csv",
    delimiter,
    columns: headers.map((h, index) => ({ header: h, values: rows.map((r) => (r[index] ?? "").trim()) })),
    rows: rows.length,
    truncated: !complete || dataRows.length > maxRows,
    trailerLines,
  };
}

/** A JSON value as the cell text a reader would see: strings as they are, others as JSON. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value.trim();
  if (Array.isArray(value)) return value.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(";");
  return String(value);
}

/** Flattens nested objects into dotted keys (`{company: {name}}` → `company.name`). */
function flatten(record: Record<string, unknown>, prefix: string, into: Map<string, unknown>): void {
  for (const [key, value] of Object.entries(record)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === "object" && !Array.isArray(value)) flatten(value as Record<string, unknown>, path, into);
    else into.set(path, value);
  }
}

/** Samples a JSON Lines text: the union of the first `maxRows` records' keys, in first-seen order. */
export function sampleJsonl(text: string, maxRows: number, complete: boolean): ExportSample {
  const lines = stripBom(text).split(/\r?\n/);
  if (!complete) lines.pop(); // the last line of a partial read may be cut short
  const records: Map<string, unknown>[] = [];
  let total = 0;
  for (const line of lines) {
    if (line.trim() === "") continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue; // a bad line says nothing about the columns
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) continue;
    total++;
    if (records.length >= maxRows) continue;
    const flat = new Map<string, unknown>();
    flatten(parsed as Record<string, unknown>, "", flat);
    records.push(flat);
  }
  if (records.length === 0) throw new Error("the file has no JSON object on any line");
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const r of records) for (const k of r.keys()) if (!seen.has(k)) (seen.add(k), keys.push(k));
  return {
    format: "jsonl",
    delimiter: ",",
    columns: keys.map((k) => ({
      header: k,
      values: records.map((r) => cellText(r.get(k))),
      ...(records.some((r) => Array.isArray(r.get(k))) ? { list: true } : {}),
    })),
    rows: records.length,
    truncated: !complete || total > maxRows,
    trailerLines: 0,
  };
}
