// The parallel CSV path (worker threads, quote-aware cuts, schema-specialised cell reader) must
// write exactly what the single-threaded reference path writes: results, rejects and summary,
// on adversarial files and on generated leads, cut into pieces of many sizes.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { firstRecordsEnd, lastRecordEnd } from "../compiler/batch/sources/csv-cut.js";
import { CsvRecordReader } from "../compiler/batch/sources/csv-records.js";
import { foldCase } from "../compiler/runtime/case-fold.js";
import { daysFromCivil, plainDate, readDateGeneral } from "../compiler/runtime/codecs/date.js";
import { plainDecimal, readNumber } from "../compiler/runtime/codecs/number.js";
import { runJs } from "../compiler/batch/js/run-js.js";
import { workerScript } from "../compiler/batch/js/run-parallel.js";
import { compile, compileFile } from "../compiler/compile.js";
import type { Program } from "../compiler/runtime/program.js";
import { parseDateDays } from "../language/literals.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const dir = mkdtempSync(join(tmpdir(), "leaddef-parallel-"));
let n = 0;

const bench = compileFile(join(root, "bench", "bench.leaddef")).program!;
const dates = compile(`
schema {
  a.when: date
  a.other: date?
  a.n: number?
  a.k: integer?
  a.flag: boolean?
  a.tags: list(string)?
  a.kind: enum(x, y, z)?
  a.name: string?
}
criterion recent when days_since(a.when) <= 30
score s {
  +1 when a.other is missing
  +2 when a.n > 1.5
  +4 when a.k >= 3
  +8 when a.flag
  +16 when a.tags contains "p"
  +32 when a.kind >= y
  +64 when a.name starts with "Ac"
}
hot when recent and days_since(a.other) < 0
`).program!;

const rej = (p: string) => (existsSync(p) ? readFileSync(p, "utf8") : "<none>");

/** Runs the reference path and the parallel path (several piece sizes); all must agree. */
async function agree(program: Program, input: string, opts: { columns?: "default" | "all"; output?: "csv" | "jsonl"; pieces?: number[]; idColumn?: string; inputFormat?: "csv" | "jsonl" } = {}) {
  const columns = opts.columns ?? "default";
  const ext = opts.output ?? "csv";
  const base = { program, input, inputFormat: opts.inputFormat ?? "csv", asOf: parseDateDays("2026-11-22"), idColumn: opts.idColumn ?? "id", columns, outputFormat: ext };
  const k = n++;
  const ref = await runJs({ ...base, output: join(dir, `ref${k}.${ext}`), rejectsPath: join(dir, `ref${k}.rej.csv`), parallel: { workers: 0 } });
  const want = readFileSync(join(dir, `ref${k}.${ext}`), "utf8");
  const wantRejects = rej(join(dir, `ref${k}.rej.csv`));
  for (const piece of opts.pieces ?? [1, 64, 1 << 16]) {
    for (const workers of [1, 2]) {
      const tag = `par${k}-${piece}-${workers}`;
      const par = await runJs({ ...base, output: join(dir, `${tag}.${ext}`), rejectsPath: join(dir, `${tag}.rej.csv`), parallel: { workers, chunkBytes: piece, minBytes: 0 } });
      expect(readFileSync(join(dir, `${tag}.${ext}`), "utf8"), tag).toBe(want);
      expect(rej(join(dir, `${tag}.rej.csv`)), tag).toBe(wantRejects);
      const { seconds: _a, output: _b, rejectsPath: _c, ...rest } = par;
      const { seconds: _d, output: _e, rejectsPath: _f, ...restRef } = ref;
      expect(rest, tag).toEqual(restRef);
    }
  }
  return ref;
}

