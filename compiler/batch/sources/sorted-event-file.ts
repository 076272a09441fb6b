import { InputError } from "./inputs.js";
import { EventRowReader, readEventRows, TextPieces } from "./event-rows.js";
import { compareIds, type IdOrder } from "./id-order.js";

type Event = Record<string, unknown>;

/**
 * The streaming side of the merge join of `--events` (an events file above the memory budget,
 * event-files.ts): the events file is read in 1 MiB pieces while the leads are scored, both
 * sorted by id in the same order (checked before the run by id-prepass.ts). Memory holds one
 * piece's events and the events of the lead being scored, whatever the file's size.
 *
 * Leads ask for their ids in ascending order (equal ids may repeat: each gets the same events).
 * Events whose id sorts before the lead asked for belong to no lead: they are counted as
 * unmatched, as the in-memory join counts ids no lead looked up.
 */
export class SortedEventFile {
  rows = 0;
  readonly unreadable: { line: number; reason: string }[] = [];
  unmatched = 0;
  private order: IdOrder | undefined;
  private pieces: TextPieces | undefined;
  private reader: EventRowReader | undefined;
  /** Events read from the current piece and not taken yet. */
  private queue: { id: string; event: Event; line: number }[] = [];
  private queued = 0;
  /** The id whose events `group` holds (undefined: none), and whether a lead took them. */
  private groupId: string | undefined;
  private group: Event[] = [];
  private groupTaken = false;
  private lastLead: string | undefined;
  /** The id and line of the last event taken, to check the order again as the file is read. */
  private lastEventId: string | undefined;
  private lastEventLine = 0;
  private finished = false;

  constructor(readonly stream: string, readonly path: string, private readonly idColumn: string) {}

  /** Opens the file for the merge, in `order` (the run's, chosen over every file's ids). */
  start(order: IdOrder): void {
    this.order = order;
    this.pieces = new TextPieces(this.path, `--events ${this.stream}=${this.path}`);
    this.reader = new EventRowReader(
      this.stream, this.path, this.idColumn,
      (id, event, line) => { this.queue.push({ id, event, line }); },
      (line, reason) => { this.unreadable.push({ line, reason }); },
    );
  }

  /** The next event of the file, or undefined at its end. */
  private next(): { id: string; event: Event; line: number } | undefined {
    while (this.queued >= this.queue.length) {
      this.queue = [];
      this.queued = 0;
      const text = this.pieces!.next();
      if (text === undefined) {
        if (this.reader) {
          const reader = this.reader;
          this.reader = undefined;
          reader.end(); // may deliver a last line without a line end
          continue;
        }
        return undefined;
      }
      this.reader!.push(text, this.pieces!.marked);
    }
    const e = this.queue[this.queued];
    this.queue[this.queued++] = undefined!; // taken: let it go
    this.rows++;
    const last = this.lastEventId;
    if (last !== undefined && last !== e.id && compareIds(this.order!, last, e.id) > 0) {
      // The pre-pass found the file sorted: it changed since.
      throw new InputError(`--events ${this.stream}=${this.path}:${e.line}: the events are no longer sorted by id (\`${e.id}\` after \`${last}\` on line ${this.lastEventLine}); the file changed during the run`);
    }
    this.lastEventId = e.id;
    this.lastEventLine = e.line;
    return e;
  }

  /** The first event of the next group, read but not yet placed. */
  private ahead: { id: string; event: Event; line: number } | undefined;

  /** Moves to the group of `id`: every event before it is unmatched, its events are read whole. */
  private seek(id: string): void {
    if (this.lastLead !== undefined && this.lastLead !== id && compareIds(this.order!, this.lastLead, id) > 0) {
      throw new InputError(`the leads are no longer sorted by id (\`${id}\` after \`${this.lastLead}\`); the file changed during the run`);
    }
    this.lastLead = id;
    if (this.groupId === id) return;
    this.closeGroup();
    for (;;) {
      const e = this.ahead ?? this.next();
      this.ahead = undefined;
      if (!e) return;
      const c = e.id === id ? 0 : compareIds(this.order!, e.id, id);
      if (c < 0) {
        this.unmatched++;
        continue;
      }
      if (c > 0) {
        this.ahead = e;
        return;
      }
      this.groupId = id;
      this.group.push(e.event);
      for (let f = this.next(); f; f = this.next()) {
        if (f.id !== id) {
          this.ahead = f;
          return;
        }
        this.group.push(f.event);
      }
      return;
    }
  }

  private closeGroup(): void {
    if (this.groupId !== undefined && !this.groupTaken) this.unmatched += this.group.length;
    this.groupId = undefined;
    this.group = [];
    this.groupTaken = false;
  }

  /**
   * The lead's events, in file order (none: an empty list). Ids come in ascending order. Before
   * `start` (`explain` looks up one lead), the file is scanned for that id instead.
   */
  eventsOf(id: string): Event[] {
    if (this.order === undefined) return scanEventsOf(this.stream, this.path, this.idColumn, id);
    this.seek(id);
    if (this.groupId !== id) return [];
    this.groupTaken = true;
    return this.group;
  }

  /** Marks the id as one the input has, without reading its events (a rejected lead). */
  note(id: string): void {
    if (this.order === undefined) return;
    this.seek(id);
    if (this.groupId === id) this.groupTaken = true;
  }

  /** After the last lead: the rest of the file belongs to no lead (read to count it and its unreadable rows). */
  finish(): void {
    if (this.finished || this.order === undefined) return;
    this.finished = true;
    this.closeGroup();
    if (this.ahead) {
      this.unmatched++;
      this.ahead = undefined;
    }
    while (this.next()) this.unmatched++;
  }

  /** Releases the file (also when the run stops early). */
  close(): void {
    this.pieces?.close();
  }
}

/**
 * The events of one id, read by streaming the whole file (for `explain --id`, which looks up one
 * lead: no order needed, memory holds that lead's events only).
 */
export function scanEventsOf(stream: string, path: string, idColumn: string, id: string): Event[] {
  const found: Event[] = [];
  readEventRows(stream, path, idColumn, (eventId, event) => { if (eventId === id) found.push(event); }, () => {});
  return found;
}
