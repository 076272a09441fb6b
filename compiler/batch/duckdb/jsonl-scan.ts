import { open } from "node:fs/promises";
import { Utf8Validator } from "../sources/utf8.js";
import { JsonlLexerWasm } from "./jsonl-lexer-wasm.js";

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
  /**
   * Whether some line may have a key holding a dot or a backslash: only such a line can spell a
   * field's path as one flat key (`"company.name"`, or escaped), which `read_json` must then be
   * asked for besides the nested path. False when no key holds either.
   */
  dottedKeys: boolean;
  /**
   * Whether some line may have an array item that is not a string: only without one does
   * `read_json` read an array of strings into VARCHAR[] as JSON.parse reads it (it would turn a
   * number item into its text). False when every array holds strings only.
   */
  nonStringItems: boolean;
}

// Bytes outside strings that the lexer looks at: the rest are structure, digits and the letters of true/false/null.
const NOTED = new Uint8Array(256);
for (const c of '}]iINAa') NOTED[c.charCodeAt(0)] = 1;

const CR_OR_SOH = "carriage returns or U+0001 characters, which DuckDB's line reader splits differently";

/**
 * The fast path (jsonl-lexer.wat): passes over the lines the exact lexer would find nothing on,
 * 64 bytes at a time; `clean` counts them and `longest` is the longest one's length.
 */
interface Lexer {
  memory: WebAssembly.Memory;
  /** memory[start, end) holds whole lines: returns `end`, or the first line the fast path cannot pass over. */
  scan(start: number, end: number): number;
  clean: WebAssembly.Global;
  longest: WebAssembly.Global;
  dottedKey: WebAssembly.Global;
  nonStringItem: WebAssembly.Global;
}

let lexerModule: WebAssembly.Module | undefined;

function newLexer(): Lexer {
  lexerModule ??= new WebAssembly.Module(Buffer.from(JsonlLexerWasm, "base64"));
  return new WebAssembly.Instance(lexerModule).exports as unknown as Lexer;
}

/**
 * The file is read into the lexer's memory at BASE (so the fast path may read the byte before a
 * line's first), the line begun in the previous read moved there first; SLACK readable bytes
 * follow the buffer, for the fast path's last 64-byte block (and the LF given to a last line without one).
 */
const BASE = 64;
const SLACK = 128;
const READ_SIZE = 1 << 22;

export interface ScanOptions {
  /** Every line through the exact lexer (the fast path's oracle in tests). */
  exactOnly?: boolean;
  /** Bytes per read (tests use small reads to cut lines across them). */
  readSize?: number;
  /** Read only the whole lines within the file's first `head` bytes (at most one read). */
  head?: number;
}

/**
 * Scans a JSON Lines file (see `JsonlScan`), reading it once in 4 MiB chunks into the fast
 * path's memory (a read stream allocates a buffer per chunk, which piled up as garbage while
 * DuckDB read the file: ~50 MB of the run's peak). Lines the fast path cannot pass over go
 * through the exact lexer (`endLine`).
 */
export async function scanJsonl(path: string, options: ScanOptions = {}): Promise<JsonlScan> {
  const file = await open(path, "r");
  const lexer = newLexer();
  const pass = options.exactOnly ? (start: number) => start : (start: number, end: number) => lexer.scan(start, end);
  /** Room for the line begun and the next read. */
  const readSize = options.head ?? options.readSize ?? READ_SIZE;
  let capacity = readSize;
  let memory = Buffer.alloc(0);
  const reserve = () => {
    const pages = Math.ceil((BASE + capacity + SLACK) / 65536) - lexer.memory.buffer.byteLength / 65536;
    if (pages > 0) lexer.memory.grow(pages);
    memory = Buffer.from(lexer.memory.buffer);
  };
  reserve();
  const utf8 = new Utf8Validator();
  let objectsOnly = true;
  let dottedKeys = false;
  let nonStringItems = false;
  let longestLine = 0;
  let line = 0; // lines ended so far
  let held = 0; // the current line's bytes from earlier reads, at BASE
  const longest = () => Math.max(longestLine, lexer.longest.value as number);
  const stop = (why: string): JsonlScan => ({ why, longestLine: longest(), objectsOnly: false, dottedKeys: true, nonStringItems: true });
  const result = (): JsonlScan => ({
    longestLine: longest(),
    objectsOnly,
    dottedKeys: dottedKeys || lexer.dottedKey.value === 1,
    nonStringItems: nonStringItems || lexer.nonStringItem.value === 1,
  });
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
    else {
      // An object line the fast path did not pass over: any dot or backslash may be in a key,
      // any array may hold an item that is not a string.
      const text = buf.subarray(i, to);
      dottedKeys ||= text.includes(46) || text.includes(92);
      nonStringItems ||= text.includes(91);
    }
    return undefined;
  };
  /** The lines of memory[BASE, end) (end follows an LF): the fast path's, and the rest one by one. */
  const lines = (end: number): string | undefined => {
    for (let p = BASE; p < end; ) {
      p = pass(p, end);
      line += lexer.clean.value as number;
      lexer.clean.value = 0;
      if (p === end) break;
      const nl = memory.indexOf(10, p);
      const why = endLine(memory, p, nl);
      if (why) return why;
      p = nl + 1;
    }
    return undefined;
  };
  try {
    for (;;) {
      if (held === capacity) {
        // One line fills the buffer: make room for more.
        capacity *= 2;
        reserve();
      }
      const { bytesRead } = await file.read(memory, BASE + held, Math.min(readSize, capacity - held), null);
      if (bytesRead === 0) break;
      const chunk = memory.subarray(BASE + held, BASE + held + bytesRead);
      utf8.push(chunk);
      if (!utf8.valid) return stop("bytes that are not UTF-8");
      if (chunk.indexOf(13) >= 0 || chunk.indexOf(1) >= 0) return stop(CR_OR_SOH);
      const filled = BASE + held + bytesRead;
      const lastLf = chunk.lastIndexOf(10);
      if (lastLf >= 0) {
        const end = BASE + held + lastLf + 1;
        const why = lines(end);
        if (why) return stop(why);
        memory.copyWithin(BASE, end, filled);
        held = filled - end;
      } else held += bytesRead;
      // The head's guess: unknown when it holds no whole line.
      if (options.head !== undefined) {
        const head = result();
        return lastLf < 0 ? { ...head, dottedKeys: true, nonStringItems: true } : head;
      }
    }
  } finally {
    await file.close();
  }
  if (!utf8.end()) return stop("bytes that are not UTF-8");
  if (held) {
    // The last line, which has no LF: given one, it is read as the others are.
    memory[BASE + held] = 10;
    const why = lines(BASE + held + 1);
    if (why) return stop(why);
  }
  return result();
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
