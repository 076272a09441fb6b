// Real CRM exports, whole-file rules, through the CLI on both engines: the delimiter, report
// trailers, `from` columns, every reason of a rejected row, and the loud failures.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI } from "./support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "leaddef-exports-"));
let n = 0;

const DEFINITION = `schema {
  company.revenue: number from "Annual Revenue"
  status: enum("Open - Not Contacted", "Working - Contacted", ...) from "Lead Status"
  created: date("M/D/YYYY") from "Created Date"
  employees: integer? from "No. of Employees"
}
hot when company.revenue >= 1M and status = "Working - Contacted" and days_since(created) < 60
`;

function run(csv: string, extra: string[] = [], definition = DEFINITION) {
  const k = n++;
  const def = join(dir, `d${k}.leaddef`);
  const input = join(dir, `in${k}.csv`);
  writeFileSync(def, definition);
  writeFileSync(input, csv);
  const out: Record<string, { code: number | null; stdout: string; stderr: string; output?: string; rejects?: string }> = {};
  for (const engine of ["js", "duckdb"]) {
    const output = join(dir, `out${k}-${engine}.csv`);
    const rejects = join(dir, `out${k}-${engine}.rejects.jsonl`);
    const r = spawnSync(process.execPath, [CLI, "run", def, "--input", input, "--as-of", "2025-12-01", "--engine", engine, "-o", output, "--rejects", rejects, ...extra], { encoding: "utf8" });
    out[engine] = { code: r.status, stdout: r.stdout, stderr: r.stderr, output: existsSync(output) ? readFileSync(output, "utf8") : undefined, rejects: existsSync(rejects) ? readFileSync(rejects, "utf8") : undefined };
  }
  // Both engines: the same exit, the same results and rejects, the same accounting line.
  const line = (s: string) => s.split("\n").find((l) => l.startsWith("rows read"))?.replace(/\s+\((js|duckdb).*$/, "");
  expect(out.duckdb.code).toBe(out.js.code);
  expect(out.duckdb.rejects).toBe(out.js.rejects);
  if (out.js.code === 0) {
    expect(out.duckdb.output).toBe(out.js.output);
    expect(line(out.duckdb.stdout)).toBe(line(out.js.stdout));
  }
  return out.js;
}

const SALESFORCE = [
  '"Lead ID","Annual Revenue","Lead Status","Created Date","No. of Employees"',
  '"00Q1","$150,000,000.00","Working - Contacted","11/3/2025","2,500"',
  '"00Q2","USD 250,000","Open - Not Contacted","1/15/2025",""',
  '"00Q3","n/a","Nurturing","2/30/2025","12.5"',
  "",
  '"Total: 3"',
  "",
  '"Confidential Information - Do Not Distribute"',
  '"Copyright (c) 2000-2025 salesforce.com, inc. All rights reserved."',
  "",
].join("\r\n");

describe("a Salesforce report, as exported", () => {
  it("binds columns by `from`, reads its spellings, skips its trailer and lists every reason of a bad row", () => {
    const r = run(SALESFORCE, ["--id", "Lead ID"]);
    expect(r.code).toBe(0);
    expect(r.output).toBe("id,stage\n00Q1,hot\n00Q2,none\n");
    expect(r.stdout).toMatch(/rows read 6 = written 2 \+ rejected 1 \+ skipped 3/);
    const rejected = JSON.parse(r.rejects!.trim());
    expect(rejected.line).toBe(4);
    expect(rejected.reasons.map((x: { field: string; code: string }) => [x.field, x.code])).toEqual([
      ["company.revenue", "not-a-number"],
      ["created", "not-a-date"],
      ["employees", "not-a-whole-number"],
    ]);
  });

  it("a European export: semicolons detected, decimal commas when told", () => {
    const csv = "\uFEFFLead ID;Annual Revenue;Lead Status;Created Date\r\n1;1.500.000,50 €;working - contacted;11/3/2025\r\n2;250.000;Open - Not Contacted;1/15/2025\r\n";
    const r = run(csv, ["--id", "Lead ID", "--decimal-comma"]);
    expect(r.code).toBe(0);
    expect(r.output).toBe("id,stage\n1,hot\n2,none\n");
  });

  it("--delimiter overrides detection; a wrong one is a usage error", () => {
    const csv = "Lead ID|Annual Revenue|Lead Status|Created Date\n1|2000000|Working - Contacted|11/3/2025\n";
    expect(run(csv, ["--id", "Lead ID", "--delimiter", "pipe"]).output).toBe("id,stage\n1,hot\n");
    expect(run(csv, ["--id", "Lead ID", "--delimiter", "x"]).code).toBe(2);
  });
});

describe("a file that is wrong as a whole fails loudly", () => {
  it("a required field without its column: exit 1, naming the field and the nearest header", () => {
    const r = run('"Lead ID","Annual revenue","Lead Status","Created Date"\n"1","5","Working - Contacted","11/3/2025"\n', ["--id", "Lead ID"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no column "Annual Revenue" for the required field `company.revenue`; did you mean "Annual revenue"?');
  });

  it("an --id column that does not exist: exit 1 with the nearest header", () => {
    const r = run(SALESFORCE, ["--id", "Lead Id"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no id column "Lead Id" (--id); did you mean "Lead ID"?');
  });

  it("every row rejected: exit 1, pointing at the reasons", () => {
    const r = run('"Lead ID","Annual Revenue","Lead Status","Created Date"\n"1","lots","Working - Contacted","11/3/2025"\n"2","many","Working - Contacted","11/3/2025"\n', ["--id", "Lead ID"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("every row was rejected (2 of 2)");
  });

  it("no header at all: exit 1", () => {
    expect(run("").code).toBe(1);
  });
});
