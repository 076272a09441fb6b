import { closeSync, openSync, readSync, writeSync } from "node:fs";
import { csvLineSql } from "./sql-output.js";

/**
 * The one-pass results of a DuckDB run to a CSV file: the scoring query writes, in input order,
 * one record per row into a scratch file, and Node reads it once, writing the output file and
 * collecting the stage counts and rejected rows. (The other way, a results table read twice —
 * rejects and counts, then the formatted output — costs a second pass over a million rows and
 * holds more memory.) The record format has its one home here: the SQL that writes it and the
 * reader.
 *
 * A record is `<tag>:<payload>\n`. A scored row's tag is its stage's number (1-based, in
 * `stages`), followed by `n` when the row has no id (its output line then starts at the comma
 * after the id, and Node writes the row's record number before it); its payload is its output
 * line, whose line ends can only be inside quoted cells: a record ends at the first line end
 * after an even number of quotes. A rejected row's tag is `r` and its payload a JSON object
 * `{"id": …, "p": [problems]}` (JSON text holds no raw line end). A blank line of JSON Lines
 * input is `b:` (a position, not a row). (Framing records by their length cost DuckDB ~20% more:
 * each output line then had to be measured, and so built, twice.)
 */

/**
 * The SQL of a row's record (one VARCHAR), from its output line's cells (formatted as CSV, never
 * NULL; the id's empty when it has none), stage number, problems (NULL: scored), id and whether
 * it is a blank line.
 */
export function directRecordSql(o: { cells: readonly string[]; stageNumber: string; problems: string; id: string; blank: string }): string {
  const scored = csvLineSql(o.cells, [`CAST(${o.stageNumber} AS VARCHAR)`, `CASE WHEN ${o.id} IS NULL THEN 'n:' ELSE ':' END`]);
  const rejected = `'r:' || to_json({'id': ${o.id}, 'p': ${o.problems}})`;
  return `CASE WHEN ${o.blank} THEN 'b:' WHEN ${o.problems} IS NULL THEN ${scored} ELSE ${rejected} END`;
}

/** What the scratch file held. */
export interface DirectResults {
  /** Rows DuckDB scored or rejected (blank lines are not rows). */
  rows: number;
  /** Scored rows per stage number (index 0 unused). */
  stageCounts: number[];
  /** Each rejected row's position (0-based, in input order, blank lines included), the blank lines before it, and its JSON (`{"id", "p"}`). */
  rejected: { pos: number; blanks: number; json: string }[];
  /** Rows written to the output. */
  written: number;
}

const NL = 0x0a;
const COLON = 0x3a;
const R = 0x72;
const B = 0x62;
const N = 0x6e;
const QUOTE = 0x22;
const CHUNK = 1 << 20;
/** The output buffer: twice the input's, so that a buffer's records fit unless many need their record number. */
const OUT_CHUNK = 2 * CHUNK;
/** The first piece of each buffer read (see readDirectResults). */
const WARM_UP = 4096;

/** The decimal number in `buf[from, to)`. */
function digitsAt(buf: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + (buf[i] - 48);
  return n;
}

/**
 * Reads the scratch file written with `directRecordSql` and writes the output CSV: `header`, then
 * each scored row's line, preceded by `idOf(pos, blanks)` for a row without an id (its record
 * number, from its position and the blank lines before it).
 */
