// A lead without an id is identified by its record number (CSV: its data record, malformed
// records counted; JSON Lines: its non-blank line). The DuckDB engine numbers such rows in JS as
// it reads its results back (compiler/batch/duckdb/record-number.ts), on both results paths —
// the one-pass CSV file and the Parquet results file (JSON Lines output, standard output,
// definitions with event streams) — so any number of blank lines or malformed records is scored
// by DuckDB itself, with the JS engine's output, rejects and counts.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile } from "../compiler/compile.js";
import type { RunSummary } from "../compiler/batch/summary.js";
import { bothEngines, bothEnginesOnJsonl, type BothEnginesHow } from "./support/both-engines.js";
import { csvToParquet } from "./support/parquet.js";
import { rng } from "./support/random-program.js";

const dir = mkdtempSync(join(tmpdir(), "leaddef-record-numbers-"));

const SCHEMA = "schema {\n  n: number\n  s: string?\n}\n";
const plain = compile(`${SCHEMA}criterion big when n >= 10\nhot when big\n`).program!;
const withStream = compile(`${SCHEMA}events activity {\n  occurred: date\n}\ncriterion big when n >= 10\ncriterion engaged when count(activity) >= 1\nhot when big or engaged\n`).program!;

/** The notice of a run DuckDB handed to the JS engine. */
const HANDED_OVER = /scoring with the JS engine instead/;

/** DuckDB scored the run itself. */
function scoredByDuckdb(dk: RunSummary): void {
  expect(dk.warnings.filter((w) => HANDED_OVER.test(w))).toEqual([]);
  expect(dk.engine).toBe("duckdb");
}

/** The outputs that take the Parquet results path, and the CSV file (the one-pass path). */
const OUTPUTS: BothEnginesHow["output"][] = ["jsonl", "stream", "csv"];

/**
 * JSON Lines with more than 200 blank lines (some in runs, some only spaces), rows mostly
 * without ids, rejected rows, lines that are not JSON; `ids`: every row has one.
 */
function jsonlLeads(seed: number, ids = false): string {
  const r = rng(seed);
  const lines = ["", "  "];
  let blanks = 2;
  for (let k = 0; k < 1_200; k++) {
    const pick = r();
    if (pick < 0.25) {
      lines.push(pick < 0.05 ? " \t" : "");
      blanks++;
    } else if (pick < 0.28) lines.push("{not json");
    else if (pick < 0.33) lines.push(JSON.stringify({ ...(ids ? { id: `L${k}` } : {}), n: "lots" }));
    else {
      const lead: Record<string, unknown> = { n: Math.floor(r() * 20) };
      if (r() < 0.3) lead.s = r() < 0.5 ? "a, b" : `s${k}`;
      if (ids || r() < 0.05) lead.id = `L${k}`;
      lines.push(JSON.stringify(lead));
    }
  }
  expect(blanks).toBeGreaterThan(200);
  return lines.join("\n") + "\n";
}

/**
 * CSV with more than 200 malformed records (too many or too few cells), rejected values,
 * multi-line quoted cells and blank lines; without an id column unless `ids`.
 */
