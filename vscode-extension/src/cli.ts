import { spawn } from "node:child_process";
import { join } from "node:path";

/**
 * The CLI invocations the commands fall back to when the server does not offer them
 * (`leaddef test`, `leaddef explain --lead`, `leaddef run --input`, which prints the funnel).
 */
export const cliArgs = {
  runExamples: (file: string, asOf?: string) => ["test", file, ...(asOf ? ["--as-of", asOf] : [])],
  explainLead: (file: string, leadJson: string, asOf?: string) =>
    ["explain", file, "--lead", leadJson, ...(asOf ? ["--as-of", asOf] : [])],
  /** `outDir` receives the scored rows and the rejects; only the funnel summary is shown. */
  showFunnel: (file: string, dataFile: string, outDir: string, asOf?: string) => [
    "run", file, "--input", dataFile,
    "--output", join(outDir, "scored.csv"), "--rejects", join(outDir, "rejects.csv"),
    "--no-progress", ...(asOf ? ["--as-of", asOf] : []),
  ],
};

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the bundled CLI (`dist/cli.js`) with the Node that runs the extension host. Inside
 * Electron, ELECTRON_RUN_AS_NODE makes `process.execPath` behave as plain Node.
 */
export function runCli(cliPath: string, args: string[], cwd: string, timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd,
      env: { ...process.env, ELECTRON_RUN_AS_NODE: "1", NO_COLOR: "1", FORCE_COLOR: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill(), timeoutMs);
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", (err) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: stderr + String(err) });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
