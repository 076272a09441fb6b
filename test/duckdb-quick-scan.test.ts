// The DuckDB engine's quick CSV scan (compiler/batch/duckdb/quick-scan.ts) must learn exactly
// what the full scan learns about a regular file, give up on an irregular one, and — since it
// does not count the cells of a record — the engine must still find a record of the wrong width
// through DuckDB's row count and report it as the JS engine does.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { quickScanCsv } from "../compiler/batch/duckdb/quick-scan.js";
import { scanCsv } from "../compiler/batch/duckdb/scan.js";
import { runDuckdb } from "../compiler/batch/duckdb/run.js";
import { runJs } from "../compiler/batch/js/run-js.js";
import { compile } from "../compiler/compile.js";
import { parseDateDays } from "../language/literals.js";

const dir = mkdtempSync(join(tmpdir(), "leaddef-quick-scan-"));
let n = 0;
const file = (text: string | Buffer) => {
  const p = join(dir, `f${n++}.csv`);
  writeFileSync(p, text);
  return p;
};

/** The quick scan, which must equal the full scan but for `widthsChecked`. */
async function agree(path: string, delimiter = ",") {
  const quick = quickScanCsv(path, delimiter);
  expect(quick).toBeDefined();
  const full = await scanCsv(path, "id", delimiter);
  expect({ ...quick!, widthsChecked: true }).toEqual(full);
  expect(quick!.widthsChecked).toBe(false);
  return quick!;
}

describe("quick CSV scan = full scan on regular files", () => {
  it("LF, quoted cells with delimiters, doubled quotes and newlines, blank lines, no final newline", async () => {
    const s = await agree(file('id,a,b\n1,x,y\n2,"p, q","say ""hi"""\n\n3,"multi\nline\nvalue",z\n4,"",w'));
    expect(s.records).toBe(4);
    expect(s.header).toEqual(["id", "a", "b"]);
  });

  it("CRLF line ends, a quoted CRLF inside a value, a byte order mark", async () => {
    const s = await agree(file("\uFEFFid,a\r\n1,x\r\n2,\"two\r\nlines\"\r\n3,z\r\n"));
    expect(s.header).toEqual(["id", "a"]);
    expect(s.lineEnds.crlf).toBe(4);
  });

  it("semicolons, a quoted header, multibyte text", async () => {
    await agree(file('"id";"naïve; name"\n1;Zoë\n2;"東京; 大阪"\n'), ";");
  });

  it("records that cross the 4 MiB read boundary, one of them quoted over several lines", async () => {
    const rows = ["id,a,b"];
    for (let i = 0; i < 60_000; i++) rows.push(i % 997 === 0 ? `${i},"q,${"x".repeat(40)}\n${"y".repeat(20)}",z` : `${i},${"v".repeat(30)},w${i}`);
    const s = await agree(file(rows.join("\n") + "\n"));
    expect(s.records).toBe(60_000);
    expect(s.from.length).toBeGreaterThan(50);
  });

  it("invalid UTF-8 is noticed", async () => {
    const s = quickScanCsv(file(Buffer.concat([Buffer.from("id,a\n1,"), Buffer.from([0xc3, 0x28]), Buffer.from("\n")])));
    expect(s?.invalidUtf8).toBe(true);
  });
});

describe("quick CSV scan gives up on irregular files (the full scan reports them)", () => {
  const cases: [string, string][] = [
    ["a quote inside an unquoted cell", 'id,a\n1,"x"\n2,x"y\n'],
    ["a quote never closed", 'id,a\n1,"x\n2,y\n'],
    ["text after a closing quote", 'id,a\n1,"x"y\n'],
    ["a CR that is not part of a CRLF", "id,a\r1,x\n"],
    ["no header", ""],
  ];
  for (const [what, text] of cases) it(what, () => expect(quickScanCsv(file(text))).toBeUndefined());
});

