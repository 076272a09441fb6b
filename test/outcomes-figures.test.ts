// The outcome figures where people decide — `sweep` per value, and the whole-file errors of
// `outcomes`, `report` and `sweep` — computed independently: a separate `run` for the stages,
// the data file's own deal columns for the outcomes, joined by id and counted here.
// (`report`'s figures are checked in the rendered page by test/report-browser.test.ts.)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "./support/cli.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const tmp = mkdtempSync(join(tmpdir(), "leaddef-outcome-figures-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const AS_OF = "2026-11-22";
const ACME = join(root, "examples", "acme.leaddef");
const LEADS = join(root, "examples", "leads.csv");
const STAGES = ["mql", "sal", "sql"];

/** id → acme's outcomes, read from the sample's last two columns (deal.stage, deal.created; never quoted). */
function dataOutcomes(): Map<string, Record<string, boolean>> {
  const [header, ...lines] = readFileSync(LEADS, "utf8").trimEnd().split("\n");
  expect(header.split(",").slice(-2)).toEqual(["deal.stage", "deal.created"]);
  return new Map(lines.map((l) => {
    const c = l.split(",");
    return [c[0], { opportunity: c[c.length - 1] !== "", won: c[c.length - 2] === "closed_won" }];
  }));
}

/** id → stage, from a separate `run`. */
async function runStages(extra: string[]): Promise<Map<string, string>> {
  const out = join(tmp, `run-${Math.random().toString(36).slice(2)}.csv`);
  const r = await cli(["run", ACME, "--input", LEADS, "--as-of", AS_OF, "--output", out, "--no-progress", ...extra]);
  expect(r.code, r.stderr).toBe(0);
  const [, ...rows] = readFileSync(out, "utf8").trimEnd().split("\n");
  return new Map(rows.map((r) => r.split(",")).map(([id, stage]) => [id, stage]));
}

/** Per outcome and stage, among the leads that reached it: how many, how many had the outcome. */
function expectedFigures(stages: Map<string, string>, had: Map<string, Record<string, boolean>>) {
  const ids = [...stages.keys()];
  const positives = (name: string) => ids.filter((id) => had.get(id)![name]).length;
  const figures: Record<string, Record<string, { reached: number; reached_positives: number; rate: number | null; captured: number | null; lift: number | null }>> = {};
  for (const name of ["opportunity", "won"]) {
    const base = positives(name) / ids.length;
    figures[name] = {};
    STAGES.forEach((stage, s) => {
      const reached = ids.filter((id) => STAGES.indexOf(stages.get(id)!) >= s);
      const k = reached.filter((id) => had.get(id)![name]).length;
      const rate = reached.length ? k / reached.length : null;
      figures[name][stage] = { reached: reached.length, reached_positives: k, rate, captured: positives(name) ? k / positives(name) : null, lift: rate === null || base === 0 ? null : rate / base };
    });
  }
  return figures;
}

