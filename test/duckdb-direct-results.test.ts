// The DuckDB engine's one-pass results (compiler/batch/duckdb/direct-results.ts): the query writes
// one record per row, Node reads them once into the output file, the stage counts
// and the rejects. The reader against a plain reference on random records (line ends, colons and
// multi-byte text inside, records larger than its buffer); the engine against the JS engine on
// the inputs that take this path: CSV and Parquet to a CSV file, with ids that need quoting, text
// columns, rejects, and rows numbered by record when there is no id column.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { readDirectResults } from "../compiler/batch/duckdb/direct-results.js";
import { firstMemoryLimit, MEMORY, openDatabase, runDuckdb } from "../compiler/batch/duckdb/run.js";
import { runJs } from "../compiler/batch/js/run-js.js";
import { compile } from "../compiler/compile.js";
import { parseDateDays } from "../language/literals.js";
import { bothEngines, bothEnginesOnJsonl } from "./support/both-engines.js";
import { GRADED_DEFINITION } from "./support/graded-definition.js";
import { rng } from "./support/random-program.js";
import { csvToParquet } from "./support/parquet.js";

const dir = mkdtempSync(join(tmpdir(), "leaddef-direct-"));

describe("the results reader", () => {
  /** A cell as csvCell writes it: quoted (its quotes doubled) when it holds a quote, comma or line end. */
  const cell = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

  /** A random output line: cells of quotes, commas, line ends, colons, `r:` and multi-byte text; a few longer than the reader's buffer. */
  function line(r: () => number): Buffer {
    const parts = ["a", ",", ":", "\n", "r", "r:", "12:", "é", "漢", '"', '""', " ", "0", "\r\n"];
    const cells: string[] = [];
    const width = 1 + Math.floor(r() * 5);
    for (let k = 0; k < width; k++) {
      const pick = r();
      if (pick < 0.0003) {
        cells.push(cell(`big${'é:\n"'.repeat(Math.floor(300_000 + r() * 400_000))}`));
        continue;
      }
      let text = "";
      const n = Math.floor(r() * (pick < 0.2 ? 60 : 8));
      for (let i = 0; i < n; i++) text += parts[Math.floor(r() * parts.length)];
      cells.push(cell(text));
    }
    return Buffer.from(cells.join(","));
  }

  it("reads back every record written, whatever its bytes, across buffer refills", () => {
    for (const seed of [1, 2, 3]) {
      const r = rng(seed);
      const chunks: Buffer[] = [];
      const expected: Buffer[] = [Buffer.from("id,stage\n")];
      const stageCounts = [0, 0, 0, 0];
      const rejected: { pos: number; blanks: number; json: string }[] = [];
      const count = 3_000;
      let blanks = 0;
      for (let pos = 0; pos < count; pos++) {
        if (r() < 0.05) {
          chunks.push(Buffer.from("b:\n"));
          blanks++;
          continue;
        }
        if (r() < 0.1) {
          const json = JSON.stringify({ id: `x${pos}\n:"`, p: [{ field: "f", value: 'é:\nr:"', code: "c" }] });
          chunks.push(Buffer.from(`r:${json}\n`));
          rejected.push({ pos, blanks, json });
          continue;
        }
        const stage = 1 + Math.floor(r() * 3);
        const p = line(r);
        // Every other row has no id: the reader writes its number before the line.
        const noId = r() < 0.5;
        chunks.push(Buffer.from(`${stage}${noId ? "n" : ""}:`), p, Buffer.from("\n"));
        stageCounts[stage]++;
        if (noId) expected.push(Buffer.from(`#${pos}-${blanks}`));
        expected.push(p, Buffer.from("\n"));
      }
      const scratch = join(dir, `scratch-${seed}.txt`);
      writeFileSync(scratch, Buffer.concat(chunks));
      const out = join(dir, `out-${seed}.csv`);
      const read = readDirectResults(scratch, out, "id,stage", 3, (pos, before) => `#${pos}-${before}`);
      expect(read.rows).toBe(count - blanks);
      expect(read.written).toBe(count - blanks - rejected.length);
      expect(read.stageCounts).toEqual(stageCounts);
      expect(read.rejected).toEqual(rejected);
      expect(readFileSync(out).equals(Buffer.concat(expected))).toBe(true);
      // Some records were longer than the 1 MiB buffer, so it grew and refilled.
      expect(Math.max(...expected.map((b) => b.length))).toBeGreaterThan(2 ** 20);
    }
  });

  it("rows whose record numbers make the output longer than its buffer: every line written, in order", () => {
    // 400,000 short rows without ids, each numbered by a 40-byte text ending in a two-byte
    // character: ~3 MB of records become ~18 MB of output, more than the output buffer holds for
    // one buffer of records, and a number meets the buffer's end at every offset.
    const count = 400_000;
    const records = Buffer.from(Array.from({ length: count }, (_, i) => `${1 + (i % 2)}n:,${i % 10}\n`).join(""));
    const scratch = join(dir, "numbered.txt");
    writeFileSync(scratch, records);
    const out = join(dir, "numbered.csv");
    const idOf = (pos: number) => `row-${String(pos).padStart(34, "0")}é`;
    const read = readDirectResults(scratch, out, "id,v", 2, idOf);
    expect(read).toEqual({ rows: count, stageCounts: [0, count / 2, count / 2], rejected: [], written: count });
    const expected = ["id,v", ...Array.from({ length: count }, (_, i) => `${idOf(i)},${i % 10}`)].join("\n") + "\n";
    expect(readFileSync(out, "utf8") === expected).toBe(true);
  });

  it("an empty scratch file is a header alone; a truncated record is an internal error", () => {
    const empty = join(dir, "empty.txt");
    writeFileSync(empty, "");
    const out = join(dir, "empty.csv");
    const idOf = (pos: number) => String(pos + 1);
    expect(readDirectResults(empty, out, "id,stage", 2, idOf)).toEqual({ rows: 0, stageCounts: [0, 0, 0], rejected: [], written: 0 });
    expect(readFileSync(out, "utf8")).toBe("id,stage\n");
    const cut = join(dir, "cut.txt");
    writeFileSync(cut, '1:a,b,c\n2:"an open quote\n');
    expect(() => readDirectResults(cut, join(dir, "cut.csv"), "id", 2, idOf)).toThrow(/internal: a (malformed|truncated) results record at row 2/);
  });
});

