import type { IrField } from "../../ir.js";

/**
 * Reads the values a definition needs straight from the bytes of one JSON line, without building
 * the line's object: a scoring worker spent over half its time in JSON.parse making strings,
 * numbers and objects for every key of every line, most of which nothing reads.
 *
 * It is a fast path with an exact fallback. `scan` either finds the line to be a JSON object and
 * gives, per field, the very value the field's read of `JSON.parse(line)` gives (and the id's),
 * or it returns false and the caller parses the line as before. It returns false for anything it
 * does not read itself, so that only what is certainly valid JSON, read the same, passes:
 * - a line not opening with `{` (blank, leading space, a byte-order mark) or not valid JSON;
 * - a key with an escape, a key met twice in one object (JSON.parse keeps the last);
 * - a key the binder has not seen holding anything but an object (the binder notes it as not a
 *   field; its objects are walked as the binder walks them), a top-level key spelling a field's
 *   dotted path (`"company.size": 5`), and a key on a field's path holding anything but an object;
 * - nesting deeper than MAX_DEPTH.
 * So the binder, given the parsed object, would note no key in a line the scanner reads. Keys it
 * knows are skipped, their values checked but not built. A field's value that is not a string,
 * number, literal or list of strings is built by JSON.parse from its own text, as are strings
 * with escapes. (Nothing here builds an object, so a key `__proto__` is a key like any other.)
 */
export class JsonLineScanner {
  /** Per field, its raw JSON value in the last line scanned (undefined: absent). */
  readonly raw: unknown[];
  /** The id's raw JSON value in the last line scanned (undefined: absent). */
  id: unknown;
  private readonly top: KeyLevel;
  /** Top-level keys that spell a field's dotted path: read flat by the binder (see JsonBinder.get). */
  private readonly flatPaths: Set<string>;
  /** Counts lines, so that a key's `seenIn` tells whether it was met before in the same line. */
  private lineCount = 0;
  /** The kind of each open container while skipping a value: 1 object, 0 array. */
  private readonly open = new Uint8Array(MAX_DEPTH);
  /** The value read last (set by `value` and the readers it calls). */
  private last: unknown;

  private constructor(fields: readonly IrField[], idColumn: string, flatPaths: Set<string>, private readonly noted: (path: string) => boolean) {
    this.raw = new Array<unknown>(fields.length).fill(undefined);
    this.top = newLevel("");
    this.flatPaths = flatPaths;
    fields.forEach((f, i) => {
      const keys = f.column === f.path ? f.segments : [f.column];
      let level = this.top;
      keys.forEach((k, depth) => {
        const node = keyIn(level, k);
        if (depth < keys.length - 1) {
          level = node.children ??= newLevel(node.path);
          node.holdsFields = true;
        } else node.field = i;
      });
    });
    keyIn(this.top, idColumn).id = true;
  }

