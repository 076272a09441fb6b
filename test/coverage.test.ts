// `leaddef test --coverage`: which conditions the examples make both true and false.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { Coverage, coverageSummary, covered, toLcov, uncoveredLines } from "../compiler/analysis/coverage.js";
import { compile } from "../compiler/compile.js";
import { CLI } from "./support/cli.js";

const tmp = mkdtempSync(join(tmpdir(), "leaddef-coverage-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const DEF = `schema {
  n: number?
  b: boolean?
  s: string?
}

criterion big when n >= 10   # a comment
score pts {
  +5 when b
}
hot when big and (b or s contains "x")
top when hot and at least 1 of [s is present, n > 100]

example "big and b" {
  n = 20
  b = true
  expect stage hot
}
example "small" {
  n = 1
  expect stage none
}
`;

function run(source: string) {
  const r = compile(source, { path: join(tmp, "def.leaddef") });
  const c = new Coverage();
  c.addProgram(r.program!, r.analysis.files, "2026-11-22");
  return c.all();
}

describe("coverage by examples", () => {
  it("a condition is covered when some example makes it true and another false", () => {
    const points = run(DEF);
    const byText = Object.fromEntries(points.map((p) => [`${p.kind} ${p.text}`, [p.trueCount, p.falseCount]]));
    expect(byText["condition n >= 10"]).toEqual([1, 1]);
    expect(byText["condition b"]).toEqual([1, 1]);
    expect(byText['condition s contains "x"']).toEqual([0, 2]);
    expect(byText["condition s is present"]).toEqual([0, 2]);
    expect(byText["condition n > 100"]).toEqual([0, 2]);
    expect(byText["criterion big"]).toEqual([1, 1]);
    expect(byText["stage hot"]).toEqual([1, 1]);
    expect(byText["stage top"]).toEqual([0, 2]);
    expect(byText["score line pts: +5 when b"]).toEqual([1, 1]);
    // the `at least` item and the whole `at least` are not double-counted as one point
    expect(points.filter((p) => p.text === "s is present")).toHaveLength(1);
    const uncovered = uncoveredLines(points, (f) => f.split("/").pop()!);
    expect(uncovered).toContain('def.leaddef:11:24: condition `s contains "x"` — never true');
    expect(uncovered).toContain("def.leaddef:12:1: stage `top` — never true");
    expect(uncovered.some((l) => l.includes("n >= 10"))).toBe(false);
    expect(coverageSummary(points)).toBe(`conditions covered: ${points.filter(covered).length} of ${points.length} (${((100 * points.filter(covered).length) / points.length).toFixed(1)}%)`);
  });

  it("a new example that exercises the rest raises coverage to 100%", () => {
    const more = DEF + `example "s and huge" {
  n = 500
  s = "xy"
  expect stage top
}
example "big, s without x" {
  n = 50
  s = "ab"
  expect stage none
}
`;
    const points = run(more);
    expect(points.filter((p) => !covered(p)).map((p) => p.text)).toEqual([]);
    expect(coverageSummary(points)).toMatch(/^conditions covered: (\d+) of \1 \(100\.0%\)$/);
  });

  it("writes LCOV with a true/false branch pair per point", () => {
    const lcov = toLcov(run(DEF), (f) => f.split("/").pop()!);
    expect(lcov).toMatch(/^TN:leaddef\nSF:def\.leaddef\n/);
    expect(lcov).toContain("BRDA:7,0,0,1\nBRDA:7,0,1,1");
    expect(lcov).toContain("DA:7,1");
    expect(lcov).toContain("DA:11,0");
    expect(lcov.trimEnd().endsWith("end_of_record")).toBe(true);
  });

  it("`leaddef test --coverage --lcov` prints the uncovered ones and ends with the summary line", () => {
    const file = join(tmp, "cli.leaddef");
    writeFileSync(file, DEF);
    const lcov = join(tmp, "out.lcov");
    const r = spawnSync(process.execPath, [CLI, "test", file, "--coverage", "--lcov", lcov], { cwd: tmp, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[lines.length - 1]).toMatch(/^conditions covered: \d+ of \d+ \(\d+\.\d%\)$/);
    expect(r.stdout).toContain('cli.leaddef:11:24: condition `s contains "x"` — never true');
    expect(readFileSync(lcov, "utf8")).toContain("SF:cli.leaddef");
  }, 180_000);
});
