// DuckDB's case-insensitive tests with a constant needle are one regular expression (a class of
// the characters folding into each needle character) instead of `translate` + `contains`: over
// every short text of characters that fold alike, they must decide exactly what JS decides
// (foldCase on both sides) and what the translated form decides.
import { beforeAll, describe, expect, it } from "vitest";
import type { DuckDBConnection } from "@duckdb/node-api";
import { caseFoldedOperands, caseFoldedPattern, type NeedleAt } from "../compiler/sql/case-fold-sql.js";
import { DIALECTS } from "../compiler/sql/sql-dialects.js";
import { foldCase } from "../compiler/runtime/case-fold.js";
import { openDuckdb } from "./support/sql-tables.js";

const d = DIALECTS.duckdb;
let duck: DuckDBConnection;
beforeAll(async () => {
  duck = await openDuckdb();
});

/** Every text of 0..n characters from `alphabet`. */
function texts(alphabet: readonly string[], n: number): string[] {
  const out = [""];
  let level = [""];
  for (let k = 0; k < n; k++) {
    level = level.flatMap((t) => alphabet.map((c) => t + c));
    out.push(...level);
  }
  return out;
}

const JS: Record<NeedleAt, (t: string, n: string) => boolean> = {
  anywhere: (t, n) => t.includes(n),
  start: (t, n) => t.startsWith(n),
  end: (t, n) => t.endsWith(n),
};
const TRANSLATED: Record<NeedleAt, (t: string, n: string) => string> = { anywhere: d.containsText, start: d.startsWithText, end: d.endsWithText };

// s/S/ſ fold together, k/K/Kelvin sign, σ/Σ/ς, and a regular-expression character.
const ALPHABET = ["s", "S", "\u017F", "k", "\u212A", "\u03C3", "\u03A3", "\u03C2", ".", "x"];
const NEEDLES = ["s", "S", "\u017F", "sk", "K\u03C2", "s.", "x", "\u03A3s", "x]\\^-"];

describe("DuckDB: a constant needle's regular expression decides as the case folding does", () => {
  for (const at of ["anywhere", "start", "end"] as const) {
    it(at, async () => {
      const cells = texts(ALPHABET, 3);
      const list = `[${cells.map((c) => d.string(c)).join(", ")}]`;
      for (const needle of NEEDLES) {
        const pattern = caseFoldedPattern(d, "t", needle, at);
        expect(pattern).toMatch(/regexp_matches/);
        const folded = caseFoldedOperands(d, "t", { constant: needle });
        const rows = await duck.runAndReadAll(`SELECT t, ${pattern} AS p, ${TRANSLATED[at](folded.text, folded.needle)} AS q FROM (SELECT unnest(${list}) AS t)`);
        const wrong = rows.getRowObjectsJS().filter((r) => {
          const js = JS[at](foldCase(String(r.t)), foldCase(needle));
          return r.p !== js || r.q !== js;
        });
        expect(wrong.map((r) => `${JSON.stringify(r.t)} ${JSON.stringify(needle)}: ${r.p}`)).toEqual([]);
      }
    });
  }
  it("other dialects keep translate, and a needle nothing folds into its plain test", () => {
    expect(caseFoldedPattern(DIALECTS.postgres, "t", "student", "anywhere")).toBeUndefined();
    for (const needle of ["52", "", ".-"]) expect(caseFoldedPattern(d, "t", needle, "start")).toBeUndefined();
  });
});