  /**
   * A scanner for rows bound to `fields`, or undefined when it cannot read them as the binder
   * does: a field or the id read by a name every object inherits (own properties only, see
   * `readsPlainly` in binder.ts), a key spelled with a quote, backslash or control character, a
   * key both a field's (or the id's) and an object holding fields, or a top-level key both a
   * field's (or the id's) and another field's flat spelling. `noted(path)`: the binder knows the
   * key at `path` (a field's, the id's, or one it noted).
   */
  static of(fields: readonly IrField[], idColumn: string, noted: (path: string) => boolean): JsonLineScanner | undefined {
    const inherited = (name: string) => name in Object.prototype || name in Array.prototype;
    const unreadable = (name: string) => inherited(name) || /["\\\u0000-\u001f]/.test(name);
    const keys = fields.flatMap((f) => (f.column === f.path ? f.segments : [f.column]));
    if ([...keys, idColumn].some(unreadable)) return undefined;
    const flatPaths = new Set(fields.filter((f) => f.column === f.path && f.segments.length > 1).map((f) => f.path));
    if (flatPaths.has(idColumn) || fields.some((f) => f.column !== f.path && flatPaths.has(f.column))) return undefined;
    const scanner = new JsonLineScanner(fields, idColumn, flatPaths, noted);
    return scanner.wellFormed(scanner.top) ? scanner : undefined;
  }

  private wellFormed(level: KeyLevel): boolean {
    for (const node of level.byName.values()) {
      if (node.children && (node.field >= 0 || node.id || !this.wellFormed(node.children))) return false;
    }
    return true;
  }

  /**
   * Reads the line `b[start, end)`; false: read it with JSON.parse instead (see the class).
   * `b[end]` is a line feed or past the buffer's end (the line's end as JsonLinesReader cuts it):
   * no JSON token can run over either, so the readers below need no bound of their own.
   */
  scan(b: LineBytes, start: number, end: number): boolean {
    if (end < b.length && b[end] !== LINE_FEED) throw new RangeError("a JSON line ends at a line feed or at the end of its bytes");
    this.raw.fill(undefined);
    this.id = undefined;
    this.lineCount++;
    if (b[start] !== OPEN_BRACE) return false;
    const after = this.members(b, start + 1, this.top, 1);
    return after >= 0 && skipSpace(b, after) === end;
  }

  /** The members of an object opened just before `i`, through its `}`: the position after it, or -1. */
  private members(b: LineBytes, i: number, level: KeyLevel, depth: number): number {
    i = skipSpace(b, i);
    if (b[i] === CLOSE_BRACE) return i + 1;
    let prev: KeyNode | undefined;
    for (;;) {
      if (b[i] !== QUOTE) return -1;
      const keyStart = i + 1;
      // Rows repeat their keys' order: most often the key is the one that followed `prev` last
      // time. (A known key's bytes hold no quote, backslash or control character: see `of`.)
      // Else, when a key is absent from some rows, the key after the guess.
      let node = prev === undefined ? level.first : prev.next;
      let k = 0;
      if (node !== undefined && !(b[(k = keyStart + node.bytes.length)] === QUOTE && sameBytes(node.bytes, b, keyStart))) {
        node = node.next;
        if (node !== undefined && !(b[(k = keyStart + node.bytes.length)] === QUOTE && sameBytes(node.bytes, b, keyStart))) node = undefined;
      }
      if (node === undefined) {
        k = keyStart;
        for (let c = b[k]; c !== QUOTE; c = b[++k]) if (c === BACKSLASH || !(c >= 0x20)) return -1;
        node = this.keyAt(level, b, keyStart, k);
        if (node === undefined) return -1;
        if (prev === undefined) level.first = node;
        else prev.next = node;
      }
      if (node.seenIn === this.lineCount) return -1;
      node.seenIn = this.lineCount;
      prev = node;
      i = skipSpace(b, k + 1);
      if (b[i] !== COLON) return -1;
      i = skipSpace(b, i + 1);
      if (node.children !== undefined) {
        if (b[i] === OPEN_BRACE && depth < MAX_DEPTH) i = this.members(b, i + 1, node.children, depth + 1);
        else if (!node.holdsFields && this.noted(node.path)) {
          // noted since (from a line where it held no object): known from now on
          node.children = undefined;
          i = this.skipValue(b, i, depth);
        } else return -1;
      } else if (node.field < 0 && !node.id) {
        i = this.skipValue(b, i, depth);
      } else {
        i = this.value(b, i, depth, node.strings);
        if (node.field >= 0) this.raw[node.field] = this.last;
        if (node.id) this.id = this.last;
      }
      if (i < 0) return -1;
      i = skipSpace(b, i);
      const c = b[i];
      if (c === CLOSE_BRACE) return i + 1;
      if (c !== COMMA) return -1;
      i = skipSpace(b, i + 1);
    }
  }

  /** The key `b[start, end)` (no escapes) at `level`, by name; undefined when the line must be parsed instead. */
  private keyAt(level: KeyLevel, b: LineBytes, start: number, end: number): KeyNode | undefined {
    const name = b.utf8Slice(start, end);
    let node = level.byName.get(name);
    if (node === undefined) {
      // a flat key is read where nested ones are not
      if (level === this.top && this.flatPaths.has(name)) return undefined;
      node = keyIn(level, name);
      // Not noted yet: as the binder does, its object is walked, and anything else must be noted.
      if (!this.noted(node.path)) node.children = newLevel(node.path);
    }
    return node;
  }

  /** Reads the value at `i` into `last`, as JSON.parse reads it; the position after it, or -1. */
  private value(b: LineBytes, i: number, depth: number, strings: StringCache): number {
    const c = b[i];
    if (c === QUOTE) return this.string(b, i, strings);
    if (c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9)) return this.number(b, i, true);
    if (c === OPEN_BRACKET) {
      const after = this.stringList(b, i, strings);
      if (after >= 0) return after;
    }
    const literal = literalAt(b, i);
    if (literal > 0) {
      this.last = c === LETTER_T ? true : c === LETTER_F ? false : null;
      return i + literal;
    }
    // anything else that is JSON (an object, a list of other values): JSON.parse builds it
    return this.parsed(b, i, this.skipValue(b, i, depth));
  }

