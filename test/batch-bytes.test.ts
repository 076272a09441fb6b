// The byte scanner of the parallel CSV path (CsvChunkScorer.scoreBytes over ByteRecordCells)
// must give exactly what the text path gives for the same piece: rows, rejects with their reasons
// and line numbers, counts. Its codec fast paths (enum case and spacing variants, boolean
// spacing, decimal commas) must only accept what the general readers read to the same value.
// And a whole-file error must leave no output file behind.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsvChunkScorer } from "../compiler/batch/js/csv-scorer.js";
import { runJs } from "../compiler/batch/js/run-js.js";
import { BufferedWriter } from "../compiler/batch/output.js";
import { ByteRecordCells, cellText } from "../compiler/batch/sources/csv-byte-cells.js";
import { compile } from "../compiler/compile.js";
import { plainBooleanBytes, readBoolean } from "../compiler/runtime/codecs/boolean.js";
import { plainDate, plainDateBytes } from "../compiler/runtime/codecs/date.js";
import { memberMatcher, readEnum } from "../compiler/runtime/codecs/enum.js";
import { plainDecimalBytes, readNumber } from "../compiler/runtime/codecs/number.js";
import type { Program } from "../compiler/runtime/program.js";
import { parseDateDays } from "../language/literals.js";

const program = compile(`
schema {
  a.when: date
  a.n: number?
  a.k: integer?
  a.flag: boolean?
  a.tags: list(string)?
  a.kind: enum(x, Yes, zed)?
  a.name: string?
  a.unread: string?
  a.unread_n: number?
}
criterion recent when days_since(a.when) <= 30
score s {
  +1 when a.n > 1.5
  +2 when a.k >= 3
  +4 when a.flag
  +8 when a.tags contains "p"
  +16 when a.kind >= Yes
  +32 when a.name starts with "Ac"
}
hot when recent
`).program!;

const HEADER = ["id", "a.when", "a.n", "junk", "a.k", "a.flag", "a.tags", "a.kind", "a.name", "a.unread", "a.unread_n"];
const asOf = parseDateDays("2026-11-22");

function scorer(p: Program, header = HEADER, delimiter = ",", decimalComma = false) {
  return new CsvChunkScorer(p, header, "id", asOf, ["id", "stage", ...p.scores], true, "csv", { decimalComma }, delimiter);
}

/** Scores the same piece through the text path and the byte path; both results. */
function both(text: string, o: { header?: string[]; delimiter?: string; decimalComma?: boolean } = {}) {
  const s = scorer(program, o.header, o.delimiter, o.decimalComma);
  const viaText = s.score(text);
  const viaBytes = s.scoreBytes(new Uint8Array(Buffer.from(text, "utf8")));
  return { viaText, viaBytes };
}

const row = (cells: Record<string, string>) => HEADER.map((h) => cells[h] ?? "").join(",");
const good = { id: "L1", "a.when": "2026-11-20", "a.n": "2", "a.k": "3", "a.flag": "yes", "a.tags": "p;q", "a.kind": "zed", "a.name": "Acme" };

