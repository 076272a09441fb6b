import { createWriteStream, openSync, type WriteStream } from "node:fs";
import type { Writable } from "node:stream";
import type { Program } from "../runtime/program.js";

/** A run's output columns, in order: the id, the stage, the scores, (with `--columns all`) every criterion and stage flag, then the text columns. Both engines and the write-back plan use it. */
export function resultColumns(program: Program, columns: "default" | "all"): string[] {
  return ["id", "stage", ...program.scores, ...(columns === "all" ? [...program.criteria, ...program.stages] : []), ...program.textColumns];
}

/** RFC 4180: quote a cell only when it needs it. */
export function csvCell(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/**
 * Where a run writes its scored rows: a file path, or a stream the caller owns. Standard output
 * is only ever passed in by the application, so nothing below it writes to the process's streams.
 */
export type OutputTarget = string | Writable;

/** The path of an output target, or undefined when it is a caller's stream. */
export function outputPath(target: OutputTarget): string | undefined {
  return typeof target === "string" ? target : undefined;
}

/** Where formatted rows are appended. */
export interface TextSink {
  append(text: string): void;
}

/**
 * Buffers text and writes it in large chunks, honouring back-pressure. A file is opened at the
 * first write, so a run that fails on the whole file before writing (a bad header) can
 * `abandon` it and leave no file behind, nor truncate one that was there.
 */
export class BufferedWriter implements TextSink {
  private buffer = "";
  /** Text and bytes waiting to be written, in order, before `buffer`. */
  private parts: (string | Uint8Array)[] = [];
  private stream: Writable | undefined;
  private readonly ownsStream: boolean;
  /** The file's first write error (a full disk, say): `flush` and `close` throw it. */
  private failed: Error | undefined;

  constructor(private readonly target: string | Writable) {
    this.ownsStream = typeof target === "string";
    if (typeof target !== "string") this.stream = target;
  }

  private open(): Writable {
    if (this.stream) return this.stream;
    // Opened here, synchronously: a file that cannot be created (a missing folder, no permission)
    // fails the run with its path, where a stream's own open would emit an error nothing heard.
    const path = this.target as string;
    const stream = createWriteStream(path, { fd: openSync(path, "w") });
    stream.on("error", (e) => {
      this.failed ??= e;
    });
    return (this.stream = stream);
  }

  /** Adds text without writing; the hot loop appends, and `flush` runs once per input chunk. */
  append(text: string): void {
    this.buffer += text;
  }

  /** Adds text already encoded as UTF-8 (a worker's rows), after what was appended before it. */
  appendBytes(bytes: Uint8Array): void {
    if (this.buffer) this.parts.push(this.buffer);
    this.buffer = "";
    this.parts.push(bytes);
  }

  async flush(): Promise<void> {
    if (this.failed) throw this.failed;
    if (this.buffer) this.parts.push(this.buffer);
    this.buffer = "";
    if (!this.parts.length) return;
    const parts = this.parts;
    this.parts = [];
    const stream = this.open();
    let full = false;
    for (const part of parts) if (part.length && !stream.write(part)) full = true;
    if (full) {
      await new Promise<void>((resolve, reject) => {
        const failed = (e: Error) => reject(e);
        stream.once("error", failed);
        stream.once("drain", () => {
          stream.off("error", failed);
          resolve();
        });
      });
    }
    if (this.failed) throw this.failed;
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.ownsStream) await this.end(this.open());
  }

  /** The run failed: drops what is buffered and closes the file only if it was opened (never creating it). */
  async abandon(): Promise<void> {
    this.buffer = "";
    this.parts = [];
    if (this.ownsStream && this.stream) await this.end(this.stream);
  }

  private end(stream: Writable): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      // A stream a write error destroyed cannot be ended: the run fails with that error, which
      // the stream reports (before it closes) on a later tick.
      const failure = () => this.failed ?? new Error(`cannot write ${String(this.target)}`);
      if (this.failed || (stream as WriteStream).closed) return reject(failure());
      if (stream.destroyed) {
        stream.once("error", reject);
        stream.once("close", () => reject(failure()));
        return;
      }
      stream.once("error", reject);
      (stream as WriteStream).end((err?: Error | null) => (err ? reject(this.failed ?? err) : resolve()));
    });
  }
}

export type OutputFormat = "csv" | "jsonl";

export function formatOf(path: string | undefined, fallback: OutputFormat = "csv"): OutputFormat {
  if (!path) return fallback;
  return /\.(jsonl|ndjson|json)$/i.test(path) ? "jsonl" : "csv";
}

/**
 * Writes result rows: `id`, `stage`, scores, then (with all columns) criterion and stage flags,
 * then the text columns (a disqualified lead's `reason`, each grade's letter).
 */
export class ResultWriter {
  private readonly keys: string[];
  /** Index in a row's values (from 1) of the first text column: written quoted, missing as empty / null. */
  private readonly textFrom: number;

  constructor(
    private readonly out: TextSink,
    private readonly format: OutputFormat,
    private readonly columns: string[],
    /** How many of the last columns hold text rather than numbers and booleans. */
    textColumns = 0,
  ) {
    this.keys = columns.map((c) => `${JSON.stringify(c)}:`);
    this.textFrom = columns.length - 1 - textColumns;
  }

  header(): void {
    if (this.format === "csv") this.out.append(`${this.columns.map(csvCell).join(",")}\n`);
  }

  /** Appends one result row; `out` holds the values that follow id and stage, from index 1. */
  row(id: string, stage: string, out: unknown[], count: number): void {
    const numbers = Math.min(count, this.textFrom - 1);
    if (this.format === "csv") {
      let line = `${csvCell(id)},${stage}`;
      for (let i = 1; i <= numbers; i++) line += `,${out[i]}`;
      for (let i = numbers + 1; i <= count; i++) line += `,${out[i] === undefined || out[i] === null ? "" : csvCell(String(out[i]))}`;
      this.out.append(`${line}\n`);
      return;
    }
    // Built as text: a column named `__proto__` must stay an ordinary key.
    let line = `{${this.keys[0]}${JSON.stringify(id)},${this.keys[1]}${JSON.stringify(stage)}`;
    for (let i = 1; i <= numbers; i++) line += `,${this.keys[i + 1]}${out[i]}`;
    for (let i = numbers + 1; i <= count; i++) line += `,${this.keys[i + 1]}${out[i] === undefined || out[i] === null ? "null" : JSON.stringify(String(out[i]))}`;
    this.out.append(`${line}}\n`);
  }
}

export const REJECT_COLUMNS = ["line", "id", "field", "value", "reason"];
