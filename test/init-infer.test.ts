// `leaddef init`'s pure core (compiler/infer/): sampling an export, inferring each column's type,
// naming the fields and writing the starter text. The starters of the three example exports are
// goldens in test/golden/init/ (regenerate with UPDATE_GOLDEN=1 and review the diff).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { detectDecimalComma, inferColumnType, inferType, numericDateLayout } from "../compiler/infer/column-types.js";
import { inferStarter } from "../compiler/infer/index.js";
import { fieldPaths, snakeName } from "../compiler/infer/names.js";
import { detectDelimiter, sampleCsv, sampleJsonl } from "../compiler/infer/sample.js";
import { detectDelimiter as runDelimiter } from "../compiler/batch/sources/csv-dialect.js";
import { memberText, stringLiteral, typeText } from "../compiler/infer/starter.js";
import { tokenize } from "../language/tokens.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const crm = join(root, "examples", "crm");
const update = process.env.UPDATE_GOLDEN === "1";

describe("sampling CSV", () => {
  it("detects the delimiter from the header line, outside quotes", () => {
    expect(detectDelimiter("a,b,c")).toBe(",");
    expect(detectDelimiter("a;b;c")).toBe(";");
    expect(detectDelimiter("a\tb\tc")).toBe("\t");
    expect(detectDelimiter("a|b|c")).toBe("|");
    expect(detectDelimiter('"Company, Inc";"b";"c"')).toBe(";");
    expect(detectDelimiter("single")).toBe(",");
    // one rule: `run`'s (batch/sources/csv-dialect.ts)
    expect(detectDelimiter).toBe(runDelimiter);
  });

  it("honours a BOM, CRLF, quotes with delimiters, doubled quotes and newlines in cells", () => {
    const text = '\uFEFFName;Note\r\n"A; B";"say ""hi"""\r\n"multi\nline";x\r\n';
    const sample = sampleCsv(text, 10, true);
    expect(sample.delimiter).toBe(";");
    expect(sample.columns.map((c) => c.header)).toEqual(["Name", "Note"]);
    expect(sample.columns[0].values).toEqual(["A; B", "multi\nline"]);
    expect(sample.columns[1].values).toEqual(['say "hi"', "x"]);
  });

  it("drops a Salesforce report trailer and counts its lines", () => {
    const text = [
      '"Lead ID","Name"', '"1","a"', '"2","b"', "",
      '"Copyright (c) 2000-2025 salesforce.com, inc. All rights reserved."',
      '"Confidential Information - Do Not Distribute"', '"2"',
    ].join("\n");
    const sample = sampleCsv(text, 100, true);
    expect(sample.rows).toBe(2);
    expect(sample.trailerLines).toBe(3);
    expect(sample.columns[0].values).toEqual(["1", "2"]);
  });

  it("keeps single-cell rows that no blank line separates from the data (they are rows, not a trailer)", () => {
    expect(sampleCsv("a,b\n1,a\nx\n", 100, true)).toMatchObject({ rows: 2, trailerLines: 0 });
    expect(sampleCsv("a,b\n1,a\n\nx\n", 100, true)).toMatchObject({ rows: 1, trailerLines: 1 });
    // one column: nothing tells a trailer apart
    expect(sampleCsv("a\n1\n\nx\n", 100, true)).toMatchObject({ rows: 2, trailerLines: 0 });
  });

  it("finds the trailer `run` finds, however many rows come before it, and no more than `run` would skip", () => {
    const rows = Array.from({ length: 500 }, (_, i) => `${i},x`);
    const text = ["id,name", ...rows, "", '"Total: 500"', '"Confidential Information - Do Not Distribute"', ""].join("\r\n");
    expect(sampleCsv(text, 10, true)).toMatchObject({ rows: 10, trailerLines: 2, truncated: true });
    // more than 20 single-cell lines after a blank one are data to run (rejected rows), so not a trailer here either
    const long = ["id,name", "1,a", "", ...Array.from({ length: 21 }, (_, i) => `note ${i}`)].join("\n");
    expect(sampleCsv(long, 100, true).trailerLines).toBe(0);
  });

  it("samples the first N rows and drops a row cut by a partial read", () => {
    const text = "a,b\n1,2\n3,4\n5,6\n7,";
    expect(sampleCsv(text, 2, true)).toMatchObject({ rows: 2, truncated: true });
    const partial = sampleCsv(text, 100, false);
    expect(partial.rows).toBe(3);
    expect(partial.truncated).toBe(true);
  });

  it("refuses a file without a header instead of inventing columns", () => {
    expect(() => sampleCsv("", 10, true)).toThrow(/no header/);
    expect(() => sampleCsv("\n\n", 10, true)).toThrow(/no header/);
  });
});