describe("byte scanner = text path, piece for piece", () => {
  const cases: [string, string][] = [
    ["plain rows", [row(good), row({ ...good, id: "L2", "a.n": "" })].join("\n")],
    ["unread columns hold garbage: still accepted", row({ ...good, junk: '"\u0000garbage, ""quoted""\u00ff"', "a.unread": "\u{1F600} anything" })],
    ["a read column with garbage: rejected with the same reason", [row({ ...good, "a.n": "n/a" }), row({ ...good, "a.when": "2026-02-30" }), row({ ...good, "a.kind": "w" })].join("\n")],
    ["an unread but typed column with garbage is still validated", row({ ...good, "a.unread_n": "twelve" })],
    ["quoted cells: delimiter, doubled quotes, empty quoted", row({ ...good, id: '"L,""1"""', "a.name": '"Ac ""Best"", Inc"', "a.tags": '""' })],
    ["line break inside quotes", `${row(good)}\n${row({ ...good, id: "L2", "a.name": '"Ac\r\nme"' })}\n${row({ ...good, id: "L3" })}`],
    ["text after a closing quote", `${row({ ...good, "a.name": '"Ac"me' })}\n${row({ ...good, id: "L2" })}`],
    ["a quote never closed", `${row(good)}\nL2,"2026-11-20,1\n${row({ ...good, id: "L3" })}`],
    ["a quote inside an unquoted cell is literal", row({ ...good, "a.name": 'Ac"me' })],
    ["CRLF, CR and LF line ends, blank lines", [row(good), "", row({ ...good, id: "L2" }), "\r", row({ ...good, id: "L3" })].join("\r\n") + "\r" + row({ ...good, id: "L4" }) + "\n"],
    ["ragged rows", [row(good), "L2,2026-11-20", `${row({ ...good, id: "L3" })},extra`, " "].join("\n")],
    ["non-ASCII text", row({ ...good, id: "Lé", "a.name": "Ac\u00e9 \u4e2d", "a.tags": "p;\u00a0p\u00a0;q" })],
    ["enum and boolean variants", [row({ ...good, "a.kind": " YES " }), row({ ...good, id: "L2", "a.kind": "ZED", "a.flag": " On\t" }), row({ ...good, id: "L3", "a.kind": "\u00a0x" })].join("\n")],
    ["a required field missing", row({ ...good, "a.when": "" })],
  ];
  for (const [name, text] of cases) {
    it(name, () => {
      const { viaText, viaBytes } = both(text);
      expect(viaBytes).toEqual(viaText);
      expect(viaText.rows).toBeGreaterThan(0);
    });
  }

  it("unread columns with garbage are accepted; the same garbage in a read column is rejected", () => {
    const { viaBytes: unread } = both(row({ ...good, junk: "%%%", "a.unread": "%%%" }));
    expect(unread.rejects).toEqual([]);
    expect(unread.out).toContain("L1,");
    const { viaBytes: read } = both(row({ ...good, "a.k": "%%%" }));
    expect(read.rejects.map((r) => r.problems[0].reason.code)).toEqual(["not-a-whole-number"]);
  });

  it("decimal commas and a semicolon delimiter", () => {
    const header = HEADER;
    const text = ["L1;2026-11-20;1234,5;;3;yes;p;x;Acme;;", "L2;2026-11-20;1.234,5;;3,0;no;;;;;", "L3;2026-11-20;1,2.3;;3,5;no;;;;;"].join("\n");
    const { viaText, viaBytes } = both(text, { header, delimiter: ";", decimalComma: true });
    expect(viaBytes).toEqual(viaText);
    expect(viaText.rejects.length).toBe(1);
  });

  const cell = fc.constantFrom("", "x", "Yes", " yes ", "zed", "ZeD", "2026-11-20", "2026-11-20T09:00", "2026-13-01", "1", "1.5", "-.5", "7.", "1e3", "n/a", "true", " Off ", "p;q", "Ac, Inc", 'a "q"', "é", "line\nbreak", "cr\rlf", "\u00a0p", '"');
  const quoted = (v: string, q: boolean) => (q || /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  it("random pieces: same rows, rejects, line numbers and counts", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.array(fc.tuple(cell, fc.boolean()), { minLength: HEADER.length - 2, maxLength: HEADER.length + 1 }), fc.constantFrom("\n", "\r\n", "\r"), fc.integer({ min: 0, max: 30 })), { minLength: 1, maxLength: 12 }),
        (rows) => {
          const text = rows.map(([cells, eol, r], i) => {
            // now and then a raw, unescaped quote or stray text, to reach the reader's refusals
            const line = [`L${i}`, ...cells.map(([v, q]) => quoted(v, q))].join(",");
            return (r === 0 ? line.replace('"', "") : r === 1 ? `${line}"x` : line) + eol;
          }).join("");
          const { viaText, viaBytes } = both(text);
          expect(viaBytes).toEqual(viaText);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("ByteRecordCells", () => {
  it("locates cells, flags non-ASCII and doubled quotes, and refuses unusual quoting", () => {
    const cells = new ByteRecordCells(3, 44);
    const buf = Buffer.from('ab,"c,""d""",é\r\nnext', "utf8");
    expect(cells.scan(buf, 0)).toBe(true);
    expect(cells.count).toBe(3);
    expect([0, 1, 2].map((c) => cellText(buf, cells.start[c], cells.end[c], cells.flags[c]))).toEqual(["ab", 'c,"d"', "é"]);
    expect(buf.subarray(cells.next).toString()).toBe("next");
    expect(cells.scan(Buffer.from('a,"b\nc",d'), 0)).toBe(false);
    expect(cells.scan(Buffer.from('a,"b"c,d'), 0)).toBe(false);
    expect(cells.scan(Buffer.from('a,"bc,d'), 0)).toBe(false);
  });
});

describe("codec fast paths over bytes accept only what the general readers read alike", () => {
  const bytes = (s: string) => Buffer.from(s, "utf8");
  it("enum: case and spacing variants take the fast path; the first member equal ignoring case wins", () => {
    const match = memberMatcher(["vp", "VP", "c_level"]);
    expect(match(bytes("VP"), 0, 2)).toBe("VP");
    expect(match(bytes(" Vp\t"), 0, 4)).toBe("vp");
    expect(match(bytes("C_LEVEL"), 0, 7)).toBe("c_level");
    expect(match(bytes("\u00a0vp"), 0, 4)).toBeUndefined(); // a Unicode space: the general reader decides
    expect(memberMatcher(["\u212a"])(bytes("k"), 0, 1)).toBeUndefined(); // non-ASCII members: exact only
    fc.assert(
      fc.property(fc.array(fc.constantFrom("a", "A", "b", "é", "K", "\u212a", "_"), { minLength: 1, maxLength: 3 }).map((cs) => cs.join("")), fc.string({ unit: fc.constantFrom(" ", "\t", "a", "A", "b", "B", "é", "k", "_") }), (m, v) => {
        const members = [m, m.toUpperCase(), "b"];
        const got = memberMatcher(members)(bytes(v), 0, bytes(v).length);
        if (got !== undefined) expect(got).toBe(readEnum(v, members));
      }),
    );
  });
  it("boolean: spacing variants take the fast path", () => {
    expect(plainBooleanBytes(bytes(" Yes "), 0, 5)).toBe(true);
    expect(plainBooleanBytes(bytes("\tOFF"), 0, 4)).toBe(false);
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(" ", "\t", "y", "E", "s", "n", "o", "1", "0", "T", "r", "u", "e", "ﬁ") }), (v) => {
        const got = plainBooleanBytes(bytes(v), 0, bytes(v).length);
        if (got !== undefined) expect(got).toBe(readBoolean(v));
      }),
    );
  });
  it("numbers: a decimal comma takes the fast path; every accepted value equals readNumber's", () => {
    expect(plainDecimalBytes(bytes("-1234,5"), 0, 7, 44)).toBe(-1234.5);
    expect(plainDecimalBytes(bytes("1.234,5"), 0, 7, 44)).toBeNaN(); // grouping: the general reader
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("0", "1", "9", ".", ",", "-", "+", "e", " ") }), fc.boolean(), (v, comma) => {
        const got = plainDecimalBytes(bytes(v), 0, v.length, comma ? 44 : 46);
        if (got === got) expect(got).toBe(readNumber(v, false, comma));
      }),
    );
  });
  it("dates: the same as plainDate on text", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("0", "1", "2", "9", "-", "T", " ", ":") }), (v) => {
        expect(plainDateBytes(bytes(v), 0, v.length)).toBe(plainDate(v, 0, v.length));
      }),
    );
  });
});

