// One record source for every command that reads leads (compiler/batch/sources/record-source.ts):
// `explain --input`, `diff`, `report`, `sweep` and `outcomes` read a semicolon-delimited,
// decimal-comma export with a report trailer exactly as `run` does, and refuse a file that is
// wrong as a whole with the same error and exit 1.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileFile } from "../compiler/compile.js";
import { diffOnData } from "../compiler/analysis/diff.js";
import { asOfDays } from "../compiler/runtime/program.js";
import { CLI } from "./support/cli.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dir = mkdtempSync(join(tmpdir(), "leaddef-records-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const AS_OF = "2025-11-28";
// The European Excel export (`;`, `1.234.567,89`, BOM, CRLF) with a report trailer after the data.
const DATA = join(dir, "leads.csv");
const TRAILER = '\r\n"Total: 240"\r\n\r\n"Confidential Information - Do Not Distribute"\r\n';
// Its definition with a parameter (for sweep) and an outcome (for outcomes).
const DEF = join(dir, "european.leaddef");
const DEF_60 = join(dir, "european-60.leaddef");
const READ = ["--id", "Lead ID", "--as-of", AS_OF, "--decimal-comma"];

/** The CLI in a process of its own; asynchronous, so the test worker stays responsive while it runs. */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { encoding: "utf8", cwd: dir, maxBuffer: 1 << 26 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : null) : 0, stdout, stderr });
    });
  });
}

