// Each value spelling, through every engine that reads data: the JS batch reader (CSV and JSON
// Lines, fast scanner and general reader), the DuckDB engine (CSV and JSON Lines), the
// in-process evaluator on lead objects, and `build --target sql --staging text` over the CSV
// loaded as an all-text table into DuckDB and PostgreSQL. One table of cases; every engine must accept the same
// cells, read them to the same value and refuse the rest with the same reason.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import type pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { runDuckdb } from "../compiler/batch/duckdb/run.js";
import { runJs } from "../compiler/batch/js/run-js.js";
import { compile } from "../compiler/compile.js";
import { parseDateDays } from "../language/literals.js";
import { connectPostgres } from "./support/postgres.js";
import type { Row } from "./support/sql-tables.js";
import { stagingOnDuckdb, stagingOnPostgres } from "./support/text-staging.js";

const dir = mkdtempSync(join(tmpdir(), "leaddef-codecs-"));
let n = 0;
let pgClient: Promise<pg.Client | undefined> | undefined;
afterAll(async () => (await pgClient)?.end());

interface Case {
  /** the field's declaration after `a:` */
  type: string;
  /** a condition on `a` that is true exactly for the accepted cells listed in `hits` */
  cond: string;
  cells: string[];
  /** cells (by value) the condition holds for */
  hits: string[];
  /** cells (by value) refused, with the reason text */
  refused: Record<string, string>;
  /** how the run reads numbers */
  decimalComma?: boolean;
}

function csvCell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

async function engines(c: Case) {
  const source = `schema {\n  a: ${c.type}\n}\ncriterion hit when ${c.cond}\nhigh when hit\n`;
  const r = compile(source);
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const program = r.program!;
  const k = n++;
  const csv = join(dir, `in${k}.csv`);
  const jsonl = join(dir, `in${k}.jsonl`);
  writeFileSync(csv, `id,a,other\n${c.cells.map((v, i) => `${i + 1},${csvCell(v)},x`).join("\n")}\n`);
  writeFileSync(jsonl, c.cells.map((v, i) => JSON.stringify({ id: String(i + 1), a: v })).join("\n") + "\n");
  const outcomes: Record<string, { stages: string; rejects: string }> = {};
  const base = { program, asOf: parseDateDays("2026-11-22"), idColumn: "id", columns: "default" as const, outputFormat: "csv" as const, decimalComma: c.decimalComma };
  for (const [name, input, inputFormat] of [["js csv", csv, "csv"], ["js jsonl", jsonl, "jsonl"], ["duckdb csv", csv, "csv"], ["duckdb jsonl", jsonl, "jsonl"]] as const) {
    const output = join(dir, `out${k}-${name.replace(" ", "-")}.csv`);
    const rejectsPath = `${output}.rejects.csv`;
    if (name.startsWith("js")) await runJs({ ...base, input, inputFormat, output, rejectsPath });
    else await runDuckdb({ ...base, input, inputFormat, output, rejectsPath, threads: 1 });
    outcomes[name] = { stages: readFileSync(output, "utf8"), rejects: existsSync(rejectsPath) ? readFileSync(rejectsPath, "utf8") : "" };
  }
  // Text staging tables, read by the codecs' SQL forms of each executed dialect.
  const staged: Record<string, Row[]> = { duckdb: await stagingOnDuckdb(program.ir, csv, "2026-11-22", c.decimalComma) };
  const client = await (pgClient ??= connectPostgres());
  if (client) staged.postgres = await stagingOnPostgres(client, program.ir, csv, "2026-11-22", c.decimalComma);
  return { program, outcomes, staged };
}

function check(c: Case) {
  it(`${c.type}: ${c.cells.map((x) => JSON.stringify(x)).join(" ")}`, async () => {
    const { program, outcomes, staged } = await engines(c);
    const reference = outcomes["js csv"];
    // Same bytes within a format; across formats the same rows (the header shifts CSV lines by one).
    expect(outcomes["duckdb csv"]).toEqual(reference);
    expect(outcomes["duckdb jsonl"]).toEqual(outcomes["js jsonl"]);
    const withoutLines = (rejects: string) => rejects.split("\n").map((l) => l.slice(l.indexOf(",") + 1)).join("\n");
    expect(outcomes["js jsonl"].stages).toBe(reference.stages);
    expect(withoutLines(outcomes["js jsonl"].rejects)).toBe(withoutLines(reference.rejects));
    const stageOf = new Map((parse(reference.stages, { from_line: 2 }) as string[][]).map((r) => [r[0], r[1]]));
    const reasons = new Map((reference.rejects ? (parse(reference.rejects, { from_line: 2 }) as string[][]) : []).map((r) => [r[1], r[4]]));
    c.cells.forEach((v, i) => {
      const id = String(i + 1);
      if (v in c.refused) {
        expect(reasons.get(id), `cell ${JSON.stringify(v)}`).toBe(c.refused[v]);
        if (!c.decimalComma) expect(() => program.evaluate({ a: v }, { asOf: "2026-11-22" }), `evaluate on ${JSON.stringify(v)}`).toThrow(c.refused[v]);
      } else {
        expect(stageOf.get(id), `cell ${JSON.stringify(v)}`).toBe(c.hits.includes(v) ? "high" : "none");
        if (!c.decimalComma) expect(program.evaluate({ a: v }, { asOf: "2026-11-22" }).stage, `evaluate on ${JSON.stringify(v)}`).toBe(c.hits.includes(v) ? "high" : "none");
      }
      for (const [engine, rows] of Object.entries(staged)) {
        const row = rows.find((r) => r.id === id);
        const want = v in c.refused ? [null, c.refused[v]] : [c.hits.includes(v) ? "high" : "none", null];
        expect([row?.stage, row?.reject_reason], `${engine} --staging text on ${JSON.stringify(v)}`).toEqual(want);
      }
    });
  });
}

