import { open } from "node:fs/promises";
import { Utf8Validator } from "../sources/utf8.js";

/**
 * One pass over a JSON Lines file's bytes: what DuckDB's readers would see differently from the
 * JS engine (which splits lines on LF and reads each with `JSON.parse`).
 *
 * DuckDB's JSON parser (yyjson, as DuckDB configures it) accepts two extensions JSON.parse
 * rejects: `NaN`/`Infinity`/`inf` literals (any case, optionally `-`) and a trailing comma before
 * `}` or `]`. The JS engine rejects such a line as not JSON while DuckDB would score it, so such a
 * file goes to the JS engine. The scan lexes strings exactly (a quote; a backslash escapes the
 * next byte) and, outside them, flags a byte strict JSON never has there but each extension
 * does: `i`, `I`, `N`, `A`, an `a` right after `n` (strict JSON's only letters outside strings
 * are those of `true`, `false`, `null` and exponents), or a `}`/`]` whose previous significant
 * byte is a comma. On a line DuckDB parses this is exact; on a line it cannot parse (which both
 * engines reject) a flag only costs speed. Only lines starting with `{` are flagged: DuckDB
 * rejects any other line whatever its content.
 */
export interface JsonlScan {
  /** Why DuckDB would read the file differently from the JS engine, which must then score it. */
  why?: string;
  /** The longest line's length in bytes (its LF not counted). */
  longestLine: number;
  /**
   * Whether DuckDB's `read_json` reads the file line for line as the JS engine does: every
   * line's first byte past spaces and tabs is `{` (no blank line, which `read_json` would skip).
   */
  objectsOnly: boolean;
}

// Bytes outside strings that the lexer looks at: the rest are structure, digits and the letters of true/false/null.
const NOTED = new Uint8Array(256);
for (const c of '}]iINAa') NOTED[c.charCodeAt(0)] = 1;

const CR_OR_SOH = "carriage returns or U+0001 characters, which DuckDB's line reader splits differently";

/**
 * Scans a JSON Lines file (see `JsonlScan`), reading it once in 4 MiB chunks into one buffer (a
 * read stream allocates a buffer per chunk, which piled up as garbage while DuckDB read the file:
 * ~50 MB of the run's peak).
 */
export async function scanJsonl(path: string): Promise<JsonlScan> {
  const file = await open(path, "r");
  const buffer = Buffer.allocUnsafe(1 << 22);
  const utf8 = new Utf8Validator();
  let objectsOnly = true;
  let longestLine = 0;
  let line = 0; // lines ended so far
  let carry: Buffer = Buffer.alloc(0); // the current line's bytes from earlier chunks
  const stop = (why: string): JsonlScan => ({ why, longestLine, objectsOnly: false });
  /** Reads the line buf[from, to) (no LF); a reason to stop, if any. */
  const endLine = (buf: Buffer, from: number, to: number): string | undefined => {
    line++;
    longestLine = Math.max(longestLine, to - from);
    let i = from;
    while (i < to && (buf[i] === 32 || buf[i] === 9)) i++;
    if (i === to) objectsOnly = false; // a blank line, which DuckDB's read_json skips
    else if (buf[i] !== 123) {
      objectsOnly = false;
      // The JS engine strips a byte order mark from the file's start only.
      if (line > 1 && i === from && buf[i] === 0xef && buf[i + 1] === 0xbb && buf[i + 2] === 0xbf) return "a byte order mark at the start of a line";
    } else if (lenientObject(buf, i, to)) return lenientWhy(line);
    return undefined;
  };
  try {
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      utf8.push(chunk);
      if (!utf8.valid) return stop("bytes that are not UTF-8");
      if (chunk.indexOf(13) >= 0 || chunk.indexOf(1) >= 0) return stop(CR_OR_SOH);
      let from = 0;
      let nl = chunk.indexOf(10);
      if (nl >= 0 && carry.length) {
        // The line begun in earlier chunks: read it whole.
        const whole = Buffer.concat([carry, chunk.subarray(0, nl)]);
        const why = endLine(whole, 0, whole.length);
        if (why) return stop(why);
        carry = Buffer.alloc(0);
        from = nl + 1;
        nl = chunk.indexOf(10, from);
      }
      for (; nl >= 0; from = nl + 1, nl = chunk.indexOf(10, from)) {
        const why = endLine(chunk, from, nl);
        if (why) return stop(why);
      }
      if (from < chunk.length) carry = Buffer.concat([carry, chunk.subarray(from)]);
    }
  } finally {
    await file.close();
  }
  if (!utf8.end()) return { why: "bytes that are not UTF-8", longestLine, objectsOnly: false };
  if (carry.length) {
    const why = endLine(carry, 0, carry.length);
    if (why) return { why, longestLine, objectsOnly: false };
  }
  return { longestLine, objectsOnly };
}

/**
 * Whether the line buf[i, to), which starts with `{`, uses an extension outside its strings (see
 * `JsonlScan`): a letter i, I, N or A, an `a` after `n`, or a comma before `}` or `]`.
 */
function lenientObject(buf: Buffer, i: number, to: number): boolean {
  let significant = 0; // the previous byte outside strings, past spaces and tabs
  let previous = 0; // the previous byte
  while (i < to) {
    const b = buf[i++];
    if (b === 34) {
      // A string: to its closing quote, a backslash escaping the byte after it.
      while (i < to) {
        const c = buf[i++];
        if (c === 34) break;
        if (c === 92) i++;
      }
      significant = previous = 34;
      continue;
    }
    if (NOTED[b] === 1) {
      if (b === 125 || b === 93) {
        if (significant === 44) return true;
      } else if (b !== 97 || previous === 110) return true;
    }
    previous = b;
    if (b !== 32 && b !== 9) significant = b;
  }
  return false;
}

function lenientWhy(line: number): string {
  return `a NaN or Infinity literal or a trailing comma on line ${line}, which DuckDB's JSON parser accepts and JSON.parse does not`;
}