  /** `last` = JSON.parse of `b[start, end)`, and `end`; -1 when `end` is or it throws. */
  private parsed(b: LineBytes, start: number, end: number): number {
    if (end < 0) return -1;
    try {
      this.last = JSON.parse(b.utf8Slice(start, end));
      return end;
    } catch {
      return -1;
    }
  }

  /** A string: found among the key's recent ones or built from its bytes; by JSON.parse when it has escapes. */
  private string(b: LineBytes, i: number, strings: StringCache): number {
    const after = this.plainString(b, i, strings);
    return after === ESCAPED ? this.parsed(b, i, skipString(b, i)) : after;
  }

  /**
   * The string at `i` into `last` when it has no escape (ASCII found among the key's recent
   * strings or built by Latin-1, anything else decoded: the piece is valid UTF-8, checked whole):
   * the position after it; ESCAPED when it has one, -1 when it holds a control character.
   */
  private plainString(b: LineBytes, i: number, strings: StringCache): number {
    const start = i + 1;
    let k = start;
    let high = 0;
    let hash = 0;
    for (let c = b[k]; c !== QUOTE; c = b[++k]) {
      if (c === BACKSLASH) return ESCAPED;
      if (!(c >= 0x20)) return -1;
      high |= c;
      hash = (hash * 31 + c) | 0;
    }
    this.last = high < 0x80 ? strings.ascii(b, start, k, hash) : b.utf8Slice(start, k);
    return k + 1;
  }

  /** A list of strings without escapes (a `list(string)` field), built here; -1 for any other list. */
  private stringList(b: LineBytes, i: number, strings: StringCache): number {
    const list: string[] = [];
    i = skipSpace(b, i + 1);
    if (b[i] === CLOSE_BRACKET) {
      this.last = list;
      return i + 1;
    }
    for (;;) {
      if (b[i] !== QUOTE || (i = this.plainString(b, i, strings)) < 0) return -1;
      list.push(this.last as string);
      i = skipSpace(b, i);
      if (b[i] === CLOSE_BRACKET) {
        this.last = list;
        return i + 1;
      }
      if (b[i] !== COMMA) return -1;
      i = skipSpace(b, i + 1);
    }
  }

  /**
   * A JSON number, checked against JSON's grammar, and its value into `last` when `build` (not
   * for a value skipped). Up to 15 digits with no exponent make an exact integer, and such an
   * integer over a power of ten up to 10^15 (both exact doubles) is the correctly rounded
   * quotient, as JSON.parse's reading is; any other number is read by Number, which reads JSON's
   * numbers as JSON.parse does.
   */
  private number(b: LineBytes, i: number, build: boolean): number {
    const start = i;
    const negative = b[i] === MINUS;
    if (negative) i++;
    let c = b[i];
    let digits = 0;
    let m = 0;
    if (c === DIGIT_0) c = b[++i];
    else if (c >= DIGIT_1 && c <= DIGIT_9) {
      do {
        m = m * 10 + (c - DIGIT_0);
        digits++;
        c = b[++i];
      } while (c >= DIGIT_0 && c <= DIGIT_9);
    } else return -1;
    let fraction = 0;
    if (c === DOT) {
      c = b[++i];
      while (c >= DIGIT_0 && c <= DIGIT_9) {
        m = m * 10 + (c - DIGIT_0);
        digits++;
        fraction++;
        c = b[++i];
      }
      if (fraction === 0) return -1;
    }
    let exponent = false;
    if (c === LETTER_E || c === LETTER_CAPITAL_E) {
      exponent = true;
      c = b[++i];
      if (c === PLUS || c === MINUS) c = b[++i];
      let expDigits = 0;
      while (c >= DIGIT_0 && c <= DIGIT_9) {
        expDigits++;
        c = b[++i];
      }
      if (expDigits === 0) return -1;
    }
    if (!build) return i;
    if (!exponent && digits <= 15) {
      const v = fraction === 0 ? m : m / POWERS_OF_TEN[fraction];
      this.last = negative ? -v : v;
    } else this.last = Number(b.latin1Slice(start, i));
    return i;
  }