describe("boolean spellings", () => {
  check({
    type: "boolean?",
    cond: "a",
    cells: ["true", "FALSE", "yes", "No", "y", "N", "on", "OFF", " On ", "1", "0", "maybe", "ja"],
    hits: ["true", "yes", "y", "on", " On ", "1"],
    refused: { maybe: "`maybe` is not true/false/yes/no/y/n/on/off/1/0", ja: "`ja` is not true/false/yes/no/y/n/on/off/1/0" },
  });
});

describe("numbers as exports write them", () => {
  check({
    type: "number?",
    cond: "a >= 1000000",
    cells: ["$1,200,000.00", "1,200,000", "USD 150,000,000.00", "2500000 €", "£ 1000000", "¥1,000,000", "-$5", "1.5e6", " 42 ", "1,20", "$1,2345", "$-5", "-$-5", "12 apples"],
    hits: ["$1,200,000.00", "1,200,000", "USD 150,000,000.00", "2500000 €", "£ 1000000", "¥1,000,000", "1.5e6"],
    refused: {
      "1,20": "`1,20` is not a number",
      "$1,2345": "`$1,2345` is not a number",
      "-$-5": "`-$-5` is not a number",
      "12 apples": "`12 apples` is not a number",
    },
  });
  check({
    type: "integer?",
    cond: "a >= 2500",
    cells: ["2,500", "2500.0", "2500.5", "$3,000"],
    hits: ["2,500", "2500.0", "$3,000"],
    refused: { "2500.5": "`2500.5` is not a whole number" },
  });
  check({
    type: "number?",
    cond: "a > 1000",
    decimalComma: true,
    cells: ["1.234.567,89", "1234,5", "999", "€ 2.000", "1.5"],
    hits: ["1.234.567,89", "1234,5", "€ 2.000"],
    refused: { "1.5": "`1.5` is not a number" },
  });
});

describe("dates as exports write them", () => {
  check({
    type: "date?",
    cond: "days_since(a) <= 30",
    cells: ["2026-11-20", "2026-11-20 01:38", "2026-11-20T23:27:00-05:00", "2025-10-28 01:38", "11/20/2026"],
    hits: ["2026-11-20", "2026-11-20 01:38", "2026-11-20T23:27:00-05:00"],
    refused: { "11/20/2026": "`11/20/2026` is not a date (YYYY-MM-DD)" },
  });
  check({
    type: 'date("M/D/YYYY")?',
    cond: "days_since(a) <= 30",
    cells: ["11/3/2026", "11/20/2026", "11/20/2026 10:15 AM", "2026-11-20", "2/30/2026", "13/1/2026"],
    hits: ["11/3/2026", "11/20/2026", "11/20/2026 10:15 AM", "2026-11-20"],
    refused: { "2/30/2026": "`2/30/2026` is not a date (M/D/YYYY or YYYY-MM-DD)", "13/1/2026": "`13/1/2026` is not a date (M/D/YYYY or YYYY-MM-DD)" },
  });
  check({
    type: 'date("DD.MM.YYYY")?',
    cond: "days_since(a) <= 30",
    cells: ["20.11.2026", "3.11.2026", "03.11.2025"],
    hits: ["20.11.2026"],
    refused: { "3.11.2026": "`3.11.2026` is not a date (DD.MM.YYYY or YYYY-MM-DD)" },
  });
});

describe("enum members as exports write them", () => {
  check({
    type: 'enum("Open - Not Contacted", "Working - Contacted", "Closed - Converted")?',
    cond: 'a = "Working - Contacted"',
    cells: ["Working - Contacted", "working - contacted", "  WORKING - CONTACTED ", "Open - Not Contacted", "Nurturing"],
    hits: ["Working - Contacted", "working - contacted", "  WORKING - CONTACTED "],
    refused: { Nurturing: "`Nurturing` is not one of Open - Not Contacted, Working - Contacted, Closed - Converted" },
  });
  check({
    type: "enum(FINANCIAL_SERVICES, TELECOMMUNICATIONS, ...)?",
    cond: "a in [FINANCIAL_SERVICES, TELECOMMUNICATIONS]",
    cells: ["FINANCIAL_SERVICES", "financial_services", "COMPUTER_SOFTWARE", "Hospital & Health Care"],
    hits: ["FINANCIAL_SERVICES", "financial_services"],
    refused: {},
  });
});
