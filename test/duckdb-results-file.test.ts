// The DuckDB engine streams its per-row results to a Parquet file in a scratch directory of the
// run's own (not to a table in memory, which grew with the input): runs sharing a temporary
// directory do not meet, and nothing is left behind.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runJs } from "../compiler/batch/js/run-js.js";
import { compile } from "../compiler/compile.js";
import { runDuckdb } from "../compiler/batch/duckdb/run.js";
import { parseDateDays } from "../language/literals.js";

const dir = mkdtempSync(join(tmpdir(), "leaddef-results-file-"));
const { program } = compile(`schema {
  n: number
}
criterion big when n >= 10
hot when big
`);
const base = { program: program!, inputFormat: "csv" as const, asOf: parseDateDays("2026-11-22"), idColumn: "id", columns: "all" as const, outputFormat: "csv" as const };

/** A CSV of `count` rows whose numbers start at `from`; every 7th unreadable. */
function input(name: string, count: number, from: number): string {
  const rows = ["id,n"];
  for (let r = 0; r < count; r++) rows.push(`${name}${r},${r % 7 === 3 ? "none" : from + r}`);
  const path = join(dir, `${name}.csv`);
  writeFileSync(path, rows.join("\n") + "\n");
  return path;
}

describe("DuckDB engine: the results file", () => {
  it("two runs sharing a temporary directory each get their own results, and leave it empty", async () => {
    const spill = join(dir, "spill");
    mkdirSync(spill);
    const inputs = [input("a", 20_000, 0), input("b", 30_000, 5)];
    const runs = await Promise.all(inputs.map((path, i) => runDuckdb({ ...base, input: path, output: join(dir, `dk${i}.csv`), rejectsPath: join(dir, `dk${i}.rej.csv`), tempDirectory: spill, threads: 2 })));
    for (const [i, path] of inputs.entries()) {
      const js = await runJs({ ...base, input: path, output: join(dir, `js${i}.csv`), rejectsPath: join(dir, `js${i}.rej.csv`) });
      expect(runs[i].engine).toBe("duckdb");
      expect(readFileSync(join(dir, `dk${i}.csv`), "utf8")).toBe(readFileSync(join(dir, `js${i}.csv`), "utf8"));
      expect(readFileSync(join(dir, `dk${i}.rej.csv`), "utf8")).toBe(readFileSync(join(dir, `js${i}.rej.csv`), "utf8"));
      expect(runs[i].stages).toEqual(js.stages);
    }
    expect(readdirSync(spill)).toEqual([]);
  });

  it("an input with no rows (a header only; blank lines only) gives an empty results file and the JS engine's output", async () => {
    const cases: [string, "csv" | "jsonl", string][] = [["header.csv", "csv", "id,n\n"], ["blank.jsonl", "jsonl", "\n  \n\n"]];
    for (const [name, inputFormat, text] of cases) {
      const path = join(dir, name);
      writeFileSync(path, text);
      const out = (e: string) => join(dir, `${e}-${name}.out.csv`);
      const js = await runJs({ ...base, inputFormat, input: path, output: out("js"), rejectsPath: join(dir, `js-${name}.rej.csv`) });
      const dk = await runDuckdb({ ...base, inputFormat, input: path, output: out("dk"), rejectsPath: join(dir, `dk-${name}.rej.csv`), threads: 2 });
      expect(dk.engine).toBe("duckdb");
      expect(readFileSync(out("dk"), "utf8")).toBe(readFileSync(out("js"), "utf8"));
      expect({ read: dk.rowsRead, written: dk.rowsWritten, stages: dk.stages }).toEqual({ read: js.rowsRead, written: js.rowsWritten, stages: js.stages });
    }
  });
});
