import type { Program } from "../../runtime/program.js";
import { withNumberAsWritten } from "./json-overflow.js";
import { idText, JsonBinder, jsonIdValue, streamReaderOf } from "./binder.js";
import { type Reject, rejectOf } from "../reject.js";
import type { ChunkResult } from "./csv-scorer.js";
import { isUtf8 } from "node:buffer";
import { JsonLinesReader, type QuickLineReader } from "../sources/inputs.js";
import { JsonLineScanner, type LineBytes } from "./json-line-scanner.js";
import { decodeUtf8 } from "../sources/utf8.js";
import type { OutputFormat } from "../output.js";
import type { ReadOptions } from "../../runtime/codecs/codec.js";
import { RowScorer, StringSink } from "./row-scorer.js";

/** What scoring one piece of JSON Lines produced. Line numbers count from 1 at the piece's start. */
export interface JsonlChunkResult extends ChunkResult {
  /**
   * The lines of the rows in which the piece's own binder (noting without limit) found keys that
   * are not fields and not seen before in the piece. Only these rows can add to the run's list,
   * so noting them again in input order, on one binder, gives exactly the single-threaded list.
   */
  unknownRows: string[];
  /**
   * Some row has no id, so its id is its row number, which depends on the rows before the piece:
   * the piece must be scored again where that is known. The piece's text is then sent back.
   */
  text?: string;
  /** That text holds invalid UTF-8 marks (sources/utf8.ts). */
  marked?: boolean;
}

/**
 * Scores whole lines of JSON Lines (a piece cut just after a newline) exactly as the
 * single-threaded path does: the same reader, binder and evaluator, one piece at a time.
 */
export class JsonlChunkScorer {
  constructor(
    private readonly program: Program,
    private readonly idColumn: string,
    private readonly asOf: number,
    private readonly columns: string[],
    private readonly full: boolean,
    private readonly outputFormat: OutputFormat,
    private readonly read: ReadOptions = {},
  ) {}

  /**
   * Scores `text`; `rowBase` is the number of rows before the piece (the ids of rows without
   * one), undefined when not known: a piece that needs it then comes back with its text.
   * `marked`: the text holds invalid UTF-8 marks (sources/utf8.ts).
   */
  score(text: string, rowBase?: number, marked = false): JsonlChunkResult {
    return this.scoreLines((reader) => reader.push(text, marked), () => text, marked, rowBase);
  }

  /**
   * Scores a worker's piece of bytes as `score` scores its text, with the same result. Valid
   * UTF-8 (nearly always) is decoded line by line (JsonLinesReader.pushValidUtf8), never as one
   * string; anything else is decoded whole with its invalid bytes marked (sources/utf8.ts).
   */
  scorePiece(bytes: Uint8Array): JsonlChunkResult {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (!isUtf8(buf)) {
      const { text, marked } = decodeUtf8(buf);
      return this.score(text, undefined, marked);
    }
    return this.scoreLines((reader, quick) => reader.pushValidUtf8(buf, quick), () => buf.toString("utf8"), false, undefined);
  }

  /**
   * The one scoring loop: `feed` gives the reader the piece (with the quick reader of valid
   * UTF-8 lines, if it can use one); `textOf` is the piece's text, if it must come back.
   */
  private scoreLines(feed: (reader: JsonLinesReader, quick: QuickLineReader | undefined) => void, textOf: () => string, marked: boolean, rowBase: number | undefined): JsonlChunkResult {
    const { program, idColumn } = this;
    const streams = streamReaderOf(program);
    const binder = new JsonBinder(program.fields, idColumn, Infinity, this.read, streams);
    const sink = new StringSink();
    const scorer = new RowScorer(program, this.asOf, this.columns, this.full, sink, this.outputFormat);
    const rejects: Reject[] = [];
    const unknownRows: string[] = [];
    let rows = 0;
    let needsRowBase = false;
    /** Counts a lead row and gives its number; an id that falls back to it needs the row base. */
    const nextRow = (idValue: unknown): number => {
      rows++;
      if (idValue === undefined || idValue === null) needsRowBase = true;
      return (rowBase ?? 0) + rows;
    };
    /** Scores a bound row (or keeps its reject); `lineText` gives the line, needed only for a reject. */
    const scoreBound = (reject: Reject | undefined, idValue: unknown, row: number, lineText: () => string) => {
      if (reject) rejects.push(withNumberAsWritten(reject, lineText(), program.fields));
      else scorer.emit(idText(idValue, row));
    };
    // Events inside leads are read from the parsed object only.
    const scanner = streams ? undefined : JsonLineScanner.of(program.fields, idColumn, (path) => binder.knows(path));
    const quick: QuickLineReader | undefined = scanner && ((bytes, start, end, line) => {
      if (!scanner.scan(bytes as LineBytes, start, end)) return false;
      const idValue = scanner.id;
      const row = nextRow(idValue);
      scoreBound(binder.bindScanned(scanner.raw, idValue, line, row, scorer.vals), idValue, row, () => bytes.toString("utf8", start, end));
      return true;
    });
    const reader = new JsonLinesReader(
      (value, line, lineText) => {
        // read once: whether the id falls back to the row number, and (below) the id itself
        const idValue = jsonIdValue(value, idColumn);
        const row = nextRow(idValue);
        const known = binder.unknownColumns.length;
        const reject = binder.bind(value, line, row, scorer.vals);
        if (binder.unknownColumns.length > known) unknownRows.push(lineText);
        scoreBound(reject, idValue, row, () => lineText);
      },
      (line, reason, raw) => {
        rows++;
        rejects.push(rejectOf(line, "", "", raw, reason));
      },
      false,
    );
    feed(reader, quick);
    reader.end();
    const result: JsonlChunkResult = { out: sink.text, rejects, stageCounts: scorer.stageCounts, rows, lines: reader.lines, unknownRows };
    if (needsRowBase && rowBase === undefined) {
      result.text = textOf();
      result.marked = marked;
    }
    return result;
  }
}