function csvLeads(seed: number, ids = false): string {
  const r = rng(seed);
  const rows = [ids ? "id,n,s" : "n,s"];
  let malformed = 0;
  for (let k = 0; k < 1_200; k++) {
    const id = ids ? `L${k},` : "";
    const pick = r();
    if (pick < 0.25) {
      rows.push(pick < 0.12 ? `${id}1,2,3` : ids ? `L${k}` : "7");
      malformed++;
    } else if (pick < 0.3) rows.push(`${id}lots,x`);
    else if (pick < 0.32) rows.push(`${id}${Math.floor(r() * 20)},"two\nlines"`);
    else if (pick < 0.33) rows.push("");
    else rows.push(`${id}${Math.floor(r() * 20)},${r() < 0.3 ? '"a, b"' : `s${k}`}`);
  }
  expect(malformed).toBeGreaterThan(200);
  return rows.join("\n") + "\n";
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("DuckDB engine: rows without an id get their record numbers, however many blank lines or malformed records", () => {
  it("JSON Lines, more than 200 blank lines: JSON Lines output, standard output, a CSV file", async () => {
    const both = bothEnginesOnJsonl(plain, dir);
    for (const seed of [1, 2]) {
      const text = jsonlLeads(seed);
      for (const output of OUTPUTS) {
        const dk = await both(text, { output });
        scoredByDuckdb(dk);
        expect(dk.rowsRejected).toBeGreaterThan(50);
      }
    }
  });

  it("CSV without an id column, more than 200 malformed records: JSON Lines output, standard output, a CSV file", async () => {
    const both = bothEngines(plain, dir);
    for (const seed of [3, 4]) {
      const input = file(`no-id-${seed}.csv`, csvLeads(seed));
      for (const output of OUTPUTS) {
        const dk = await both(input, "csv", { output });
        scoredByDuckdb(dk);
        expect(dk.rowsRejected).toBeGreaterThan(250);
      }
    }
  });

  it("a definition with an event stream (its results always go through the Parquet file), CSV without an id column, no --events", async () => {
    const both = bothEngines(withStream, dir);
    const input = file("no-id-stream.csv", csvLeads(5));
    for (const output of OUTPUTS) scoredByDuckdb(await both(input, "csv", { output }));
  });

  it("Parquet without an id column, a definition with an event stream: each row numbered by its position", async () => {
    const both = bothEngines(withStream, dir);
    // Single-line records, none malformed: a Parquet row is then the CSV record of its position.
    const csv = file("no-id-stream-parquet.csv", csvLeads(10).split("\n").filter((l, k) => k === 0 || /^\d+,s\d+$|^lots,x$/.test(l)).join("\n") + "\n");
    const parquet = csv.replace(/\.csv$/, ".parquet");
    await csvToParquet(csv, parquet);
    for (const output of OUTPUTS) scoredByDuckdb(await both(csv, "csv", { output, parquet }));
  });

  it("--events, Parquet without an id column: the events join on each row's number, as the JS engine joins the CSV's records", async () => {
    const text = csvLeads(11).split("\n").filter((l, k) => k === 0 || /^\d+,s\d+$|^lots,x$/.test(l)).join("\n") + "\n";
    const csv = file("no-id-events-parquet.csv", text);
    const parquet = csv.replace(/\.csv$/, ".parquet");
    await csvToParquet(csv, parquet);
    // events for small rows' numbers (so that only the events make them `hot`), and for a number past the end
    const small = text.split("\n").slice(1).flatMap((l, k) => (/^\d,/.test(l) ? [k + 1] : [])).slice(0, 40);
    expect(small.length).toBeGreaterThan(10);
    const events = file("activity-row-numbers.csv", ["id,occurred", ...small.map((k) => `${k},2026-11-02`), "99999,2026-11-03"].join("\n") + "\n");
    const both = bothEngines(withStream, dir);
    for (const output of OUTPUTS) scoredByDuckdb(await both(csv, "csv", { output, parquet, events: [`activity=${events}`] }));
  });

  it("--events: leads with ids among more than 200 blank lines or malformed records, to every output", async () => {
    const events = file("activity.csv", ["id,occurred", ...Array.from({ length: 300 }, (_, k) => `L${k * 3},2026-11-${String(1 + (k % 20)).padStart(2, "0")}`)].join("\n") + "\n");
    const both = bothEngines(withStream, dir);
    const jsonl = file("ids-stream.jsonl", jsonlLeads(6, true));
    const csv = file("ids-stream.csv", csvLeads(7, true));
    for (const output of OUTPUTS) {
      scoredByDuckdb(await both(jsonl, "jsonl", { output, events: [`activity=${events}`] }));
      scoredByDuckdb(await both(csv, "csv", { output, events: [`activity=${events}`] }));
    }
  });

  it("--events: leads without ids are joined on their record numbers in DuckDB when rows give them by position (CSV without malformed records, JSON Lines of objects only)", async () => {
    const r = rng(12);
    const ids = Array.from({ length: 300 }, () => 1 + Math.floor(r() * 1_000));
    const events = file("activity-positions.csv", ["id,occurred", ...ids.map((id, k) => `${id},2026-11-${String(1 + (k % 20)).padStart(2, "0")}`)].join("\n") + "\n");
    const both = bothEngines(withStream, dir);
    // CSV: no id column; blank lines, quoted multi-line cells and rejected values, no malformed record.
    const csv = ["n,s"];
    for (let k = 0; k < 1_000; k++) {
      const pick = r();
      if (pick < 0.03) csv.push("");
      else if (pick < 0.06) csv.push(`${Math.floor(r() * 20)},"two\nlines"`);
      else if (pick < 0.1) csv.push("lots,x");
      else csv.push(`${Math.floor(r() * 20)},s${k}`);
    }
    // JSON Lines: objects only (no blank line), most without an id, some with one, some rejected.
    const jsonl: string[] = [];
    for (let k = 0; k < 1_000; k++) {
      const lead: Record<string, unknown> = { n: r() < 0.05 ? "lots" : Math.floor(r() * 20) };
      if (r() < 0.1) lead.id = `L${k}`;
      jsonl.push(JSON.stringify(lead));
    }
    const csvFile = file("positions.csv", csv.join("\n") + "\n");
    const jsonlFile = file("positions.jsonl", jsonl.join("\n") + "\n");
    for (const output of OUTPUTS) {
      scoredByDuckdb(await both(csvFile, "csv", { output, events: [`activity=${events}`] }));
      scoredByDuckdb(await both(jsonlFile, "jsonl", { output, events: [`activity=${events}`] }));
    }
  });

  it("--events: leads without ids go to the JS engine for the join on ids (their record numbers), not for their blank lines or malformed records", async () => {
    const events = file("activity-numbers.csv", "id,occurred\n1,2026-11-01\n250,2026-11-02\n900,2026-11-03\n");
    const both = bothEngines(withStream, dir);
    const handedOver = [
      await both(file("no-id-events.jsonl", jsonlLeads(8)), "jsonl", { output: "jsonl", events: [`activity=${events}`] }),
      await both(file("no-id-events.csv", csvLeads(9)), "csv", { output: "stream", events: [`activity=${events}`] }),
    ];
    for (const dk of handedOver) {
      expect(dk.engine).toBe("js");
      expect(dk.warnings.filter((w) => HANDED_OVER.test(w))).toEqual([expect.stringMatching(/^the events join on lead ids, and .* (have none|has no id column) /)]);
    }
  });
});
