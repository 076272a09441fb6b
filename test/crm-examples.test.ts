// The realistic CRM exports of examples/crm/ (issue 9): the generator is deterministic and the
// committed files are its output; `init` on each export gives a starter that compiles and, with a
// trivial stage, scores the same file with no row rejected on both engines; each hand-written
// definition checks clean, passes its examples and rejects no row, with identical results from
// the JS and DuckDB engines. Needs `npx tsc -p .` (the CLI runs from dist/).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { compileFile } from "../compiler/compile.js";
import { CLI } from "./support/cli.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const crm = join(root, "examples", "crm");
const tmp = mkdtempSync(join(tmpdir(), "leaddef-crm-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const AS_OF = "2025-11-28";

/** Each export with its definition, the key column and the extra run options it needs. */
const EXPORTS = [
  { file: "hubspot-contacts.csv", definition: "hubspot.leaddef", id: "Record ID", rows: 300, options: [] as string[] },
  { file: "salesforce-leads.csv", definition: "salesforce.leaddef", id: "Lead ID", rows: 304, options: [] as string[] },
  { file: "european-leads.csv", definition: "european.leaddef", id: "Lead ID", rows: 240, options: ["--decimal-comma"] },
];

function leaddef(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
}

/** Runs a definition on an export with one engine; returns the process, the results and the rejects. */
function score(definition: string, exp: (typeof EXPORTS)[number], engine: string, tag: string) {
  const output = join(tmp, `${tag}-${engine}.csv`);
  const rejects = join(tmp, `${tag}-${engine}.rejects.csv`);
  const run = leaddef(["run", definition, "--input", join(crm, exp.file), "--id", exp.id, "--as-of", AS_OF,
    "--engine", engine, "--output", output, "--rejects", rejects, "--no-progress", ...exp.options]);
  let rejected = "";
  try {
    rejected = readFileSync(rejects, "utf8");
  } catch {
    // no rejects file: nothing was rejected
  }
  return { run, results: readFileSync(output, "utf8"), rejected };
}

describe("the example exports", () => {
  it("are exactly what the seeded generator writes", async () => {
    const generator = await import(pathToFileURL(join(crm, "generate.mjs")).href);
    expect(readFileSync(join(crm, "hubspot-contacts.csv"), "utf8")).toBe(generator.generateHubspot());
    expect(readFileSync(join(crm, "salesforce-leads.csv"), "utf8")).toBe(generator.generateSalesforce());
    expect(readFileSync(join(crm, "european-leads.csv"), "utf8")).toBe(generator.generateEuropean());
  });
  it("look like the vendors' files: HubSpot labels and values, Salesforce quoting and trailer, European dialect", () => {
    const hubspot = readFileSync(join(crm, "hubspot-contacts.csv"), "utf8");
    expect(hubspot.split("\n")[0]).toMatch(/^Record ID,First Name,Last Name,Email,.*Country\/Region,Lifecycle Stage,Lead Status,Create Date,/);
    expect(hubspot).toMatch(/,marketingqualifiedlead,/);
    expect(hubspot).toMatch(/,\d{4}-\d{2}-\d{2} \d{2}:\d{2},/);
    const salesforce = readFileSync(join(crm, "salesforce-leads.csv"), "utf8");
    expect(salesforce).toMatch(/"\$\d{1,3}(,\d{3})+\.\d{2}"/);
    expect(salesforce).toMatch(/"Open - Not Contacted"/);
    expect(salesforce).toMatch(/\n\n"Copyright \(c\) 2000-2025 salesforce\.com, inc\. All rights reserved\."\n/);
    const european = readFileSync(join(crm, "european-leads.csv"), "utf8");
    expect(european.charCodeAt(0)).toBe(0xfeff);
    expect(european).toMatch(/;\d{1,3}(\.\d{3})+,\d{2};/);
    expect(european).toMatch(/\r\n/);
  });
});

describe("init round trip on each export", () => {
  for (const exp of EXPORTS) {
    it(`${exp.file}: the starter compiles, is formatted, and scores every row on both engines`, () => {
      const starter = join(tmp, `starter-${exp.file}.leaddef`);
      const init = leaddef(["init", "--from", join(crm, exp.file), "-o", starter]);
      expect(init.status, init.stderr).toBe(0);
      const errors = compileFile(starter).diagnostics.filter((d) => d.severity === "error");
      expect(errors.map((d) => d.message)).toEqual([]);
      expect(leaddef(["fmt", "--check", starter]).status).toBe(0); // already in canonical layout
      writeFileSync(starter, `${readFileSync(starter, "utf8")}\nmql when true\n`);
      const outputs = ["js", "duckdb"].map((engine) => {
        const { run, results, rejected } = score(starter, exp, engine, `starter-${exp.file}`);
        expect(run.status, run.stderr).toBe(0);
        expect(rejected.split("\n").filter(Boolean).length, rejected).toBeLessThanOrEqual(1); // header only
        expect(results.trim().split("\n").length - 1).toBe(exp.rows);
        return results;
      });
      expect(outputs[1]).toBe(outputs[0]);
    });
  }
});

describe("init round trip on a JSON Lines dump", () => {
  it("examples/leads.jsonl: nested keys bind by path; only the generator's deliberately bad rows are rejected, on both engines", () => {
    const starter = join(tmp, "starter-leads-jsonl.leaddef");
    expect(leaddef(["init", "--from", join(root, "examples", "leads.jsonl"), "-o", starter]).status).toBe(0);
    writeFileSync(starter, `${readFileSync(starter, "utf8")}\nmql when true\n`);
    const runs = ["js", "duckdb"].map((engine) => {
      const output = join(tmp, `jsonl-${engine}.csv`);
      const rejects = join(tmp, `jsonl-${engine}.rejects.csv`);
      const run = leaddef(["run", starter, "--input", join(root, "examples", "leads.jsonl"), "--engine", engine, "--output", output, "--rejects", rejects, "--no-progress"]);
      expect(run.status, run.stderr).toBe(0);
      return { results: readFileSync(output, "utf8"), rejects: readFileSync(rejects, "utf8") };
    });
    // 8 rows carry an impossible date (2026-02-30) or `n/a` for a number: bad data, not bad inference.
    const rejected = new Set(runs[0].rejects.trim().split("\n").slice(1).map((line) => line.split(",")[0]));
    expect(rejected.size).toBe(8);
    expect(runs[0].rejects).not.toMatch(/is not a string|not a member/);
    expect(runs[1].results).toBe(runs[0].results);
  });
});

describe("the example definitions", () => {
  for (const exp of EXPORTS) {
    it(`${exp.definition} checks clean, is formatted and passes its examples`, () => {
      const check = leaddef(["check", "--deny-warnings", join(crm, exp.definition)]);
      expect(check.status, check.stdout + check.stderr).toBe(0);
      expect(leaddef(["fmt", "--check", join(crm, exp.definition)]).status).toBe(0);
      const test = leaddef(["test", join(crm, exp.definition)]);
      expect(test.status, test.stdout + test.stderr).toBe(0);
      expect(test.stdout).toMatch(/[1-9]\d* passed, 0 failed/);
    });
    it(`${exp.definition} scores every row of ${exp.file}, the same on both engines, with some lead in each stage`, () => {
      const outputs = ["js", "duckdb"].map((engine) => {
        const { run, results, rejected } = score(join(crm, exp.definition), exp, engine, exp.definition);
        expect(run.status, run.stderr).toBe(0);
        expect(rejected.split("\n").filter(Boolean).length, rejected).toBeLessThanOrEqual(1);
        expect(results.trim().split("\n").length - 1).toBe(exp.rows);
        return results;
      });
      expect(outputs[1]).toBe(outputs[0]);
      const stages = new Set(outputs[0].trim().split("\n").slice(1).map((line) => line.split(",")[1]));
      for (const stage of ["none", "mql", "sql"]) expect(stages).toContain(stage);
    });
  }
});

describe("write-back of the HubSpot example", () => {
  it("is an import HubSpot accepts: Record ID from the export, internal names, plain numbers, no BOM; unchanged since itself is empty", () => {
    const out = join(tmp, "hubspot-import.csv");
    const args = ["run", join(crm, "hubspot.leaddef"), "--input", join(crm, "hubspot-contacts.csv"), "--as-of", AS_OF, "--write-back", "hubspot", "--no-progress"];
    const run = leaddef([...args, "-o", out]);
    expect(run.status, run.stderr).toBe(0);
    const text = readFileSync(out, "utf8");
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
    const [header, ...rows] = text.trim().split("\n");
    expect(header).toBe("Record ID,leaddef_stage,leaddef_priority");
    const exported = new Set(readFileSync(join(crm, "hubspot-contacts.csv"), "utf8").trim().split("\n").slice(1).map((l) => l.split(",")[0]));
    expect(rows.length).toBe(300);
    for (const row of rows) {
      const [key, stage, priority] = row.split(",");
      expect(exported.has(key)).toBe(true);
      expect(["none", "mql", "sal", "sql"]).toContain(stage);
      expect(priority).toMatch(/^-?\d+(\.\d+)?$/);
    }
    const again = join(tmp, "hubspot-import-2.csv");
    const second = leaddef([...args, "--changed-since", out, "-o", again]);
    expect(second.status, second.stderr).toBe(0);
    expect(readFileSync(again, "utf8")).toBe(`${header}\n`);
    expect(second.stderr).toContain("300 unchanged");
  });
});
