// `--param` and `sweep` through the CLI process: a parameter on the command line gives exactly
// what editing the file would; a sweep gives, per value, what `run` gives with that value.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "./support/cli.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const tmp = mkdtempSync(join(tmpdir(), "leaddef-params-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const AS_OF = "2026-11-22";
const ACME = join(root, "examples", "acme.leaddef");
const LEADS = join(root, "examples", "leads.csv");

function stagesOf(summary: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of summary.matchAll(/^(\S+)\s+(\d+)\s+[\d.]+%/gm)) out[m[1]] = Number(m[2]);
  return out;
}

/** acme.leaddef with `mql_min` written as `value` in the file itself. */
function editedCopy(value: number): string {
  const file = join(tmp, `acme-${value}.leaddef`);
  writeFileSync(file, readFileSync(ACME, "utf8").replace("param mql_min = 60", `param mql_min = ${value}`));
  writeFileSync(join(tmp, "common.leaddef"), readFileSync(join(root, "examples", "common.leaddef"), "utf8"));
  return file;
}

// Sequential, with room: each case starts several CLI processes, and CI machines are shared.
describe("--param and sweep", { timeout: 240_000 }, () => {
  it("run --param gives the same results file as editing the value in the definition", async () => {
    const viaFlag = await cli(["run", ACME, "--input", LEADS, "--as-of", AS_OF, "--output", join(tmp, "flag.csv"), "--param", "mql_min=45"]);
    const viaEdit = await cli(["run", editedCopy(45), "--input", LEADS, "--as-of", AS_OF, "--output", join(tmp, "edit.csv")]);
    expect(viaFlag.code, viaFlag.stderr).toBe(0);
    expect(viaEdit.code, viaEdit.stderr).toBe(0);
    expect(readFileSync(join(tmp, "flag.csv"), "utf8")).toBe(readFileSync(join(tmp, "edit.csv"), "utf8"));
    const plain = await cli(["run", ACME, "--input", LEADS, "--as-of", AS_OF, "--output", join(tmp, "plain.csv")]);
    expect(stagesOf(plain.stdout)).not.toEqual(stagesOf(viaFlag.stdout));
  });

  it("sweep's JSON gives, for each value, the funnel `run` gives with that value", async () => {
    const sweep = await cli(["sweep", ACME, "--input", LEADS, "--as-of", AS_OF, "--param", "mql_min=40..80:40", "--format", "json"]);
    expect(sweep.code, sweep.stderr).toBe(0);
    const json = JSON.parse(sweep.stdout);
    expect(json.param).toBe("mql_min");
    expect(json.runs.map((r: { value: number }) => r.value)).toEqual([40, 80]);
    for (const r of json.runs) {
      const run = await cli(["run", ACME, "--input", LEADS, "--as-of", AS_OF, "--output", join(tmp, `sweep-${r.value}.csv`), "--param", `mql_min=${r.value}`]);
      expect(r.stages).toEqual(stagesOf(run.stdout));
    }
    const text = await cli(["sweep", ACME, "--input", LEADS, "--as-of", AS_OF, "--param", "mql_min=40,60"]);
    expect(text.stdout).toMatch(/^mql_min\s+none\s+mql\s+sal\s+sql\s+reached sql\n40\s/);
  });

  it("test and explain take --param; build inlines it in SQL and JS", async () => {
    const tests = await cli(["test", ACME, "--as-of", AS_OF, "--param", "mql_min=100"]);
    // the telecom manager (score 64) is an MQL only while the threshold is below 64
    expect(tests.code).toBe(1);
    expect(tests.stdout).toContain("telecom operations manager reading whitepapers");
    const sql = await cli(["build", ACME, "--target", "sql", "--dialect", "postgres", "--param", "mql_min=73"]);
    expect(sql.code, sql.stderr).toBe(0);
    expect(sql.stdout).toMatch(/>= 73\b/);
    const js = await cli(["build", ACME, "--param", "mql_min=71"]);
    expect(js.stdout).toMatch(/>= 71\b/);
    const explain = await cli(["explain", ACME, "--as-of", AS_OF, "--param", "mql_min=10", "--lead", JSON.stringify({ engagement: { score: 20 } })]);
    expect(explain.code).toBe(0);
    expect(explain.stdout).not.toContain("engagement.score >= mql_min —");
  });

  it("an unknown parameter or a value of the wrong type is a usage error (exit 2) that says why", async () => {
    const unknown = await cli(["run", ACME, "--input", LEADS, "--as-of", AS_OF, "--param", "mql_mim=70"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown parameter `mql_mim`; did you mean `mql_min`?");
    const wrong = await cli(["sweep", ACME, "--input", LEADS, "--param", "mql_min=high,low"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("parameter `mql_min` is a whole number; `high` does not fit");
    expect(wrong.stderr).not.toMatch(/internal error|\n\s+at /);
  });
});
