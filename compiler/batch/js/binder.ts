import type { IrField } from "../../ir.js";
import { plainDateDays, readBoolean, readDate, readEnum, readList, readNumber } from "../../runtime/readers.js";

/** Why a row was refused. */
export interface Reject {
  line: number;
  id: string;
  field: string;
  value: string;
  reason: string;
}

type CellReader = (cell: string) => unknown;

/** Reads one non-empty CSV cell (or JSON value spelled as a string) by the field's type. */
function cellReader(f: IrField): CellReader {
  switch (f.kind) {
    case "number": return f.integer ? (c) => readNumber(c, true) : (c) => readNumber(c, false);
    case "date": return readDate;
    case "boolean": return readBoolean;
    case "string": return (c) => c;
    case "enum": {
      const members = new Set(f.members);
      return (c) => (members.has(c) ? c : readEnum(c, f.members));
    }
    case "list": return readList;
  }
}

function jsonReader(f: IrField): (v: unknown) => unknown {
  switch (f.kind) {
    case "number": return (v) => readNumber(v, f.integer);
    // a plain YYYY-MM-DD without Date objects (the same day number); anything else as before
    case "date": return (v) => {
      if (typeof v === "string") {
        const days = plainDateDays(v);
        if (days === days) return days;
      }
      return readDate(v);
    };
    case "boolean": return readBoolean;
    case "string": return (v) => {
      if (typeof v === "string") return v;
      throw new Error(`\`${JSON.stringify(v)}\` is not a string`);
    };
    case "enum": return (v) => readEnum(v, f.members);
    case "list": return readList;
  }
}

function missingValue(f: IrField): unknown {
  return f.kind === "number" || f.kind === "date" ? NaN : undefined;
}

function shown(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v) ?? "";
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
  private readonly readers: CellReader[];
  private readonly missing: unknown[];

  constructor(private readonly fields: readonly IrField[], readonly header: string[], idColumn: string) {
    const position = new Map(header.map((h, i) => [h.trim(), i]));
    this.columnOf = Int32Array.from(fields, (f) => position.get(f.path) ?? -1);
    this.readers = fields.map(cellReader);
    this.missing = fields.map(missingValue);
    this.idIndex = position.get(idColumn) ?? -1;
    const known = new Set([...fields.map((f) => f.path), idColumn]);
    this.unknownColumns = header.map((h) => h.trim()).filter((h) => h && !known.has(h));
    this.absentFields = fields.filter((f, i) => this.columnOf[i] < 0);
  }

  /** Fills `vals` from `cells`; returns a reject for the first value that does not fit. */
  bind(cells: string[], line: number, rowNumber: number, vals: unknown[]): Reject | undefined {
    const id = this.idIndex >= 0 ? cells[this.idIndex] ?? "" : String(rowNumber);
    if (cells.length !== this.header.length) {
      return { line, id, field: "", value: "", reason: `row has ${cells.length} values, the header has ${this.header.length}` };
    }
    const fields = this.fields;
    for (let i = 0; i < fields.length; i++) {
      const col = this.columnOf[i];
      const cell = col >= 0 ? cells[col] : "";
      if (cell === "" || cell === undefined) {
        if (!fields[i].optional) return { line, id, field: fields[i].path, value: "", reason: "required field is missing" };
        vals[i] = this.missing[i];
        continue;
      }
      try {
        vals[i] = this.readers[i](cell);
      } catch (e) {
        return { line, id, field: fields[i].path, value: cell, reason: (e as Error).message };
      }
    }
    return undefined;
  }

  idOf(cells: string[], rowNumber: number): string {
    return this.idIndex >= 0 ? cells[this.idIndex] ?? "" : String(rowNumber);
  }
}

/** JSON Lines: nested objects or flat dotted keys; values of their JSON type or spelled as strings. */
export class JsonBinder {
  private readonly readers: ((v: unknown) => unknown)[];
  private readonly missing: unknown[];
  private readonly seenKeys = new Set<string>();
  private readonly childPaths = new Map<string, Map<string, string>>();
  readonly unknownColumns: string[] = [];

  /**
   * `noteLimit`: keys that are not fields are noted while fewer than this many are known (a
   * scoring worker notes them all; the parallel path replays its notes under the usual limit).
   */
  constructor(private readonly fields: readonly IrField[], private readonly idColumn: string, private readonly noteLimit = 100) {
    this.readers = fields.map(jsonReader);
    this.missing = fields.map(missingValue);
    for (const f of fields) this.seenKeys.add(f.path);
    this.seenKeys.add(idColumn);
  }

  private get(obj: Record<string, unknown>, f: IrField): unknown {
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
  private noteUnknown(obj: Record<string, unknown>, prefix: string): void {
    // Each row repeats the same keys: their paths are built (and hashed) once, not per row.
    let paths = this.childPaths.get(prefix);
    if (!paths) this.childPaths.set(prefix, (paths = new Map()));
    for (const key of Object.keys(obj)) {
      let path = paths.get(key);
      if (path === undefined) paths.set(key, (path = prefix ? `${prefix}.${key}` : key));
      if (this.seenKeys.has(path)) continue;
      const v = obj[key];
      if (v !== null && typeof v === "object" && !Array.isArray(v)) this.noteUnknown(v as Record<string, unknown>, path);
      else {
        this.seenKeys.add(path);
        this.unknownColumns.push(path);
      }
    }
  }

  idOf(obj: Record<string, unknown>, rowNumber: number): string {
    const v = obj[this.idColumn];
    return v === undefined || v === null ? String(rowNumber) : typeof v === "string" ? v : JSON.stringify(v);
  }

  /** Notes the keys of a row that are not fields, as bind does. */
  noteUnknownKeys(obj: Record<string, unknown>): void {
    if (this.unknownColumns.length < this.noteLimit) this.noteUnknown(obj, "");
  }

  bind(obj: Record<string, unknown>, line: number, rowNumber: number, vals: unknown[]): Reject | undefined {
    this.noteUnknownKeys(obj);
    const fields = this.fields;
    for (let i = 0; i < fields.length; i++) {
      const raw = this.get(obj, fields[i]);
      if (raw === undefined || raw === null) {
        if (!fields[i].optional) return { line, id: this.idOf(obj, rowNumber), field: fields[i].path, value: "", reason: "required field is missing" };
        vals[i] = this.missing[i];
        continue;
      }
      try {
        vals[i] = this.readers[i](raw);
      } catch (e) {
        return { line, id: this.idOf(obj, rowNumber), field: fields[i].path, value: shown(raw), reason: (e as Error).message };
      }
    }
    return undefined;
  }
}