/** A seeded generator of hostile CSV for the `dates` program's schema. */
function hostileCsv(seed: number, rows: number, tricks = true): string {
  let x = seed >>> 0 || 1;
  const rnd = () => ((x = (x * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const cellValues: Record<string, string[]> = {
    "a.when": ["2026-11-01", "2026-11-20", "2026-11-20T10:00:00Z", "2026-11-20 08:00", "2026-02-30", " 2026-11-20", "2026-11-20 ", "0099-01-01", "1999-12-31", "2024-02-29", "2023-02-29", "2026-1-01", "", "nope", "2026-11-20Tjunk"],
    "a.other": ["", "2026-12-01", "2027-01-01", "2026-13-01", "2026-11-00", "２０２６-11-01"],
    "a.n": ["", "1", "1.5", "1.51", "-0", "2.", ".5", "-.5", "1e3", " 2", "+3", "12345678901234567", "0.1", "abc", "1,5", "3.000000000000001"],
    "a.k": ["", "3", "3.0", "3.5", "007", "-4", "1e1", "9007199254740993"],
    "a.flag": ["", "true", "TRUE", "Yes", "no", "1", "0", " true", "tru", "ﬁ", "FALSE"],
    "a.tags": ["", "p", "p;q", " p ; q ", ";;", "P", "q;p;", "\u00a0p"],
    "a.kind": ["", "x", "y", "z", "Y", "w", " x"],
    "a.name": ["", "Acme", "acme, inc", 'The "Best"', "multi\nline", "crlf\r\nline", "Ａc", "Ac\r"],
    id: ["L1", "L,2", 'L"3', "", " L4", "L5 "],
    extra: ["", "ignored", '"quoted"'],
  };
  const header = ["id", "a.when", "a.other", "a.n", "extra", "a.k", "a.flag", "a.tags", "a.kind", "a.name"];
  const quote = (v: string) => (/[",\r\n]/.test(v) || rnd() < 0.1 ? `"${v.replace(/"/g, '""')}"` : v);
  const lines: string[] = [header.join(",")];
  for (let i = 0; i < rows; i++) {
    const r = rnd();
    if (r < 0.02) {
      lines.push("");
      continue;
    }
    let cells = header.map((h) => quote(h === "id" ? (rnd() < 0.9 ? `L${i}` : pick(cellValues.id)) : pick(cellValues[h])));
    if (r < 0.05) cells = cells.slice(0, 1 + Math.floor(rnd() * cells.length)); // ragged: too few
    else if (r < 0.07) cells.push("surplus");
    let line = cells.join(",");
    if (!tricks) {
      // well-formed
    } else if (r > 0.97) line += '"after"';
    else if (r > 0.95) line = line.replace(/"([^"]*)"/, '"$1"x'); // text after a closing quote
    else if (r > 0.94) line = `a"b,${line}`; // a quote inside an unquoted field
    lines.push(line);
  }
  // Line ends: CRLF, LF or CR alone; with tricks, some files mix all three.
  const eol = seed % 3 === 0 ? "\r\n" : seed % 4 === 1 ? "\r" : "\n";
  const mixed = tricks && seed % 4 === 2;
  let text = mixed ? lines.map((l, i) => (i ? pick(["\r\n", "\n", "\r"]) : "") + l).join("") : lines.join(eol);
  if (seed % 2 === 0) text = `\ufeff${text}`;
  if (seed % 5 === 0) text += eol;
  if (tricks && seed % 7 === 0) text += '\nL9,"never closed,2026-11-01';
  return text;
}

describe("parallel CSV path = single-threaded path, byte for byte", () => {
  it("the worker script is built (else the parallel path falls back and these tests prove nothing)", () => {
    expect(existsSync(join(root, "dist", "compiler", "batch", "js", "score-worker.js"))).toBe(true);
    // once resolved one folder too high from the sources, so under vitest every "parallel" run here was the single-threaded one
    expect(workerScript()?.pathname).toBe(join(root, "dist", "compiler", "batch", "js", "score-worker.js"));
  });

  for (const seed of [1, 2, 3, 5, 6, 7, 10, 14, 30, 42]) {
    it(`hostile CSV, seed ${seed}`, async () => {
      const file = join(dir, `hostile${seed}.csv`);
      writeFileSync(file, hostileCsv(seed, 400));
      const ref = await agree(dates, file, { columns: seed % 2 ? "all" : "default", output: seed % 3 ? "csv" : "jsonl" });
      expect(ref.rowsRejected).toBeGreaterThan(0);
      expect(ref.rowsWritten).toBeGreaterThan(0);
    });
  }

  it("generated leads with bad values (bench rules, all columns)", async () => {
    const file = join(dir, "gen.csv");
    const r = spawnSync(process.execPath, [join(root, "examples", "generate-leads.mjs"), "--count", "3000", "--seed", "11", "--format", "csv", "--out", file]);
    expect(r.status).toBe(0);
    const ref = await agree(bench, file, { columns: "all", pieces: [100, 4096, 50_000] });
    expect(ref.rowsRejected).toBeGreaterThan(0);
    await agree(bench, file, { pieces: [333] });
  });

  it("examples/leads.csv with every example program", async () => {
    for (const name of ["acme", "smb", "scoring"]) {
      const program = compileFile(join(root, "examples", `${name}.leaddef`)).program!;
      await agree(program, join(root, "examples", "leads.csv"), { columns: "all", pieces: [50, 4096] });
    }
  });

  it("a field read only by a disqualification or a grade is bound on the byte path too", async () => {
    // The scanner skips fields no declaration reads; a disqualification or a grade can be a
    // field's only reader (here a.name and a.tags), and was once left out, so no lead was disqualified.
    const program = compile(`
schema {
  a.when: date
  a.name: string?
  a.tags: list(string)?
}
criterion recent when days_since(a.when) <= 30
disqualify when a.name starts with "Ac" because "a competitor"
grade tagged {
  A when a.tags contains "p"
  else B
}
hot when recent
`).program!;
    const file = join(dir, "only-readers.csv");
    writeFileSync(file, hostileCsv(9, 400));
    const ref = await agree(program, file, { columns: "all", pieces: [64, 4096] });
    expect(ref.stages.find((st) => st.name === "disqualified")!.count).toBeGreaterThan(10);
    const out = readFileSync(join(dir, `ref${n - 1}.csv`), "utf8");
    expect(out).toMatch(/,A(,|\r?\n)/); // some lead graded A
  });

  it("no id column: falls back to the reference path (ids are row numbers)", async () => {
    const file = join(dir, "noid.csv");
    writeFileSync(file, hostileCsv(4, 100).replace(/^\ufeff?id,/, "ident,"));
    await agree(dates, file, { pieces: [64] });
  });

  it("invalid UTF-8 (a Latin-1 byte, a cut character, inside quotes) rejects its records on every path", async () => {
    const file = join(dir, "latin1.csv");
    const rows = [Buffer.from("id,a.when,a.name\n")];
    let invalid = 0;
    for (let i = 0; i < 120; i++) {
      if (i % 17 === 3 || i % 23 === 5) invalid++;
      const name = i % 17 === 3 ? Buffer.from([0x63, 0x61, 0x66, 0xe9]) : i % 23 === 5 ? Buffer.from([0x22, 0x78, 0xc3, 0x0a, 0x79, 0x22]) : Buffer.from("ok é");
      rows.push(Buffer.concat([Buffer.from(`L${i},2026-11-0${1 + (i % 9)},`), name, Buffer.from(i % 2 ? "\r\n" : "\n")]));
    }
    writeFileSync(file, Buffer.concat(rows));
    const ref = await agree(dates, file, { pieces: [1, 7, 64, 4096] });
    expect(ref.rowsRejected).toBe(invalid);
    const rejects = readFileSync(join(dir, `ref${n - 1}.rej.csv`), "utf8");
    expect(rejects).toContain("not valid UTF-8");
    expect(rejects).toContain("caf\uFFFD");
  });

  it("header only, empty file, header without newline, blank lines only", async () => {
    for (const [i, text] of ["", "id,a.when", "id,a.when\n", "\n\n", "\r\nid,a.when\r\n\r\n", '"id","a.when"\nL1,2026-11-01'].entries()) {
      const file = join(dir, `tiny${i}.csv`);
      writeFileSync(file, text);
      await agree(dates, file, { pieces: [1, 3] }).catch((e) => {
        // an unreadable or missing header is an error on both paths alike
        expect(String(e)).toMatch(/header|required|value/);
      });
    }
  });
});

/** A seeded generator of hostile JSON Lines for the `dates` program's schema. */
function hostileJsonl(seed: number, rows: number): string {
  let x = seed >>> 0 || 1;
  const rnd = () => ((x = (x * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const values: Record<string, unknown[]> = {
    "a.when": ["2026-11-01", "2026-11-20", "2026-11-20T10:00:00Z", "2026-11-20 08:00", "2026-02-30", " 2026-11-20", "0099-01-01", "2024-02-29", null, "", "nope", 20261120, true],
    "a.other": [null, "2026-12-01", "2027-01-01", "2026-13-01", "２０２６-11-01", []],
    "a.n": [null, 1, 1.5, "1.51", "-0", " 2", "1e3", "abc", true, "", 1e308, -0, "12345678901234567"],
    "a.k": [null, 3, "3", 3.5, "3.0", "007", -4, 9007199254740993, "x"],
    "a.flag": [null, true, false, "TRUE", "Yes", "no", 1, 0, 2, " true", "tru", ""],
    "a.tags": [null, ["p"], ["p", "q"], "p;q", " p ; q ", [], [1], ["P"], "", {}],
    "a.kind": [null, "x", "y", "z", "Y", "w", 1],
    "a.name": [null, "Acme", "acme, inc", 'The "Best"', "multi\nline", "Ａc", "\u0041c", 7, ["Ac"]],
  };
  const paths = Object.keys(values);
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const r = rnd();
    if (r < 0.03) {
      lines.push(pick(["", "   ", "\t"]));
      continue;
    }
    if (r < 0.06) {
      lines.push(pick(["{not json", "[1,2]", "42", "null", '"text"', "{\"id\": \"L\"", '{"a": 1}}', "\u00e9t\u00e9"]));
      continue;
    }
    const flat = r < 0.4;
    const obj: Record<string, unknown> = {};
    if (rnd() < 0.9) obj.id = rnd() < 0.9 ? `L${i}` : pick(["L,2", 'L"3', "", 17, null, " L4"]);
    for (const p of paths) {
      if (rnd() < 0.15) continue; // absent
      const v = pick(values[p]);
      const [g, k] = p.split(".");
      if (flat || (r > 0.8 && rnd() < 0.5)) obj[p] = v; // flat, or mixed
      else ((obj[g] ??= {}) as Record<string, unknown>)[k] = v;
    }
    if (rnd() < 0.2) obj[pick(["extra", "a.extra", "z.deep"])] = pick([1, "x", { inner: true }]);
    if (rnd() < (seed === 15 ? 0.4 : 0.02)) obj[`u${i}`] = { v: 1, w: 2 }; // many distinct unknown keys: the report stops near 100
    let line = JSON.stringify(obj);
    if (rnd() < 0.1) line = line.replace(/"a"/, '"\\u0061"'); // a key spelled with a unicode escape
    if (rnd() < 0.05) line = ` ${line}\t`;
    lines.push(line);
  }
  const eol = seed % 3 === 0 ? "\r\n" : "\n";
  let text = lines.join(eol);
  if (seed % 2 === 0) text = `\ufeff${text}`;
  if (seed % 5 === 0) text += eol;
  return text;
}

describe("parallel JSON Lines path = single-threaded path, byte for byte", () => {
  it("the worker script is built (else the parallel path falls back and these tests prove nothing)", () => {
    expect(existsSync(join(root, "dist", "compiler", "batch", "js", "score-worker.js"))).toBe(true);
  });

  for (const seed of [1, 2, 3, 5, 6, 10, 15, 30]) {
    it(`hostile JSON Lines, seed ${seed}`, async () => {
      const file = join(dir, `hostile${seed}.jsonl`);
      writeFileSync(file, hostileJsonl(seed, 500));
      const ref = await agree(dates, file, { inputFormat: "jsonl", columns: seed % 2 ? "all" : "default", output: seed % 3 ? "csv" : "jsonl", pieces: [1, 64, 700, 1 << 16] });
      expect(ref.rowsRejected).toBeGreaterThan(0);
      expect(ref.rowsWritten).toBeGreaterThan(0);
      expect(ref.unknownColumns.length).toBeGreaterThan(seed === 15 ? 99 : 3);
    });
  }

  it("rows without ids (the id is the row number) in some pieces only", async () => {
    const file = join(dir, "noid.jsonl");
    const lines = hostileJsonl(4, 300).split("\n").map((l, i) => (i % 50 === 7 ? l.replace(/"id":("[^"]*"|\d+|null),?/, "") : l));
    writeFileSync(file, lines.join("\n"));
    await agree(dates, file, { inputFormat: "jsonl", pieces: [64, 2000] });
  });

  it("invalid UTF-8, a lone mark later in the file, tiny files", async () => {
    const bad = Buffer.concat([Buffer.from('{"id":"a","a":{"when":"2026-11-01","name":"\xff'), Buffer.from([0xff, 0xc3]), Buffer.from('"}}\n\ufeff{"id":"b","a.when":"2026-11-02"}\n{"id":"c","a":{"when":"2026-11-03"}}')]);
    const texts: (string | Buffer)[] = [bad, "", "\n", "\ufeff", "\ufeff\n", "\ufeff\ufeff{}", '{"id":"x","a.when":"2026-11-01"}', "\r\n\r\n"];
    for (const [i, text] of texts.entries()) {
      const file = join(dir, `tiny${i}.jsonl`);
      writeFileSync(file, text);
      await agree(dates, file, { inputFormat: "jsonl", pieces: [1, 2, 5, 4096] });
    }
  });

  it("generated leads with bad values (bench rules, all columns)", async () => {
    const file = join(dir, "gen.jsonl");
    const r = spawnSync(process.execPath, [join(root, "examples", "generate-leads.mjs"), "--count", "3000", "--seed", "11", "--format", "jsonl", "--out", file]);
    expect(r.status).toBe(0);
    const ref = await agree(bench, file, { inputFormat: "jsonl", columns: "all", pieces: [100, 4096, 50_000] });
    expect(ref.rowsRejected).toBeGreaterThan(0);
  });
});

describe("record boundaries", () => {
  /** Every record the reader delivers, read whole, as cells or as a bad line. */
  function records(text: string): unknown[] {
    const out: unknown[] = [];
    const r = new CsvRecordReader((cells, line) => out.push([line, ...cells]), (line, reason) => out.push({ line, reason }));
    r.push(text);
    r.end();
    return out;
  }

  it("pieces cut at lastRecordEnd read to the same records as the whole text", () => {
    for (const seed of [1, 2, 3, 7, 9, 21]) {
      const text = hostileCsv(seed, 200);
      const bytes = Buffer.from(text);
      const want = records(text);
      for (const size of [1, 5, 40, 300]) {
        const got: unknown[] = [];
        let carry = Buffer.alloc(0);
        let offset = 0;
        let lineBase = 0;
        let atStart = true;
        const flush = (piece: Buffer) => {
          const r = new CsvRecordReader(
            (cells, line) => got.push([lineBase + line, ...cells]),
            (line, reason) => got.push({ line: lineBase + line, reason }),
            undefined, 1, atStart,
          );
          atStart = false;
          r.push(piece.toString("utf8"));
          r.end();
          lineBase += r.nextLine - 1;
        };
        while (offset < bytes.length) {
          const data = Buffer.concat([carry, bytes.subarray(offset, offset + size)]);
          offset += size;
          const final = offset >= bytes.length;
          const cut = lastRecordEnd(data, final);
          if (cut > 0) flush(data.subarray(0, cut));
          carry = data.subarray(cut);
        }
        if (carry.length) flush(carry);
        expect(got, `seed ${seed} size ${size}`).toEqual(want);
      }
    }
  });

  it("CR, LF and CRLF each end a record outside quotes and count one line; inside quotes they are data", () => {
    expect(records('h\ra\rb\r\nc\n"x\ry"\r\n\rd')).toEqual([[1, "h"], [2, "a"], [3, "b"], [4, "c"], [5, "x\ry"], [8, "d"]]);
    expect(records("id,n\r1,2\r")).toEqual([[1, "id", "n"], [2, "1", "2"]]);
    // a CRLF cut between two pieces is one line end, not two
    const r: unknown[] = [];
    const reader = new CsvRecordReader((cells, line) => r.push([line, ...cells]), () => undefined);
    for (const piece of ["a\r", "\nb\r", "\r\nc"]) reader.push(piece);
    reader.end();
    expect(r).toEqual([[1, "a"], [2, "b"], [4, "c"]]);
    expect(lastRecordEnd(Buffer.from("a\r\nb\r"), false)).toBe(3);
    expect(lastRecordEnd(Buffer.from("a\rb\rc"), false)).toBe(4);
    expect(firstRecordsEnd(Buffer.from("\r\rid,x\rL1"), 1, false)).toBe(7);
  });

  it("firstRecordsEnd finds the end of the header record", () => {
    expect(firstRecordsEnd(Buffer.from("\n\nid,x\nL1,2\n"), 1, false)).toBe(7);
    expect(firstRecordsEnd(Buffer.from('"i\nd",x\r\nL1'), 1, false)).toBe(9);
    expect(firstRecordsEnd(Buffer.from('"id'), 1, false)).toBe(-1);
    expect(firstRecordsEnd(Buffer.from("id,x"), 1, true)).toBe(4);
  });

  it("the plain-line handler sees exactly the lines the reader would split", () => {
    const text = hostileCsv(3, 300);
    const viaCells = records(text);
    const viaLines: unknown[] = [];
    const r = new CsvRecordReader(
      (cells, line) => viaLines.push([line, ...cells]),
      (line, reason) => viaLines.push({ line, reason }),
      (data, start, end, line) => viaLines.push([line, ...data.slice(start, end).split(",")]),
    );
    r.push(text);
    r.end();
    expect(viaLines).toEqual(viaCells);
  });

  it("agrees with csv-parse (relax_quotes) on well-formed files", () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      // well-formed: no ragged quoting tricks, no unclosed quotes
      const text = hostileCsv(seed, 300, false);
      const ours = (records(text) as unknown[][]).map((r) => r.slice(1));
      const theirs = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true, relax_quotes: true });
      expect(ours, `seed ${seed}`).toEqual(theirs);
    }
  });
});

describe("fast value readers = general readers", () => {
  const numberish = fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
    fc.integer().map(String),
    fc.stringMatching(/^-?[0-9]{0,18}(\.[0-9]{0,18})?$/),
    fc.string({ maxLength: 8 }),
  );
  it("plainDecimal gives readNumber's value whenever it accepts", () => {
    fc.assert(fc.property(numberish, (s) => {
      const v = plainDecimal(s, 0, s.length);
      if (Number.isNaN(v)) return;
      expect(Object.is(v, readNumber(s, false))).toBe(true);
    }), { numRuns: 20_000 });
  });

  const dateish = fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), fc.constantFrom("", "T00:00:00Z", " 12:00", "x", "Tjunk"))
      .map(([y, m, d, t]) => `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}${t}`),
    fc.string({ maxLength: 12 }),
  );
  it("plainDate gives readDate's value whenever it accepts, and accepts plain valid dates", () => {
    fc.assert(fc.property(dateish, (s) => {
      const v = plainDate(s, 0, s.length);
      let want: number;
      try {
        want = readDateGeneral(s);
      } catch {
        expect(v).toBeNaN();
        return;
      }
      if (/^\d{4}-\d\d-\d\d$/.test(s) && Number(s.slice(0, 4)) >= 100) expect(v).toBe(want);
      if (!Number.isNaN(v)) expect(v).toBe(want);
    }), { numRuns: 20_000 });
  });

  it("daysFromCivil = Date.UTC over four centuries", () => {
    for (let d = Date.UTC(1900, 0, 1) / 864e5; d < Date.UTC(2300, 0, 1) / 864e5; d += 1) {
      const t = new Date(d * 864e5);
      expect(daysFromCivil(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate())).toBe(d);
    }
  });
});

describe("evaluator: case-insensitive tests on the ASCII fast path = by folding", () => {
  const needles = ["k.e+y", "ab", "12-3", "intern", "(x)", "a|b", "\u212aey", "İx"];
  const program = compile(`schema {\n  t: string?\n}\nscore s {\n${needles.map((n, i) => `  +${2 ** i} when t contains ${JSON.stringify(n)}\n  +${2 ** (i + 8)} when t starts with ${JSON.stringify(n)}`).join("\n")}\n}\n`).program!;
  const hay = fc.oneof(
    fc.string({ maxLength: 10 }),
    fc.constantFrom("K.E+Y", "xk.e+yz", "kxe+y", "\u212aey", "\u212a.E+Y", "İntern", "INTERN!", "12-3", "x12-34", "AB", "(X)", "a|b", "A", "b", "İX", "i̇x"),
    fc.tuple(fc.constantFrom("", "Ab", "\u212a", "é"), fc.constantFrom(...needles.map((n) => n.toUpperCase())), fc.constantFrom("", "z")).map((p) => p.join("")),
  );
  it("agrees with foldCase().includes / startsWith", () => {
    fc.assert(fc.property(hay, (t) => {
      let want = 0;
      needles.forEach((n, i) => {
        if (foldCase(t).includes(foldCase(n))) want += 2 ** i;
        if (foldCase(t).startsWith(foldCase(n))) want += 2 ** (i + 8);
      });
      expect(program.evaluate({ t }).scores.s).toBe(want);
    }), { numRuns: 5_000 });
  });
});