describe("sampling JSON Lines", () => {
  it("flattens nested objects, unions keys in first-seen order, skips bad lines", () => {
    const text = '{"id":"1","company":{"name":"A","employees":"12"}}\nnot json\n{"id":"2","extra":true,"company":{"name":null}}\n';
    const sample = sampleJsonl(text, 10, true);
    expect(sample.columns.map((c) => c.header)).toEqual(["id", "company.name", "company.employees", "extra"]);
    expect(sample.columns[2].values).toEqual(["12", ""]);
    expect(sample.columns[3].values).toEqual(["", "true"]);
  });
  it("refuses a file with no JSON object", () => {
    expect(() => sampleJsonl("[1]\n\n", 10, true)).toThrow(/no JSON object/);
  });
});

describe("inferring a column's type", () => {
  const t = (header: string, values: string[], decimalComma = false) => inferType(header, values, decimalComma);

  it("booleans in every export spelling, any case", () => {
    expect(t("Requested a demo", ["true", "FALSE", "", "Yes", "no", "Y", "n", "on", "OFF"])).toEqual({ kind: "boolean" });
  });
  it("a 0/1 column is a boolean (Salesforce writes checkboxes as 1/0) unless its header names a quantity", () => {
    expect(t("Email Opt Out", ["0", "1", "0"])).toEqual({ kind: "boolean" });
    expect(t("Number of open deals", ["0", "1", "0"])).toEqual({ kind: "integer" });
    expect(t("Email clicks", ["1", "0"])).toEqual({ kind: "integer" });
  });
  it("integers, with US grouping; money and values past 32 bits as numbers", () => {
    expect(t("No. of Employees", ["2,500", "18", "1,000,000", "2500.0"])).toEqual({ kind: "integer" });
    expect(t("Annual Revenue", ["1200", "5000"])).toEqual({ kind: "number" });
    expect(t("Visits", ["12345678901"])).toEqual({ kind: "number" });
  });
  it("numbers with currency symbols, codes, grouping and exponents", () => {
    expect(t("Annual Revenue", ["$150,000,000.00", "USD 150,000.00", "€12.5", "1e6", "-3.25", "12 €"])).toEqual({ kind: "number" });
  });
  it("decimal-comma numbers only when the file writes decimal commas", () => {
    expect(t("Umsatz", ["1.234.567,89", "72,5"], true)).toEqual({ kind: "number" });
    expect(t("Umsatz", ["1.234.567,89", "72,5"], false)).toEqual({ kind: "string" });
    expect(t("Mitarbeiter", ["1.234", "12"], true)).toEqual({ kind: "integer" });
  });
  it("a dotted JSON key is judged by its last segment, a label with spaces whole", () => {
    expect(t("company.locations", ["1", "2", "3"])).toEqual({ kind: "integer" });
    expect(t("company.name", ["1", "2", "3"])).toEqual({ kind: "string" });
    expect(t("No. of Employees", ["1", "0", "1"])).toEqual({ kind: "integer" });
  });
  it("codes with a leading zero and identifiers stay strings", () => {
    expect(t("Zip", ["02134", "90210", "02134"])).toEqual({ kind: "string" });
    expect(t("Record ID", ["51205112", "51205900"])).toEqual({ kind: "string" });
  });
  it("ISO dates and timestamps are plain dates; other layouts are declared", () => {
    expect(t("Create Date", ["2025-10-28 01:38", "2025-06-28T23:27:00-05:00", "2025-01-02"])).toEqual({ kind: "date" });
    expect(t("Created Date", ["11/3/2025", "1/30/2025"])).toEqual({ kind: "date", layout: "M/D/YYYY" });
    expect(t("Created Date", ["3.11.2025", "30.1.2025"])).toEqual({ kind: "date", layout: "D.M.YYYY" });
  });
  it("date layouts: day-first or month-first from the values, else from the separator", () => {
    expect(numericDateLayout(["13/1/2025", "1/2/2025"])).toBe("D/M/YYYY");
    expect(numericDateLayout(["1/13/2025"])).toBe("M/D/YYYY");
    expect(numericDateLayout(["1/2/2025"])).toBe("M/D/YYYY");
    expect(numericDateLayout(["01.02.2025"])).toBe("D.M.YYYY");
    expect(numericDateLayout(["1/2/2025 14:05"])).toBe("M/D/YYYY HH:mm");
    expect(numericDateLayout(["13/13/2025"])).toBeUndefined();
    expect(numericDateLayout(["1/2/2025", "1.2.2025"])).toBeUndefined();
    expect(numericDateLayout(["1/2/2025 9:14 AM"])).toBeUndefined();
  });
  it("low-cardinality columns are enums; open when a value is rare or the sample is small", () => {
    const repeat = (values: string[], n: number) => Array.from({ length: n }, () => values).flat();
    expect(t("Rating", repeat(["Hot", "Warm", "Cold"], 10))).toEqual({ kind: "enum", members: ["Cold", "Warm", "Hot"], open: false });
    expect(t("Source", [...repeat(["Web", "Email"], 10), "Fax"])).toEqual({ kind: "enum", members: ["Email", "Fax", "Web"], open: true });
    expect(t("Tier", ["A", "B", "A", "B"])).toMatchObject({ kind: "enum", open: true });
  });
  it("a known order is completed and kept, so >= means what the CRM means", () => {
    const values = Array.from({ length: 10 }, () => ["lead", "customer", "subscriber"]).flat();
    expect(t("Lifecycle Stage", values)).toMatchObject({
      members: ["subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer", "evangelist", "other"],
    });
  });
  it("enum matching ignores case: one member per value, the first spelling", () => {
    expect(t("Tier", ["gold", "Gold", "GOLD", "silver", "silver", "silver"])).toMatchObject({ members: ["gold", "silver"] });
  });
  it("names, free text and many distinct values are strings; an all-blank column is a string", () => {
    expect(t("First Name", ["Ann", "Bob", "Ann", "Bob"])).toEqual({ kind: "string" });
    expect(t("Note", ["a", "b", "c", "d"])).toEqual({ kind: "string" });
    expect(t("Anything", ["", ""])).toEqual({ kind: "string" });
  });
});

