import type { Reject } from "./reject.js";
import { BufferedWriter, csvCell, REJECT_COLUMNS } from "./output.js";
import { reasonText } from "../runtime/codecs/reasons.js";

/**
 * The rejects file, opened on the first reject so a clean run leaves none behind. A path ending
 * in `.jsonl` (or `.ndjson`) gets JSON Lines — one object per rejected row, with every problem
 * and its reason code —, any other CSV: one line per problem (a row failing two fields has two
 * lines with the same line number).
 */
export class RejectLog {
  private writer: BufferedWriter | undefined;
  private readonly jsonl: boolean;
  /** Rejected rows. */
  count = 0;

  constructor(readonly path: string) {
    this.jsonl = /\.(jsonl|ndjson)$/i.test(path);
  }

  add(r: Reject): void {
    this.count++;
    if (!this.writer) {
      this.writer = new BufferedWriter(this.path);
      if (!this.jsonl) this.writer.append(`${REJECT_COLUMNS.join(",")}\n`);
    }
    if (this.jsonl) {
      const reasons = r.problems.map((p) => ({ field: p.field, value: p.value, code: p.reason.code, reason: reasonText(p.reason) }));
      this.writer.append(`${JSON.stringify({ line: r.line, id: r.id, reasons })}\n`);
      return;
    }
    for (const p of r.problems) this.writer.append(`${r.line},${csvCell(r.id)},${csvCell(p.field)},${csvCell(p.value)},${csvCell(reasonText(p.reason))}\n`);
  }

  async flush(): Promise<void> {
    await this.writer?.flush();
  }

  async close(): Promise<void> {
    await this.writer?.close();
  }
}