/** `run --columns all`: each lead's stage, by id. */
async function runStages(def: string, input = DATA): Promise<Map<string, string>> {
  const out = join(dir, `run-${Math.random().toString(36).slice(2)}.csv`);
  const r = await cli(["run", def, "--input", input, ...READ, "-o", out]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toContain("skipped 2");
  const lines = readFileSync(out, "utf8").trim().split("\n").slice(1);
  return new Map(lines.map((l) => l.split(",")).map(([id, stage]) => [id, stage]));
}

function tally(stages: Iterable<string>): Record<string, number> {
  const t: Record<string, number> = { none: 0, mql: 0, sal: 0, sql: 0 };
  for (const s of stages) t[s]++;
  return t;
}

let run40: Map<string, string>;
let run60: Map<string, string>;

beforeAll(async () => {
  writeFileSync(DATA, readFileSync(join(root, "examples", "crm", "european-leads.csv"), "utf8") + TRAILER);
  const text = readFileSync(join(root, "examples", "crm", "european.leaddef"), "utf8");
  expect(text).toContain("lead.score >= 40");
  const withParam = `${text.replace("lead.score >= 40", "lead.score >= mql_min")}\nparam mql_min = 40\n\noutcome converted when lead.status = "Closed - Converted"\n`;
  writeFileSync(DEF, withParam);
  writeFileSync(DEF_60, withParam.replace("param mql_min = 40", "param mql_min = 60"));
  [run40, run60] = await Promise.all([runStages(DEF), runStages(DEF_60)]);
  // the file is only readable with the right reading: some leads reach each stage
  expect(run40.size).toBe(240);
  expect(Object.values(tally(run40.values())).every((n) => n > 0)).toBe(true);
  expect(tally(run60.values())).not.toEqual(tally(run40.values()));
}, 60_000);

describe("every analysis command reads the export as run does", () => {
  it("report: the same rows, none rejected, the same leads at the top", async () => {
    const r = await cli(["report", DEF, "--input", DATA, ...READ, "-o", join(dir, "report.html")]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`240 rows read = 240 scored + 0 rejected; ${tally(run40.values()).sql} reached sql`);
  });

  it("sweep: each value's funnel is run's with that value", async () => {
    const r = await cli(["sweep", DEF, "--input", DATA, ...READ, "--param", "mql_min=40,60", "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const sweep = JSON.parse(r.stdout);
    expect(sweep.rowsRead).toBe(240);
    expect(sweep.rowsRejected).toBe(0);
    expect(sweep.runs.map((x: { stages: Record<string, number> }) => x.stages)).toEqual([tally(run40.values()), tally(run60.values())]);
  });

  it("outcomes: every lead counted, each stage reached by run's leads", async () => {
    const r = await cli(["outcomes", DEF, "--input", DATA, ...READ, "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const [converted] = JSON.parse(r.stdout).outcomes;
    expect(converted.rows).toBe(240);
    const order = ["mql", "sal", "sql"];
    const reached = (s: string) => [...run40.values()].filter((x) => x !== "none" && order.indexOf(x) >= order.indexOf(s)).length;
    expect(converted.stages.map((s: { stage: string; reached: number }) => [s.stage, s.reached])).toEqual(order.map((s) => [s, reached(s)]));
  });

  it("diff: every row compared, each transition as run's two results say", async () => {
    const r = await cli(["diff", DEF, DEF_60, "--input", DATA, ...READ, "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.rows).toBe(240);
    expect(report.compared).toBe(240);
    const expected = new Map<string, number>();
    for (const [id, from] of run40) expected.set(`${from}>${run60.get(id)}`, (expected.get(`${from}>${run60.get(id)}`) ?? 0) + 1);
    const got = new Map<string, number>(report.transitions.filter((t: { count: number }) => t.count > 0).map((t: { from: string; to: string; count: number }) => [`${t.from}>${t.to}`, t.count]));
    expect(got).toEqual(expected);
    // the reasons read the lead's numbers with the decimal comma too
    const moved = report.transitions.find((t: { from: string; to: string; count: number }) => t.from !== t.to && t.count > 0);
    expect(moved.examples[0].reasons.length).toBeGreaterThan(0);
  });

  it("diff on worker threads reads it as the single thread does", async () => {
    const programs = { old: compileFile(DEF).program!, new: compileFile(DEF_60).program! };
    const o = { input: DATA, format: "csv" as const, asOf: asOfDays(AS_OF), idColumn: "Lead ID", reading: { decimalComma: true, idExplicit: true } };
    const single = await diffOnData(programs, { ...o, parallel: { workers: 0 } });
    const parallel = await diffOnData(programs, { ...o, parallel: { workers: 2, minBytes: 0, chunkBytes: 4096 } });
    expect(single.compared).toBe(240);
    expect(parallel).toEqual(single);
  });

  it("explain --input: the lead's stage is run's, its decimal-comma numbers read", async () => {
    // a lead at each stage, and the first one (no stage)
    const ids = ["none", "mql", "sal", "sql"].map((s) => [...run40].find(([, stage]) => stage === s)![0]);
    const results = await Promise.all(ids.map((id) => cli(["explain", DEF, "--input", DATA, "--id", id, "--id-column", "Lead ID", "--as-of", AS_OF, "--decimal-comma", "--json"])));
    results.forEach((r, k) => {
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).stage, ids[k]).toBe(run40.get(ids[k]));
    });
  });

  it("a wrong --delimiter is a usage error everywhere", async () => {
    const all = [["report", DEF, "-o", join(dir, "x.html")], ["sweep", DEF, "--param", "mql_min=40,60"], ["outcomes", DEF], ["diff", DEF, DEF_60], ["explain", DEF, "--id", "x", "--id-column", "Lead ID"]];
    const results = await Promise.all(all.map((args) => cli([...args, "--input", DATA, "--delimiter", "x"])));
    results.forEach((r, k) => {
      expect(r.code, all[k][0]).toBe(2);
      expect(r.stderr, all[k][0]).toContain("--delimiter takes , ; tab or |");
    });
  });
});

describe("a file wrong as a whole: every command fails as run does, exit 1", () => {
  const commands = (input: string) => [
    ["run", DEF, "--input", input, ...READ, "-o", join(dir, "o.csv")],
    ["report", DEF, "--input", input, ...READ, "-o", join(dir, "r.html")],
    ["sweep", DEF, "--input", input, ...READ, "--param", "mql_min=40,60"],
    ["outcomes", DEF, "--input", input, ...READ],
    ["diff", DEF, DEF_60, "--input", input, ...READ],
    ["explain", DEF, "--input", input, "--id", "00Q5g00000fglk0", "--id-column", "Lead ID", "--decimal-comma"],
  ];

  it("a required field without its column: the same message, naming the nearest header", async () => {
    const input = join(dir, "renamed.csv");
    writeFileSync(input, readFileSync(DATA, "utf8").replace("Lead Source", "Lead Sourc"));
    const all = commands(input);
    const results = await Promise.all(all.map(cli));
    results.forEach((r, k) => {
      expect(r.code, `${all[k][0]}: ${r.stderr}`).toBe(1);
      expect(r.stderr, all[k][0]).toContain('no column "Lead Source" for the required field `lead.source`; did you mean "Lead Sourc"?');
    });
  });

  it("no header row: the same message", async () => {
    const input = join(dir, "blank.csv");
    writeFileSync(input, "\r\n\r\n");
    const all = commands(input);
    const results = await Promise.all(all.map(cli));
    results.forEach((r, k) => {
      expect(r.code, `${all[k][0]}: ${r.stderr}`).toBe(1);
      expect(r.stderr, all[k][0]).toContain("the CSV file has no header row");
    });
  });
});
