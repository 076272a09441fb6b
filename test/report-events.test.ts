// `leaddef report` (and `sweep`, `outcomes`) on a definition with event streams (examples/engagement.leaddef): a JSON
// Lines lead's stream lists are read, as `run` reads them, and a CSV input (whose rows carry no
// events) is said to give every lead none instead of silently reporting an eventless funnel.
// The CLI case needs `npx tsc -p .` (npm test builds first).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { collectReport } from "../compiler/app/report.js";
import { runSweep } from "../compiler/app/sweep.js";
import { diffOnData } from "../compiler/analysis/diff.js";
import { collectOutcomes } from "../compiler/app/outcomes.js";
import { compile } from "../compiler/compile.js";
import { runJs } from "../compiler/batch/js/run-js.js";
import { compileFile } from "../compiler/compile.js";
import { parseDateDays } from "../language/literals.js";
import { CLI } from "./support/cli.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const examples = join(root, "examples");
const tmp = mkdtempSync(join(tmpdir(), "leaddef-report-events-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const AS_OF = "2026-11-22";

/** The example leads as JSON Lines, every third one a hand-raiser (a demo request last week), some readers of the pricing pages. */
function leadsWithEvents(): string {
  const lines = readFileSync(join(examples, "leads.jsonl"), "utf8").trimEnd().split("\n").slice(0, 300);
  const path = join(tmp, "leads-with-events.jsonl");
  writeFileSync(path, lines.map((line, i) => {
    const lead = JSON.parse(line) as Record<string, unknown>;
    const activity = [{ type: "email_open", occurred: "2026-11-01" }];
    if (i % 3 === 0) activity.push({ type: "demo_request", occurred: "2026-11-15" });
    if (i % 5 === 0) for (const day of ["10", "12", "14"]) activity.push({ type: "page_view", occurred: `2026-11-${day}`, url: "/pricing" } as never);
    return JSON.stringify({ ...lead, activity });
  }).join("\n") + "\n");
  return path;
}

describe("report with event streams", () => {
  it("reads a JSON Lines lead's streams as run does: the same funnel", async () => {
    const program = compileFile(join(examples, "engagement.leaddef")).program!;
    const input = leadsWithEvents();
    const asOf = parseDateDays(AS_OF);
    const data = await collectReport({ program, definition: "engagement.leaddef", input, inputFormat: "jsonl", asOf, idColumn: "id" });
    const run = await runJs({ program, input, inputFormat: "jsonl", asOf, idColumn: "id", columns: "default", outputFormat: "csv", output: join(tmp, "run.csv"), rejectsPath: join(tmp, "run.rej.csv"), parallel: { workers: 0 } });
    const reported = Object.fromEntries(data.funnel.stages.map((s) => [s.name, s.count]));
    expect(reported).toEqual(Object.fromEntries(run.stages.map((s) => [s.name, s.count])));
    // the events decided something: hand-raisers are MQLs, pricing readers among them SALs
    expect(reported.mql + reported.sal).toBeGreaterThan(50);
    expect(reported.sal).toBeGreaterThan(0);
    expect(data.unknownColumns).not.toContain("activity");
    expect(data.warnings).toEqual([]);
  });

  it("sweep and outcomes read the streams too: the same funnel as run", async () => {
    const path = join(examples, "engagement.leaddef");
    const program = compileFile(path).program!;
    const input = leadsWithEvents();
    const asOf = parseDateDays(AS_OF);
    const run = await runJs({ program, input, inputFormat: "jsonl", asOf, idColumn: "id", columns: "default", outputFormat: "csv", output: join(tmp, "run2.csv"), rejectsPath: join(tmp, "run2.rej.csv"), parallel: { workers: 0 } });
    const want = Object.fromEntries(run.stages.map((s) => [s.name, s.count]));
    // a parameter to sweep, with the definition's own threshold among the values
    const text = readFileSync(path, "utf8").replace("engagement >= 25", "engagement >= bar") + "\nparam bar = 25\n";
    const result = compile(text, { path });
    const sweep = await runSweep({ result, params: ["bar=25,30"], input, inputFormat: "jsonl", asOf, idColumn: "id" });
    expect(sweep.runs[0].stages).toEqual(want);
    expect(sweep.warnings).toEqual([]);
    // outcomes: one declared over an event count, so the events must be read for its figures
    const withOutcome = compile(readFileSync(path, "utf8") + "\noutcome demo when count(activity where type = demo_request) >= 1\n", { path }).program!;
    const outcomes = await collectOutcomes({ program: withOutcome, input, inputFormat: "jsonl", asOf, idColumn: "id" });
    // every third lead asked for a demo: those of them the run scored (not rejected) are the positives
    const scored = new Set(readFileSync(join(tmp, "run2.csv"), "utf8").trim().split("\n").slice(1).map((l) => l.split(",")[0]));
    const askers = readFileSync(input, "utf8").trim().split("\n").filter((_, i) => i % 3 === 0).map((l) => String((JSON.parse(l) as { id: unknown }).id));
    expect(outcomes.outcomes[0].positives).toBe(askers.filter((id) => scored.has(id)).length);
    expect(outcomes.outcomes[0].positives).toBeGreaterThan(90);
    expect(outcomes.warnings).toEqual([]);
    const csv = await collectOutcomes({ program: withOutcome, input: join(examples, "leads.csv"), inputFormat: "csv", asOf, idColumn: "id" });
    expect(csv.warnings.join(" ")).toContain("a CSV row carries none");
  });

  it("diff reads each definition's streams from a JSON Lines lead: a stricter event count moves leads", async () => {
    const path = join(examples, "engagement.leaddef");
    const text = readFileSync(path, "utf8");
    const old = compile(text, { path }).program!;
    const stricter = compile(text.replace("within 30 days) >= 1", "within 30 days) >= 2"), { path }).program!;
    const input = leadsWithEvents();
    const asOf = parseDateDays(AS_OF);
    const same = await diffOnData({ old, new: old }, { input, format: "jsonl", asOf, idColumn: "id", parallel: { workers: 0 } });
    expect(same.changed).toBe(0);
    const r = await diffOnData({ old, new: stricter }, { input, format: "jsonl", asOf, idColumn: "id", parallel: { workers: 0 } });
    // the hand-raisers (one demo request each) are no longer hand-raisers: they leave mql or sal
    expect(r.changed).toBeGreaterThan(50);
  });

  it("says so when a CSV input gives the streams no events", () => {
    const out = join(tmp, "csv.html");
    const r = spawnSync(process.execPath, [CLI, "report", join(examples, "engagement.leaddef"), "--input", join(examples, "leads.csv"), "--as-of", AS_OF, "-o", out], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain("leaddef: the definition reads event streams (activity) but a CSV row carries none: every lead has no events");
    expect(r.stderr).toContain("give them with --events activity=FILE");
    expect(readFileSync(out, "utf8")).toMatch(/data-field="warning">the definition reads event streams \(activity\)/);
  });
});
