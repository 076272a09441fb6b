import type { IrField } from "../../ir.js";
import { codecOf, reasonOfError, type ReadOptions } from "../../runtime/codecs/codec.js";
import { shownValue, type Reason } from "../../runtime/codecs/reasons.js";
import { fieldBinder, rawFieldBinder, type FieldBinder, type RawFieldBinder } from "./json-field-binder.js";
import { badEventsProblem, rejectOf, type Problem, type Reject } from "../reject.js";

/** The reason a reader's error carries; a reader only ever throws ReadFailures, so anything else is a defect. */
function reasonFrom(e: unknown): Reason {
  const r = reasonOfError(e);
  if (!r) throw e;
  return r;
}

/**
 * Binds input rows to the program's fields, in the evaluator's internal representation.
 * One binder per input file: it knows which column holds which field.
 */
export class CsvBinder {
  readonly unknownColumns: string[];
  readonly absentFields: IrField[];
  readonly idIndex: number;
  private readonly columnOf: Int32Array;
  private readonly readers: ((cell: string) => unknown)[];
  private readonly missing: unknown[];

  constructor(private readonly fields: readonly IrField[], readonly header: string[], idColumn: string, options: ReadOptions = {}) {
    const position = new Map(header.map((h, i) => [h.trim(), i]));
    this.columnOf = Int32Array.from(fields, (f) => position.get(f.column) ?? -1);
    this.readers = fields.map((f) => codecOf(f, options).read);
    this.missing = fields.map((f) => codecOf(f).missing);
    this.idIndex = position.get(idColumn) ?? -1;
    const known = new Set([...fields.map((f) => f.column), idColumn]);
    this.unknownColumns = header.map((h) => h.trim()).filter((h) => h && !known.has(h));
    this.absentFields = fields.filter((f, i) => this.columnOf[i] < 0);
  }

  /** Fills `vals` from `cells`; returns a reject naming every value that does not fit. */
  bind(cells: string[], line: number, rowNumber: number, vals: unknown[]): Reject | undefined {
    const id = this.idIndex >= 0 ? cells[this.idIndex] ?? "" : String(rowNumber);
    if (cells.length !== this.header.length) {
      return rejectOf(line, id, "", "", { code: "row-width", cells: cells.length, width: this.header.length });
    }
    const fields = this.fields;
    let problems: Problem[] | undefined;
    for (let i = 0; i < fields.length; i++) {
      const col = this.columnOf[i];
      const cell = col >= 0 ? cells[col] : "";
      if (cell === "" || cell === undefined) {
        if (!fields[i].optional) (problems ??= []).push({ field: fields[i].path, value: "", reason: { code: "required-missing" } });
        vals[i] = this.missing[i];
        continue;
      }
      try {
        vals[i] = this.readers[i](cell);
      } catch (e) {
        (problems ??= []).push({ field: fields[i].path, value: cell, reason: reasonFrom(e) });
      }
    }
    return problems ? { line, id, problems } : undefined;
  }

  idOf(cells: string[], rowNumber: number): string {
    return this.idIndex >= 0 ? cells[this.idIndex] ?? "" : String(rowNumber);
  }
}

/**
 * A JSON lead's id value: its own property only (an id column named `constructor` or `toString`
 * must not find what every object inherits); undefined or null means the row number stands in.
 */
export function jsonIdValue(obj: Record<string, unknown>, idColumn: string): unknown {
  return Object.hasOwn(obj, idColumn) ? obj[idColumn] : undefined;
}

/** The id a JSON lead's id value gives: its text, or (none) its row number. */
export function idText(value: unknown, rowNumber: number): string {
  return value === undefined || value === null ? String(rowNumber) : typeof value === "string" ? value : JSON.stringify(value);
}

/** Reads a lead's event streams (the generated `decodeStreams`), for engines whose values carry them. */
export interface StreamReader {
  names: readonly string[];
  decode(obj: object): unknown[][][];
}

/** The stream reader of a program, or undefined when it declares no streams. */
export function streamReaderOf(program: { ir: { streams: readonly { name: string }[] }; decodeStreams(obj: object): unknown[][][] }): StreamReader | undefined {
  if (program.ir.streams.length === 0) return undefined;
  return { names: program.ir.streams.map((s) => s.name), decode: (obj) => program.decodeStreams(obj) };
}

/**
 * Whether a field's value in a parsed JSON row can be read with plain property reads: the
 * objects and arrays JSON.parse makes inherit only from Object.prototype and Array.prototype, so
 * a read of a name neither has (`industry`, not `constructor`, `length` or `__proto__`) finds an
 * own property or nothing. Such reads skip hasOwnProperty, which cost ~10% of a JSON Lines row.
 */
