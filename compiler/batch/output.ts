import { createWriteStream, type WriteStream } from "node:fs";
import type { Writable } from "node:stream";

/** RFC 4180: quote a cell only when it needs it. */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) || value.startsWith(" ") || value.endsWith(" ") ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Buffers text and writes it in large chunks, honouring back-pressure. */
export class BufferedWriter {
  private buffer = "";
  private readonly stream: Writable;
  private readonly ownsStream: boolean;

  constructor(target: string | Writable) {
    this.ownsStream = typeof target === "string";
    this.stream = typeof target === "string" ? createWriteStream(target) : target;
  }

  async write(text: string): Promise<void> {
    this.buffer += text;
    if (this.buffer.length >= 1 << 16) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.buffer) return;
    const chunk = this.buffer;
    this.buffer = "";
    if (!this.stream.write(chunk)) await new Promise<void>((resolve) => this.stream.once("drain", resolve));
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.ownsStream) {
      await new Promise<void>((resolve, reject) => {
        (this.stream as WriteStream).end((err?: Error | null) => (err ? reject(err) : resolve()));
      });
    }
  }
}

export type OutputFormat = "csv" | "jsonl";

export function formatOf(path: string | undefined, fallback: OutputFormat = "csv"): OutputFormat {
  if (!path) return fallback;
  return /\.(jsonl|ndjson|json)$/i.test(path) ? "jsonl" : "csv";
}

/** Writes result rows: `id`, `stage`, scores, then (with all columns) criterion and stage flags. */
export class ResultWriter {
  private readonly keys: string[];

  constructor(
    private readonly out: BufferedWriter,
    private readonly format: OutputFormat,
    private readonly columns: string[],
  ) {
    this.keys = columns.map((c) => `${JSON.stringify(c)}:`);
  }

  async header(): Promise<void> {
    if (this.format === "csv") await this.out.write(`${this.columns.map(csvCell).join(",")}\n`);
  }

  /** `values` follow `columns` after id and stage. */
  async row(id: string, stage: string, values: (number | boolean)[]): Promise<void> {
    if (this.format === "csv") {
      let line = `${csvCell(id)},${csvCell(stage)}`;
      for (const v of values) line += `,${v}`;
      await this.out.write(`${line}\n`);
      return;
    }
    // Built as text: a column named `__proto__` must stay an ordinary key.
    let line = `{${this.keys[0]}${JSON.stringify(id)},${this.keys[1]}${JSON.stringify(stage)}`;
    for (let i = 0; i < values.length; i++) line += `,${this.keys[i + 2]}${values[i]}`;
    await this.out.write(`${line}}\n`);
  }
}

export const REJECT_COLUMNS = ["line", "id", "field", "value", "reason"];