describe("a whole-file error leaves no output", () => {
  const dir = mkdtempSync(join(tmpdir(), "leaddef-bytes-"));
  for (const workers of [0, 2]) {
    it(`refused or unreadable header, ${workers ? "parallel" : "single-threaded"} path`, async () => {
      for (const [i, text] of ["id,a.name\nL1,Acme\n", '"id,a.when\nL1,2026-11-20\n', ""].entries()) {
        const input = join(dir, `bad${workers}-${i}.csv`);
        writeFileSync(input, text);
        const output = join(dir, `out${workers}-${i}.csv`);
        const kept = join(dir, `kept${workers}-${i}.csv`);
        writeFileSync(kept, "earlier results\n");
        const base = { program, input, inputFormat: "csv" as const, asOf, idColumn: "id", columns: "default" as const, outputFormat: "csv" as const, rejectsPath: join(dir, `r${workers}-${i}.csv`), parallel: { workers, minBytes: 0 } };
        await expect(runJs({ ...base, output })).rejects.toThrow(/header|column/);
        expect(existsSync(output)).toBe(false);
        await expect(runJs({ ...base, output: kept })).rejects.toThrow(/header|column/);
        expect(readFileSync(kept, "utf8")).toBe("earlier results\n");
      }
    });
  }
  it("a file with a good header and no rows still gets its header row", async () => {
    const input = join(dir, "empty-rows.csv");
    writeFileSync(input, `${HEADER.join(",")}\n`);
    const output = join(dir, "empty-rows.out.csv");
    await runJs({ program, input, inputFormat: "csv", asOf, idColumn: "id", columns: "default", outputFormat: "csv", output, rejectsPath: join(dir, "er.csv"), parallel: { workers: 0 } });
    expect(readFileSync(output, "utf8")).toBe("id,stage,s\n");
  });
});

describe("BufferedWriter", () => {
  it("writes text and a worker's encoded rows in the order appended", async () => {
    const dir = mkdtempSync(join(tmpdir(), "leaddef-writer-"));
    const path = join(dir, "out.csv");
    const w = new BufferedWriter(path);
    w.append("id,stage\n");
    w.appendBytes(new TextEncoder().encode("L1,é\n"));
    w.append("L2,none\n");
    await w.flush();
    w.appendBytes(new TextEncoder().encode("L3,sql\n"));
    await w.close();
    expect(readFileSync(path, "utf8")).toBe("id,stage\nL1,é\nL2,none\nL3,sql\n");
  });
});
