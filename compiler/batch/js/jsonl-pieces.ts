import { JsonBinder, streamReaderOf } from "./binder.js";
import { JsonlChunkScorer, type JsonlChunkResult } from "./jsonl-scorer.js";
import type { ParallelOptions, PieceSource } from "./run-parallel.js";

/**
 * JSON Lines cut into pieces: no prologue and no multi-line records, so a piece ends after its
 * last newline. A byte-order mark opening the file is dropped, as the single-threaded reader
 * drops it from line 1. A piece holding a row without an id (whose id is then its row number,
 * known only in order) is scored again on this thread at its turn; keys that are not fields are
 * noted again in input order from the workers' candidate rows.
 */
export function jsonlPieces(o: ParallelOptions): PieceSource<JsonlChunkResult> {
  let local: JsonlChunkScorer | undefined;
  const unknown = new JsonBinder(o.program.fields, o.idColumn, 100, {}, streamReaderOf(o.program));
  return {
    prologue: (first, eof) => ({
      setup: { format: "jsonl", ir: o.program.ir, header: [], idColumn: o.idColumn, asOf: o.asOf, columns: o.columns, full: o.full, outputFormat: o.outputFormat, read: o.read, delimiter: "," },
      rest: first,
      eof,
      lineOffset: 0,
    }),
    opening(data, eof) {
      if (data.length < 3 && !eof) return undefined;
      if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) {
        const rest = Buffer.allocUnsafeSlow(data.length - 3); // unpooled: it is moved
        data.copy(rest, 0, 3);
        return rest;
      }
      return data;
    },
    cut: (data, eof) => (eof ? data.length : data.lastIndexOf(10) + 1),
    atTurn(r, rowsBefore) {
      if (r.text !== undefined) {
        local ??= new JsonlChunkScorer(o.program, o.idColumn, o.asOf, o.columns, o.full, o.outputFormat, o.read);
        r = local.score(r.text, rowsBefore, r.marked);
      }
      for (const text of r.unknownRows) unknown.noteUnknownKeys(JSON.parse(text) as Record<string, unknown>);
      return r;
    },
    noted: () => ({ unknownColumns: unknown.unknownColumns, absentFields: [] }),
  };
}
