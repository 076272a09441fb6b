// `leaddef diff` as a process: its counts against two separate `run`s joined by id, git
// revisions (imports read at the same revision), --fail-on-change, markdown and JSON output.
// Needs `npx tsc -p .` (npm test builds first).
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI } from "./support/cli.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const examples = join(root, "examples");
const AS_OF = "2026-11-22";
const tmp = mkdtempSync(join(tmpdir(), "leaddef-diff-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Run { code: number | null; stdout: string; stderr: string }

function cli(args: string[], cwd = root): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: "1" } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b) => out.push(b));
    child.stderr.on("data", (b) => err.push(b));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", fail);
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") });
    });
    child.stdin.end();
  });
}

function exited(r: Run, code: number): void {
  expect(r.code, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(code);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at .+:\d+:\d+/);
}

const acme = readFileSync(join(examples, "acme.leaddef"), "utf8");
const common = readFileSync(join(examples, "common.leaddef"), "utf8");

const written = new Set<string>();

/** A copy of acme.leaddef (with common.leaddef beside it) after `edit`; written once per name (tests run concurrently). */
function variant(name: string, edit: (text: string) => string, editCommon: (text: string) => string = (t) => t): string {
  const dir = join(tmp, name);
  if (written.has(name)) return join(dir, "acme.leaddef");
  written.add(name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "common.leaddef"), editCommon(common));
  const text = edit(acme);
  writeFileSync(join(dir, "acme.leaddef"), text);
  return join(dir, "acme.leaddef");
}

function replaced(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`fixture: ${from} not found`);
  return text.replace(from, to);
}

// "Raise the MQL bar": a higher engagement score, director or above, two weeks of recency.
const raised = () => variant("raised", (t) => replaced(replaced(t, "engagement.score >= mql_min or", "engagement.score >= 75 or"), "contact.seniority >= manager", "contact.seniority >= director"),
  (c) => replaced(c, "days_since(engagement.last_activity) <= 30", "days_since(engagement.last_activity) <= 21"));
// Meant to change nothing: the operands of an `and` reordered, a criterion written out.
const refactored = () => variant("refactored", (t) => replaced(t, "sal when mql and sales.accepted and buying_role", "sal when buying_role and mql and sales.accepted"));

/** id → stage column of a `run` output CSV. */
async function stages(def: string, input: string): Promise<Map<string, string>> {
  const out = join(tmp, `run-${Math.random().toString(36).slice(2)}.csv`);
  exited(await cli(["run", def, "--input", input, "--as-of", AS_OF, "--output", out, "--no-progress"]), 0);
  const [header, ...rows] = readFileSync(out, "utf8").trim().split("\n");
  const cols = header.split(",");
  return new Map(rows.map((r) => r.split(",")).map((cells) => [cells[cols.indexOf("id")], cells[cols.indexOf("stage")]]));
}

/** id → the outcomes acme.leaddef declares, read straight from the data file's deal columns. */
function outcomesOf(input: string): Map<string, { opportunity: boolean; won: boolean }> {
  const text = readFileSync(input, "utf8").trimEnd();
  if (input.endsWith(".jsonl")) {
    return new Map(text.split("\n").map((l) => JSON.parse(l) as { id: string; deal?: { stage?: string; created?: string } })
      .map((l) => [l.id, { opportunity: l.deal?.created !== undefined, won: l.deal?.stage === "closed_won" }]));
  }
  const [header, ...lines] = text.split("\n");
  const cols = header.split(",");
  // deal.stage and deal.created are the last two columns, never quoted; the id is the first
  expect(cols.slice(-2)).toEqual(["deal.stage", "deal.created"]);
  return new Map(lines.map((l) => {
    const cells = l.split(",");
    return [cells[0], { opportunity: cells[cells.length - 1] !== "", won: cells[cells.length - 2] === "closed_won" }];
  }));
}

interface Json {
  rows: number;
  compared: number;
  changed: number;
  outcomes: string[];
  transitions: { from: string; to: string; count: number; outcomes?: Record<string, number>; examples: { id: string; reasons: { kind: string; name: string; before: boolean | null; after: boolean | null; parts: { text: string; fields: { path: string; value: unknown }[] }[] }[] }[] }[];
  scores: Record<string, { changed: number | null; before: { mean: number; median: number } | null; after: { mean: number; median: number } | null }>;
  rejected: { before: number; after: number; only_before: number; only_after: number };
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error("build first: npm run build");
});