describe("sweep with outcomes", { timeout: 240_000 }, () => {
  it("gives, for each value, the outcome figures of a separate run with that value", async () => {
    const sweep = await cli(["sweep", ACME, "--input", LEADS, "--as-of", AS_OF, "--param", "mql_min=40,80", "--format", "json"]);
    expect(sweep.code, sweep.stderr).toBe(0);
    const json = JSON.parse(sweep.stdout) as { runs: { value: number; outcomes: unknown }[] };
    const had = dataOutcomes();
    for (const r of json.runs) expect(r.outcomes, `mql_min=${r.value}`).toEqual(expectedFigures(await runStages(["--param", `mql_min=${r.value}`]), had));
    // the threshold matters: a lower bar lets more leads, and more wins, reach mql
    const won = (k: number) => (json.runs[k].outcomes as Record<string, Record<string, { reached_positives: number }>>).won.mql.reached_positives;
    expect(won(0)).toBeGreaterThan(won(1));
  });

  it("prints one table per outcome: wins among the leads that reached each stage, per value", async () => {
    const [text, json] = await Promise.all([
      cli(["sweep", ACME, "--input", LEADS, "--as-of", AS_OF, "--param", "mql_min=40,80"]),
      cli(["sweep", ACME, "--input", LEADS, "--as-of", AS_OF, "--param", "mql_min=40,80", "--format", "json"]),
    ]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain("outcome won: leads that had it among those that reached each stage");
    expect(text.stdout).toMatch(/^mql_min\s+won at mql\s+won at sal\s+won at sql$/m);
    for (const r of (JSON.parse(json.stdout) as { runs: { value: number; outcomes: Record<string, Record<string, { reached: number; reached_positives: number; rate: number }>> }[] }).runs) {
      const cell = (s: string) => {
        const x = r.outcomes.won[s];
        return `${x.reached_positives} of ${x.reached} \\(${(100 * x.rate).toFixed(1)}%\\)`;
      };
      expect(text.stdout).toMatch(new RegExp(`^${r.value}\\s+${STAGES.map(cell).join("\\s+")}$`, "m"));
    }
  });

  it("adds no outcomes key when the definition declares none", async () => {
    const def = join(tmp, "plain.leaddef");
    writeFileSync(def, "schema {\n  lead.size: integer\n}\nparam big = 10\nmql when lead.size >= big\n");
    const data = join(tmp, "plain.csv");
    writeFileSync(data, "id,lead.size\n1,5\n2,50\n");
    const r = await cli(["sweep", def, "--input", data, "--param", "big=1,20", "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).runs).toEqual([{ value: 1, stages: { none: 0, mql: 2 } }, { value: 20, stages: { none: 1, mql: 1 } }]);
  });
});

describe("a CSV input without a usable header is a whole-file error, as on run", { timeout: 240_000 }, () => {
  const empty = join(tmp, "empty.csv");
  const headerless = join(tmp, "headerless.csv");
  writeFileSync(empty, "\n\n");
  // the sample's first data rows, without its header line
  writeFileSync(headerless, `${readFileSync(LEADS, "utf8").split("\n").slice(1, 4).join("\n")}\n`);
  const commands: [string, string[]][] = [
    ["outcomes", []],
    ["report", ["-o", join(tmp, "r.html")]],
    ["sweep", ["--param", "mql_min=40,60"]],
  ];

  for (const file of [empty, headerless]) {
    it(`${file === empty ? "an empty file" : "a file whose first line is data"}: exit 1 and run's message`, async () => {
      const run = await cli(["run", ACME, "--input", file, "--as-of", AS_OF, "--output", join(tmp, "out.csv")]);
      expect(run.code).toBe(1);
      const message = run.stderr.trim();
      expect(message).toMatch(/^leaddef: error: /);
      for (const [command, extra] of commands) {
        const r = await cli([command, ACME, "--input", file, "--as-of", AS_OF, ...extra]);
        expect(r.code, `${command}: ${r.stderr}`).toBe(1);
        expect(r.stderr.trim(), command).toBe(message);
        expect(r.stdout, command).toBe("");
      }
    });
  }
});

describe("diff's outcome counts by which definition declares them", () => {
  const SCHEMA = "schema {\n  lead.size: integer\n  lead.won: boolean\n}\n";
  const data = join(tmp, "small.csv");
  // sizes 5, 20, 200 with won true/false: raising the bar from 10 to 100 drops leads 3 and 4
  writeFileSync(data, "id,lead.size,lead.won\n1,5,true\n2,5,false\n3,20,true\n4,20,false\n5,200,true\n");

  async function diff(oldText: string, newText: string) {
    const { compile } = await import("../compiler/compile.js");
    const { diffOnData } = await import("../compiler/analysis/diff.js");
    const { parseDateDays } = await import("../language/literals.js");
    return diffOnData({ old: compile(oldText).program!, new: compile(newText).program! }, { input: data, format: "csv", asOf: parseDateDays(AS_OF), idColumn: "id", parallel: { workers: 0 } });
  }
  const cell = (r: Awaited<ReturnType<typeof diff>>, from: string, to: string) => r.transitions.find((t) => t.from === from && t.to === to)!;

  it("none declared: no outcome key anywhere", async () => {
    const r = await diff(`${SCHEMA}mql when lead.size >= 10\n`, `${SCHEMA}mql when lead.size >= 100\n`);
    expect(r.outcomes).toEqual([]);
    expect(r.transitions.every((t) => !("outcomes" in t))).toBe(true);
  });

  it("declared on one side only: counted by that side, on every cell", async () => {
    const withWon = `${SCHEMA}outcome won when lead.won\n`;
    for (const [o, n] of [[`${withWon}mql when lead.size >= 10\n`, `${SCHEMA}mql when lead.size >= 100\n`], [`${SCHEMA}mql when lead.size >= 10\n`, `${withWon}mql when lead.size >= 100\n`]]) {
      const r = await diff(o, n);
      expect(r.outcomes).toEqual(["won"]);
      expect(cell(r, "mql", "none")).toMatchObject({ count: 2, outcomes: { won: 1 } });
      expect(cell(r, "mql", "mql")).toMatchObject({ count: 1, outcomes: { won: 1 } });
      expect(cell(r, "none", "none")).toMatchObject({ count: 2, outcomes: { won: 1 } });
    }
  });

  it("declared differently on both sides: the new definition's condition counts", async () => {
    const r = await diff(`${SCHEMA}outcome won when lead.won\nmql when lead.size >= 10\n`, `${SCHEMA}outcome won when not lead.won\nmql when lead.size >= 100\n`);
    expect(cell(r, "mql", "none").outcomes).toEqual({ won: 1 });
    expect(cell(r, "none", "none").outcomes).toEqual({ won: 1 });
    expect(cell(r, "mql", "mql").outcomes).toEqual({ won: 0 });
  });
});