describe("DuckDB engine after a quick scan: lines of the wrong width, found by DuckDB's count", () => {
  const { program } = compile(`schema {
  n: number
  b: boolean?
}
criterion big when n >= 10
hot when big
`, { path: "q.leaddef" });

  async function both(input: string, duckdbReadsIt = true) {
    return (await bothRuns(input, duckdbReadsIt)).rejects;
  }

  /** Both engines on `input`: output, rejects and counts equal; the DuckDB run's summary and rejects. */
  async function bothRuns(input: string, duckdbReadsIt = true) {
    const k = n++;
    const base = { program: program!, asOf: parseDateDays("2026-11-22"), idColumn: "id", columns: "all" as const, outputFormat: "csv" as const, input, inputFormat: "csv" as const };
    const js = await runJs({ ...base, output: join(dir, `js${k}.csv`), rejectsPath: join(dir, `js${k}.rej.csv`) });
    const dk = await runDuckdb({ ...base, output: join(dir, `dk${k}.csv`), rejectsPath: join(dir, `dk${k}.rej.csv`), threads: 2 });
    const rej = (p: string) => (existsSync(p) ? readFileSync(p, "utf8") : "");
    expect(readFileSync(join(dir, `dk${k}.csv`), "utf8")).toBe(readFileSync(join(dir, `js${k}.csv`), "utf8"));
    expect(rej(join(dir, `dk${k}.rej.csv`))).toBe(rej(join(dir, `js${k}.rej.csv`)));
    if (duckdbReadsIt) expect(dk.engine).toBe("duckdb");
    expect({ read: dk.rowsRead, rejected: dk.rowsRejected }).toEqual({ read: js.rowsRead, rejected: js.rowsRejected });
    return { rejects: rej(join(dir, `dk${k}.rej.csv`)), dk };
  }

  it("quote-free lines too short and too long, between bad values and a quoted multi-line cell, keep their line numbers and order", async () => {
    const rejects = await both(file('id,n,b\nA,12,yes\nB,3\nC,x,no\nD,"1\n2",1\nE,11,true,extra\nF,20,maybe\nG,30,no\n'));
    // line,id,… in line order (D's value spans lines 5 and 6, so E starts on line 7)
    const at = ["3,B,", "4,C,", "5,D,", "7,E,", "8,F,"].map((start) => rejects.indexOf(`\n${start}`));
    expect(at.every((p) => p > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(rejects).toContain('"row has 2 values, the header has 3"');
  });

  it("quoted records too short and too long, after a quoted cell over two lines, keep their line numbers", async () => {
    const rejects = await both(file('id,n,b\nA,12,"yes"\nB,"3"\nC,"1\n2",no\nD,11,true\nE,"20","no","x"\nF,30,no\n'));
    const at = ["3,B,", "4,C,", "7,E,"].map((start) => rejects.indexOf(`\n${start}`));
    expect(at.every((p) => p > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(rejects).toContain('"row has 4 values, the header has 3"');
    expect(rejects).toContain('"row has 2 values, the header has 3"');
  });

  it("records with empty cells too many at their end, which DuckDB reads as rows of the header's width, are rejected as the JS engine rejects them", async () => {
    for (const row of ["E,20,no,", "E,20,no,,,", 'E,20,no,""', 'E,"20","no",""', 'E,20,"no",', 'E,"20",no,', "E,20,,"]) {
      const rejects = await both(file(`id,n,b\nA,12,yes\n${row}\nD,11,true\n`), false);
      expect(rejects, row).toMatch(/\n3,E,.*the header has 3/);
    }
    // An empty last cell of the right width stays DuckDB's to read.
    expect(await both(file('id,n,b\nA,12,yes\nE,20,""\nF,30,\n'))).toBe("");
  });

  // With an id column, DuckDB starts on the header alone and the scan of the rest runs beside
  // the query: what it finds past the header still sends the file to the JS engine.
  it("the scan beside the query: line ends, bytes and malformed records past the header still decide", async () => {
    const regular = Array.from({ length: 300 }, (_, i) => `L${i},${i % 23},yes`);
    const cases: [what: string, text: Buffer, why: RegExp][] = [
      ["CRLF past an LF header", Buffer.from(`id,n,b\n${regular.slice(0, 150).join("\n")}\n${regular.slice(150).join("\r\n")}\r\n`), /mixes line ends/],
      ["a byte that is not UTF-8 on the last line", Buffer.concat([Buffer.from(`id,n,b\n${regular.join("\n")}\nZ,1,`), Buffer.from([0xff]), Buffer.from("\n")]), /not UTF-8/],
      ["10,001 malformed records", Buffer.from(`id,n,b\n${regular.join("\n")}\n${Array.from({ length: 10_001 }, (_, i) => `M${i},1`).join("\n")}\n`), /10001 CSV records are malformed/],
    ];
    for (const [what, text, why] of cases) {
      const { dk } = await bothRuns(file(text), false);
      expect(dk.engine, what).toBe("js");
      expect(dk.warnings.join("\n"), what).toMatch(why);
    }
    // Irregular past the header (a quote inside an unquoted cell): the full scan, after the query.
    const { dk, rejects } = await bothRuns(file(`id,n,b\n${regular.join("\n")}\nQ,1"2,yes\n`));
    expect(dk.warnings).toEqual([]);
    expect(rejects).toMatch(/\n302,Q,/);
  });

  it("a header that is not UTF-8: DuckDB's run fails with the JS engine's words, whichever column the byte is in", async () => {
    for (const header of [Buffer.from([0x69, 0x64, 0x2c, 0x6e, 0x2c, 0x62, 0xff]), Buffer.from([0x69, 0x64, 0x2c, 0x6e, 0xff, 0x2c, 0x62])]) {
      const input = file(Buffer.concat([header, Buffer.from("\nA,12,yes\n")]));
      const base = { program: program!, asOf: parseDateDays("2026-11-22"), idColumn: "id", columns: "all" as const, outputFormat: "csv" as const, input, inputFormat: "csv" as const };
      const k = n++;
      const js = await runJs({ ...base, output: join(dir, `h${k}.csv`), rejectsPath: join(dir, `h${k}.rej.csv`) }).then(() => "", (e: Error) => e.message);
      const dk = await runDuckdb({ ...base, output: join(dir, `hd${k}.csv`), rejectsPath: join(dir, `hd${k}.rej.csv`), threads: 2 }).then(() => "", (e: Error) => e.message);
      expect(js).toMatch(/header row is not readable: not valid UTF-8/);
      expect(dk).toBe(js);
    }
  });

  it("the header alone: its cells and its line end, no record", () => {
    const head = quickScanCsv(file('"i,d",n\r\nA,1\r\nB,2\n'), ",", undefined, true);
    expect(head).toMatchObject({ header: ["i,d", "n"], records: 0, good: 0, lineEnds: { lf: 0, crlf: 1, cr: 0 } });
    expect(quickScanCsv(file("id,n\nA,1\n"), ",", undefined, true)).toMatchObject({ header: ["id", "n"], records: 0, lineEnds: { lf: 1, crlf: 0, cr: 0 }, invalidUtf8: false });
    // Its own bytes only: a bad byte past the header is the whole scan's to find.
    expect(quickScanCsv(file(Buffer.concat([Buffer.from("id,n\nA,"), Buffer.from([0xff]), Buffer.from("\n")])), ",", undefined, true)?.invalidUtf8).toBe(false);
    expect(quickScanCsv(file(Buffer.concat([Buffer.from('"i'), Buffer.from([0xff]), Buffer.from('d",n\nA,1\n')])), ",", undefined, true)?.invalidUtf8).toBe(true);
  });

  it("a regular file: no rejects, every row scored in input order", async () => {
    const rows = ["id,n,b"];
    for (let i = 0; i < 5000; i++) rows.push(`L${i},${i % 23},${i % 3 ? "yes" : ""}`);
    expect(await both(file(rows.join("\n") + "\n"))).toBe("");
  });
});