describe("tolerating a few bad cells", () => {
  it("a column of 50+ cells with at most 1% stray values keeps its type and names the strays", () => {
    const values = [...Array.from({ length: 99 }, (_, i) => String(i * 7 + 3)), "n/a"];
    expect(inferColumnType("Employees", values, false)).toEqual({ type: { kind: "integer" }, strays: ["n/a"] });
    expect(inferColumnType("Employees", values.slice(50), false)).toEqual({ type: { kind: "string" }, strays: [] }); // too few cells
    const twoBad = [...values.slice(0, 98), "n/a", "lots"];
    expect(inferColumnType("Employees", twoBad, false).type).toEqual({ kind: "string" }); // 2% is data, not strays
  });
  it("the starter says which values will be rejected", () => {
    const csv = "n\n" + Array.from({ length: 99 }, (_, i) => `${i + 1}`).join("\n") + "\nn/a\n";
    expect(inferStarter(csv, { source: "x.csv" }).text).toContain("do not read as integer and will be rejected: n/a");
  });
});

describe("detecting decimal commas", () => {
  it("sees European numbers and refuses when a US-only number appears", () => {
    expect(detectDecimalComma([{ header: "x", values: ["1.234.567,89"] }])).toBe(true);
    expect(detectDecimalComma([{ header: "x", values: ["72,5"] }])).toBe(true);
    expect(detectDecimalComma([{ header: "x", values: ["2,500"] }])).toBe(false);
    expect(detectDecimalComma([{ header: "x", values: ["72,5", "1,234.50"] }])).toBe(false);
    expect(detectDecimalComma([{ header: "x", values: ["Smith, John"] }])).toBe(false);
  });
});