function readsPlainly(f: IrField): boolean {
  const inherited = (name: string) => name in Object.prototype || name in Array.prototype;
  return f.column === f.path && !inherited(f.path) && !f.segments.some(inherited);
}

/**
 * A key of JSON Lines rows at one place: its path, whether it is known (a field's or noted), the
 * keys below it, and whether it is a top-level key spelling a field's dotted path (`"a.b": 1`).
 */
interface KeyState {
  key: string;
  path: string;
  known: boolean;
  children: KeyLevel | undefined;
  flat: boolean;
  next: KeyState | undefined;
  /** How many keys were noted when this path was last found not known (it can only become known by a noting). */
  checkedAt: number;
}

/** The keys met at one place of rows, by name, and the first of them in the last row (see noteUnknown). */
interface KeyLevel { byName: Map<string, KeyState>; first: KeyState | undefined }

const newLevel = (): KeyLevel => ({ byName: new Map(), first: undefined });

/** JSON Lines: nested objects or flat dotted keys; values of their JSON type or spelled as strings. */
export class JsonBinder {
  private readonly readers: ((v: unknown) => unknown)[];
  /** Per field: 1 when its value is found by plain property reads (readsPlainly). */
  private readonly plain: Uint8Array;
  /** Reads every field's value into a row's values (json-field-binder.ts). */
  private readonly bindFields: FieldBinder;
  /** The same, from values a JsonLineScanner found. */
  private readonly bindRawFields: RawFieldBinder;
  /** The problems of the row being bound (noted by `slow` and `absent`), or undefined. */
  private problems: Problem[] | undefined;
  /** A present value not already of its field's JSON type: read by the field's reader, or a problem noted. */
  private readonly slow = (i: number, v: unknown): unknown => {
    try {
      return this.readers[i](v);
    } catch (e) {
      (this.problems ??= []).push({ field: this.fields[i].path, value: shownValue(v), reason: reasonFrom(e) });
      return undefined;
    }
  };
  /** A required field without a value. */
  private readonly absent = (i: number): void => {
    (this.problems ??= []).push({ field: this.fields[i].path, value: "", reason: { code: "required-missing" } });
  };
  /** The raw value of a field plain reads cannot find. */
  private readonly other = (obj: Record<string, unknown>, i: number): unknown => this.get(obj, this.fields[i]);
  /** The dotted paths of those fields: as top-level keys, their flat spelling. */
  private readonly flatPaths: Set<string>;
  /** The row being noted has a top-level key in flatPaths. */
  private rowHasFlat = false;
  private readonly seenKeys = new Set<string>();
  /** The keys met at the top of rows (and below, in their children), see noteUnknown. */
  private readonly topKeys = newLevel();
  readonly unknownColumns: string[] = [];

  /**
   * `noteLimit`: keys that are not fields are noted while fewer than this many are known (a
   * scoring worker notes them all; the parallel path replays its notes under the usual limit).
   */
  constructor(private readonly fields: readonly IrField[], private readonly idColumn: string, private readonly noteLimit = 100, options: ReadOptions = {}, private readonly streams?: StreamReader) {
    this.readers = fields.map((f) => codecOf(f, options).read);
    this.plain = Uint8Array.from(fields, (f) => (readsPlainly(f) ? 1 : 0));
    this.bindFields = fieldBinder(fields, this.plain);
    this.bindRawFields = rawFieldBinder(fields);
    this.flatPaths = new Set(fields.filter((f, i) => this.plain[i] === 1 && f.segments.length > 1).map((f) => f.path));
    for (const f of fields) this.seenKeys.add(f.column);
    for (const name of streams?.names ?? []) this.seenKeys.add(name);
    this.seenKeys.add(idColumn);
  }

  /** A field's raw value, for the fields plain reads cannot find (readsPlainly): own properties only. */
  private get(obj: Record<string, unknown>, f: IrField): unknown {
    // A field bound to a key (`from "Annual Revenue"`) reads that key only.
    if (f.column !== f.path) return Object.prototype.hasOwnProperty.call(obj, f.column) ? obj[f.column] : undefined;
    let v: unknown = obj;
    for (const s of f.segments) {
      if (v === null || typeof v !== "object") {
        v = undefined;
        break;
      }
      // Own properties only: a field named `constructor` or `toString` must not find Object's.
      v = Object.prototype.hasOwnProperty.call(v, s) ? (v as Record<string, unknown>)[s] : undefined;
    }
    if (v !== undefined && v !== null) return v;
    return Object.prototype.hasOwnProperty.call(obj, f.path) ? obj[f.path] : undefined;
  }

