import type { IrProgram } from "../ir.js";
import { DEFAULT_EVENTS_MEMORY_MB, EventFiles } from "../batch/sources/event-files.js";

/**
 * `--events activity=events.csv` / `--events-table activity=crm.activity`: NAME=VALUE pairs naming
 * one of the definition's event streams each. An unknown stream, a pair without `=` or a stream
 * given twice is a usage error (a RangeError the CLI turns into exit 2), never silently ignored.
 */
export function streamAssignments(pairs: readonly string[], ir: Pick<IrProgram, "streams">, option: string): Record<string, string> {
  const out: Record<string, string> = {};
  const streams = ir.streams.map((s) => s.name);
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0 || eq === pair.length - 1) throw new RangeError(`${option} takes STREAM=VALUE, got \`${pair}\``);
    const name = pair.slice(0, eq);
    if (!streams.includes(name)) {
      throw new RangeError(streams.length
        ? `${option}: the definition has no event stream \`${name}\` (its streams: ${streams.join(", ")})`
        : `${option}: the definition declares no event streams`);
    }
    if (name in out) throw new RangeError(`${option}: stream \`${name}\` is given twice`);
    out[name] = pair.slice(eq + 1);
  }
  return out;
}

/**
 * `--events STREAM=FILE` pairs (and `--events-memory MB`) opened for the join on `idColumn`: a
 * file of at most the budget read and grouped by lead id now, a larger one merged with the
 * sorted leads during the pass; none given: undefined. A bad pair or budget is a RangeError
 * (a usage error for the CLI).
 */
export function openEventFiles(pairs: readonly string[], ir: Pick<IrProgram, "streams">, idColumn: string, memoryMB?: string): EventFiles | undefined {
  if (pairs.length === 0) return undefined;
  const assigned = streamAssignments(pairs, ir, "--events");
  const budget = memoryMB === undefined ? DEFAULT_EVENTS_MEMORY_MB : Number(memoryMB);
  if (!(budget >= 0) || memoryMB?.trim() === "") throw new RangeError(`--events-memory takes a number of MB (0 or more), not \`${memoryMB}\``);
  return EventFiles.open(assigned, idColumn, budget);
}
