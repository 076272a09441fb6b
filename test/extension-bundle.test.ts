// The VS Code extension ships the CLI as one esbuild bundle (vscode-extension/dist/cli.mjs) with
// no node_modules beside it. A package the CLI loads in a way esbuild cannot see (a computed
// `require`) is missing from the bundle and fails only there, at run time: the real-editor e2e
// found one. This builds the bundle and runs it from a folder with no node_modules above it.
import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/cli.js";

const run = promisify(execFile);

/** Runs the bundled CLI; its exit code and output (a failing command does not throw). */
async function bundled(cli: string, args: string[], cwd: string) {
  try {
    const r = await run(process.execPath, [cli, ...args], { cwd });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe("the CLI bundled into the VS Code extension", () => {
  it("runs without node_modules: version, explain, run; --engine duckdb says it is not bundled", async () => {
    await run(process.execPath, [join(ROOT, "vscode-extension", "build.mjs")], { cwd: ROOT });
    // /tmp has no node_modules above it: only what the bundle holds can load.
    const dir = mkdtempSync(join(tmpdir(), "leaddef-bundle-"));
    const cli = join(dir, "cli.mjs");
    copyFileSync(join(ROOT, "vscode-extension", "dist", "cli.mjs"), cli);
    for (const f of ["acme.leaddef", "common.leaddef", "leads.csv"]) copyFileSync(join(ROOT, "examples", f), join(dir, f));

    const version = await bundled(cli, ["--version"], dir);
    expect(version.stderr).toBe("");
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version);

    const explain = await bundled(cli, ["explain", "acme.leaddef", "--input", "leads.csv", "--id", "L000001", "--as-of", "2026-11-22"], dir);
    expect(explain.code, explain.stderr).toBe(0);
    expect(explain.stdout).toMatch(/^stage: \w+/);

    const scored = await bundled(cli, ["run", "acme.leaddef", "--input", "leads.csv", "--output", "out.csv", "--as-of", "2026-11-22"], dir);
    expect(scored.stdout).toMatch(/rows read 1000 = written \d+ \+ rejected \d+/);

    const duckdb = await bundled(cli, ["run", "acme.leaddef", "--input", "leads.csv", "--output", "out2.csv", "--engine", "duckdb"], dir);
    expect(duckdb.code).not.toBe(0);
    expect(duckdb.stderr).toMatch(/@duckdb\/node-api is not bundled with the leaddef VS Code extension/);
    expect(duckdb.stderr).not.toMatch(/Cannot find (module|package)/);
  });
});
