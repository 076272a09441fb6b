import { CsvBinder } from "./binder.js";
import { checkHeader } from "../sources/header-check.js";
import { firstRecordsEnd, lastRecordEnd } from "../sources/csv-cut.js";
import { CsvRecordReader } from "../sources/csv-records.js";
import type { ChunkResult } from "./csv-scorer.js";
import type { Opened, ParallelOptions, PieceSource } from "./run-parallel.js";

/**
 * CSV cut into pieces: the header is read on the main thread (the workers get it in their setup);
 * pieces end at the last record boundary (csv-cut, quote-aware). A file with an unreadable or
 * missing header, or no id column (ids are then row numbers, known only in order), takes the
 * single-threaded path.
 */
export function csvPieces(o: ParallelOptions): PieceSource<ChunkResult> {
  let binder: CsvBinder | undefined;
  return {
    prologue(first, eof, more): Opened | undefined {
      let carry = first;
      const delim = o.delimiter.charCodeAt(0);
      let headerEnd = firstRecordsEnd(carry, 1, eof, delim);
      while (headerEnd < 0) {
        if (eof) return undefined;
        const piece = more(carry);
        carry = piece.data;
        eof = piece.eof;
        headerEnd = firstRecordsEnd(carry, 1, eof, delim);
      }
      let header: string[] | undefined;
      let headerBad = false;
      const reader = new CsvRecordReader(
        (cells) => { header ??= cells; },
        () => { headerBad = true; },
        undefined,
        1,
        true,
        o.delimiter,
      );
      reader.push(carry.subarray(0, headerEnd).toString("utf8"));
      reader.end();
      if (!header || headerBad) return undefined;
      checkHeader(o.program.fields, header, o.idColumn, o.idExplicit);
      binder = new CsvBinder(o.program.fields, header, o.idColumn, o.read);
      if (binder.idIndex < 0) return undefined;
      return {
        setup: { format: "csv", ir: o.program.ir, header, idColumn: o.idColumn, asOf: o.asOf, columns: o.columns, full: o.full, outputFormat: o.outputFormat, read: o.read, delimiter: o.delimiter },
        rest: Buffer.from(carry.subarray(headerEnd)),
        eof,
        lineOffset: reader.nextLine - 1,
      };
    },
    cut: (data, eof) => lastRecordEnd(data, eof, o.delimiter.charCodeAt(0)),
    noted: () => ({ unknownColumns: binder?.unknownColumns ?? [], absentFields: binder?.absentFields.map((f) => f.path) ?? [] }),
  };
}
