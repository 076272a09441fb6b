// The benchmark's peers (bench/peers, bench/e2e, bench/lib/sql.mjs) each re-implement
// bench/bench.leaddef in another engine's language. This runs every one of them on 2,000 generated
// leads and checks that they all produce the hand-written reference's results. No timing here.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-ignore -- plain ESM modules without type declarations
import { generateLeads, COLUMNS, toCsvLine, toJsonLine } from "../examples/generate-leads.mjs";
// @ts-ignore
import { loadLeads } from "../bench/lib/leads.mjs";
// @ts-ignore
import { Checksum, STAGE_INDEX, checksumCsvText } from "../bench/lib/checksum.mjs";
import { CLI } from "./support/cli.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const AS_OF = "2026-11-22";
const COUNT = 2000;
const haveCompiler = existsSync(join(root, "dist", "compiler", "index.js"));
const haveCli = existsSync(CLI);

let dir: string;
let csv: string;
let rows: any[];
let leads: any[];
let reference: string;

async function runPeer(name: string): Promise<{ checksum: string; stages: number[] }> {
  const peer = await import(`../bench/peers/${name}.mjs`);
  const engine = await peer.setup({ asOf: AS_OF, leads, n: leads.length, csvPath: csv });
  const n = leads.length;
  const stage = new Int8Array(n).fill(-1);
  const fit = new Int16Array(n);
  await engine.run(leads, n, stage, fit, STAGE_INDEX);
  await engine.close?.();
  const ids: string[] = engine.ids ?? leads.map((l) => l.id);
  const c = new Checksum();
  for (let i = 0; i < n; i++) c.add(ids[i], stage[i], fit[i]);
  return { checksum: c.toString(), stages: c.stages };
}

function runScript(args: string[], out: string): string {
  rmSync(out, { force: true });
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return checksumCsvText(readFileSync(out, "utf8")).toString();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "leaddef-bench-"));
  csv = join(dir, "leads.csv");
  rows = [...generateLeads({ seed: 42, count: COUNT, badRowRate: 0 })];
  writeFileSync(csv, COLUMNS.join(",") + "\n" + rows.map((r) => toCsvLine(r) + "\n").join(""));
  leads = loadLeads(csv);
  reference = (await runPeer("handwritten")).checksum;
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("bench data", () => {
  it("loads the CSV into the same nested objects as the generator's JSON Lines (dates as YYYY-MM-DD)", () => {
    expect(leads.length).toBe(COUNT);
    for (let i = 0; i < COUNT; i++) {
      const expected = JSON.parse(toJsonLine(rows[i]));
      const last = expected.engagement?.last_activity;
      if (typeof last === "string") expected.engagement.last_activity = last.slice(0, 10);
      expect(leads[i]).toEqual(expected);
    }
  });

  it("reaches every stage, so the checksum covers every rule", async () => {
    const { stages } = await runPeer("handwritten");
    expect(stages.every((n: number) => n > 0)).toBe(true);
  });
});

describe("in-memory peers agree with the hand-written reference", () => {
  for (const name of ["json-logic", "cel", "filtrex", "json-rules-engine", "zen", "duckdb"]) {
    it(name, async () => {
      expect((await runPeer(name)).checksum).toBe(reference);
    }, 60_000);
  }
  it.skipIf(!haveCompiler)("leaddef (compiled bench/bench.leaddef)", async () => {
    expect((await runPeer("leaddef")).checksum).toBe(reference);
  }, 60_000);
});

describe("end-to-end peers agree with the hand-written reference", () => {
  for (const name of ["fast-reader", "csv-parse", "duckdb-copy"]) {
    it(name, () => {
      const out = join(dir, `${name}.csv`);
      expect(runScript([join(root, "bench", "e2e", `${name}.mjs`), csv, out, "--as-of", AS_OF], out)).toBe(reference);
    }, 60_000);
  }
  it.skipIf(!haveCli)("leaddef run (CLI)", () => {
    const out = join(dir, "leaddef.csv");
    const args = [CLI, "run", join(root, "bench", "bench.leaddef"),
      "--input", csv, "--output", out, "--as-of", AS_OF];
    expect(runScript(args, out)).toBe(reference);
  }, 60_000);
});
