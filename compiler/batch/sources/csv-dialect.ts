import { closeSync, openSync, readSync } from "node:fs";
import { cellCount, findTrailer, type Trailer } from "./trailer.js";

/** The cell separators exports use: comma, semicolon (European Excel), tab, pipe. */
export const DELIMITERS = [",", ";", "\t", "|"] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/**
 * The delimiter of a CSV file, from its header line: the candidate that occurs most often
 * outside quotes (a comma when none occurs, or on a tie with it). A header names columns, so
 * it holds no decimal commas and its separators are the file's.
 */
export function detectDelimiter(headerLine: string): Delimiter {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of headerLine.replace(/^\uFEFF/, "")) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
    else if (!quoted && (ch === "\n" || ch === "\r")) break;
  }
  let best: Delimiter = ",";
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

/** The first line of a file (up to 64 KiB), for detectDelimiter; "" for standard input. */
export function headOf(path: string): string {
  if (path === "-") return "";
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(1 << 16);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.toString("utf8", 0, n);
  } finally {
    closeSync(fd);
  }
}

/** What `--delimiter` accepts: the character, or its name. */
export function parseDelimiter(text: string): Delimiter | undefined {
  const named: Record<string, Delimiter> = { comma: ",", semicolon: ";", tab: "\t", "\\t": "\t", pipe: "|" };
  const d = named[text.toLowerCase()] ?? text;
  return (DELIMITERS as readonly string[]).includes(d) ? (d as Delimiter) : undefined;
}

/**
 * What a CSV file's first and last bytes say about reading it: its delimiter (the one given, else
 * detected from the header line) and its report trailer, if any (a header of two or more columns
 * is needed to tell one). Both engines ask this once per run.
 */
export function csvDialect(path: string, delimiter?: string): { delimiter: string; trailer: Trailer | undefined } {
  const head = headOf(path);
  const d = delimiter ?? detectDelimiter(head);
  const headerLine = head.split(/\r\n|\n|\r/)[0] ?? "";
  return { delimiter: d, trailer: findTrailer(path, d, cellCount(headerLine, d)) };
}
