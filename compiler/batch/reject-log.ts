import type { Reject } from "./js/binder.js";
import { BufferedWriter, csvCell, REJECT_COLUMNS } from "./output.js";
import { reasonText } from "../runtime/codecs/reasons.js";

/** The rejects file, opened on the first reject so a clean run leaves none behind. */
export class RejectLog {
  private writer: BufferedWriter | undefined;
  count = 0;

  constructor(readonly path: string) {}

  add(r: Reject): void {
    this.count++;
    if (!this.writer) {
      this.writer = new BufferedWriter(this.path);
      this.writer.append(`${REJECT_COLUMNS.join(",")}\n`);
    }
    this.writer.append(`${r.line},${csvCell(r.id)},${csvCell(r.field)},${csvCell(r.value)},${csvCell(reasonText(r.reason))}\n`);
  }

  async flush(): Promise<void> {
    await this.writer?.flush();
  }

  async close(): Promise<void> {
    await this.writer?.close();
  }
}