describe.concurrent("diff on data", () => {
  it.each(["leads.csv", "leads.jsonl"])("its matrix equals two separate runs joined by id (%s)", async (file) => {
    const input = join(examples, file);
    const def = raised();
    const [r, before, after] = await Promise.all([
      cli(["diff", join(examples, "acme.leaddef"), def, "--input", input, "--as-of", AS_OF, "--format", "json"]),
      stages(join(examples, "acme.leaddef"), input),
      stages(def, input),
    ]);
    exited(r, 0);
    const report = JSON.parse(r.stdout) as Json;
    const expected = new Map<string, number>();
    const had = outcomesOf(input);
    const expectedOutcomes = new Map<string, { opportunity: number; won: number }>();
    let joined = 0;
    for (const [id, from] of before) {
      const to = after.get(id);
      if (to === undefined) continue;
      joined++;
      expected.set(`${from}>${to}`, (expected.get(`${from}>${to}`) ?? 0) + 1);
      const cell = expectedOutcomes.get(`${from}>${to}`) ?? { opportunity: 0, won: 0 };
      cell.opportunity += had.get(id)!.opportunity ? 1 : 0;
      cell.won += had.get(id)!.won ? 1 : 0;
      expectedOutcomes.set(`${from}>${to}`, cell);
    }
    expect(report.compared).toBe(joined);
    const stagesList = ["none", "mql", "sal", "sql"];
    // every pair is listed, the diagonal included
    expect(report.transitions.map((t) => `${t.from}>${t.to}`).sort()).toEqual(stagesList.flatMap((a) => stagesList.map((b) => `${a}>${b}`)).sort());
    for (const t of report.transitions) expect(t.count, `${t.from} → ${t.to}`).toBe(expected.get(`${t.from}>${t.to}`) ?? 0);
    // per cell, how many of its leads had each outcome: from the data, joined to the two runs
    expect(report.outcomes).toEqual(["opportunity", "won"]);
    for (const t of report.transitions) expect(t.outcomes, `${t.from} → ${t.to}`).toEqual(expectedOutcomes.get(`${t.from}>${t.to}`) ?? { opportunity: 0, won: 0 });
    expect(report.transitions.some((t) => t.from !== t.to && t.outcomes!.won > 0)).toBe(true);
    expect(report.changed).toBeGreaterThan(5);
    expect(report.changed).toBe(report.transitions.filter((t) => t.from !== t.to).reduce((n, t) => n + t.count, 0));
  });

  it("lists up to 5 moved leads per cell, each with the conditions that flipped and the values that decided", async () => {
    const r = await cli(["diff", join(examples, "acme.leaddef"), raised(), "--input", join(examples, "leads.csv"), "--as-of", AS_OF, "--format", "json"]);
    exited(r, 0);
    const report = JSON.parse(r.stdout) as Json;
    const left = report.transitions.find((t) => t.from === "mql" && t.to === "none")!;
    expect(left.count).toBeGreaterThan(0);
    expect(left.examples.length).toBe(Math.min(5, left.count));
    for (const e of left.examples) {
      const stage = e.reasons.find((x) => x.kind === "stage" && x.name === "mql")!;
      expect(stage).toMatchObject({ before: true, after: false });
      // the reasons name the rewritten conditions with the lead's values
      const texts = e.reasons.flatMap((x) => x.parts.map((p) => p.text)).join("\n");
      expect(texts).toMatch(/engagement\.score >= 75|contact\.seniority >= director|<= 21/);
      expect(e.reasons.flatMap((x) => x.parts.flatMap((p) => p.fields)).length).toBeGreaterThan(0);
    }
    // a rewritten part is shown once, with its old text
    const rewritten = left.examples.flatMap((e) => e.reasons.flatMap((x) => x.parts)).filter((p) => (p as { was?: string }).was !== undefined);
    expect(rewritten.length).toBeGreaterThan(0);
    for (const p of rewritten) expect((p as { was?: string }).was).toMatch(/>= 60|>= manager|<= 30/);
    for (const t of report.transitions.filter((x) => x.from === x.to)) expect(t.examples).toEqual([]);
    // priority reads recently_active (now 21 days), so some scores move
    expect(report.scores.priority.changed).toBeGreaterThan(0);
    expect(report.scores.priority.before!.mean).not.toBe(report.scores.priority.after!.mean);
  });

  it("the text form shows the matrix, the moves with reasons and the score table", async () => {
    // the JSON form beside it, at the same time: the text's outcome counts must be its counts
    const args = ["diff", join(examples, "acme.leaddef"), raised(), "--input", join(examples, "leads.csv"), "--as-of", AS_OF];
    const [r, jr] = await Promise.all([cli(args), cli([...args, "--format", "json"])]);
    exited(r, 0);
    exited(jr, 0);
    expect(r.stdout).toMatch(/old \\ new\s+none\s+mql\s+sal\s+sql/);
    expect(r.stdout).toMatch(/mql → none: \d+ leads?/);
    // the moved leads' outcomes, as the JSON form counts them: "drops 22 MQLs, 3 of them won"
    const json = JSON.parse(jr.stdout) as Json;
    const dropped = json.transitions.find((t) => t.from === "mql" && t.to === "none")!;
    expect(r.stdout).toContain(`mql → none: ${dropped.count} leads; of them ${dropped.outcomes!.opportunity} opportunity, ${dropped.outcomes!.won} won`);
    expect(r.stdout).toMatch(/stage mql: holds → fails/);
    expect(r.stdout).toMatch(/score\s+changed\s+mean before/);
  });

  it("--format markdown writes a pull-request comment", async () => {
    const r = await cli(["diff", join(examples, "acme.leaddef"), raised(), "--input", join(examples, "leads.csv"), "--as-of", AS_OF, "--format", "markdown"]);
    exited(r, 0);
    expect(r.stdout).toContain("| old \\ new | none | mql | sal | sql |");
    expect(r.stdout).toContain("| --- | ---: | ---: | ---: | ---: |");
    expect(r.stdout).toMatch(/<details><summary><b>mql → none<\/b>: \d+ leads?; of them \d+ opportunity, \d+ won<\/summary>/);
    expect(r.stdout).toMatch(/\| mql \| \*\*\d+\*\* \| \d+ \|/);
  });

  it("--fail-on-change: 0 for a refactor that moves no lead, 1 when a lead changes stage", async () => {
    const [same, moved] = await Promise.all([
      cli(["diff", join(examples, "acme.leaddef"), refactored(), "--input", join(examples, "leads.csv"), "--as-of", AS_OF, "--fail-on-change", "--format", "json"]),
      cli(["diff", join(examples, "acme.leaddef"), raised(), "--input", join(examples, "leads.csv"), "--as-of", AS_OF, "--fail-on-change"]),
    ]);
    exited(same, 0);
    expect((JSON.parse(same.stdout) as Json).changed).toBe(0);
    exited(moved, 1);
    // without the flag a change is not a failure
    exited(await cli(["diff", join(examples, "acme.leaddef"), raised(), "--input", join(examples, "leads.csv"), "--as-of", AS_OF]), 0);
  });

  it("a schema change shows as rows refused on one side only", async () => {
    // company.locations becomes required: rows without it are refused by the new definition
    const def = variant("strict", (t) => t, (c) => replaced(c, "company.locations: integer?", "company.locations: integer"));
    const r = await cli(["diff", join(examples, "acme.leaddef"), def, "--input", join(examples, "leads.csv"), "--as-of", AS_OF, "--format", "json"]);
    exited(r, 0);
    const report = JSON.parse(r.stdout) as Json;
    expect(report.rejected.only_after).toBeGreaterThan(0);
    expect(report.rejected.only_before).toBe(0);
    expect(report.rejected.after - report.rejected.before).toBe(report.rejected.only_after);
    expect(report.compared).toBe(report.rows - report.rejected.after);
  });

  it("a definition that does not compile exits 1 with its diagnostics; a bad --as-of or input exits 2", async () => {
    const broken = variant("broken", (t) => `${t}\nbroken when nothing.here >= 1\n`);
    const r = await cli(["diff", join(examples, "acme.leaddef"), broken, "--input", join(examples, "leads.csv")]);
    exited(r, 1);
    expect(r.stderr).toContain("LD1001");
    exited(await cli(["diff", join(examples, "acme.leaddef"), raised(), "--input", join(examples, "leads.csv"), "--as-of", "2026-02-30"]), 2);
    exited(await cli(["diff", join(examples, "acme.leaddef"), raised(), "--input", join(tmp, "nope.csv")]), 2);
  });
});