describe("DuckDB engine, one pass to a CSV file ≡ JS engine", () => {
  const { program } = compile(GRADED_DEFINITION);
  const both = bothEngines(program!, dir);
  const header = "id,company.employees,company.industry,contact.email,engagement.score,deal.won";
  const ids = ["plain", 'with "quotes"', "with, comma", "two\nlines", " leading", "trailing\u00a0", "r:1:x", "1:2:", "é漢", ""];
  const industries = ["telecom", "education", "financial_services", "other", "oil", "TELECOM"];

  function leads(seed: number, count: number, withId: boolean): string {
    const r = rng(seed);
    const q = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    const rows = [withId ? header : header.slice("id,".length)];
    for (let k = 0; k < count; k++) {
      const employees = r() < 0.1 ? "lots" : r() < 0.2 ? "" : String(Math.floor(r() * 3000));
      const email = r() < 0.1 ? "a@competitor.com" : r() < 0.2 ? "" : `p${k}@x.com`;
      const score = r() < 0.05 ? "" : String(Math.floor(r() * 100));
      const cells = [employees, industries[Math.floor(r() * industries.length)], email, score, r() < 0.5 ? "yes" : "no"];
      const id = `${ids[Math.floor(r() * ids.length)]}${k}`;
      rows.push((withId ? [id, ...cells] : cells).map(q).join(","));
    }
    return rows.join("\n") + "\n";
  }

  it("ids that need quoting, rejects, and text columns (a disqualification's reason, a grade's letter)", async () => {
    for (const seed of [11, 12]) {
      const input = join(dir, `leads-${seed}.csv`);
      writeFileSync(input, leads(seed, 2_000, true));
      const dk = await both(input, "csv");
      expect(dk.engine).toBe("duckdb");
      expect(dk.rowsRejected).toBeGreaterThan(100);
      expect(dk.rowsWritten).toBeGreaterThan(1_000);
    }
  });

  it("no id column: each row's id is its record number, malformed records counted", async () => {
    const text = leads(13, 1_500, false).split("\n");
    // Two records of the wrong width: the records after them keep their numbers.
    text.splice(200, 0, "1,2");
    text.splice(900, 0, "1,2,3,4,5,6,7");
    const input = join(dir, "no-id.csv");
    writeFileSync(input, text.join("\n"));
    const dk = await both(input, "csv");
    expect(dk.engine).toBe("duckdb");
    expect(dk.rowsRejected).toBeGreaterThan(2);
  });

  it("every row rejected, and no rows at all", async () => {
    const rejectedOnly = join(dir, "all-rejected.csv");
    writeFileSync(rejectedOnly, `${header}\na,lots,oil,,x,maybe\nb,1,oil,,,\n`);
    expect((await both(rejectedOnly, "csv")).rowsWritten).toBe(0);
    const none = join(dir, "none.csv");
    writeFileSync(none, `${header}\n`);
    expect((await both(none, "csv")).rowsRead).toBe(0);
  });

  it("Parquet, with and without an id column, scores as the same rows in CSV", async () => {
    for (const withId of [true, false]) {
      const csv = join(dir, `parquet-src-${withId}.csv`);
      // Single-line records, so a Parquet row's line (its position + 1) is the CSV record's.
      writeFileSync(csv, leads(14, 1_000, withId).replace(/"[^"]*\n[^"]*"/g, "joined"));
      const parquet = csv.replace(/\.csv$/, ".parquet");
      await csvToParquet(csv, parquet);
      const base = { program: program!, asOf: parseDateDays("2026-11-22"), idColumn: "id", columns: "all" as const, outputFormat: "csv" as const };
      const out = (k: string) => join(dir, `parquet-${withId}-${k}`);
      const js = await runJs({ ...base, input: csv, inputFormat: "csv", output: out("js.csv"), rejectsPath: out("js.rej.csv") });
      const dk = await runDuckdb({ ...base, input: parquet, inputFormat: "parquet", output: out("dk.csv"), rejectsPath: out("dk.rej.csv"), threads: 2 });
      expect(dk.engine).toBe("duckdb");
      expect(readFileSync(out("dk.csv"), "utf8")).toBe(readFileSync(out("js.csv"), "utf8"));
      expect(readFileSync(out("dk.rej.csv"), "utf8")).toBe(readFileSync(out("js.rej.csv"), "utf8"));
      expect({ read: dk.rowsRead, written: dk.rowsWritten, rejected: dk.rowsRejected, stages: dk.stages }).toEqual({ read: js.rowsRead, written: js.rowsWritten, rejected: js.rowsRejected, stages: js.stages });
    }
  });

  it("JSON Lines: blank lines, rows without ids (numbered by non-blank line), unreadable lines", async () => {
    const jsonl = bothEnginesOnJsonl(program!, dir);
    for (const seed of [15, 16]) {
      const r = rng(seed);
      const lines: string[] = [];
      for (let k = 0; k < 1_500; k++) {
        const pick = r();
        if (pick < 0.03) lines.push("");
        else if (pick < 0.04) lines.push("{not json");
        else if (pick < 0.05) lines.push("[1, 2]");
        else {
          const lead: Record<string, unknown> = {
            company: { employees: r() < 0.1 ? "lots" : Math.floor(r() * 3000), industry: industries[Math.floor(r() * industries.length)] },
            contact: { email: r() < 0.1 ? "a@competitor.com" : `p${k}@x.com` },
            engagement: { score: Math.floor(r() * 100) },
          };
          if (r() < 0.7) lead.id = `${ids[Math.floor(r() * ids.length)]}${k}`;
          lines.push(JSON.stringify(lead));
        }
      }
      const dk = await jsonl(lines.join("\n") + "\n");
      expect(dk.engine).toBe("duckdb");
      expect(dk.rowsRejected).toBeGreaterThan(20);
    }
  });

  it("a run that runs out of its first memory limit is run again with more", async () => {
    const input = join(dir, "memory.csv");
    writeFileSync(input, leads(17, 3_000, true));
    const base = { program: program!, input, inputFormat: "csv" as const, asOf: parseDateDays("2026-11-22"), idColumn: "id", columns: "all" as const, outputFormat: "csv" as const };
    const js = await runJs({ ...base, output: join(dir, "mem-js.csv"), rejectsPath: join(dir, "mem-js.rej.csv") });
    const limits: string[] = [];
    const create = DuckDBInstance.create;
    DuckDBInstance.create = async function (this: typeof DuckDBInstance, path?: string, options?: Record<string, string>) {
      limits.push(String(options?.memory_limit));
      return create.call(this, path, options);
    } as typeof create;
    try {
      const dk = await runDuckdb({ ...base, output: join(dir, "mem-dk.csv"), rejectsPath: join(dir, "mem-dk.rej.csv"), threads: 2, firstMemoryForTests: "1MB" });
      expect(limits).toEqual(["1MB", "1GB"]);
      expect(dk.engine).toBe("duckdb");
      expect(readFileSync(join(dir, "mem-dk.csv"), "utf8")).toBe(readFileSync(join(dir, "mem-js.csv"), "utf8"));
      expect(readFileSync(join(dir, "mem-dk.rej.csv"), "utf8")).toBe(readFileSync(join(dir, "mem-js.rej.csv"), "utf8"));
      expect(dk.rowsRejected).toBe(js.rowsRejected);
      // A limit the caller sets stands: running out of it is an error, not a second run.
      limits.length = 0;
      await expect(runDuckdb({ ...base, output: join(dir, "mem-dk2.csv"), rejectsPath: join(dir, "mem-dk2.rej.csv"), threads: 2, memoryLimit: "1MB" })).rejects.toThrow(/Out of Memory/);
      expect(limits).toEqual(["1MB"]);
      // The defaults: one streaming pass, a run with event streams, JSON Lines.
      expect(firstMemoryLimit({ inputFormat: "csv", program: program! })).toBe("128MB");
      expect(firstMemoryLimit({ inputFormat: "parquet", program: program! })).toBe("128MB");
      expect(firstMemoryLimit({ inputFormat: "csv", program: compile("events a {\n  occurred: date\n}\nscore s {\n  +1 per a\n}\n").program! })).toBe("256MB");
      expect(firstMemoryLimit({ inputFormat: "jsonl", program: program! })).toBe(MEMORY);
    } finally {
      DuckDBInstance.create = create;
    }
  });

  it("a database the caller opened: the run sets its limits on it, runs again on it when out of memory, and leaves it open", async () => {
    const input = join(dir, "given.csv");
    writeFileSync(input, leads(19, 3_000, true));
    const base = { program: program!, input, inputFormat: "csv" as const, asOf: parseDateDays("2026-11-22"), idColumn: "id", columns: "all" as const, outputFormat: "csv" as const };
    await runJs({ ...base, output: join(dir, "given-js.csv"), rejectsPath: join(dir, "given-js.rej.csv") });
    const database = openDatabase(2);
    const dk = await runDuckdb({ ...base, output: join(dir, "given-dk.csv"), rejectsPath: join(dir, "given-dk.rej.csv"), database, firstMemoryForTests: "1MB" });
    expect(dk.engine).toBe("duckdb");
    expect(readFileSync(join(dir, "given-dk.csv"), "utf8")).toBe(readFileSync(join(dir, "given-js.csv"), "utf8"));
    expect(readFileSync(join(dir, "given-dk.rej.csv"), "utf8")).toBe(readFileSync(join(dir, "given-js.rej.csv"), "utf8"));
    // Still open, at the limit of the run's second attempt; and a second run on it scores the same.
    const con = await (await database).connect();
    expect((await con.runAndReadAll("SELECT current_setting('memory_limit')")).getRows()[0][0]).toMatch(/^(953\.6 MiB|1\.0 GiB|1000\.0 MB|1GB)$/);
    con.closeSync();
    await runDuckdb({ ...base, output: join(dir, "given-dk2.csv"), rejectsPath: join(dir, "given-dk2.rej.csv"), database });
    expect(readFileSync(join(dir, "given-dk2.csv"), "utf8")).toBe(readFileSync(join(dir, "given-js.csv"), "utf8"));
    (await database).closeSync();
  });
});
