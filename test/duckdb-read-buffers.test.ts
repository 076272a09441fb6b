// The DuckDB engine reads files through 2 MiB (leads CSV) and 4 MiB buffers (readers.ts): records
// and lines that cross a buffer's end, and a JSON line longer than a buffer, read exactly as the
// JS engine reads them.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile } from "../compiler/compile.js";
import { bothEngines } from "./support/both-engines.js";

const dir = mkdtempSync(join(tmpdir(), "leaddef-read-buffers-"));
const { program } = compile(`schema {
  n: number?
  note: string?
}
criterion big when n >= 50
hot when big and note contains "x"
`);
const both = bothEngines(program!, dir);

describe("DuckDB engine, files larger than its read buffers", () => {
  it("a 13 MB CSV with quoted multi-line cells and rejects crossing 2 MiB boundaries", async () => {
    const rows = ["id,n,note"];
    // ~75 bytes a record; every 997th has a quoted cell over two lines, every 1,009th an unreadable number.
    const count = 200_000;
    for (let r = 1; r <= count; r++) {
      const note = r % 997 === 0 ? `"line one x\nline two, ""quoted"""` : `note ${"x".repeat(r % 120)}`;
      rows.push(`L${r},${r % 1009 === 0 ? "many" : r % 100},${note}`);
    }
    const input = join(dir, "big.csv");
    writeFileSync(input, rows.join("\n") + "\n");
    expect(readFileSync(input).length).toBeGreaterThan(3 * 4 * 2 ** 20);
    const dk = await both(input, "csv");
    expect(dk.engine).toBe("duckdb");
    expect(dk.rowsRejected).toBe(Math.floor(count / 1009));
  });

  it("a JSON line longer than a read buffer (5 MB)", async () => {
    const lines = [
      JSON.stringify({ id: "a", n: 60, note: "x" }),
      JSON.stringify({ id: "b", n: 70, note: `x${"y".repeat(5_000_000)}` }),
      JSON.stringify({ id: "c", n: "lots", note: "x" }),
    ];
    const input = join(dir, "long-line.jsonl");
    writeFileSync(input, lines.join("\n") + "\n");
    const dk = await both(input, "jsonl");
    expect(dk.engine).toBe("duckdb");
    expect(dk.stages.find((s) => s.name === "hot")?.count).toBe(2);
  });
});
