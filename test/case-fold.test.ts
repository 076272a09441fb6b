// Case-insensitive `contains` / `starts with` mean Unicode simple case folding (CaseFolding.txt,
// statuses C and S), with no locale and no context, in every engine: the JS evaluator, the
// standalone module, DuckDB and PostgreSQL SQL. The texts here are the ones where lowercasing
// (JS `toLowerCase`, DuckDB `lower`) and simple folding part ways.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { DuckDBConnection } from "@duckdb/node-api";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile } from "../compiler/compile.js";
import { emitModule } from "../compiler/js/emit-module.js";
import { foldCase, foldingsInto } from "../compiler/runtime/case-fold.js";
import { FOLD_FROM, FOLD_TO } from "../compiler/runtime/case-fold-table.js";
import { emitSql } from "../compiler/sql/emit-sql.js";
import { connectPostgres } from "./support/postgres.js";
import { loadDuckdb, loadPostgres, openDuckdb, queryDuckdb, queryPostgres } from "./support/sql-tables.js";

const KELVIN = "\u212A";
const TEXTS = ["ΑΣ", "ας", "ασ", "ΣΑΣ", "ς", "İ", "i̇", "İstanbul", "istanbul", "ı", "I", "i", "ß", "ẞ", "SS", "ss", KELVIN, "k", "K", "ſ", "s", "S",
  "Ꭰ", "ꭰ", "𐐀", "𐐨", "Émile", "ÉMILE", "ǅ", "ǆ", "Ǆ", "ϐ", "β", "ﬀ", "ff", "", "Chief İnformation Officer"];
const NEEDLES = ["ασ", "ΑΣ", "ς", "σ", "İ", "i", "I", "ı", "ß", "ẞ", "ss", KELVIN, "k", "ſ", "s", "ꭰ", "Ꭰ", "𐐨", "émi", "ǆ", "β", "ff", "", "inf"];

/** The definition: one field, one criterion per needle and operator, reported as stage flags. */
const SOURCE = `schema {\n  t: string?\n  n: string?\n}\n${NEEDLES.flatMap((n, i) => [
  `criterion c${i} when t contains ${JSON.stringify(n)}`,
  `criterion p${i} when t starts with ${JSON.stringify(n)}`,
]).join("\n")}\ncriterion fc when t contains n\ncriterion fp when t starts with n\n`;

describe("simple case folding", () => {
  it("folds one character to one character, without locale or context", () => {
    expect(foldCase("ΑΣ")).toBe("ασ");
    expect(foldCase("ας")).toBe("ασ");
    expect(foldCase("İ")).toBe("İ"); // only a full folding (i + combining dot): no simple one
    expect(foldCase("ı")).toBe("ı");
    expect(foldCase("I")).toBe("i");
    expect(foldCase("ß")).toBe("ß");
    expect(foldCase("ẞ")).toBe("ß");
    expect(foldCase(KELVIN)).toBe("k");
    expect(foldCase("ſ")).toBe("s");
    expect(foldCase("ϐ")).toBe("β");
    expect(foldCase("ꭰ")).toBe("Ꭰ"); // Cherokee folds to upper case
    expect(foldCase("𐐀")).toBe("𐐨");
    expect(foldCase("ǅ")).toBe("ǆ");
    expect(foldCase("Chief INFO")).toBe("chief info");
    expect(foldCase("a\uD800b")).toBe("a\uD800b"); // a lone surrogate stays
  });

  it("the table agrees with the engine's own Unicode-aware case-insensitive RegExp, pair by pair", () => {
    const from = Array.from(FOLD_FROM);
    const to = Array.from(FOLD_TO);
    expect(from.length).toBe(to.length);
    expect(from.length).toBeGreaterThan(1400);
    const escape = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    from.forEach((c, i) => {
      expect(c).not.toBe(to[i]);
      expect(new RegExp(`^${escape(c)}$`, "iu").test(to[i]), `U+${c.codePointAt(0)!.toString(16)}`).toBe(true);
      expect(foldCase(to[i]), "folding is idempotent").toBe(to[i]);
    });
  });

  it("restricting the table to a needle's characters keeps exactly the foldings into them", () => {
    expect(foldingsInto("k")).toEqual({ from: `K${KELVIN}`, to: "kk" });
    expect(foldingsInto("σ")).toEqual({ from: "Σς", to: "σσ" });
    expect(foldingsInto("123")).toEqual({ from: "", to: "" });
  });
});