describe("diff against git revisions", () => {
  const repo = join(tmp, "repo");
  const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, stdio: ["ignore", "pipe", "pipe"] }).toString();

  beforeAll(() => {
    mkdirSync(join(repo, "defs"), { recursive: true });
    copyFileSync(join(examples, "leads.csv"), join(repo, "leads.csv"));
    writeFileSync(join(repo, "defs", "common.leaddef"), common);
    writeFileSync(join(repo, "defs", "acme.leaddef"), acme);
    git("init", "-q");
    git("-c", "user.email=t@example.com", "-c", "user.name=t", "add", ".");
    git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "v1");
    // the working tree changes only the imported file: recency is now 21 days
    writeFileSync(join(repo, "defs", "common.leaddef"), replaced(common, "<= 30", "<= 21"));
  });

  it("reads REV:path with git and resolves its imports at the same revision", async () => {
    const r = await cli(["diff", "HEAD:defs/acme.leaddef", "defs/acme.leaddef", "--input", "leads.csv", "--as-of", AS_OF, "--format", "json"], repo);
    exited(r, 0);
    const viaGit = JSON.parse(r.stdout) as Json & { old: string };
    expect(viaGit.old).toBe("HEAD:defs/acme.leaddef");
    // the same as diffing a checked-out copy of the old files against the working tree
    const old = variant("checkout", (t) => t);
    const onDisk = JSON.parse((await cli(["diff", old, "defs/acme.leaddef", "--input", "leads.csv", "--as-of", AS_OF, "--format", "json"], repo)).stdout) as Json;
    expect(viaGit.changed).toBeGreaterThan(0);
    expect(viaGit.transitions).toEqual(onDisk.transitions);
    // both sides at HEAD: nothing changes, although the working tree's import differs
    const same = await cli(["diff", "HEAD:defs/acme.leaddef", "HEAD:./defs/acme.leaddef", "--input", "leads.csv", "--as-of", AS_OF, "--fail-on-change"], repo);
    exited(same, 0);
  });

  it("an unknown revision or a path absent at it is a usage error", async () => {
    const bad = await cli(["diff", "nosuchrev:defs/acme.leaddef", "defs/acme.leaddef", "--input", "leads.csv"], repo);
    exited(bad, 2);
    expect(bad.stderr).toContain("not a git revision");
    const absent = await cli(["diff", "HEAD:defs/nope.leaddef", "defs/acme.leaddef", "--input", "leads.csv"], repo);
    exited(absent, 2);
    expect(absent.stderr).toContain("cannot read");
  });
});