export function readDirectResults(scratch: string, output: string, header: string, stages: number, idOf: (pos: number, blanks: number) => string): DirectResults {
  const stageCounts = new Array<number>(stages + 1).fill(0);
  const rejected: { pos: number; blanks: number; json: string }[] = [];
  const inFd = openSync(scratch, "r");
  const outFd = openSync(output, "w");
  let out = Buffer.allocUnsafe(OUT_CHUNK);
  let outLen = 0;
  const flush = () => {
    if (outLen) writeSync(outFd, out, 0, outLen);
    outLen = 0;
  };
  const emit = (bytes: Buffer, start: number, end: number) => {
    const n = end - start;
    if (outLen + n > out.length) {
      flush();
      if (n > out.length) out = Buffer.allocUnsafe(n * 2);
    }
    bytes.copy(out, outLen, start, end);
    outLen += n;
  };
  const text = (s: string) => {
    const b = Buffer.from(s);
    emit(b, 0, b.length);
  };
  let pos = 0;
  let blanks = 0;
  let written = 0;

  /**
   * Reads the whole records of buf[at, have), writing each scored row's line to the output;
   * returns where the first record not wholly in the buffer starts (`have` when none is). A
   * function of its own, so that the optimised code of this hot loop holds no refill path: a
   * path first taken after the loop is optimised throws that code away (one 1M-row run went
   * through four such rounds and took half again its steady time).
   */
  const readRecords = (buf: Buffer, at: number, have: number): number => {
    for (;;) {
      // The tag, to the colon. Walked byte by byte here and below: a record is a few dozen
      // bytes, cheaper to walk than to search with a native call per record.
      let c1 = at;
      while (c1 < have && buf[c1] !== COLON) c1++;
      if (c1 >= have) return at;
      const tag = buf[at];
      let end = c1 + 1;
      if (tag === R || tag === B) {
        while (end < have && buf[end] !== NL) end++;
        if (end >= have) return at;
        if (tag === B) {
          if (end !== at + 2) throw new Error(`internal: a malformed results record at row ${pos + 1}`);
          blanks++;
        } else rejected.push({ pos, blanks, json: buf.toString("utf8", c1 + 1, end) });
      } else {
        // A scored row: its payload is copied while its end (a line end outside quotes) is
        // sought; the copy counts only once the end is found in the buffer.
        const noId = buf[c1 - 1] === N;
        const id = noId ? idOf(pos, blanks) : "";
        const limit = out.length;
        let o = outLen;
        // The record number before the line when it surely fits (UTF-8 takes at most 3 bytes per
        // UTF-16 unit: no second encoding to measure it); else the long-line path below.
        if (noId) o = limit - o >= 3 * id.length ? o + out.write(id, o) : limit;
        let quoted = false;
        let ended = false;
        for (; end < have && o < limit; end++) {
          const c = buf[end];
          out[o++] = c;
          if (c === QUOTE) quoted = !quoted;
          else if (c === NL && !quoted) {
            ended = true;
            break;
          }
        }
        if (!ended) {
          // A line longer than the output buffer's room (rare): find its end, then write it whole.
          for (; end < have; end++) {
            const c = buf[end];
            if (c === QUOTE) quoted = !quoted;
            else if (c === NL && !quoted) break;
          }
          if (end >= have) return at;
          if (noId) text(id);
          emit(buf, c1 + 1, end + 1);
          o = outLen;
        }
        const stage = digitsAt(buf, at, noId ? c1 - 1 : c1);
        if (!(stage >= 1 && stage <= stages)) throw new Error(`internal: a malformed results record at row ${pos + 1}`);
        stageCounts[stage]++;
        outLen = o;
        written++;
      }
      at = end + 1;
      pos++;
    }
  };

  try {
    text(`${header}\n`);
    let buf = Buffer.allocUnsafe(CHUNK);
    let have = 0; // bytes in buf
    let eof = false;
    for (;;) {
      // The output is flushed once per buffer read, outside the hot loop. Each buffer's first 4 KiB
      // are read as a piece of their own first, so that the loop's return at a cut-off record has
      // run before V8 optimises the loop (see readRecords).
      flush();
      const at = readRecords(buf, readRecords(buf, 0, Math.min(have, WARM_UP)), have);
      const rest = have - at;
      if (eof) {
        if (rest > 0) throw new Error(`internal: a truncated results record at row ${pos + 1}`);
        break;
      }
      // Keep the partial record (growing the buffer when it fills half of it), read more.
      if (rest > buf.length / 2) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, at, have);
        buf = bigger;
      } else buf.copy(buf, 0, at, have);
      have = rest;
      const n = readSync(inFd, buf, have, buf.length - have, null);
      if (n <= 0) eof = true;
      have += n;
    }
    flush();
  } finally {
    closeSync(inFd);
    closeSync(outFd);
  }
  return { rows: pos - blanks, stageCounts, rejected, written };
}
