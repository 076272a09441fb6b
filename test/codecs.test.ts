// Each value spelling, through every engine that reads data: the JS batch reader (CSV and JSON
// Lines, fast scanner and general reader), the DuckDB engine (CSV and JSON Lines) and the
// in-process evaluator on lead objects. One table of cases; every engine must accept the same
// cells, read them to the same value and refuse the rest with the same reason.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runDuckdb } from "../compiler/batch/duckdb/run.js";
import { runJs } from "../compiler/batch/js/run-js.js";
import { compile } from "../compiler/compile.js";
import { parseDateDays } from "../language/literals.js";

const dir = mkdtempSync(join(tmpdir(), "leaddef-codecs-"));
let n = 0;

interface Case {
  /** the field's declaration after `a:` */
  type: string;
  /** a condition on `a` that is true exactly for the accepted cells listed in `hits` */
  cond: string;
  cells: string[];
  /** cells (by value) the condition holds for */
  hits: string[];
  /** cells (by value) refused, with the reason text */
  refused: Record<string, string>;
}

function csvCell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

async function engines(c: Case) {
  const source = `schema {\n  a: ${c.type}\n}\ncriterion hit when ${c.cond}\nhigh when hit\n`;
  const r = compile(source);
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const program = r.program!;
  const k = n++;
  const csv = join(dir, `in${k}.csv`);
  const jsonl = join(dir, `in${k}.jsonl`);
  writeFileSync(csv, `id,a\n${c.cells.map((v, i) => `${i + 1},${csvCell(v)}`).join("\n")}\n`);
  writeFileSync(jsonl, c.cells.map((v, i) => JSON.stringify({ id: String(i + 1), a: v })).join("\n") + "\n");
  const outcomes: Record<string, { stages: string; rejects: string }> = {};
  const base = { program, asOf: parseDateDays("2026-11-22"), idColumn: "id", columns: "default" as const, outputFormat: "csv" as const };
  for (const [name, input, inputFormat] of [["js csv", csv, "csv"], ["js jsonl", jsonl, "jsonl"], ["duckdb csv", csv, "csv"], ["duckdb jsonl", jsonl, "jsonl"]] as const) {
    const output = join(dir, `out${k}-${name.replace(" ", "-")}.csv`);
    const rejectsPath = `${output}.rejects.csv`;
    if (name.startsWith("js")) await runJs({ ...base, input, inputFormat, output, rejectsPath, progress: false });
    else await runDuckdb({ ...base, input, inputFormat, output, rejectsPath, threads: 1 });
    outcomes[name] = { stages: readFileSync(output, "utf8"), rejects: existsSync(rejectsPath) ? readFileSync(rejectsPath, "utf8") : "" };
  }
  return { program, outcomes };
}

function check(c: Case) {
  it(`${c.type}: ${c.cells.map((x) => JSON.stringify(x)).join(" ")}`, async () => {
    const { program, outcomes } = await engines(c);
    const reference = outcomes["js csv"];
    // Same bytes within a format; across formats the same rows (the header shifts CSV lines by one).
    expect(outcomes["duckdb csv"]).toEqual(reference);
    expect(outcomes["duckdb jsonl"]).toEqual(outcomes["js jsonl"]);
    const withoutLines = (rejects: string) => rejects.split("\n").map((l) => l.slice(l.indexOf(",") + 1)).join("\n");
    expect(outcomes["js jsonl"].stages).toBe(reference.stages);
    expect(withoutLines(outcomes["js jsonl"].rejects)).toBe(withoutLines(reference.rejects));
    const stageOf = new Map(reference.stages.trim().split("\n").slice(1).map((l) => [l.split(",")[0], l.split(",")[1]]));
    const reasons = new Map(reference.rejects.trim().split("\n").slice(1).filter(Boolean).map((l) => [l.split(",")[1], l.slice(l.indexOf(",", l.indexOf(",", l.indexOf(",", l.indexOf(",") + 1) + 1) + 1) + 1)]));
    c.cells.forEach((v, i) => {
      const id = String(i + 1);
      if (v in c.refused) {
        expect(reasons.get(id), `cell ${JSON.stringify(v)}`).toBe(csvCell(c.refused[v]));
        expect(() => program.evaluate({ a: v }, { asOf: "2026-11-22" }), `evaluate on ${JSON.stringify(v)}`).toThrow(c.refused[v]);
      } else {
        expect(stageOf.get(id), `cell ${JSON.stringify(v)}`).toBe(c.hits.includes(v) ? "high" : "none");
        expect(program.evaluate({ a: v }, { asOf: "2026-11-22" }).stage, `evaluate on ${JSON.stringify(v)}`).toBe(c.hits.includes(v) ? "high" : "none");
      }
    });
  });
}

describe("boolean spellings", () => {
  check({
    type: "boolean?",
    cond: "a",
    cells: ["true", "FALSE", "yes", "No", "y", "N", "on", "OFF", " On ", "1", "0", "maybe", "ja"],
    hits: ["true", "yes", "y", "on", " On ", "1"],
    refused: { maybe: "`maybe` is not true/false/yes/no/y/n/on/off/1/0", ja: "`ja` is not true/false/yes/no/y/n/on/off/1/0" },
  });
});
