import type { IrField } from "../../ir.js";
import { codecOf, type ReadOptions } from "../../runtime/codecs/codec.js";

/**
 * A CSV record as the lead object `Program.explain` takes (`explain --input`, the reasons of
 * `diff`): its non-empty cells under their header, the id column left out. `Program.explain`
 * reads text as `run` does by default, so the one reading it cannot know — `--decimal-comma` —
 * is applied here: a number field's cell becomes the number it spells (a cell that spells none
 * stays text, so explain refuses it as `run` would).
 */
export type CellReaders = ReadonlyMap<string, (cell: string) => unknown>;

/** The readers csvLead applies by column: number fields' under a decimal comma; none otherwise. */
export function leadCellReaders(fields: readonly IrField[], read: ReadOptions): CellReaders {
  const readers = new Map<string, (cell: string) => unknown>();
  if (read.decimalComma !== true) return readers;
  for (const f of fields) if (f.kind === "number") readers.set(f.column, codecOf(f, read).read);
  return readers;
}

/** The lead of one record; `names` are the header's trimmed cells. */
export function csvLead(names: readonly string[], cells: readonly string[], idColumn: string, readers: CellReaders): Record<string, unknown> {
  const lead: Record<string, unknown> = {};
  names.forEach((h, i) => {
    const cell = cells[i];
    if (cell === "" || cell === undefined || h === idColumn) return;
    const read = readers.get(h);
    if (read === undefined) lead[h] = cell;
    else {
      try {
        lead[h] = read(cell);
      } catch {
        lead[h] = cell;
      }
    }
  });
  return lead;
}
