/** Offsets are UTF-16 code-unit indexes into the file text, as chevrotain and the LSP use them. */
export interface Span {
  start: number;
  end: number;
}

/** 0-based line and character, the LSP's convention; renderers add 1 for people. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/**
 * Line breaks are the LSP's: `\r\n`, `\n` and a lone `\r` each end a line. Every offset-to-line
 * computation in the toolchain (diagnostic ranges, the CLI's source excerpts, editor positions)
 * goes through this module so a file with old-Mac or mixed line ends lands on the same line in
 * the terminal and in the editor.
 */
const LF = 10;
const CR = 13;

/** The length of the line break starting at `offset` (2 for CRLF, 1 for CR or LF), else 0. */
export function lineBreakLength(text: string, offset: number): number {
  const c = text.charCodeAt(offset);
  if (c === LF) return 1;
  if (c === CR) return text.charCodeAt(offset + 1) === LF ? 2 : 1;
  return 0;
}

/**
 * How many line breaks `text` holds in [from, to) (a CRLF counts once). Text without a CR there
 * is counted by jumping from LF to LF: the language server counts from a file's start on every
 * keystroke.
 */
export function countLineBreaks(text: string, from = 0, to = text.length): number {
  let n = 0;
  const cr = text.indexOf("\r", from);
  if (cr === -1 || cr >= to) {
    for (let i = text.indexOf("\n", from); i !== -1 && i < to; i = text.indexOf("\n", i + 1)) n++;
    return n;
  }
  for (let i = from; i < to; i++) {
    const len = lineBreakLength(text, i);
    if (len) {
      n++;
      i += len - 1;
    }
  }
  return n;
}

/** The offset at which the line holding `offset` begins. */
export function lineStartOf(text: string, offset: number): number {
  let i = Math.min(offset, text.length);
  // A CR directly before an LF at `offset` is the same break, not a line of its own.
  while (i > 0) {
    const c = text.charCodeAt(i - 1);
    if (c === LF || c === CR) break;
    i--;
  }
  return i;
}

/** The offset at which the line holding `offset` ends (before its line break). */
export function lineEndOf(text: string, offset: number): number {
  let i = Math.max(0, offset);
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === LF || c === CR) break;
    i++;
  }
  return i;
}

/** The last segment of a path, with either separator: how a file is named to people in messages. */
export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** Maps offsets to line/character and back, built once per file. */
export class LineIndex {
  /** Where each line's text begins. */
  private readonly lineStarts: Int32Array;
  /** Where each line's text ends, before its line break. */
  private readonly lineEnds: Int32Array;

  constructor(readonly text: string) {
    if (text.indexOf("\r") === -1) {
      // Only LF ends lines: count them, then fill arrays of that size, jumping from one LF to the
      // next (the language server builds this index on every keystroke: a call per character and
      // arrays grown by push were ~0.3 ms and ~0.25 MB of garbage per key at 5,000 lines).
      const lines = countLineBreaks(text) + 1;
      const starts = new Int32Array(lines);
      const ends = new Int32Array(lines);
      let line = 0;
      for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) {
        ends[line] = i;
        starts[++line] = i + 1;
      }
      ends[line] = text.length;
      this.lineStarts = starts;
      this.lineEnds = ends;
      return;
    }
    const starts = [0];
    const ends: number[] = [];
    for (let i = 0; i < text.length; i++) {
      const len = lineBreakLength(text, i);
      if (len) {
        ends.push(i);
        i += len - 1;
        starts.push(i + 1);
      }
    }
    ends.push(text.length);
    this.lineStarts = Int32Array.from(starts);
    this.lineEnds = Int32Array.from(ends);
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** The LSP position of `offset`; an offset inside a CRLF belongs to the end of its line. */
  position(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= clamped) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: Math.min(clamped, this.lineEnds[lo]) - this.lineStarts[lo] };
  }

  offset(position: Position): number {
    const line = Math.max(0, Math.min(position.line, this.lineStarts.length - 1));
    return Math.min(this.lineStarts[line] + Math.max(0, position.character), this.lineEnds[line]);
  }

  range(span: Span): Range {
    return { start: this.position(span.start), end: this.position(span.end) };
  }

  lineText(line: number): string {
    if (line < 0 || line >= this.lineStarts.length) return "";
    return this.text.slice(this.lineStarts[line], this.lineEnds[line]);
  }
}