describe("diff on worker threads", () => {
  it("gives the single-threaded report, examples and line numbers included, however the file is cut", async () => {
    const { compileFile } = await import("../compiler/compile.js");
    const { diffOnData } = await import("../compiler/analysis/diff.js");
    const { parseDateDays } = await import("../language/literals.js");
    const programs = { old: compileFile(join(examples, "acme.leaddef")).program!, new: compileFile(raised()).program! };
    // hostile rows too: an unreadable quote, a row with too few cells, a value that does not fit
    const input = join(tmp, "cut.csv");
    const lines = readFileSync(join(examples, "leads.csv"), "utf8").trimEnd().split("\n");
    lines.splice(200, 0, "L9,\"unterminated", "L10,only,three", lines[5].replace(/,(\d+),(DE|US|GB),/, ",lots,$2,"));
    // and a Latin-1 byte: the row is not valid UTF-8 and is rejected on both paths
    const latin1 = Buffer.concat([Buffer.from("L-latin1,Caf"), Buffer.from([0xe9]), Buffer.from(`${lines[100].replace(/^L\d+,/, "")}\n`)]);
    writeFileSync(input, Buffer.concat([Buffer.from(`${lines.slice(0, 120).join("\n")}\n`), latin1, Buffer.from(`${lines.slice(120).join("\n")}\n`)]));
    const base = { input, format: "csv" as const, asOf: parseDateDays(AS_OF), idColumn: "id" };
    const single = await diffOnData(programs, { ...base, parallel: { workers: 0 } });
    const { diffCsvParallel } = await import("../compiler/analysis/diff-parallel.js");
    for (const chunkBytes of [3000, 20_000]) {
      // called directly: undefined would mean it fell back to the single thread
      const parallel = await diffCsvParallel(programs, { ...base, parallel: { workers: 2, chunkBytes, minBytes: 0 } });
      expect(parallel).toBeDefined();
      expect(parallel).toEqual(single);
    }
    expect(single.rejected.before).toBeGreaterThan(8);
    expect(single.changed).toBeGreaterThan(5);
    // the outcome counts are merged too, and there is something to merge
    expect(single.transitions.some((t) => t.from !== t.to && (t.outcomes?.won ?? 0) > 0)).toBe(true);
  }, 60_000);
});
