// `build --target sql --staging text`: a CSV loaded as an all-text table into DuckDB, read by
// the value codecs' SQL forms, gives `leaddef run`'s results for good rows and its rejected
// rows with the same field, value and reason. (DuckDB only: the codecs have no PostgreSQL form.)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";
import { parse } from "csv-parse/sync";
import { afterAll, describe, expect, it } from "vitest";
import { compileFile } from "../compiler/compile.js";
import { emitSql } from "../compiler/sql/emit-sql.js";
import { openDuckdb, queryDuckdb, type Row } from "./support/sql-tables.js";

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, "..", "dist", "compiler", "app", "cli.js");
const dir = mkdtempSync(join(tmpdir(), "leaddef-staging-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DEFINITION = `schema {
  a.n: number
  a.i: integer?
  b.flag: boolean?
  c.d: date?
  e.kind: enum(alpha, beta, gamma)?
  l.tags: list(string)?
  s.name: string?
}
criterion big when a.n >= 10
score pts {
  +1 when big
  +2 when b.flag
  +3 when e.kind >= beta
  +4 when l.tags contains "x"
  +5 when days_since(c.d) <= 30
  +0.5 when a.i > 2
}
hot when pts >= 5
`;
// Good rows with the spellings run accepts, and one row per reason.
const CSV = `id,a.n,a.i,b.flag,c.d,e.kind,l.tags,s.name
1,12,3,yes,2026-11-01,beta,x;y,ok
2,abc,1,true,2026-11-01,alpha,,bad number
3,5,2.5,no,,gamma,x,not whole
4,,1,,,,,missing required
5, 7 ,4.0,TRUE,2026-11-20T10:00:00Z,beta, x ; z ,spaces
6,1e3,,maybe,,,,bad boolean
7,3,,,2026-13-01,,,bad date
8,3,,,,delta,,not a member
9,1e3,,Off,2026-11-22 01:38,,,good
10,-2.5,0,n,,alpha,;;x;,good
`;

interface Expected { results: Record<string, string>[]; rejects: Record<string, string>[] }

/** What \`leaddef run\` (the JS engine) writes for \`csv\`. */
function runJs(def: string, csv: string, asOf: string): Expected {
  const out = join(dir, "out.csv");
  const r = spawnSync(process.execPath, [cli, "run", def, "--input", csv, "--output", out, "--as-of", asOf, "--columns", "all"], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return {
    results: parse(readFileSync(out, "utf8"), { columns: true }) as Record<string, string>[],
    rejects: parse(readFileSync(`${out}.rejects.csv`, "utf8"), { columns: true }) as Record<string, string>[],
  };
}

/** Rows of the staging query over \`csv\` loaded into DuckDB with every column as text. */
async function runStaging(def: string, csv: string, asOf: string): Promise<Row[]> {
  const program = compileFile(def).program!;
  const duck = await openDuckdb();
  await duck.run(`CREATE TABLE leads_text AS SELECT * FROM read_csv('${csv.replace(/'/g, "''")}', header = true, all_varchar = true, delim = ',', quote = '"')`);
  const sql = emitSql(program.ir, { dialect: "duckdb", table: "leads_text", asOf, columns: "all", staging: "text" });
  return queryDuckdb(duck, sql);
}

function compare(expected: Expected, rows: Row[]): void {
  const byId = new Map(rows.map((r) => [String(r.id), r]));
  expect(rows.length).toBe(expected.results.length + expected.rejects.length);
  for (const want of expected.results) {
    const row = byId.get(want.id)!;
    expect(row, want.id).toBeDefined();
    expect(row.reject_reason, want.id).toBeNull();
    for (const [k, v] of Object.entries(want)) {
      if (k === "id") continue;
      const got = row[k];
      expect(typeof got === "number" ? String(got) : typeof got === "boolean" ? String(got) : got, `${want.id}.${k}`).toBe(v);
    }
  }
  for (const rej of expected.rejects) {
    const row = byId.get(rej.id)!;
    expect(row, rej.id).toBeDefined();
    expect([row.reject_field, row.reject_value, row.reject_reason, row.stage], rej.id).toEqual([rej.field, rej.value, rej.reason, null]);
  }
}

describe("text staging tables", () => {
  it("a crafted CSV: every spelling and every reason, as run reads them", async () => {
    const def = join(dir, "t.leaddef");
    const csv = join(dir, "t.csv");
    writeFileSync(def, DEFINITION);
    writeFileSync(csv, CSV);
    const expected = runJs(def, csv, "2026-11-22");
    expect(expected.rejects.length).toBe(6);
    expect(expected.results.length).toBe(4);
    compare(expected, await runStaging(def, csv, "2026-11-22"));
  });

  it("examples/leads.csv under each example definition", async () => {
    for (const name of ["acme", "smb", "scoring"]) {
      const def = join(here, "..", "examples", `${name}.leaddef`);
      const csv = join(here, "..", "examples", "leads.csv");
      const expected = runJs(def, csv, "2026-11-22");
      expect(expected.results.length).toBeGreaterThan(900);
      compare(expected, await runStaging(def, csv, "2026-11-22"));
    }
  }, 60_000);

  it("is refused for dialects whose codecs have no SQL form", () => {
    const program = compileFile(join(here, "..", "examples", "smb.leaddef")).program!;
    expect(() => emitSql(program.ir, { dialect: "postgres", staging: "text" })).toThrow(/duckdb only/);
  });
});
