import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import type { Reason } from "../../runtime/codecs/reasons.js";
import { hasInvalidUtf8, shownUtf8 } from "./utf8.js";

export type InputFormat = "csv" | "jsonl";

export function inputFormatOf(path: string): InputFormat | "parquet" | undefined {
  if (/\.(jsonl|ndjson)$/i.test(path)) return "jsonl";
  if (/\.(csv|tsv|txt)$/i.test(path)) return "csv";
  if (/\.parquet$/i.test(path)) return "parquet";
  return undefined;
}

/** The input as a stream; `end` (a byte offset) stops it early, before a report trailer. */
export function openInput(path: string, end?: number): Readable {
  return path === "-" ? process.stdin : createReadStream(path, { highWaterMark: 1 << 22, ...(end !== undefined ? { end: end - 1 } : {}) });
}

/**
 * Reads line `line`, the bytes `[start, end)` of valid UTF-8, on its own, without JSON.parse
 * (JsonLineScanner); false: it does not, and the line is read as usual.
 */
export type QuickLineReader = (bytes: Buffer, start: number, end: number, line: number) => boolean;

/** JSON Lines in large chunks, one callback per line: the batch path's counterpart of readJsonLines. */
export class JsonLinesReader {
  private carry = "";
  private line = 0;
  /** Whether the text being read may hold invalid UTF-8 marks (utf8.ts). */
  private checkUtf8 = false;
  private carryMarked = false;

  constructor(
    private readonly onRow: (value: Record<string, unknown>, line: number, text: string) => void,
    private readonly onBad: (line: number, reason: Reason, raw: string) => void,
    /** Drop a byte-order mark opening line 1 (off for a piece that does not start the file). */
    private readonly stripBom = true,
  ) {}

  /** Lines seen so far (blank ones included). */
  get lines(): number {
    return this.line;
  }

  /** Feeds the next piece of text. `marked`: the decoder marked invalid UTF-8 in it (utf8.ts); such lines go to onBad. */
  push(text: string, marked = false): void {
    const data = this.carry ? this.carry + text : text;
    this.checkUtf8 = marked || this.carryMarked;
    let pos = 0;
    for (let nl = data.indexOf("\n"); nl >= 0; nl = data.indexOf("\n", pos)) {
      this.one(data.slice(pos, nl));
      pos = nl + 1;
    }
    this.carry = data.slice(pos);
    this.carryMarked = this.checkUtf8 && hasInvalidUtf8(this.carry);
  }

  /**
   * Feeds bytes the caller knows to be valid UTF-8 (a scoring worker's piece, checked with
   * `isUtf8`), decoding each line on its own. Decoding a 512 KiB piece as one string costs several
   * times more than its lines one by one: a string that large is allocated in V8's large-object
   * space, and one non-ASCII character anywhere makes all of it two-byte, which every line sliced
   * from it and JSON.parse then pay for. Lines are split at the byte 0x0A, which in valid UTF-8 is
   * only ever a newline, so the lines and their numbers are those `push` gives. `quick` reads
   * each line first, if it can.
   */
  pushValidUtf8(bytes: Buffer, quick?: QuickLineReader): void {
    if (this.carry) {
      this.push(bytes.toString("utf8"));
      return;
    }
    this.checkUtf8 = false;
    let pos = 0;
    for (let nl = bytes.indexOf(10, pos); nl >= 0; nl = bytes.indexOf(10, pos)) {
      if (quick !== undefined && quick(bytes, pos, nl, this.line + 1)) this.line++;
      else this.one(bytes.toString("utf8", pos, nl));
      pos = nl + 1;
    }
    this.carry = bytes.toString("utf8", pos, bytes.length);
    this.carryMarked = false;
  }

  end(): void {
    this.checkUtf8 = this.carryMarked;
    if (this.carry) this.one(this.carry);
    this.carry = "";
  }

  private one(text: string): void {
    this.line++;
    if (this.line === 1 && this.stripBom && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (this.checkUtf8 && hasInvalidUtf8(text)) {
      this.onBad(this.line, { code: "invalid-utf8" }, shownUtf8(text.slice(0, 200)));
      return;
    }
    if (!text.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      this.onBad(this.line, { code: "not-json", detail: (e as Error).message }, text.slice(0, 200));
      return;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      this.onBad(this.line, { code: "not-an-object" }, text.slice(0, 200));
      return;
    }
    this.onRow(value as Record<string, unknown>, this.line, text);
  }
}

/** The input file cannot be scored at all (as opposed to a row that is rejected): the CLI exits 2. */
export class InputError extends Error {}

/** The one wording of a CSV input without a header row, in every engine. */
export function noCsvHeader(path: string): InputError {
  return new InputError(`${path === "-" ? "standard input" : path}: the CSV file has no header row (it is empty or holds only blank lines)`);
}
