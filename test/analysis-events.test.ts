// `report`, `sweep` and `outcomes` with `--events` files: each lead's streams are joined on the id
// exactly as `run --events` joins them (in memory, or merged when the file is above
// `--events-memory`), so a CSV export of leads plus a marketing-automation events file gives the
// same funnel in every command. The CLI cases need `npx tsc -p .` (npm test builds first).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { collectReport } from "../compiler/app/report.js";
import { runSweep } from "../compiler/app/sweep.js";
import { collectOutcomes } from "../compiler/app/outcomes.js";
import { diffOnData } from "../compiler/analysis/diff.js";
import { compile } from "../compiler/compile.js";
import { runJs } from "../compiler/batch/js/run-js.js";
import { EventFiles } from "../compiler/batch/sources/event-files.js";
import { parseDateDays } from "../language/literals.js";
import { CLI } from "./support/cli.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const examples = join(root, "examples");
const definition = join(examples, "engagement.leaddef");
const leads = join(examples, "leads.csv");
const events = join(examples, "events.csv");
const tmp = mkdtempSync(join(tmpdir(), "leaddef-analysis-events-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const asOf = parseDateDays("2026-11-22");
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });

/** The events files as `--events activity=…` opens them: budget 0 MB merges them with the (sorted) leads. */
const eventFiles = (budgetMB: number, path = events) => EventFiles.open({ activity: path }, "id", budgetMB);

/** `run --events`'s funnel and its events notices: what every other command must agree with. */
async function runFunnel() {
  const program = compile(readFileSync(definition, "utf8"), { path: definition }).program!;
  const run = await runJs({ program, input: leads, inputFormat: "csv", asOf, idColumn: "id", columns: "default", outputFormat: "csv", output: join(tmp, "run.csv"), rejectsPath: join(tmp, "run.rej.csv"), events: eventFiles(128), parallel: { workers: 0 } });
  return { program, stages: Object.fromEntries(run.stages.map((s) => [s.name, s.count])), notices: run.warnings.filter((w) => w.includes("events.csv")), rejected: run.rowsRejected };
}

