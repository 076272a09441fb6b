// The editor's coverage hint (LD3006, lsp/features/coverage-hints.ts): the conditions `leaddef
// test --coverage` lists as uncovered in the file, as hints; none when off or without examples.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Coverage, covered } from "../compiler/analysis/coverage.js";
import { compile, compileFile } from "../compiler/compile.js";
import { coverageHints, coverageHintsSetting } from "../lsp/features/coverage-hints.js";

const AS_OF = "2026-11-22";
const tmp = mkdtempSync(join(tmpdir(), "leaddef-hints-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SCHEMA = `schema {
  n: number?
  b: boolean?
  s: string?
}
`;
const DEF = `${SCHEMA}
criterion big when n >= 10
hot when big and (b or s contains "x")

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

const shown = (source: string) => {
  const result = compile(source, { path: join(tmp, "def.leaddef") });
  return coverageHints(result, AS_OF).map((d) => `${d.range!.start.line + 1}:${d.range!.start.character + 1} ${d.severity} ${d.code} ${d.message}`);
};

describe("coverage hints", () => {
  it("mark each condition the examples do not make both true and false, with which outcome is missing", () => {
    // `b` is true in one example and missing (false) in the other: covered.
    expect(shown(DEF)).toEqual(["8:24 hint LD3006 no example makes `s contains \"x\"` true"]);
    expect(shown(DEF.replace("  n = 1\n", "  n = 1\n  b = true\n"))).toEqual([
      "8:19 hint LD3006 no example makes `b` false",
      "8:24 hint LD3006 no example makes `s contains \"x\"` true",
    ]);
  });

  it("are exactly the uncovered conditions `test --coverage` counts in the file", () => {
    const result = compile(DEF, { path: join(tmp, "def.leaddef") });
    const coverage = new Coverage();
    coverage.addProgram(result.program!, result.analysis.files, AS_OF);
    const uncovered = coverage.all().filter((p) => p.kind === "condition" && !covered(p)).map((p) => `${p.line}:${p.column}`);
    expect(coverageHints(result, AS_OF).map((d) => `${d.range!.start.line + 1}:${d.range!.start.character + 1}`)).toEqual(uncovered);
  });

  it("say when no example reaches a condition (every example's values refused)", () => {
    const source = `${SCHEMA}\nhot when n >= 10\n\nexample "refused" {\n  n = "many"\n  expect stage hot\n}\n`;
    const result = compile(source, { path: join(tmp, "refused.leaddef") });
    if (result.program) expect(coverageHints(result, AS_OF).map((d) => d.message)).toEqual(["no example reaches `n >= 10`"]);
    else expect(coverageHints(result, AS_OF)).toEqual([]); // a value the checker refuses: no program, no hint
  });

  it("are none when the file has no example, does not compile, or the setting is off", () => {
    expect(shown(`${SCHEMA}\ncriterion big when n >= 10\nhot when big\n`)).toEqual([]);
    expect(shown(DEF.replace("n >= 10", "n >= "))).toEqual([]);
    const result = compile(DEF, { path: join(tmp, "def.leaddef") });
    expect(coverageHints(result, AS_OF, "off")).toEqual([]);
  });

  it("stay in the file: an imported file's conditions are the importer's examples' business only there", () => {
    writeFileSync(join(tmp, "shared.leaddef"), `${SCHEMA}\ncriterion big when n >= 10\n`);
    writeFileSync(join(tmp, "main.leaddef"), `import "shared.leaddef"\n\nhot when big and b\n\nexample "e" {\n  n = 20\n  b = true\n  expect stage hot\n}\n`);
    const hints = coverageHints(compileFile(join(tmp, "main.leaddef")), AS_OF);
    expect(hints.map((d) => d.message)).toEqual(["no example makes `b` false"]);
    expect(hints.every((d) => d.file === join(tmp, "main.leaddef"))).toBe(true);
  });

  it("read the setting from what a client sends, ignoring anything else", () => {
    expect(coverageHintsSetting("off")).toBe("off");
    expect(coverageHintsSetting("uncovered")).toBe("uncovered");
    expect(coverageHintsSetting("all")).toBeUndefined();
    expect(coverageHintsSetting(undefined)).toBeUndefined();
  });
});
