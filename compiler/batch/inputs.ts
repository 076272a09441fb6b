import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { parse } from "csv-parse";

export type InputFormat = "csv" | "jsonl";

export function inputFormatOf(path: string): InputFormat | "parquet" | undefined {
  if (/\.(jsonl|ndjson)$/i.test(path)) return "jsonl";
  if (/\.(csv|tsv|txt)$/i.test(path)) return "csv";
  if (/\.parquet$/i.test(path)) return "parquet";
  return undefined;
}

/** A record as read, or a record the reader could not make sense of. */
export type CsvItem =
  | { kind: "row"; cells: string[]; line: number }
  | { kind: "bad"; line: number; reason: string; raw: string };

/**
 * Streams CSV records with their line numbers. RFC 4180 quoting (embedded commas, quotes and
 * newlines), CRLF, a byte-order mark and empty lines are handled by csv-parse; a record it
 * cannot read is yielded as `bad` (and becomes a reject) rather than ending the run.
 */
export async function* readCsv(stream: Readable): AsyncGenerator<CsvItem> {
  const skipped: CsvItem[] = [];
  const parser = stream.pipe(
    parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true, skip_records_with_error: true, relax_quotes: true }),
  );
  parser.on("skip", (err: Error & { lines?: number; raw?: string }) => {
    skipped.push({ kind: "bad", line: err.lines ?? 0, reason: `not readable as CSV: ${err.message}`, raw: err.raw ?? "" });
  });
  for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    while (skipped.length) yield skipped.shift()!;
    yield { kind: "row", cells: item.record, line: item.info.lines };
  }
  while (skipped.length) yield skipped.shift()!;
}

export type JsonItem =
  | { kind: "row"; value: Record<string, unknown>; line: number }
  | { kind: "bad"; line: number; reason: string; raw: string };

/** Streams JSON Lines; blank lines are skipped, a line that is not a JSON object is `bad`. */
export async function* readJsonLines(stream: Readable): AsyncGenerator<JsonItem> {
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (!text.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(line === 1 ? text.replace(/^\uFEFF/, "") : text);
    } catch (e) {
      yield { kind: "bad", line, reason: `not valid JSON: ${(e as Error).message}`, raw: text.slice(0, 200) };
      continue;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      yield { kind: "bad", line, reason: "a line must be a JSON object", raw: text.slice(0, 200) };
      continue;
    }
    yield { kind: "row", value: value as Record<string, unknown>, line };
  }
}

export function openInput(path: string): Readable {
  return path === "-" ? process.stdin : createReadStream(path, { highWaterMark: 1 << 22 });
}

/** JSON Lines in large chunks, one callback per line: the batch path's counterpart of readJsonLines. */
export class JsonLinesReader {
  private carry = "";
  private line = 0;

  constructor(
    private readonly onRow: (value: Record<string, unknown>, line: number, text: string) => void,
    private readonly onBad: (line: number, reason: string, raw: string) => void,
    /** Drop a byte-order mark opening line 1 (off for a piece that does not start the file). */
    private readonly stripBom = true,
  ) {}

  /** Lines seen so far (blank ones included). */
  get lines(): number {
    return this.line;
  }

  push(text: string): void {
    const data = this.carry ? this.carry + text : text;
    let pos = 0;
    for (let nl = data.indexOf("\n"); nl >= 0; nl = data.indexOf("\n", pos)) {
      this.one(data.slice(pos, nl));
      pos = nl + 1;
    }
    this.carry = data.slice(pos);
  }

  end(): void {
    if (this.carry) this.one(this.carry);
    this.carry = "";
  }

  private one(text: string): void {
    this.line++;
    if (this.line === 1 && this.stripBom && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (!text.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      this.onBad(this.line, `not valid JSON: ${(e as Error).message}`, text.slice(0, 200));
      return;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      this.onBad(this.line, "a line must be a JSON object", text.slice(0, 200));
      return;
    }
    this.onRow(value as Record<string, unknown>, this.line, text);
  }
}