describe("naming fields", () => {
  it("snake_case from the header, accents off, camelCase keys split", () => {
    expect(snakeName("Company / Account")).toBe("company_account");
    expect(snakeName("Country/Region")).toBe("country_region");
    expect(snakeName("No. of Employees")).toBe("no_of_employees");
    expect(snakeName("Société Générale")).toBe("societe_generale");
    expect(snakeName("annualRevenue")).toBe("annual_revenue");
    expect(snakeName("HubSpot Score")).toBe("hubspot_score");
    expect(snakeName("2024 Budget")).toBe("n2024_budget");
    expect(snakeName("€€€")).toBe("");
  });
  it("JSON Lines keys that are valid paths stay paths; others are grouped and bound with from", () => {
    expect(fieldPaths(["company.name", "Annual Revenue", "score", "lead.annual_revenue"], true)).toEqual([
      "company.name", "lead.annual_revenue_2", "lead.score", "lead.annual_revenue",
    ]);
  });
  it("groups under lead., so keywords and stage names cannot clash, and deduplicates", () => {
    expect(fieldPaths(["Score", "stage", "Stage", "", "€", "mql"])).toEqual([
      "lead.score", "lead.stage", "lead.stage_2", "lead.column_4", "lead.column_5", "lead.mql",
    ]);
  });
});

describe("writing the starter", () => {
  it("escapes header text inside string literals so it round-trips through the lexer", () => {
    const hostile = 'Weird "quoted" \\ back\\slash\tand\nnewline';
    const literal = stringLiteral(hostile);
    const tokens = tokenize(`x ${literal}`).tokens;
    expect(tokens.map((tk) => tk.tokenType.name)).toEqual(["Identifier", "StringLiteral"]);
    expect(literal).toBe('"Weird \\"quoted\\" \\\\ back\\\\slash\\tand\\nnewline"');
  });
  it("writes members bare when they are plain non-keyword names, else as strings", () => {
    expect(memberText("IN_PROGRESS")).toBe("IN_PROGRESS");
    expect(memberText("Open - Not Contacted")).toBe('"Open - Not Contacted"');
    expect(memberText("none")).toBe('"none"');
    expect(typeText({ kind: "enum", members: ["A", "b c"], open: true })).toBe('enum(A, "b c", ...)');
    expect(typeText({ kind: "date", layout: "M/D/YYYY" })).toBe('date("M/D/YYYY")');
  });
  it("a hostile header or value never breaks the file: every line is a comment, a field or a brace", () => {
    const text = 'a"b\\c,"x\ny",plain\n"v1\nv2 # } schema {",1,q\n';
    const { text: starter } = inferStarter(text, { source: "hostile\n.csv" });
    const body = starter.split("\n").filter((l) => l.trim() !== "");
    for (const line of body) expect(line).toMatch(/^(#|schema \{$|\}$|  # |  lead\.[a-z0-9_]+: )/);
    expect(starter).toContain('from "a\\"b\\\\c"');
    expect(starter).toContain('from "x\\ny"');
  });
  it("marks a column with blanks optional and says when the file writes decimal commas", () => {
    const { text } = inferStarter("\uFEFFa;b\r\n1,5;x\r\n;x\r\n", { source: "eu.csv" });
    expect(text).toContain('lead.a: number? from "a"');
    expect(text).toContain("decimal commas");
  });

  for (const name of ["hubspot-contacts", "salesforce-leads", "european-leads"]) {
    it(`writes the golden starter for examples/crm/${name}.csv`, () => {
      const { text } = inferStarter(readFileSync(join(crm, `${name}.csv`), "utf8"), { source: `${name}.csv` });
      const golden = join(root, "test", "golden", "init", `${name}.leaddef`);
      if (update || !existsSync(golden)) writeFileSync(golden, text);
      expect(text).toBe(readFileSync(golden, "utf8"));
    });
  }
});