describe("every engine matches by simple case folding", () => {
  const program = compile(SOURCE).program!;
  const leads = TEXTS.flatMap((t, i) => [{ id: 2 * i + 1, t, n: NEEDLES[i % NEEDLES.length] }, { id: 2 * i + 2, t, n: TEXTS[(i + 7) % TEXTS.length] }]);
  /** What the definition says, from foldCase alone. */
  const expected = leads.map((l) => [
    ...NEEDLES.flatMap((n) => [foldCase(l.t).includes(foldCase(n)), foldCase(l.t).startsWith(foldCase(n))]),
    foldCase(l.t).includes(foldCase(l.n)),
    foldCase(l.t).startsWith(foldCase(l.n)),
  ]);
  const names = program.criteria;
  let duck: DuckDBConnection;
  let client: pg.Client | undefined;
  beforeAll(async () => {
    duck = await openDuckdb();
    client = await connectPostgres();
  });
  afterAll(async () => {
    await client?.query("DROP TABLE IF EXISTS leaddef_fold");
    await client?.end();
  });

  it("the cases include ones where lowercasing differs", () => {
    const byLowercasing = leads.map((l) => NEEDLES.flatMap((n) => [l.t.toLowerCase().includes(n.toLowerCase()), l.t.toLowerCase().startsWith(n.toLowerCase())]));
    const differ = byLowercasing.flatMap((flags, k) => flags.filter((f, i) => f !== expected[k][i]));
    expect(differ.length).toBeGreaterThan(20);
    expect(names).toEqual([...NEEDLES.flatMap((_, i) => [`c${i}`, `p${i}`]), "fc", "fp"]);
  });

  it("the JS evaluator", () => {
    leads.forEach((l, k) => {
      const flags = program.explain(l, { asOf: "2026-01-01" }).criteria.map((c) => c.holds);
      expect(flags, JSON.stringify(l)).toEqual(expected[k]);
    });
  });

  it("the standalone module", async () => {
    // The module reports stages and scores: one score bit per criterion shows every flag.
    const scored = compile(`${SOURCE}score m {\n${names.map((c, i) => `  +${2 ** (i % 30)} when ${c}`).join("\n")}\n}\n`).program!;
    const source = emitModule(scored.ir, "fold.leaddef", "test");
    expect(/[^\x00-\x7f]/.test(source.split("// Case-insensitive")[1].split("\n")[1]), "the table is written in ASCII").toBe(false);
    const path = join(mkdtempSync(join(tmpdir(), "leaddef-fold-")), "fold.mjs");
    writeFileSync(path, source);
    const mod = (await import(pathToFileURL(path).href)) as { evaluate(lead: object): { scores: Record<string, number> } };
    leads.forEach((l, k) => {
      const want = names.reduce((sum, _, i) => sum + (expected[k][i] ? 2 ** (i % 30) : 0), 0);
      expect(mod.evaluate(l).scores.m, JSON.stringify(l)).toBe(want);
    });
  });

  const rowsMatch = (rows: Record<string, unknown>[]) => {
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    leads.forEach((l, k) => {
      const row = byId.get(l.id)!;
      expect(names.map((c) => row[c]), JSON.stringify(l)).toEqual(expected[k]);
    });
  };

  it("DuckDB SQL", async () => {
    await loadDuckdb(duck, "leaddef_fold", program.fields, leads);
    rowsMatch(await queryDuckdb(duck, emitSql(program.ir, { dialect: "duckdb", table: "leaddef_fold", columns: "all" })));
  });

  it("PostgreSQL SQL", async () => {
    if (!client) return;
    await loadPostgres(client, "leaddef_fold", program.fields, leads);
    rowsMatch(await queryPostgres(client, emitSql(program.ir, { dialect: "postgres", table: "leaddef_fold", columns: "all" })));
  });

  it("SQL uses no engine lowercasing, and a constant needle translates only what folds into it", () => {
    const { program: p } = compile('schema {\n  t: string?\n}\ncriterion a when t contains "ACME"\ns when a\n');
    for (const dialect of ["postgres", "bigquery", "snowflake", "spark"] as const) {
      const sql = emitSql(p!.ir, { dialect });
      expect(sql.toLowerCase()).not.toContain("lower(");
      expect(sql).toMatch(/translate\([a-z_0-9"]+, 'ACEM', 'acem'\)/i);
      expect(sql).toContain("'acme'");
    }
    // DuckDB: one regular expression of the characters folding into each needle character; on
    // an ASCII text only (as many bytes as characters), the lowercased text's plain test.
    const duckSql = emitSql(p!.ir, { dialect: "duckdb" });
    expect(duckSql).toMatch(/CASE WHEN strlen\(t\) = length\(t\) THEN contains\(lower\(t\), 'acme'\) ELSE regexp_matches\(t, '\[aA\]\[cC\]\[mM\]\[eE\]'\) END/);
    expect(duckSql.match(/lower\(/g)).toHaveLength(1);
  });
});
