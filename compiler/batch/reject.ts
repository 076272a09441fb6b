import type { Reason } from "../runtime/codecs/reasons.js";

// A rejected row as data, shared by both engines, the reject log and the analysis commands.
// Kept apart from the JS engine's binder so that a DuckDB run does not load the JS engine.

/** One thing wrong with a row: which field (empty for the row as a whole), its value as written, and the reason as data. */
export interface Problem {
  field: string;
  value: string;
  reason: Reason;
}

/** Why a row was refused: where, and every problem found in it (each failing field, not only the first). */
export interface Reject {
  line: number;
  id: string;
  problems: Problem[];
}

/** A lead whose event streams do not read: one problem naming the streams (all engines' words). */
export function badEventsProblem(streams: readonly string[], detail: string): Problem {
  return { field: streams.join(", "), value: "", reason: { code: "bad-events", detail } };
}

/** A reject with one problem. */
export function rejectOf(line: number, id: string, field: string, value: string, reason: Reason): Reject {
  return { line, id, problems: [{ field, value, reason }] };
}
