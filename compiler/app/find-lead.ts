import { csvLead, leadCellReaders } from "../batch/js/csv-lead.js";
import { checkHeader } from "../batch/sources/header-check.js";
import type { InputFormat } from "../batch/sources/inputs.js";
import { readRecords, type ReadingOptions } from "../batch/sources/record-source.js";
import type { Program } from "../runtime/program.js";

/**
 * `explain --input FILE --id ID`: the lead with that id, read through the record source `run`
 * uses (delimiter, decimal comma, report trailer, whole-file errors), so a row is split and
 * its numbers read here exactly as when it is scored. A CSV row comes back as flat dotted keys
 * (empty cells left out), a JSON Lines row as written. The header must hold the id column and
 * every required field's column, as `run --id` demands.
 */
export async function findLead(program: Program, input: string, format: InputFormat, idColumn: string, id: string, reading: ReadingOptions): Promise<Record<string, unknown> | undefined> {
  let found: Record<string, unknown> | undefined;
  let names: string[] = [];
  let idIndex = -1;
  const readers = leadCellReaders(program.fields, { decimalComma: reading.decimalComma === true });
  await readRecords(input, format, reading, {
    onHeader: (cells) => {
      checkHeader(program.fields, cells, idColumn, true);
      names = cells.map((h) => h.trim());
      idIndex = names.indexOf(idColumn);
    },
    onCsvRecord: (cells) => {
      if (!found && cells[idIndex] === id) found = csvLead(names, cells, idColumn, readers);
    },
    onJson: (value) => {
      if (!found && String(value[idColumn]) === id) found = value;
    },
    onBad: () => undefined,
    done: () => found !== undefined,
  });
  return found;
}