  /**
   * Steps over the JSON value at `i`, checking it against JSON's grammar, without building it: the
   * position after it, or -1 (not JSON, or nested deeper than MAX_DEPTH with the line's `depth`).
   */
  private skipValue(b: LineBytes, i: number, depth: number): number {
    const open = this.open;
    let n = 0; // containers open within this value
    for (;;) {
      // a value
      const c = b[i];
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (depth + n >= MAX_DEPTH) return -1;
        const isObject = c === OPEN_BRACE;
        open[n++] = isObject ? 1 : 0;
        i = skipSpace(b, i + 1);
        if (b[i] !== (isObject ? CLOSE_BRACE : CLOSE_BRACKET)) {
          if (isObject && (i = keyThenColon(b, i)) < 0) return -1;
          continue;
        }
        n--;
        i++;
      } else if (c === QUOTE) i = skipString(b, i);
      else if (c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9)) i = this.number(b, i, false);
      else {
        const literal = literalAt(b, i);
        if (literal === 0) return -1;
        i += literal;
      }
      // after a value: close containers, or a comma and the next value
      for (;;) {
        if (i < 0) return -1;
        if (n === 0) return i;
        i = skipSpace(b, i);
        const isObject = open[n - 1] === 1;
        const d = b[i];
        if (d === (isObject ? CLOSE_BRACE : CLOSE_BRACKET)) {
          n--;
          i++;
          continue;
        }
        if (d !== COMMA) return -1;
        i = skipSpace(b, i + 1);
        if (isObject) i = keyThenColon(b, i);
        if (i < 0) return -1;
        break;
      }
    }
  }
}

