import { isUtf8 } from "node:buffer";

/**
 * Input text is UTF-8. Bytes that are not (a Latin-1 export, a truncated character) must not be
 * read as U+FFFD and scored silently: the record holding them is rejected. Decoding marks each
 * invalid byte with a lone surrogate, which no valid UTF-8 decodes to, and tells whether it
 * marked anything, so readers look for marks only in the rare text that has them.
 */

/** What an invalid byte decodes to: a lone (low) surrogate. */
const MARK = "\uDFFF";
/** A lone surrogate (with the `u` flag, a surrogate pair is one code point and does not match). */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** The reason a record with invalid bytes is rejected, in every engine. */
export const INVALID_UTF8 = "not valid UTF-8 (the bytes shown as \uFFFD)";

/** Whether `text` (from decodeUtf8) holds a mark. */
export function hasInvalidUtf8(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/** `text` with its marks shown as U+FFFD, for a reject's value. */
export function shownUtf8(text: string): string {
  return text.replace(/[\uD800-\uDFFF]/gu, "\uFFFD");
}

/** Decodes whole UTF-8 `bytes` (nothing cut at the end); `marked` when some were invalid. */
export function decodeUtf8(bytes: Uint8Array): { text: string; marked: boolean } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isUtf8(buf)) return { text: buf.toString("utf8"), marked: false };
  let text = "";
  let run = 0;
  let p = 0;
  while (p < buf.length) {
    const n = sequenceLength(buf, p);
    if (n > 0) {
      p += n;
      continue;
    }
    text += buf.toString("utf8", run, p) + MARK;
    p++;
    run = p;
  }
  return { text: text + buf.toString("utf8", run, p), marked: true };
}

/**
 * Decodes a stream chunk by chunk: a character cut at a chunk's end waits for the next chunk.
 * `marked` tells whether the text last returned holds marks.
 */
export class Utf8Decoder {
  private tail: Buffer = Buffer.alloc(0);
  marked = false;

  /** The text of `chunk` (and of what was held back), less an incomplete character at its end. */
  decode(chunk: Buffer): string {
    const buf = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
    const end = completeEnd(buf);
    this.tail = Buffer.from(buf.subarray(end));
    const { text, marked } = decodeUtf8(buf.subarray(0, end));
    this.marked = marked;
    return text;
  }

  /** What is left at the end of the input (an incomplete character is invalid). */
  end(): string {
    const { text, marked } = decodeUtf8(this.tail);
    this.tail = Buffer.alloc(0);
    this.marked = marked;
    return text;
  }
}

/** Where the last character of `buf` starts when it is incomplete, else `buf.length`. */
function completeEnd(buf: Buffer): number {
  for (let i = buf.length - 1; i >= Math.max(0, buf.length - 4); i--) {
    const b = buf[i];
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return i + need > buf.length ? i : buf.length;
  }
  return buf.length;
}

/** The length of the well-formed UTF-8 sequence at `p` (Unicode table 3-7), or 0. */
function sequenceLength(buf: Buffer, p: number): number {
  const b0 = buf[p];
  if (b0 < 0x80) return 1;
  const cont = (i: number, lo = 0x80, hi = 0xbf) => p + i < buf.length && buf[p + i] >= lo && buf[p + i] <= hi;
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const ok1 = b0 === 0xe0 ? cont(1, 0xa0) : b0 === 0xed ? cont(1, 0x80, 0x9f) : cont(1);
    return ok1 && cont(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const ok1 = b0 === 0xf0 ? cont(1, 0x90) : b0 === 0xf4 ? cont(1, 0x80, 0x8f) : cont(1);
    return ok1 && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/** Whether a stream of chunks is all valid UTF-8, without decoding it (a character may span chunks). */
export class Utf8Validator {
  private tail: Buffer = Buffer.alloc(0);
  valid = true;

  push(chunk: Buffer): void {
    if (!this.valid) return;
    const buf = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
    const end = completeEnd(buf);
    this.tail = Buffer.from(buf.subarray(end));
    if (!isUtf8(buf.subarray(0, end))) this.valid = false;
  }

  /** The input has ended: whether all of it was valid. */
  end(): boolean {
    if (this.tail.length) this.valid = false;
    return this.valid;
  }
}
