// Runs the built CLI (package.json's `bin`: the bundle under dist/cli/) as a user would: a fresh Node process, its exit
// code and both output streams collected. Asynchronous, so tests in one file can run it while
// others wait on their own processes.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (the CLI's working directory in tests). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The built CLI's entry point: what `npx leaddef` runs (package.json's `bin`). */
export const CLI = join(ROOT, (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { bin: { leaddef: string } }).bin.leaddef);

export interface CliResult { code: number | null; stdout: string; stderr: string }

/** `leaddef ARGS…` from the repository root, or from `cwd`. */
export function cli(args: string[], cwd = ROOT): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b) => (stdout += b));
    child.stderr.on("data", (b) => (stderr += b));
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}
