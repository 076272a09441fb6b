import { statSync } from "node:fs";
import { InputError } from "./inputs.js";
import { readEventRows } from "./event-rows.js";
import { SortedEventFile } from "./sorted-event-file.js";
import { checkEventIds, checkLeadIds, type LeadsFile } from "./id-prepass.js";
import { chooseIdOrder, type IdOrderCheck } from "./id-order.js";
import { unsortedMessage } from "./unsorted-message.js";

type Event = Record<string, unknown>;

/**
 * A separate file of events (`--events activity=events.csv`) joined in memory: CSV or JSON Lines,
 * one event per row, carrying its lead's id in the column named like the leads' id column. The
 * file is read once, whole, and its events grouped by lead id in file order, so the leads may
 * come in any order; each lead's list is then read by the stream's generated reader when the lead
 * is scored, so a bad event rejects its lead with the event and field named. Memory grows with
 * the file (about five times its size on disk): files above `--events-memory` are merged instead
 * (sorted-event-file.ts).
 */
export class EventFile {
  /** Raw events (column → text or JSON value) per lead id, in file order. */
  private readonly byId = new Map<string, Event[]>();
  /** Lead ids looked up so far: the rest are events for leads the input does not have. */
  private readonly used = new Set<string>();
  /** Rows that were not readable as CSV/JSON (line and reason), reported as warnings. */
  readonly unreadable: { line: number; reason: string }[] = [];
  rows = 0;

  private constructor(readonly stream: string, readonly path: string) {}

  /** Reads `path` (`.jsonl`/`.ndjson` as JSON Lines, anything else as CSV). A file without the id column is an InputError. */
  static read(stream: string, path: string, idColumn: string): EventFile {
    const file = new EventFile(stream, path);
    readEventRows(stream, path, idColumn, (id, event) => file.add(id, event), (line, reason) => file.unreadable.push({ line, reason }));
    return file;
  }

  private add(id: string, event: Event): void {
    let list = this.byId.get(id);
    if (!list) this.byId.set(id, (list = []));
    list.push(event);
    this.rows++;
  }

  /** The lead's events, in file order (none: an empty list). */
  eventsOf(id: string): Event[] {
    this.used.add(id);
    return this.byId.get(id) ?? [];
  }

  /** Marks the id as one the input has, without reading its events (a rejected lead). */
  note(id: string): void {
    this.used.add(id);
  }

  /** How many events belong to ids the input did not have (after the run). */
  get unmatched(): number {
    let n = 0;
    for (const [id, list] of this.byId) if (!this.used.has(id)) n += list.length;
    return n;
  }

  /** Nothing to do after the last lead: every event was read up front. */
  finish(): void {}

  /** Nothing held open. */
  close(): void {}
}

/** The default `--events-memory`, in MB of events file on disk (see the README's design note). */
export const DEFAULT_EVENTS_MEMORY_MB = 128;

/** The events files of a run, one per stream: the object the stream readers take for a lead. */
export class EventFiles {
  constructor(readonly files: readonly (EventFile | SortedEventFile)[], readonly budgetMB = DEFAULT_EVENTS_MEMORY_MB) {}

  /**
   * Opens each stream's file: one of at most `budgetMB` on disk is read whole now (the in-memory
   * join, any order); a larger one is merged while the leads stream, after `prepare` has checked
   * that both are sorted by id.
   */
  static open(assigned: Record<string, string>, idColumn: string, budgetMB = DEFAULT_EVENTS_MEMORY_MB): EventFiles {
    return new EventFiles(Object.entries(assigned).map(([stream, path]) => {
      let size = 0;
      try {
        size = statSync(path).size;
      } catch {
        // Not readable: EventFile.read says why, as an InputError.
      }
      return size > budgetMB * 1024 * 1024 ? new SortedEventFile(stream, path, idColumn) : EventFile.read(stream, path, idColumn);
    }), budgetMB);
  }

  /** The files joined by merging (above the memory budget). */
  get merged(): SortedEventFile[] {
    return this.files.filter((f): f is SortedEventFile => f instanceof SortedEventFile);
  }

  /**
   * Before any output: when a file is to be merged, checks that the leads and every merged file
   * are sorted by id in the one order (numeric when every id is an integer, else code-point) and
   * starts the merge; a file out of order is an InputError naming it, the line and the two ids.
   * `leads` undefined: the leads are standard input, which cannot be read twice.
   */
  prepare(leads: LeadsFile | undefined): void {
    const budgetMB = this.budgetMB;
    const merged = this.merged;
    if (merged.length === 0) return;
    if (!leads) {
      throw new InputError(`--events ${merged[0].stream}=${merged[0].path} is above --events-memory ${budgetMB} MB, so it is joined by streaming, which reads the leads twice (to check their order first): give the leads as a file, not standard input, or raise --events-memory`);
    }
    const checks: IdOrderCheck[] = [checkLeadIds(leads), ...merged.map((f) => checkEventIds(f.stream, f.path, leads.idColumn))];
    const order = chooseIdOrder(checks);
    const broken = checks.find((c) => c.breaks[order] !== undefined);
    if (broken) {
      const neededMB = Math.ceil(Math.max(...merged.map((f) => statSync(f.path).size)) / (1024 * 1024));
      throw new InputError(unsortedMessage(broken, order, { events: merged.map((f) => `${f.stream}=${f.path}`), budgetMB, neededMB, idColumn: leads.idColumn }));
    }
    for (const f of merged) f.start(order);
  }

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

  /** Releases the merged files (a run that stopped early). */
  close(): void {
    for (const f of this.files) f.close();
  }

  /** Notices for the run summary, after the last lead: unreadable event rows, events for leads not in the input. */
  warnings(): string[] {
    const out: string[] = [];
    for (const f of this.files) {
      f.finish();
      for (const u of f.unreadable.slice(0, 10)) out.push(`${f.path}:${u.line}: event row skipped: ${u.reason}`);
      if (f.unreadable.length > 10) out.push(`${f.path}: ${f.unreadable.length - 10} more unreadable event rows skipped`);
      const unmatched = f.unmatched;
      if (unmatched) out.push(`${f.path}: ${unmatched} of ${f.rows} events belong to ids not in the input`);
    }
    return out;
  }
}
