// `npx leaddef` runs the CLI bundle (scripts/bundle-cli.mjs → dist/cli/), not the ~150 compiled
// modules. The other CLI tests run the bundle (test/support/cli.ts reads package.json's `bin`);
// these check what those tests would not notice: a module that finds a file beside itself with
// `import.meta.url` must still find it from inside the bundle. A worker script that is not found
// makes the JS engine score on one thread instead, silently, and the output is the same.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, ROOT } from "./support/cli.js";

const bundleDir = join(ROOT, "dist", "cli");
const tmp = mkdtempSync(join(tmpdir(), "leaddef-bundle-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("the CLI bundle", () => {
  it("is what package.json's bin runs", () => {
    expect(CLI).toBe(join(bundleDir, "leaddef.mjs"));
    expect(existsSync(CLI), "run `npm run build` first (npm test does)").toBe(true);
  });

  it("points every file a bundled module finds beside itself at a file that exists", () => {
    const chunks = readdirSync(bundleDir).filter((f) => f.endsWith(".mjs"));
    const found: string[] = [];
    for (const chunk of chunks) {
      const text = readFileSync(join(bundleDir, chunk), "utf8");
      for (const m of text.matchAll(/new URL\(("[^"]+"), import\.meta\.url\)/g)) {
        const target = fileURLToPath(new URL(JSON.parse(m[1]) as string, pathToFileURL(join(bundleDir, chunk))));
        found.push(target);
        expect(existsSync(target), `${chunk}: ${m[1]}`).toBe(true);
      }
      // Every other use of import.meta.url would be the bundle's own URL, not its module's.
      const bare = text.replace(/new URL\("[^"]+", import\.meta\.url\)/g, "").match(/import\.meta\.url/g) ?? [];
      expect(bare, chunk).toEqual([]);
    }
    // The JS engine's run-parallel module and the DuckDB loader at least.
    expect(found.some((f) => f.endsWith(join("compiler", "batch", "js", "run-parallel.js")))).toBe(true);
    expect(found.some((f) => f.endsWith(join("compiler", "batch", "duckdb", "duckdb-api.js")))).toBe(true);
  });

  it("scores a large CSV file on worker threads, loading the built worker script", () => {
    // Large enough for the parallel path (8 MiB and up: compiler/batch/js/run-js.ts parallelWorkers).
    const rows = ["id,company.employees,contact.role"];
    for (let i = 0; i < 500_000; i++) rows.push(`${i},${(i * 37) % 5000},${i % 3 === 0 ? "decision_maker" : "other"}`);
    const input = join(tmp, "leads.csv");
    writeFileSync(input, `${rows.join("\n")}\n`);
    const definition = join(tmp, "d.leaddef");
    writeFileSync(definition, "schema {\n  company.employees: integer\n  contact.role: enum(decision_maker, other)\n}\ncriterion big when company.employees >= 1000\nmql when big\nsql when mql and contact.role = decision_maker\n");
    // Records each Worker the CLI starts (the builtin's ES-module binding follows its CommonJS one).
    const preload = join(tmp, "record-workers.cjs");
    const log = join(tmp, "workers.txt");
    writeFileSync(
      preload,
      `const wt = require("node:worker_threads"); const fs = require("node:fs"); const Original = wt.Worker;
       wt.Worker = class extends Original { constructor(file, ...rest) { fs.appendFileSync(${JSON.stringify(log)}, String(file) + "\\n"); super(file, ...rest); } };
       require("node:module").syncBuiltinESMExports();`,
    );
    const out = join(tmp, "out.csv");
    const r = spawnSync(process.execPath, ["-r", preload, CLI, "run", definition, "--input", input, "--output", out, "--engine", "js", "--as-of", "2026-11-22"], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/rows read 500000 = written 500000 \+ rejected 0/);
    const started = existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : [];
    expect(started.length).toBeGreaterThan(0);
    for (const script of started) {
      expect(script).toMatch(/dist\/compiler\/batch\/js\/score-worker\.js$/);
      expect(existsSync(fileURLToPath(script))).toBe(true);
    }
  });
});
