// The wide benchmark (bench/wide/) writes bench/wide/wide.leaddef's rules by hand twice — a JS
// function and one plain DuckDB query — and `npm run bench` compares leaddef's engines with them.
// On 3,000 generated rows all of them must give the same results: the hand-written function, the
// plain query (CSV and Parquet), leaddef's evaluator, and `leaddef run` with either engine. And
// every stage must be reached, so the checksum is not comparing empty funnels. No timing here.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileFile } from "../compiler/compile.js";
// @ts-ignore -- plain ESM modules without type declarations
import { Checksum, checksumCsvText } from "../bench/lib/checksum.mjs";
// @ts-ignore
import { splitCsvLine } from "../bench/lib/leads.mjs";
// @ts-ignore
import { makeQualifier, toLead } from "../bench/wide/rules.mjs";
import { csvToParquet } from "./support/parquet.js";
import { CLI } from "./support/cli.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const AS_OF = "2026-11-22";
const haveCli = existsSync(CLI);
let dir: string;
let csv: string;
let reference: Checksum;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "leaddef-bench-wide-"));
  csv = join(dir, "wide.csv");
  const r = spawnSync(process.execPath, [join(root, "bench/wide/generate.mjs"), "--count", "3000", "--seed", "7", "--out", csv]);
  expect(r.status).toBe(0);
  const lines = readFileSync(csv, "utf8").trim().split("\n");
  const columns = lines[0].split(",");
  const qualify = makeQualifier(AS_OF);
  reference = new Checksum();
  for (const line of lines.slice(1)) {
    const lead = toLead(splitCsvLine(line), columns);
    const [stage, fit] = qualify(lead);
    reference.add(lead.id, stage, fit);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("wide benchmark: every implementation of bench/wide/wide.leaddef agrees", () => {
  it("the data reaches every stage", () => {
    expect(reference.n).toBe(3000);
    for (const count of reference.stages) expect(count).toBeGreaterThan(0);
  });

  it("leaddef's evaluator = the hand-written function", () => {
    const program = compileFile(join(root, "bench/wide/wide.leaddef")).program!;
    const lines = readFileSync(csv, "utf8").trim().split("\n");
    const columns = lines[0].split(",");
    const c = new Checksum();
    const STAGES: Record<string, number> = { none: 0, mql: 1, sal: 2, sql: 3 };
    for (const line of lines.slice(1)) {
      const lead = toLead(splitCsvLine(line), columns);
      const r = program.evaluate(lead, { asOf: AS_OF } as never) as { stage: string; scores: Record<string, number> };
      c.add(lead.id, STAGES[r.stage], r.scores.fit);
    }
    expect(c.toString()).toBe(reference.toString());
  });

  it("the plain DuckDB query, on the CSV and on Parquet", async () => {
    const parquet = join(dir, "wide.parquet");
    await csvToParquet(csv, parquet);
    for (const input of [csv, parquet]) {
      const out = join(dir, `plain-${input.endsWith(".parquet") ? "pq" : "csv"}.csv`);
      const r = spawnSync(process.execPath, [join(root, "bench/wide/plain-duckdb.mjs"), input, out, "--as-of", AS_OF]);
      expect(r.status, String(r.stderr)).toBe(0);
      expect(checksumCsvText(readFileSync(out, "utf8")).toString()).toBe(reference.toString());
    }
  }, 300_000);

  it.skipIf(!haveCli)("leaddef run, both engines", () => {
    for (const engine of ["js", "duckdb"]) {
      const out = join(dir, `run-${engine}.csv`);
      const r = spawnSync(process.execPath, [CLI, "run", join(root, "bench/wide/wide.leaddef"), "--input", csv, "--output", out, "--as-of", AS_OF, "--engine", engine]);
      expect(r.status, String(r.stderr)).toBe(0);
      expect(checksumCsvText(readFileSync(out, "utf8")).toString()).toBe(reference.toString());
    }
  }, 300_000);
});
