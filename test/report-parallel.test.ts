// `leaddef report` on worker threads: the parallel path (analysis/report-parallel.ts) must give
// exactly the single-threaded ReportData — counts, histograms, score means to the last bit,
// nearest-miss counts and their order of ties, outcome rates, reject groups — however the file
// is cut. Needs `npx tsc -p .` (the workers run from dist/; npm test builds first).
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { compileFile } from "../compiler/compile.js";
import { paramOverrides, programWithParams } from "../compiler/params.js";
import { parseDateDays } from "../language/literals.js";
import { collectReport, type ReportOptions } from "../compiler/app/report.js";
import { reportCsvParallel } from "../compiler/analysis/report-parallel.js";
import { ReportTally } from "../compiler/analysis/report-tally.js";
import { ExactSum } from "../compiler/analysis/exact-sum.js";

const here = dirname(fileURLToPath(import.meta.url));
const examples = resolve(here, "..", "examples");
const tmp = mkdtempSync(join(tmpdir(), "leaddef-report-parallel-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const AS_OF = parseDateDays("2026-11-22");

// Fractional weights (their sums are not exact in floating point, so the order of additions
// shows), a parameter, a disqualification, an `at least` whose nearest miss varies per lead.
const FRACTIONAL = `import "common.leaddef"
param fit_min = 200
criterion big when company.employees >= fit_min
criterion engaged when engagement.score >= 40.5 or engagement.email_clicks >= 3
disqualify when contact.title contains "student" because "student"
score warmth {
  +0.1 when big
  +0.7 when engaged
  +1.3 when contact.engaged
  +0.3 when budget.allocated
  -0.2 when company.revenue_usd is missing
}
mql when big and engaged
sql when mql and at least 2 of [warmth >= 1.5, budget.allocated, need.pain_validated, contact.seniority in [vp, c_level]]
schema {
  deal.stage: enum(open, closed_won, closed_lost)?
}
outcome won when deal.stage = closed_won
`;

/** The example leads, repeated with shifted ids, and hostile rows: invalid UTF-8, bad quoting, too few cells, a value that does not fit. */
function leadsFile(name: string): string {
  const text = readFileSync(join(examples, "leads.csv"), "utf8").trimEnd().split("\n");
  const [header, ...rows] = text;
  const out: Buffer[] = [Buffer.from(`${header}\n`)];
  for (let copy = 0; copy < 4; copy++) {
    rows.forEach((row, i) => {
      const line = row.replace(/^L0*(\d+)/, (_, n) => `L${copy}-${n}`);
      if (i === 37 + copy) out.push(Buffer.from("L-bad,\"unterminated\n"), Buffer.from("L-short,only,three\n"));
      if (i === 101 + copy * 7) {
        // a Latin-1 byte in a string cell: the row is rejected as not valid UTF-8
        out.push(Buffer.concat([Buffer.from(line.replace(/,([^,]*),/, ",Caf")), Buffer.from([0xe9]), Buffer.from(",x\n")]));
        return;
      }
      out.push(Buffer.from(`${i === 300 + copy ? line.replace(/,(\d+),(DE|US|GB),/, ",lots,$2,") : line}\n`));
    });
  }
  const path = join(tmp, name);
  writeFileSync(path, Buffer.concat(out));
  return path;
}

function definitions(): { name: string; path: string }[] {
  copyFileSync(join(examples, "common.leaddef"), join(tmp, "common.leaddef"));
  const fractional = join(tmp, "fractional.leaddef");
  writeFileSync(fractional, FRACTIONAL);
  return [{ name: "acme", path: join(examples, "acme.leaddef") }, { name: "fractional", path: fractional }];
}

describe("report on worker threads", () => {
  const input = leadsFile("leads.csv");
  for (const def of definitions()) {
    it(`${def.name}: the parallel path's ReportData equals the single-threaded one, however the file is cut`, async () => {
      const compiled = compileFile(def.path);
      expect(compiled.program, JSON.stringify(compiled.diagnostics)).toBeDefined();
      const program = programWithParams(compiled, paramOverrides(compiled.analysis, [def.name === "acme" ? "mql_min=55" : "fit_min=150"]));
      const base: ReportOptions = { program, definition: def.path, input, inputFormat: "csv", asOf: AS_OF, idColumn: "id" };
      const single = await collectReport({ ...base, parallel: { workers: 0 } });
      for (const chunkBytes of [2500, 40_000]) {
        // called directly first: undefined would mean it fell back to the single thread
        const tally = new ReportTally(program, AS_OF);
        expect(await reportCsvParallel(program, tally, { input, asOf: AS_OF, idColumn: "id", parallel: { workers: 2, chunkBytes, minBytes: 0 } })).toBeDefined();
        const parallel = await collectReport({ ...base, parallel: { workers: 2, chunkBytes, minBytes: 0 } });
        expect(parallel).toEqual(single);
        // toEqual treats -0 and 0 alike and never compares key order: the JSON text must match too
        expect(JSON.stringify(parallel)).toBe(JSON.stringify(single));
      }
      // the file holds what the merge has to get right
      expect(single.rowsRejected).toBeGreaterThanOrEqual(12);
      expect(single.rejects.some((r) => r.reason.includes("UTF-8"))).toBe(true);
      expect(single.outcomes.length).toBeGreaterThan(0);
      expect(single.outcomes[0].positives).toBeGreaterThan(0);
      const misses = single.funnel.heldBack.flatMap((h) => h.missing);
      expect(new Set(misses.map((m) => m.text)).size).toBeGreaterThan(3);
      expect(single.params.some((p) => p.overridden)).toBe(true);
    }, 60_000);
  }

  it("takes the single-threaded path without an id column, as run and diff do", async () => {
    const program = compileFile(join(examples, "acme.leaddef")).program!;
    const tally = new ReportTally(program, AS_OF);
    const noId = await reportCsvParallel(program, tally, { input, asOf: AS_OF, idColumn: "lead_key", parallel: { workers: 2, chunkBytes: 4000, minBytes: 0 } });
    expect(noId).toBeUndefined();
    expect(tally.funnelReport().leads).toBe(0);
  });
});

describe("ExactSum", () => {
  it("reads the correctly rounded total whatever the order and grouping of the additions", () => {
    const values = Array.from({ length: 2000 }, (_, i) => [0.1, 0.7, -0.2, 1.3, 1e-9, 3.3][i % 6] * ((i % 7) + 1));
    let naive = 0;
    for (const v of values) naive += v;
    const whole = new ExactSum();
    values.forEach((v) => whole.add(v));
    const merged = new ExactSum();
    for (let from = 0; from < values.length; from += 333) {
      const piece = new ExactSum();
      values.slice(from, from + 333).reverse().forEach((v) => piece.add(v));
      merged.merge(piece.parts());
    }
    expect(merged.value()).toBe(whole.value());
    // the plain running total differs from the exact one here: the test can tell them apart
    expect(naive).not.toBe(whole.value());
    expect(new ExactSum().value()).toBe(0);
    const inf = new ExactSum();
    inf.add(1);
    inf.add(Infinity);
    expect(inf.value()).toBe(Infinity);
  });

  it("rounds half-way cases to even, as math.fsum", () => {
    const s = new ExactSum();
    for (const v of [1, 1e100, 1, -1e100]) s.add(v);
    expect(s.value()).toBe(2);
    const t = new ExactSum();
    for (const v of [1e16, 1, 1e-16]) t.add(v);
    expect(t.value()).toBe(10000000000000002); // python: math.fsum([1e16, 1., 1e-16])
  });
});