describe("report, sweep and outcomes with --events", () => {
  it("report joins the events file as run does, in memory and merged: the same funnel and notices", async () => {
    const { program, stages, notices, rejected } = await runFunnel();
    // The events decided something (hand-raisers, pricing readers).
    expect(stages.sal).toBeGreaterThan(0);
    for (const budget of [128, 0]) {
      const data = await collectReport({ program, definition: "engagement.leaddef", input: leads, inputFormat: "csv", asOf, idColumn: "id", events: eventFiles(budget) });
      expect(Object.fromEntries(data.funnel.stages.map((s) => [s.name, s.count])), `budget ${budget}`).toEqual(stages);
      expect(data.rowsRejected).toBe(rejected);
      expect(data.warnings, `budget ${budget}`).toEqual(notices);
      expect(data.warnings.join(" ")).not.toContain("carries none");
    }
  });

  it("sweep and outcomes join it too: the definition's own value gives run's funnel; an outcome over an event count is counted from the file", async () => {
    const { stages, notices } = await runFunnel();
    const text = readFileSync(definition, "utf8").replace("engagement >= 25", "engagement >= bar") + "\nparam bar = 25\n";
    const sweep = await runSweep({ result: compile(text, { path: definition }), params: ["bar=25,30"], input: leads, inputFormat: "csv", asOf, idColumn: "id", events: eventFiles(0) });
    expect(sweep.runs[0].stages).toEqual(stages);
    expect(sweep.warnings).toEqual(notices);

    const withOutcome = compile(readFileSync(definition, "utf8") + "\noutcome asked_for_demo when count(activity where type = demo_request) >= 1\n", { path: definition }).program!;
    const outcomes = await collectOutcomes({ program: withOutcome, input: leads, inputFormat: "csv", asOf, idColumn: "id", events: eventFiles(128) });
    // The positives: scored leads (run's output) with a demo request in the events file.
    const scored = new Set(readFileSync(join(tmp, "run.csv"), "utf8").trim().split("\n").slice(1).map((l) => l.split(",")[0]));
    const askers = new Set(readFileSync(events, "utf8").trim().split("\n").slice(1).filter((l) => l.split(",")[1] === "demo_request").map((l) => l.split(",")[0]));
    expect(outcomes.outcomes[0].positives).toBe([...askers].filter((id) => scored.has(id)).length);
    expect(outcomes.outcomes[0].positives).toBeGreaterThan(10);
    expect(outcomes.warnings).toEqual(notices);
  });

  it("a lead whose events do not read is rejected with the reason, as run rejects it", async () => {
    const { program } = await runFunnel();
    const bad = join(tmp, "bad-events.csv");
    writeFileSync(bad, "id,type,occurred,url\nL000001,page_view,yesterday,/pricing\nL000002,email_open,2026-11-01,\n");
    const rejects: string[] = [];
    const data = await collectReport({ program, definition: "engagement.leaddef", input: leads, inputFormat: "csv", asOf, idColumn: "id", events: eventFiles(128, bad) });
    const run = await runJs({ program, input: leads, inputFormat: "csv", asOf, idColumn: "id", columns: "default", outputFormat: "csv", output: join(tmp, "bad.csv"), rejectsPath: join(tmp, "bad.rej.csv"), events: eventFiles(128, bad), parallel: { workers: 0 } });
    expect(data.rowsRejected).toBe(run.rowsRejected);
    expect(Object.fromEntries(data.funnel.stages.map((s) => [s.name, s.count]))).toEqual(Object.fromEntries(run.stages.map((s) => [s.name, s.count])));
    for (const group of data.rejects) rejects.push(JSON.stringify(group));
    expect(rejects.join(" ")).toContain("activity");
  });

  it("diff joins it for each definition: the leads that move are those whose stage differs between run --events of each", async () => {
    const text = readFileSync(definition, "utf8");
    const old = compile(text, { path: definition }).program!;
    const stricter = compile(text.replace("within 30 days) >= 1", "within 30 days) >= 2"), { path: definition }).program!;
    const stageById = async (program: typeof old, name: string) => {
      const output = join(tmp, `${name}.csv`);
      await runJs({ program, input: leads, inputFormat: "csv", asOf, idColumn: "id", columns: "default", outputFormat: "csv", output, rejectsPath: join(tmp, `${name}.rej.csv`), events: eventFiles(128), parallel: { workers: 0 } });
      return new Map(readFileSync(output, "utf8").trim().split("\n").slice(1).map((l) => [l.split(",")[0], l.split(",")[1]]));
    };
    const before = await stageById(old, "old");
    const after = await stageById(stricter, "new");
    const moved = [...before].filter(([id, stage]) => after.get(id) !== stage).length;
    expect(moved).toBeGreaterThan(5);
    for (const budget of [128, 0]) {
      const same = await diffOnData({ old, new: old }, { input: leads, format: "csv", asOf, idColumn: "id", events: eventFiles(budget) });
      expect(same.changed).toBe(0);
      const r = await diffOnData({ old, new: stricter }, { input: leads, format: "csv", asOf, idColumn: "id", events: eventFiles(budget) });
      expect(r.changed, `budget ${budget}`).toBe(moved);
    }
  });

  it("on the command line: --events takes away the 'CSV carries none' notice, and an unsorted file above --events-memory is refused with nothing written", () => {
    const ok = cli("outcomes", definition, "--input", leads, "--events", `activity=${events}`, "--as-of", "2026-11-22");
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stderr).not.toContain("carries none");
    const diffed = cli("diff", definition, definition, "--input", leads, "--events", `activity=${events}`, "--as-of", "2026-11-22");
    expect(diffed.status, diffed.stderr).toBe(0);
    expect(diffed.stderr).not.toContain("carries none");
    const noStream = cli("diff", definition, definition, "--input", leads, "--events", `clicks=${events}`);
    expect(noStream.status).toBe(2);
    expect(noStream.stderr).toContain("no event stream `clicks`");
    const without = cli("outcomes", definition, "--input", leads, "--as-of", "2026-11-22");
    expect(without.stderr).toContain("a CSV row carries none: every lead has no events; give them with --events activity=FILE");

    // The same events, last line first: out of id order, so a merge (budget 0) cannot join it.
    const lines = readFileSync(events, "utf8").trim().split("\n");
    const unsorted = join(tmp, "unsorted.csv");
    writeFileSync(unsorted, [lines[0], lines[lines.length - 1], ...lines.slice(1, -1)].join("\n") + "\n");
    const out = join(tmp, "refused.html");
    const refused = cli("report", definition, "--input", leads, "--events", `activity=${unsorted}`, "--events-memory", "0", "--as-of", "2026-11-22", "-o", out);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("unsorted.csv");
    expect(() => readFileSync(out)).toThrow();
  });
});
