import { closeSync, openSync, readSync } from "node:fs";
import { CsvRecordReader } from "./csv-records.js";
import { noCsvHeader } from "./inputs.js";

/**
 * Throws `noCsvHeader` when the CSV file holds no record at all (empty, or only blank lines), so
 * that every engine refuses it the same way before writing anything. Reads only up to the first
 * record.
 */
export function assertCsvHeader(path: string): void {
  const fd = openSync(path, "r");
  let found = false;
  try {
    const reader = new CsvRecordReader(() => { found = true; }, () => { found = true; });
    const buf = Buffer.alloc(1 << 16);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      // Only record boundaries matter here: a character cut at the buffer's end cannot move one.
      reader.push(buf.toString("utf8", 0, n));
      if (found) return;
    }
    reader.end();
  } finally {
    closeSync(fd);
  }
  if (!found) throw noCsvHeader(path);
}
