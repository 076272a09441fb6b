/**
 * `leaddef init`'s pure core: export text in, starter definition text out.
 */

import { detectDecimalComma, inferColumns, type InferredColumn } from "./column-types.js";
import { fieldPaths } from "./names.js";
import { sampleCsv, sampleJsonl, type ExportSample } from "./sample.js";
import { renderStarter } from "./starter.js";

export interface StarterOptions {
  /** The file's name, for the starter's header comment and for choosing the format. */
  source: string;
  /** Rows to sample (default 1000). */
  sampleRows?: number;
  /** False when `text` is only the beginning of the file. */
  complete?: boolean;
  /** Force the format; by default `.jsonl`/`.ndjson`/`.json` names are JSON Lines, others CSV. */
  format?: "csv" | "jsonl";
}

export interface Starter {
  text: string;
  sample: ExportSample;
  columns: InferredColumn[];
  paths: string[];
  decimalComma: boolean;
}

export const DEFAULT_SAMPLE_ROWS = 1000;

/** Samples an export and writes its starter definition. Throws only for a file with no header. */
export function inferStarter(text: string, options: StarterOptions): Starter {
  const rows = options.sampleRows ?? DEFAULT_SAMPLE_ROWS;
  const complete = options.complete ?? true;
  const format = options.format ?? (/\.(jsonl|ndjson|json)$/i.test(options.source) ? "jsonl" : "csv");
  const sample = format === "jsonl" ? sampleJsonl(text, rows, complete) : sampleCsv(text, rows, complete);
  const decimalComma = sample.format === "csv" && detectDecimalComma(sample.columns);
  const columns = inferColumns(sample.columns, decimalComma);
  const paths = fieldPaths(columns.map((c) => c.header), sample.format === "jsonl");
  const runNote = decimalComma ? DECIMAL_COMMA_NOTE : undefined;
  const starter = renderStarter({ source: options.source, columns, paths, rows: sample.rows, truncated: sample.truncated, runNote });
  return { text: starter, sample, columns, paths, decimalComma };
}

/** What the starter says about a decimal-comma file. */
export const DECIMAL_COMMA_NOTE = "This file writes decimal commas (1.234,56): run it with `leaddef run --decimal-comma`.";