/** A worker's piece: a Buffer, with the slicing methods its `toString` calls. */
export interface LineBytes extends Buffer {
  // Called directly: toString's argument checks and a view per string cost ~15% of a line.
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

/** The deepest nesting read here; deeper lines are left to JSON.parse. */
const MAX_DEPTH = 64;
/** What `plainString` answers for a string with an escape (not a position). */
const ESCAPED = -2;

const QUOTE = 0x22, BACKSLASH = 0x5c, COLON = 0x3a, COMMA = 0x2c, MINUS = 0x2d, PLUS = 0x2b, DOT = 0x2e, LINE_FEED = 0x0a;
const OPEN_BRACE = 0x7b, CLOSE_BRACE = 0x7d, OPEN_BRACKET = 0x5b, CLOSE_BRACKET = 0x5d;
const DIGIT_0 = 0x30, DIGIT_1 = 0x31, DIGIT_9 = 0x39;
const LETTER_T = 0x74, LETTER_F = 0x66, LETTER_N = 0x6e, LETTER_E = 0x65, LETTER_CAPITAL_E = 0x45;
const POWERS_OF_TEN = Array.from({ length: 16 }, (_, k) => 10 ** k);

/** JSON's white space within a line: space, tab, carriage return (a line has no line feed). */
function skipSpace(b: LineBytes, i: number): number {
  for (let c = b[i]; c === 0x20 || c === 0x09 || c === 0x0d; c = b[++i]);
  return i;
}

/** The length of the literal `true`, `false` or `null` at `i`, or 0. */
function literalAt(b: LineBytes, i: number): number {
  const c = b[i];
  if (c === LETTER_T) return b[i + 1] === 0x72 && b[i + 2] === 0x75 && b[i + 3] === 0x65 ? 4 : 0;
  if (c === LETTER_F) return b[i + 1] === 0x61 && b[i + 2] === 0x6c && b[i + 3] === 0x73 && b[i + 4] === 0x65 ? 5 : 0;
  if (c === LETTER_N) return b[i + 1] === 0x75 && b[i + 2] === 0x6c && b[i + 3] === 0x6c ? 4 : 0;
  return 0;
}

/** Steps over a JSON string at `i` (its escapes checked): the position after it, or -1. */
function skipString(b: LineBytes, i: number): number {
  let k = i + 1;
  for (let c = b[k]; c !== QUOTE; c = b[++k]) {
    if (!(c >= 0x20)) return -1;
    if (c === BACKSLASH) {
      const e = b[++k];
      if (e === 0x75 /* u */) {
        for (let h = 1; h <= 4; h++) if (!isHexDigit(b[k + h])) return -1;
        k += 4;
      } else if (!(e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74)) return -1;
    }
  }
  return k + 1;
}

/** A key and its colon, at `i` in an object being skipped: the position of its value, or -1. */
function keyThenColon(b: LineBytes, i: number): number {
  if (b[i] !== QUOTE) return -1;
  i = skipString(b, i);
  if (i < 0) return -1;
  i = skipSpace(b, i);
  return b[i] === COLON ? skipSpace(b, i + 1) : -1;
}

function isHexDigit(c: number): boolean {
  return (c >= DIGIT_0 && c <= DIGIT_9) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function sameBytes(key: Uint8Array, b: LineBytes, start: number): boolean {
  for (let k = 0; k < key.length; k++) if (key[k] !== b[start + k]) return false;
  return true;
}

/**
 * The ASCII strings read recently at one key, by a hash of their bytes: most values repeat (an
 * industry, a country, a seniority), and finding one costs less than building it again.
 */
class StringCache {
  private readonly texts: (string | undefined)[] = new Array<string | undefined>(STRING_SLOTS).fill(undefined);

  /** The ASCII string `b[start, end)`, whose bytes hash to `hash`. */
  ascii(b: LineBytes, start: number, end: number, hash: number): string {
    const slot = (hash ^ (hash >>> 11)) & (STRING_SLOTS - 1);
    const known = this.texts[slot];
    if (known !== undefined && known.length === end - start) {
      let k = 0;
      while (k < known.length && known.charCodeAt(k) === b[start + k]) k++;
      if (k === known.length) return known;
    }
    const text = b.latin1Slice(start, end);
    this.texts[slot] = text;
    return text;
  }
}

const STRING_SLOTS = 64;

/**
 * A key at one place of rows: a field's (its index), the id's, an object walked for its keys
 * (`children`: one holding fields, or a key not noted yet, as the binder walks it), or a key the
 * binder has noted (none of these: its value is skipped).
 */
interface KeyNode {
  bytes: Uint8Array;
  path: string;
  field: number;
  id: boolean;
  children: KeyLevel | undefined;
  /** An object on fields' paths (its children are walked to read them), not one only walked for noting. */
  holdsFields: boolean;
  /** The key that followed this one in the last line that had it. */
  next: KeyNode | undefined;
  /** The line (JsonLineScanner.lineCount) in which the key was last met. */
  seenIn: number;
  /** The strings read at this key lately. */
  strings: StringCache;
}

/** The keys met at one place of rows (`path`: where, "" at the top), and the first key last time. */
interface KeyLevel {
  path: string;
  byName: Map<string, KeyNode>;
  first: KeyNode | undefined;
}

const newLevel = (path: string): KeyLevel => ({ path, byName: new Map(), first: undefined });

/** The key `name` at `level`, added when new. */
function keyIn(level: KeyLevel, name: string): KeyNode {
  let node = level.byName.get(name);
  if (node === undefined) {
    const path = level.path ? `${level.path}.${name}` : name;
    node = { bytes: Buffer.from(name, "utf8"), path, field: -1, id: false, children: undefined, holdsFields: false, next: undefined, seenIn: 0, strings: new StringCache() };
    level.byName.set(name, node);
  }
  return node;
}
