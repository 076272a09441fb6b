// The codecs' cheap first readings in DuckDB (a glob instead of a regular expression for digits
// and plain dates, a lowercase before the trim for booleans) must read every text exactly as the
// readings they sit in front of, and as the JS readers. Exhaustive over short texts of the
// characters that matter, plus the long and odd ones (overflow, rounding, non-ASCII digits and
// white space).
import { beforeAll, describe, expect, it } from "vitest";
import type { DuckDBConnection } from "@duckdb/node-api";
import { codecOf, type ValueSpec } from "../compiler/runtime/codecs/codec.js";
import { TEXT_OPS, type SqlTextOps } from "../compiler/runtime/codecs/sql-text-ops.js";
import { BOOLEAN_WORDS } from "../compiler/runtime/codecs/spellings.js";
import { formatDateDays } from "../language/literals.js";
import { openDuckdb } from "./support/sql-tables.js";

const DUCK = TEXT_OPS.duckdb;
/** DuckDB without its glob: the codecs' forms before the cheap readings (regular expressions only). */
const NO_GLOB: SqlTextOps = { ...DUCK, glob: undefined };

/** Every text of 1..n characters from `alphabet`. */
function texts(alphabet: readonly string[], n: number): string[] {
  const out: string[] = [];
  let level = [""];
  for (let k = 0; k < n; k++) {
    level = level.flatMap((t) => alphabet.map((c) => t + c));
    out.push(...level);
  }
  return out;
}

let duck: DuckDBConnection;
beforeAll(async () => {
  duck = await openDuckdb();
});

/** `form` over each text, as text (so -0, NaN and dates compare exactly); `null` where NULL. */
async function readAll(form: (s: string) => string, cells: readonly string[]): Promise<(string | null)[]> {
  const list = `[${cells.map((c) => DUCK.lit(c)).join(", ")}]`;
  const rows = await duck.runAndReadAll(`SELECT CAST(${form("t")} AS VARCHAR) AS v FROM (SELECT unnest(${list}) AS t, generate_subscripts(${list}, 1) AS k) ORDER BY k`);
  return rows.getRowObjectsJS().map((r) => (r.v === null ? null : String(r.v)));
}

/** The JS reader's value, or null where it refuses. */
function jsValue(f: ValueSpec, cell: string, decimalComma = false): unknown {
  try {
    const v = codecOf(f, { decimalComma }).read(cell);
    return f.kind === "date" ? formatDateDays(v as number) : f.kind === "boolean" ? String(v) : v;
  } catch {
    return null;
  }
}

/** A DOUBLE as DuckDB prints it, back to a number (its text is the shortest that round-trips). */
function duckNumber(t: string | null): number | null {
  return t === null ? null : t === "inf" ? Infinity : t === "-inf" ? -Infinity : Number(t);
}

const NUMBER: ValueSpec = { kind: "number", integer: false, members: [] };
const NUMBER_CELLS = [
  ...texts(["0", "1", "9", ".", "-", "+", "e", " ", ","], 4),
  "9".repeat(400), "1".repeat(17), "9007199254740993", "0." + "0".repeat(330) + "1", "-" + "9".repeat(309), "." + "5".repeat(30),
  "1.2.3", "--1", "-.", "-0", "-0.0", "007", "\u0661\u0662", "\uFF11\uFF12", "1\u00A0", "\u00A01", "1e400", "1_000", "0x10", "inf", "nan",
];

describe("numbers: the glob's reading is the regular expressions' reading", () => {
  for (const decimalComma of [false, true]) {
    it(decimalComma ? "decimal comma" : "decimal point", async () => {
      const codec = codecOf(NUMBER, { decimalComma });
      expect(codec.fromText("s", DUCK).value, "the glob is in the DuckDB form").toContain("GLOB");
      const fast = await readAll((s) => codec.fromText(s, DUCK).value, NUMBER_CELLS);
      const slow = await readAll((s) => codec.fromText(s, NO_GLOB).value, NUMBER_CELLS);
      const differ = NUMBER_CELLS.filter((_, i) => fast[i] !== slow[i]).map((c, i) => `${JSON.stringify(c)}: ${fast[i]} vs ${slow[i]}`);
      expect(differ).toEqual([]);
      NUMBER_CELLS.forEach((cell, i) => expect(duckNumber(fast[i]), JSON.stringify(cell)).toBe(jsValue(NUMBER, cell, decimalComma)));
    });
  }
});

const DATE: ValueSpec = { kind: "date", integer: false, members: [] };
const DATE_CELLS = [
  ...texts(["2", "-"], 11).filter((t) => t.length >= 8),
  "2024-01-05", "2024-02-29", "2023-02-29", "0100-01-01", "9999-12-31", "2024-1-05", "2024-01-5", "2024/01/05", " 2024-01-05", "2024-01-05 ",
  "2024-01-05T10:00", "20240-1-05", "2024-01-0\uFF15", "\uFF12024-01-05", "\u0662024-01-05", "2024-01-05\n", "abcd-ef-gh", "2024-13-01", "2024-00-10",
];

describe("dates: the glob's reading is the regular expression's reading", () => {
  it("plain and odd dates", async () => {
    const codec = codecOf(DATE);
    expect(codec.fromText("s", DUCK).value).toContain("GLOB");
    const fast = await readAll((s) => codec.fromText(s, DUCK).value, DATE_CELLS);
    const slow = await readAll((s) => codec.fromText(s, NO_GLOB).value, DATE_CELLS);
    expect(DATE_CELLS.filter((_, i) => fast[i] !== slow[i])).toEqual([]);
    DATE_CELLS.forEach((cell, i) => expect(fast[i], JSON.stringify(cell)).toBe(jsValue(DATE, cell)));
  });
});

/** Every spelling of `word` in upper and lower case. */
function cases(word: string): string[] {
  return [...word].reduce<string[]>((acc, ch) => acc.flatMap((p) => [p + ch.toLowerCase(), p + ch.toUpperCase()]), [""]).filter((w, i, a) => a.indexOf(w) === i);
}

const BOOLEAN: ValueSpec = { kind: "boolean", integer: false, members: [] };
const SPACES = ["", " ", "\t", "\u00A0", "\u3000", "\uFEFF"];
const BOOLEAN_CELLS = [
  ...BOOLEAN_WORDS.flatMap(([w]) => cases(w)).flatMap((w) => SPACES.flatMap((a) => [a + w, w + a, a + w + a])),
  "maybe", "ja", "tru", "truee", "t rue", "\u0130", "yes\u200B", "Y\u0307", "\u212Aon", "o\u0308n",
];

describe("booleans: the lowercase reading is the trimmed one", () => {
  it("every word in every case, with and without white space", async () => {
    expect(codecOf(BOOLEAN).fromText("s", DUCK).value, "a lowercase reading before the trim").toMatch(/WHEN list_contains\(\[[^\]]*\], lower\(s\)\) THEN TRUE/);
    const fast = await readAll((s) => codecOf(BOOLEAN).fromText(s, DUCK).value, BOOLEAN_CELLS);
    BOOLEAN_CELLS.forEach((cell, i) => expect(fast[i], JSON.stringify(cell)).toBe(jsValue(BOOLEAN, cell)));
  });
});
