// Golden SQL: every examples/*.leaddef that has stages, in every dialect, as
// test/golden/sql/<example>.<dialect>.sql. Regenerate with UPDATE_GOLDEN=1 and review the diff.
// The DuckDB and Postgres goldens are also executed against the committed examples/leads.csv
// data and must give exactly the JS evaluator's stages and scores.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { compileFile } from "../compiler/compile.js";
import { emitSql } from "../compiler/sql/emit-sql.js";
import { SQL_DIALECTS } from "../compiler/sql/sql-dialects.js";
import { readBoolean } from "../compiler/runtime/codecs/boolean.js";
import { readDate } from "../compiler/runtime/codecs/date.js";
import { readEnum } from "../compiler/runtime/codecs/enum.js";
import { readList } from "../compiler/runtime/codecs/list.js";
import { readNumber } from "../compiler/runtime/codecs/number.js";
import { formatDateDays } from "../language/literals.js";
import { connectPostgres } from "./support/postgres.js";
import { loadDuckdb, loadPostgres, openDuckdb, queryDuckdb, queryPostgres, type Row } from "./support/sql-tables.js";
import type { IrField } from "../compiler/ir.js";
import type { DuckDBConnection } from "@duckdb/node-api";

const here = dirname(fileURLToPath(import.meta.url));
const examplesDir = join(here, "..", "examples");
const goldenDir = join(here, "golden", "sql");
const update = process.env.UPDATE_GOLDEN === "1";

const examples = readdirSync(examplesDir).filter((f) => f.endsWith(".leaddef")).sort()
  .map((f) => ({ name: f.replace(/\.leaddef$/, ""), result: compileFile(join(examplesDir, f)) }))
  .filter((e) => e.result.program && e.result.program.stages.length > 0);

describe("golden SQL", () => {
  it("has examples with stages", () => expect(examples.length).toBeGreaterThanOrEqual(3));
  for (const e of examples) {
    for (const dialect of SQL_DIALECTS) {
      it(`${e.name}.${dialect}.sql`, () => {
        const sql = emitSql(e.result.program!.ir, { dialect, columns: "all" });
        const path = join(goldenDir, `${e.name}.${dialect}.sql`);
        if (update || !existsSync(path)) {
          mkdirSync(goldenDir, { recursive: true });
          writeFileSync(path, sql);
        }
        expect(sql).toBe(readFileSync(path, "utf8"));
      });
    }
  }
});

/** examples/leads.csv, read by the schema (rows that do not fit are left out). */
function sampleLeads(fields: readonly IrField[]): Row[] {
  const [header, ...lines] = readFileSync(join(examplesDir, "leads.csv"), "utf8").trim().split("\n");
  const cols = header.split(",");
  const out: Row[] = [];
  // the sample has no quoted commas in the fields we read except company.name, which no example uses
  lines.forEach((line, i) => {
    const cells = parseCsvLine(line);
    const lead: Row = { id: i + 1 };
    try {
      for (const f of fields) {
        const cell = cells[cols.indexOf(f.path)] ?? "";
        if (cell === "") continue;
        lead[f.path] = f.kind === "number" ? readNumber(cell, f.integer) : f.kind === "date" ? formatDateDays(readDate(cell)) : f.kind === "boolean" ? readBoolean(cell) : f.kind === "enum" ? readEnum(cell, f.members) : f.kind === "list" ? readList(cell) : cell;
      }
    } catch {
      return;
    }
    out.push(lead);
  });
  return out;
}

let eventsCache: Row[] | undefined;
/** examples/events.csv, ids as sampleLeads numbers them (`L000123` is lead 123), dates as their day. */
function sampleEvents(): Row[] {
  if (eventsCache) return eventsCache;
  const [, ...lines] = readFileSync(join(examplesDir, "events.csv"), "utf8").trim().split("\n");
  eventsCache = lines.map((line) => {
    const [id, type, occurred, url] = parseCsvLine(line);
    return { id: Number(id.slice(1)), type, occurred: occurred.slice(0, 10), ...(url ? { url } : {}) };
  });
  return eventsCache;
}

function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") { cells.push(cur); cur = ""; }
    else cur += ch;
  }
  cells.push(cur);
  return cells;
}

describe("golden SQL runs and agrees with the JS evaluator on examples/leads.csv", () => {
  let duck: DuckDBConnection;
  let client: pg.Client | undefined;
  beforeAll(async () => {
    duck = await openDuckdb();
    client = await connectPostgres();
  });
  afterAll(async () => {
    await client?.query("DROP TABLE IF EXISTS leaddef_golden; DROP TABLE IF EXISTS leaddef_golden_activity");
    await client?.end();
  });
  for (const e of examples) {
    it(e.name, async () => {
      const program = e.result.program!;
      const leads = sampleLeads(program.fields);
      expect(leads.length).toBeGreaterThan(900);
      const asOf = "2026-11-22";
      // The JS evaluator reads a lead's events under the stream's name, as JSON Lines would hold them.
      const withEvents = (l: Row) => (program.ir.streams.length ? { ...l, ...Object.fromEntries(program.ir.streams.map((st) => [st.name, sampleEvents().filter((ev) => ev.id === l.id).map(({ id: _id, ...ev }) => ev)])) } : l);
      const expected = new Map(leads.map((l) => [l.id, program.evaluate(withEvents(l), { asOf })]));
      const check = (rows: Row[]) => {
        expect(rows.length).toBe(leads.length);
        for (const r of rows) {
          const want = expected.get(Number(r.id))!;
          expect(r.stage).toBe(want.stage);
          for (const s of program.scores) expect(r[s]).toBe(want.scores[s]);
        }
      };
      // Event streams (examples/engagement.leaddef): examples/events.csv as each stream's table.
      const streams = program.ir.streams.map((st) => ({ name: st.name, table: `leaddef_golden_${st.name}`, fields: st.fields, rows: sampleEvents() }));
      const events = Object.fromEntries(streams.map((st) => [st.name, st.table]));
      await loadDuckdb(duck, "leaddef_golden", program.fields, leads);
      for (const st of streams) await loadDuckdb(duck, st.table, st.fields, st.rows);
      check(await queryDuckdb(duck, emitSql(program.ir, { dialect: "duckdb", table: "leaddef_golden", asOf, events })));
      if (client) {
        await loadPostgres(client, "leaddef_golden", program.fields, leads);
        for (const st of streams) await loadPostgres(client, st.table, st.fields, st.rows);
        check(await queryPostgres(client, emitSql(program.ir, { dialect: "postgres", table: "leaddef_golden", asOf, events })));
      }
    });
  }
});
