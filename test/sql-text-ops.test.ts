// Each codec's text form, per executed dialect, on the cells where the dialects' own casts part
// ways with JavaScript: overflow and underflow, exponents no NUMERIC holds, days no month has,
// leap years, white space beyond ASCII, list items to trim. The SQL value must be what the JS
// reader gives (NULL where it refuses). Years before 100 are left out: JS's Date.UTC moves them
// to 19xx, which no engine copies (see docs/sql.md).
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DuckDBConnection } from "@duckdb/node-api";
import { codecOf, type ValueSpec } from "../compiler/runtime/codecs/codec.js";
import { TEXT_OPS } from "../compiler/runtime/codecs/sql-text-ops.js";
import { formatDateDays } from "../language/literals.js";
import { connectPostgres } from "./support/postgres.js";
import { openDuckdb } from "./support/sql-tables.js";

const NUMBER: ValueSpec = { kind: "number", integer: false, members: [] };
const DATE: ValueSpec = { kind: "date", integer: false, members: [], layout: "M/D/YYYY" };
const LIST: ValueSpec = { kind: "list", integer: false, members: [] };

const CASES: [ValueSpec, string[]][] = [
  [NUMBER, ["1e99999999999999999999", "-1e99999999999999999999", "0e999999", "1e-99999", "1e308", "1.8e308", "-1e400", "5e-324", "2e-324", "1,234,567.5", "$-5", "\u00A012\u3000", "1,2", "abc"]],
  [DATE, ["9999-12-31", "2024-02-29", "2023-02-29", "2100-02-29", "2000-02-29", "2026-04-31", "\u2003 2026-11-01T10:00 ", "11/3/2026", "2/29/2023", "13/1/2026", "2026-1-01"]],
  [LIST, ["a;b", " a ; ;b\u00A0", ";;", "x\u2028;y"]],
];

/** What the JS reader gives, as the SQL value is compared: days as `YYYY-MM-DD`, refusals as null. */
function jsValue(f: ValueSpec, cell: string): unknown {
  try {
    const v = codecOf(f).read(cell);
    return f.kind === "date" ? formatDateDays(v as number) : v;
  } catch {
    return null;
  }
}

let duck: DuckDBConnection;
let client: pg.Client | undefined;
beforeAll(async () => {
  duck = await openDuckdb();
  client = await connectPostgres();
});
afterAll(async () => client?.end());

/** The SQL value of `f`'s text form over `cell`, normalised as jsValue is. */
async function sqlValue(dialect: "duckdb" | "postgres", f: ValueSpec, cell: string): Promise<unknown> {
  const ops = TEXT_OPS[dialect];
  const value = codecOf(f).fromText("t", ops).value;
  const shown = f.kind === "date" ? `CAST(${value} AS ${ops.textType})` : value;
  const sql = `SELECT ${shown} AS v FROM (SELECT ${ops.lit(cell)} AS t) AS x`;
  let v: unknown;
  if (dialect === "duckdb") v = (await duck.runAndReadAll(sql)).getRowObjectsJS()[0].v;
  else v = (await client!.query(sql)).rows[0].v;
  return Array.isArray(v) ? [...v] : v;
}

describe("the codecs' text forms read edge cells as the JS readers do", () => {
  for (const dialect of ["duckdb", "postgres"] as const) {
    it(dialect, async () => {
      if (dialect === "postgres" && !client) return;
      for (const [f, cells] of CASES) {
        for (const cell of cells) expect(await sqlValue(dialect, f, cell), `${f.kind} ${JSON.stringify(cell)}`).toEqual(jsValue(f, cell));
      }
    }, 60_000);
  }
});
