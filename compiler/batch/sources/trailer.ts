import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/**
 * The trailer a report export writes after its data (Salesforce: a blank line, then lines such
 * as `"Copyright (c) 2000-2025 salesforce.com, inc. All rights reserved."`, `"Confidential
 * Information - Do Not Distribute"`, a lone record count): where the data ends, and how many
 * trailer lines follow (skipped and counted apart: rows read = written + rejected + skipped).
 */
export interface Trailer {
  /** Byte offset where the data ends (the blank line before the trailer). */
  dataEnd: number;
  /** Non-blank trailer lines. */
  lines: number;
}

/** How many cells a CSV line holds: one more than its delimiters outside quotes. */
export function cellCount(line: string, delimiter: string): number {
  let cells = 1;
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === delimiter) cells++;
  }
  return cells;
}

/** Whether a line is one cell: no delimiter outside quotes. */
function singleCell(line: string, delimiter: string): boolean {
  return cellCount(line, delimiter) === 1;
}

/**
 * Finds a trailer at the end of `text` (the file's last bytes; `offset` is where they start in
 * the file): after the last data row, a blank line, then only single-cell lines (at most 20).
 * A file whose header has one column has no recognisable trailer.
 */
export function trailerIn(text: string, offset: number, delimiter: string): Trailer | undefined {
  const lines = text.split("\n").map((l) => l.replace(/\r$/, ""));
  const blank = (s: string) => s.trim() === "";
  // Walk back over blank and single-cell lines to the last data row.
  let k = lines.length - 1;
  let count = 0;
  while (k >= 0 && (blank(lines[k]) || singleCell(lines[k], delimiter))) {
    if (!blank(lines[k]) && ++count > 20) return undefined;
    k--;
  }
  // The trailer must start with a blank line after a data row, and hold something.
  if (k < 0 || count === 0 || k + 1 >= lines.length || !blank(lines[k + 1])) return undefined;
  // where line k + 1 starts in the text as read (CRs included)
  const raw = text.split("\n").slice(0, k + 1).join("\n").length + 1;
  return { dataEnd: offset + Buffer.byteLength(text.slice(0, raw), "utf8"), lines: count };
}

/** The trailer of a CSV file, reading only its last 64 KiB. */
export function findTrailer(path: string, delimiter: string, headerWidth: number): Trailer | undefined {
  if (path === "-" || headerWidth < 2) return undefined;
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - (1 << 16));
    const buf = Buffer.alloc(size - start);
    readSync(fd, buf, 0, buf.length, start);
    let text = buf.toString("utf8");
    let offset = start;
    if (start > 0) {
      // begin at a line start, so byte offsets stay exact
      const nl = buf.indexOf(10);
      if (nl < 0) return undefined;
      text = buf.subarray(nl + 1).toString("utf8");
      offset = start + nl + 1;
    }
    return trailerIn(text, offset, delimiter);
  } finally {
    closeSync(fd);
  }
}
