import { readFileSync } from "node:fs";
import { CsvRecordReader } from "./csv-records.js";
import { csvDialect } from "./csv-dialect.js";
import { InputError, JsonLinesReader } from "./inputs.js";
import { reasonText } from "../../runtime/codecs/reasons.js";

/**
 * A separate file of events (`--events activity=events.csv`): CSV or JSON Lines, one event per
 * row, carrying its lead's id in the column named like the leads' id column. The file is read
 * once, whole, and its events grouped by lead id in file order; each lead's list is then read by
 * the stream's generated reader when the lead is scored, so a bad event rejects its lead with
 * the event and field named. Memory grows with the events file (not bounded: see the README).
 */
export class EventFile {
  /** Raw events (column → text or JSON value) per lead id, in file order. */
  private readonly byId = new Map<string, Record<string, unknown>[]>();
  /** Lead ids looked up so far: the rest are events for leads the input does not have. */
  private readonly used = new Set<string>();
  /** Rows that were not readable as CSV/JSON (line and reason), reported as warnings. */
  readonly unreadable: { line: number; reason: string }[] = [];
  rows = 0;

  private constructor(readonly stream: string, readonly path: string) {}

  /** Reads `path` (`.jsonl`/`.ndjson` as JSON Lines, anything else as CSV). A file without the id column is an InputError. */
  static read(stream: string, path: string, idColumn: string): EventFile {
    const file = new EventFile(stream, path);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (e) {
      throw new InputError(`--events ${stream}=${path}: ${(e as Error).message}`);
    }
    if (/\.(jsonl|ndjson)$/i.test(path)) file.readJsonLines(text, idColumn);
    else file.readCsv(text, idColumn);
    return file;
  }

  private add(id: unknown, event: Record<string, unknown>): void {
    const key = typeof id === "string" ? id : JSON.stringify(id);
    let list = this.byId.get(key);
    if (!list) this.byId.set(key, (list = []));
    list.push(event);
    this.rows++;
  }

  private readCsv(text: string, idColumn: string): void {
    const { delimiter } = csvDialect(this.path);
    let header: string[] | undefined;
    let idIndex = -1;
    const reader = new CsvRecordReader(
      (cells) => {
        if (!header) {
          header = cells;
          idIndex = cells.indexOf(idColumn);
          if (idIndex < 0) throw new InputError(`--events ${this.stream}=${this.path}: no \`${idColumn}\` column (the leads' id column) to join the events on`);
          return;
        }
        const event: Record<string, unknown> = {};
        // An empty cell is a missing value, as in the leads' CSV.
        header.forEach((name, i) => { if (i !== idIndex && cells[i] !== undefined && cells[i] !== "") event[name] = cells[i]; });
        this.add(cells[idIndex] ?? "", event);
      },
      (line, reason) => this.unreadable.push({ line, reason: reasonText(reason) }),
      undefined, 1, true, delimiter,
    );
    reader.push(text);
    reader.end();
    if (!header) throw new InputError(`--events ${this.stream}=${this.path}: the CSV file has no header row`);
  }

  private readJsonLines(text: string, idColumn: string): void {
    const reader = new JsonLinesReader(
      (value, line) => {
        const id = value[idColumn];
        if (id === undefined || id === null) {
          this.unreadable.push({ line, reason: `no \`${idColumn}\` to join the event on` });
          return;
        }
        const event = { ...value };
        delete event[idColumn];
        this.add(id, event);
      },
      (line, reason) => this.unreadable.push({ line, reason: reasonText(reason) }),
    );
    reader.push(text);
    reader.end();
  }

  /** The lead's events, in file order (none: an empty list). */
  eventsOf(id: string): Record<string, unknown>[] {
    this.used.add(id);
    return this.byId.get(id) ?? [];
  }

  /** Marks the id as one the input has, without reading its events (a rejected lead). */
  note(id: string): void {
    this.used.add(id);
  }

  /** How many events belong to ids the input did not have (after the run). */
  unmatchedEvents(): number {
    let n = 0;
    for (const [id, list] of this.byId) if (!this.used.has(id)) n += list.length;
    return n;
  }
}

/** The events files of a run, one per stream: the object the stream readers take for a lead. */
export class EventFiles {
  constructor(readonly files: readonly EventFile[]) {}

  /** `{ activity: [...] }` for the lead: what a JSON Lines lead would carry inline. */
  leadObject(id: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const f of this.files) out[f.stream] = f.eventsOf(id);
    return out;
  }

  /** Marks the id as one the input has (its events are not unmatched), in every file. */
  note(id: string): void {
    for (const f of this.files) f.note(id);
  }

  /** Notices for the run summary: unreadable event rows, events for leads not in the input. */
  warnings(): string[] {
    const out: string[] = [];
    for (const f of this.files) {
      for (const u of f.unreadable.slice(0, 10)) out.push(`${f.path}:${u.line}: event row skipped: ${u.reason}`);
      if (f.unreadable.length > 10) out.push(`${f.path}: ${f.unreadable.length - 10} more unreadable event rows skipped`);
      const unmatched = f.unmatchedEvents();
      if (unmatched) out.push(`${f.path}: ${unmatched} of ${f.rows} events belong to ids not in the input`);
    }
    return out;
  }
}
