// Write-back (`leaddef run --write-back hubspot|salesforce`): the import files against the CRMs'
// documented import rules (see ../shared/crm-formats.md and compiler/app/write-back.ts), as pure
// functions and through the built CLI (needs `npx tsc -p .`).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildImport, defaultProperty, importValue, keyIdentity, planWriteBack, WriteBackError, type Table } from "../compiler/app/write-back.js";
import { readTable } from "../compiler/app/write-back-run.js";
import { CLI } from "./support/cli.js";

const tmp = mkdtempSync(join(tmpdir(), "leaddef-write-back-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const RESULT_COLUMNS = ["id", "stage", "fit", "fit_grade"];
const results = (rows: string[][]): Table => ({ header: RESULT_COLUMNS, rows });

describe("planning a write-back", () => {
  it("names HubSpot properties by internal name and Salesforce fields by API name", () => {
    expect(defaultProperty("hubspot", "stage")).toBe("leaddef_stage");
    expect(defaultProperty("hubspot", "Fit")).toBe("leaddef_fit");
    expect(defaultProperty("salesforce", "stage")).toBe("Lead_Stage__c");
    expect(defaultProperty("salesforce", "fit_grade")).toBe("Leaddef_Fit_Grade__c");
    const hubspot = planWriteBack("hubspot", undefined, [], RESULT_COLUMNS);
    expect(hubspot).toMatchObject({ keyColumn: "Record ID", keyHeader: "Record ID" });
    expect(hubspot.properties.map((p) => p.property)).toEqual(["leaddef_stage", "leaddef_fit", "leaddef_fit_grade"]);
    expect(planWriteBack("salesforce", undefined, [], RESULT_COLUMNS)).toMatchObject({ keyColumn: "Lead ID", keyHeader: "Id" });
  });
  it("keys HubSpot on Record ID or Email and Salesforce on Id or an external id field, nothing else", () => {
    expect(planWriteBack("hubspot", "Email", [], RESULT_COLUMNS).keyHeader).toBe("Email");
    expect(planWriteBack("salesforce", "Id", [], RESULT_COLUMNS).keyHeader).toBe("Id");
    expect(planWriteBack("salesforce", "Legacy_Key__c", [], RESULT_COLUMNS).keyHeader).toBe("Legacy_Key__c");
    expect(() => planWriteBack("hubspot", "Company Name", [], RESULT_COLUMNS)).toThrow(/Record ID or Email/);
    expect(() => planWriteBack("salesforce", "Email", [], RESULT_COLUMNS)).toThrow(/Id or an External ID/);
  });
  it("takes --property overrides, leaves a column out on an empty name, refuses bad or clashing names", () => {
    const plan = planWriteBack("hubspot", undefined, ["stage=lead_funnel_stage", "fit_grade="], RESULT_COLUMNS);
    expect(plan.properties).toEqual([{ result: "stage", property: "lead_funnel_stage" }, { result: "fit", property: "leaddef_fit" }]);
    expect(() => planWriteBack("hubspot", undefined, ["stage=Lead Stage"], RESULT_COLUMNS)).toThrow(WriteBackError);
    expect(() => planWriteBack("salesforce", undefined, ["stage=Lead_Stage"], RESULT_COLUMNS)).toThrow(/__c/);
    expect(() => planWriteBack("hubspot", undefined, ["nope=x"], RESULT_COLUMNS)).toThrow(/no result `nope`/);
    expect(() => planWriteBack("hubspot", undefined, ["fit=leaddef_stage"], RESULT_COLUMNS)).toThrow(/written twice/);
    expect(() => planWriteBack("hubspot", undefined, ["stage"], RESULT_COLUMNS)).toThrow(/RESULT=NAME/);
    expect(() => planWriteBack("hubspot", undefined, ["stage=", "fit=", "fit_grade="], RESULT_COLUMNS)).toThrow(/nothing to write/);
  });
});

describe("import values", () => {
  it("booleans true/false, dates YYYY-MM-DD, numbers without currency or grouping", () => {
    expect(importValue("Yes", true)).toBe("true");
    expect(importValue("0", true)).toBe("false");
    expect(importValue("0")).toBe("0");
    expect(importValue("2025-10-28 01:38")).toBe("2025-10-28");
    expect(importValue("2025-06-28T23:27:00-05:00")).toBe("2025-06-28");
    expect(importValue("$1,200,000.50")).toBe("1200000.50");
    expect(importValue("-2,500")).toBe("-2500");
    expect(importValue("12.5")).toBe("12.5");
    expect(importValue("Working - Contacted")).toBe("Working - Contacted");
  });
  it("compares keys as the CRM does: e-mails and 18-character Salesforce ids ignore case", () => {
    expect(keyIdentity({ crm: "hubspot", keyHeader: "Email" }, " A@X.com ")).toBe("a@x.com");
    expect(keyIdentity({ crm: "salesforce", keyHeader: "Id" }, "00Q5g00000AbCdEAAA")).toBe("00Q5g00000AbCdE");
    expect(keyIdentity({ crm: "salesforce", keyHeader: "Id" }, "00Q5g00000abcde")).not.toBe(keyIdentity({ crm: "salesforce", keyHeader: "Id" }, "00Q5g00000AbCdE"));
  });
});

describe("building the import file", () => {
  const plan = planWriteBack("hubspot", undefined, [], RESULT_COLUMNS);
  it("writes the key first, then one column per property; no BOM; every key non-empty", () => {
    const file = buildImport(plan, results([["101", "mql", "35", "A"], ["102", "none", "0", "D"]]));
    expect(file.text).toBe("Record ID,leaddef_stage,leaddef_fit,leaddef_fit_grade\n101,mql,35,A\n102,none,0,D\n");
    expect(file.text.charCodeAt(0)).not.toBe(0xfeff);
  });
  it("leaves out blank keys, writes an identical repeat once, and leaves out a key whose rows disagree", () => {
    const file = buildImport(plan, results([
      ["101", "mql", "35", "A"], ["", "sql", "90", "A"], ["101", "mql", "35", "A"],
      ["102", "none", "0", "D"], ["102", "sal", "50", "B"], ["103", "none", "5", "C"],
    ]));
    expect(file.text).toBe("Record ID,leaddef_stage,leaddef_fit,leaddef_fit_grade\n101,mql,35,A\n103,none,5,C\n");
    expect(file).toMatchObject({ written: 2, blankKeys: 1, duplicates: 1, conflicting: ["102"] });
  });
  it("Salesforce: a duplicate id (15 vs 18 characters) never reaches the file twice", () => {
    const sf = planWriteBack("salesforce", undefined, [], RESULT_COLUMNS);
    const file = buildImport(sf, results([["00Q5g00000AbCdE", "mql", "1", "A"], ["00Q5g00000AbCdEAAA", "mql", "1", "A"]]));
    expect(file.text).toBe("Id,Lead_Stage__c,Leaddef_Fit__c,Leaddef_Fit_Grade__c\n00Q5g00000AbCdE,mql,1,A\n");
  });
  it("--changed-since keeps new keys and keys whose values changed", () => {
    const previous: Table = { header: ["Record ID", "leaddef_stage", "leaddef_fit", "leaddef_fit_grade"], rows: [["101", "mql", "35", "A"], ["102", "none", "0", "D"]] };
    const file = buildImport(plan, results([["101", "mql", "35", "A"], ["102", "sal", "50", "B"], ["103", "none", "5", "C"]]), previous);
    expect(file.text).toBe("Record ID,leaddef_stage,leaddef_fit,leaddef_fit_grade\n102,sal,50,B\n103,none,5,C\n");
    expect(file.unchanged).toBe(1);
    // A property the previous file lacks counts as changed.
    const narrow: Table = { header: ["Record ID", "leaddef_stage"], rows: [["101", "mql"]] };
    expect(buildImport(plan, results([["101", "mql", "35", "A"]]), narrow).written).toBe(1);
    expect(() => buildImport(plan, results([]), { header: ["Email"], rows: [] })).toThrow(/no `Record ID` column/);
  });
  it("quotes a key or value that needs it, so the file stays one record per line", () => {
    const file = buildImport(planWriteBack("hubspot", "Email", [], RESULT_COLUMNS), results([['"odd",name@x.com', "mql", "1", "A"]]));
    expect(readTable(file.text, "import")).toEqual({ header: ["Email", "leaddef_stage", "leaddef_fit", "leaddef_fit_grade"], rows: [['"odd",name@x.com', "mql", "1", "A"]] });
  });
});

describe("leaddef run --write-back (CLI)", () => {
  const definition = join(tmp, "wb.leaddef");
  writeFileSync(definition, "schema {\n  company.employees: integer?\n}\nscore fit {\n  +10 when company.employees >= 100\n}\nmql when fit >= 10\n");
  const input = join(tmp, "contacts.csv");
  writeFileSync(input, "Record ID,company.employees,Email\n101,500,a@x.com\n102,5,B@x.com\n103,,c@x.com\n101,500,a@x.com\n,7,d@x.com\n");
  const run = (...args: string[]) => spawnSync(process.execPath, [CLI, "run", definition, "--input", input, "--as-of", "2026-01-01", ...args], { encoding: "utf8" });

  for (const engine of ["js", "duckdb"]) {
    it(`writes a HubSpot import keyed by Record ID (${engine})`, () => {
      const out = join(tmp, `hubspot-${engine}.csv`);
      const r = run("--engine", engine, "--write-back", "hubspot", "-o", out);
      expect(r.status).toBe(0);
      expect(readFileSync(out, "utf8")).toBe("Record ID,leaddef_stage,leaddef_fit\n101,mql,10\n102,none,0\n103,none,0\n");
      expect(r.stderr).toContain("1 with a blank Record ID left out");
    });
  }
  it("writes a Salesforce upsert file keyed by Id with custom field API names", () => {
    const sfInput = join(tmp, "leads.csv");
    writeFileSync(sfInput, '"Lead ID","company.employees"\n"00Q5g00000AbCdE","2,500"\n"00Q5g00000XyZab","3"\n');
    const out = join(tmp, "salesforce.csv");
    const r = spawnSync(process.execPath, [CLI, "run", definition, "--input", sfInput, "--write-back", "salesforce", "--property", "stage=Leaddef_Stage__c", "-o", out], { encoding: "utf8" });
    expect(r.stderr).not.toMatch(/error/i);
    expect(readFileSync(out, "utf8").split("\n")[0]).toBe("Id,Leaddef_Stage__c,Leaddef_Fit__c");
  });
  it("--changed-since writes only what changed since the previous file", () => {
    const previous = join(tmp, "previous.csv");
    writeFileSync(previous, "Record ID,leaddef_stage,leaddef_fit\n101,mql,10\n102,mql,10\n");
    const out = join(tmp, "changed.csv");
    const r = run("--write-back", "hubspot", "--changed-since", previous, "-o", out);
    expect(r.status).toBe(0);
    expect(readFileSync(out, "utf8")).toBe("Record ID,leaddef_stage,leaddef_fit\n102,none,0\n103,none,0\n");
  });
  it("refuses options the CRM cannot accept before running, as a usage error", () => {
    const bad = run("--write-back", "salesforce", "--write-back-key", "Email", "-o", join(tmp, "never.csv"));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/Id or an External ID/);
    const orphan = run("--property", "stage=x");
    expect(orphan.status).toBe(2);
    expect(orphan.stderr).toMatch(/need --write-back/);
    const missing = run("--write-back", "hubspot", "--changed-since", join(tmp, "no-such.csv"));
    expect(missing.status).toBe(2);
  });
  it("refuses an input without the key column instead of keying records by row number", () => {
    const keyless = join(tmp, "keyless.csv");
    writeFileSync(keyless, "company.employees,Email\n500,a@x.com\n");
    const out = join(tmp, "keyless-import.csv");
    const r = spawnSync(process.execPath, [CLI, "run", definition, "--input", keyless, "--write-back", "hubspot", "-o", out], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("has no `Record ID` column");
    expect(existsSync(out)).toBe(false);
  });
  it("exits 1 when a key's rows disagree and leaves that key out", () => {
    const conflicted = join(tmp, "conflict.csv");
    writeFileSync(conflicted, "Record ID,company.employees\n7,500\n7,5\n8,5\n");
    const out = join(tmp, "conflict-import.csv");
    const r = spawnSync(process.execPath, [CLI, "run", definition, "--input", conflicted, "--write-back", "hubspot", "-o", out], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(readFileSync(out, "utf8")).toBe("Record ID,leaddef_stage,leaddef_fit\n8,none,0\n");
    expect(r.stderr).toContain("disagreeing rows left out: 7");
  });
});
