// Differential, property-based: random well-typed programs × random leads. The JS evaluator
// (the reference semantics), DuckDB and PostgreSQL must agree lead by lead on the stage, every
// score (bit for bit), every criterion flag and every stage flag.
// The same leads, written as a CSV holds them and loaded as all-text tables, go through
// `--staging text` on both engines and must give what the JS evaluator gives on those texts.
// Postgres comes from .ci/postgres.sh; without it these parts skip loudly (or fail with
// LEADDEF_REQUIRE_POSTGRES=1).
import type { DuckDBConnection } from "@duckdb/node-api";
import fc from "fast-check";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDateDays } from "../language/literals.js";
import { compile } from "../compiler/compile.js";
import { emitSql } from "../compiler/sql/emit-sql.js";
import type { Program } from "../compiler/runtime/program.js";
import { codecOf } from "../compiler/runtime/codecs/codec.js";
import { connectPostgres } from "./support/postgres.js";
import { generateCase, type GenCase } from "./support/random-program.js";
import { loadDuckdb, loadPostgres, openDuckdb, queryDuckdb, queryPostgres, type Row } from "./support/sql-tables.js";

const PROGRAMS = Number(process.env.LEADDEF_SQL_PROGRAMS ?? 400);
const LEADS_PER_PROGRAM = 16;
// Text staging queries are several times larger: fewer programs take that path.
const STAGING_PROGRAMS = Number(process.env.LEADDEF_SQL_STAGING_PROGRAMS ?? 50);

let duck: DuckDBConnection;
let pgClient: pg.Client | undefined;
let cases = 0;
let stagingCases = 0;

beforeAll(async () => {
  duck = await openDuckdb();
  pgClient = await connectPostgres();
});

afterAll(async () => {
  await pgClient?.query("DROP TABLE IF EXISTS leaddef_diff");
  await pgClient?.query("DROP TABLE IF EXISTS leaddef_diff_text");
  await pgClient?.end();
  console.log(`sql-differential: ${cases} program/lead cases compared, and ${stagingCases} as text staging`);
});

interface Expected { stage: string; scores: number[]; flags: boolean[]; reason: string | undefined; grades: string[] }

function expectedOf(program: Program, c: GenCase): Expected[] {
  const asOf = parseDateDays(c.asOf);
  const n = program.scores.length + program.criteria.length + program.stages.length + program.textColumns.length;
  return c.leads.map((lead) => {
    const res = program.evaluate(lead, { asOf: c.asOf });
    const vals = program.fields.map((f) => {
      const v = lead[f.path];
      if (f.kind === "number") return v === undefined ? NaN : v;
      if (f.kind === "date") return v === undefined ? NaN : parseDateDays(v as string);
      return v;
    });
    const out = new Array(1 + n);
    program.evaluateValues(vals, asOf, out, true);
    expect(program.resultStages[out[0] as number] ?? "none").toBe(res.stage);
    // The batch row ends with the text columns (reason, grades): the same values as evaluate's.
    const flags = out.slice(1 + program.scores.length, out.length - program.textColumns.length) as boolean[];
    expect(out.slice(out.length - program.textColumns.length)).toEqual([...(program.ir.disqualifications.length ? [res.reason] : []), ...program.grades.map((g) => res.grades![g])]);
    return { stage: res.stage, scores: program.scores.map((s) => res.scores[s]), flags, reason: res.reason, grades: program.grades.map((g) => res.grades?.[g] ?? "") };
  });
}

/** A lead's values as a CSV export writes them: numbers as JS prints them, lists joined by `;`, a missing value empty. */
function asText(lead: Row, fields: readonly { path: string }[]): Row {
  const text: Row = { id: lead.id };
  for (const f of fields) {
    const v = lead[f.path];
    text[f.path] = v === undefined ? "" : Array.isArray(v) ? v.join(";") : String(v);
  }
  return text;
}

/** What the JS engine gives for text leads: each non-empty text read by its field's codec, as \`run\` reads a CSV cell. */
function expectedOfText(program: Program, c: GenCase, texts: Row[]): Expected[] {
  const asOf = parseDateDays(c.asOf);
  const n = program.scores.length + program.criteria.length + program.stages.length;
  return texts.map((text) => {
    const vals = program.fields.map((f) => {
      const cell = text[f.path] as string;
      return cell === "" ? codecOf(f).missing : codecOf(f).read(cell);
    });
    const out = new Array(1 + n);
    program.evaluateValues(vals, asOf, out, true);
    return { stage: program.stages[out[0] as number] ?? "none", scores: out.slice(1, 1 + program.scores.length) as number[], flags: out.slice(1 + program.scores.length) as boolean[], reason: undefined, grades: [] };
  });
}