  /** Notes keys that are not fields (reported once at the end). */
  private noteUnknown(obj: Record<string, unknown>, level: KeyLevel, prefix: string): void {
    // Each row repeats the same keys: each key's path is built once, and once it is known (a
    // field, or noted) that is remembered with it — one lookup per key and row, no path work.
    // for…in, not Object.keys: no array per object and row. A parsed JSON value inherits only
    // from Object.prototype or Array.prototype, which have no enumerable properties: own keys only.
    // Rows also repeat their keys' order: the key after another is most often the one that
    // followed it last time (`next`), found by one string comparison (pointers, for JSON.parse's
    // internalized keys) instead of a lookup by name.
    let prev: KeyState | undefined;
    for (const key in obj) {
      const guess = prev ? prev.next : level.first;
      let k: KeyState;
      if (guess !== undefined && guess.key === key) k = guess;
      else {
        let found = level.byName.get(key);
        if (!found) {
          const path = prefix ? `${prefix}.${key}` : key;
          level.byName.set(key, (found = { key, path, known: this.seenKeys.has(path), children: undefined, flat: !prefix && this.flatPaths.has(path), next: undefined, checkedAt: -1 }));
        }
        k = found;
        if (prev) prev.next = k;
        else level.first = k;
      }
      prev = k;
      if (k.flat) this.rowHasFlat = true;
      if (k.known) continue;
      // Another key can have noted the same path (`"a.b": 1` before `"a": {"b": {…}}`); only
      // a noting can have, so the check is needed only when something was noted since the last.
      if (k.checkedAt !== this.unknownColumns.length) {
        if (this.seenKeys.has(k.path)) {
          k.known = true;
          continue;
        }
        k.checkedAt = this.unknownColumns.length;
      }
      const v = obj[key];
      if (v !== null && typeof v === "object" && !Array.isArray(v)) this.noteUnknown(v as Record<string, unknown>, (k.children ??= newLevel()), k.path);
      else {
        this.seenKeys.add(k.path);
        this.unknownColumns.push(k.path);
        k.known = true;
      }
    }
  }

  /** Whether the key at `path` is known: a field's, the id's, a stream's, or noted as not a field. */
  knows(path: string): boolean {
    return this.seenKeys.has(path);
  }

  idOf(obj: Record<string, unknown>, rowNumber: number): string {
    return idText(jsonIdValue(obj, this.idColumn), rowNumber);
  }

  /** Notes the keys of a row that are not fields, as bind does. */
  noteUnknownKeys(obj: Record<string, unknown>): void {
    if (this.unknownColumns.length < this.noteLimit) this.noteUnknown(obj, this.topKeys, "");
  }

  bind(obj: Record<string, unknown>, line: number, rowNumber: number, vals: unknown[]): Reject | undefined {
    // Noting walks every top-level key, so it tells whether the row spells a field flat; when
    // it does not run (the limit is reached), flat keys are looked for anyway.
    const noting = this.unknownColumns.length < this.noteLimit;
    this.rowHasFlat = false;
    this.noteUnknownKeys(obj);
    this.problems = undefined;
    this.bindFields(obj, vals, !noting || this.rowHasFlat, this.other, this.slow, this.absent);
    // (set by slow and absent during the call, which the type checker cannot see)
    let problems = this.problems as Problem[] | undefined;
    // A lead's events (JSON Lines: an array under the stream's name) sit after the fields.
    if (this.streams) {
      try {
        const decoded = this.streams.decode(obj);
        for (let s = 0; s < decoded.length; s++) vals[this.fields.length + s] = decoded[s];
      } catch (e) {
        (problems ??= []).push(badEventsProblem(this.streams.names, e instanceof Error ? e.message : String(e)));
      }
    }
    return problems ? { line, id: this.idOf(obj, rowNumber), problems } : undefined;
  }

  /**
   * Binds a row a JsonLineScanner read (`raw`: each field's raw value; `idValue`: the id's), as
   * `bind` binds the parsed row. The scanner reads only rows with no key to note, none spelling
   * a field flat and no event streams, so nothing else `bind` does applies.
   */
  bindScanned(raw: readonly unknown[], idValue: unknown, line: number, rowNumber: number, vals: unknown[]): Reject | undefined {
    this.problems = undefined;
    this.bindRawFields(raw, vals, this.slow, this.absent);
    const problems = this.problems as Problem[] | undefined;
    return problems ? { line, id: idText(idValue, rowNumber), problems } : undefined;
  }
}