function compareRows(engine: string, program: Program, c: GenCase, expected: Expected[], rows: Row[]): void {
  expect(rows.length, `${engine}: row count`).toBe(c.leads.length);
  const byId = new Map(rows.map((r) => [Number(r.id), r]));
  const flagNames = [...program.criteria, ...program.stages];
  c.leads.forEach((lead, i) => {
    const row = byId.get(lead.id as number);
    const where = () => `${engine}, lead ${JSON.stringify(lead)}\nprogram:\n${c.source}`;
    expect(row, where()).toBeDefined();
    expect(row!.stage, where()).toBe(expected[i].stage);
    if ("reject_reason" in row!) expect(row!.reject_reason, where()).toBeNull();
    program.scores.forEach((s, k) => expect(row![s], `score ${s}: ${where()}`).toBe(expected[i].scores[k]));
    flagNames.forEach((name, k) => expect(row![name], `flag ${name}: ${where()}`).toBe(expected[i].flags[k]));
    // Missing (NULL) when not disqualified; the clause's text as data otherwise.
    if (program.ir.disqualifications.length) expect(row!.reason ?? undefined, `reason: ${where()}`).toBe(expected[i].reason);
    program.grades.forEach((g, k) => expect(row![g], `grade ${g}: ${where()}`).toBe(expected[i].grades[k]));
  });
}

async function check(seed: number): Promise<void> {
  // Grades, disqualifications and `ends with` included.
  const c = generateCase(seed, LEADS_PER_PROGRAM, { behaviour: true });
  const { diagnostics, program } = compile(c.source);
  const errors = diagnostics.filter((d) => d.severity === "error");
  expect(errors.map((d) => d.message), c.source).toEqual([]);
  const expected = expectedOf(program!, c);

  await loadDuckdb(duck, "leaddef_diff", program!.fields, c.leads);
  const duckSql = emitSql(program!.ir, { dialect: "duckdb", table: "leaddef_diff", asOf: c.asOf, columns: "all" });
  compareRows("duckdb", program!, c, expected, await queryDuckdb(duck, duckSql));

  if (pgClient) {
    await loadPostgres(pgClient, "leaddef_diff", program!.fields, c.leads);
    const pgSql = emitSql(program!.ir, { dialect: "postgres", table: "leaddef_diff", asOf: c.asOf, columns: "all" });
    compareRows("postgres", program!, c, expected, await queryPostgres(pgClient, pgSql));
  }
  cases += c.leads.length;
}

/** --staging text: the leads as text, in tables whose every column is text. */
async function checkStaging(seed: number): Promise<void> {
  const c = generateCase(seed, LEADS_PER_PROGRAM);
  const program = compile(c.source).program!;
  const texts = c.leads.map((lead) => asText(lead, program.fields));
  const textCase = { ...c, leads: texts };
  const expectedText = expectedOfText(program, c, texts);
  const textFields = program.fields.map((f) => ({ ...f, kind: "string" as const }));
  const staging = (dialect: "duckdb" | "postgres") => emitSql(program.ir, { dialect, table: "leaddef_diff_text", asOf: c.asOf, columns: "all", staging: "text" });
  await loadDuckdb(duck, "leaddef_diff_text", textFields, texts);
  compareRows("duckdb --staging text", program, textCase, expectedText, await queryDuckdb(duck, staging("duckdb")));
  if (pgClient) {
    await loadPostgres(pgClient, "leaddef_diff_text", textFields, texts);
    compareRows("postgres --staging text", program, textCase, expectedText, await queryPostgres(pgClient, staging("postgres")));
  }
  stagingCases += c.leads.length;
}

describe("SQL matches the JS evaluator", () => {
  it(`on ${PROGRAMS} random programs × ${LEADS_PER_PROGRAM} leads (DuckDB and Postgres)`, async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), check), { numRuns: PROGRAMS, endOnFailure: true });
    expect(cases).toBeGreaterThanOrEqual(2000);
  }, 180_000);

  it(`with --staging text on ${STAGING_PROGRAMS} random programs × ${LEADS_PER_PROGRAM} leads written as text (DuckDB and Postgres)`, async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), checkStaging), { numRuns: STAGING_PROGRAMS, endOnFailure: true });
    expect(stagingCases).toBe(STAGING_PROGRAMS * LEADS_PER_PROGRAM);
  }, 300_000);

  it("default columns are id, stage and the scores", async () => {
    const c = generateCase(7, 3);
    const { program } = compile(c.source);
    await loadDuckdb(duck, "leaddef_diff", program!.fields, c.leads);
    const rows = await queryDuckdb(duck, emitSql(program!.ir, { dialect: "duckdb", table: "leaddef_diff", asOf: c.asOf }));
    expect(Object.keys(rows[0])).toEqual(["id", "stage", ...program!.scores]);
  });
});
