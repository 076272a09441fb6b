// Stopping Z3's threads must leave nothing on stderr. Emscripten swaps each stopped worker's
// message handler for one that writes `received "cleanupThread" command from terminated worker`
// straight to file descriptor 2 when a message the worker sent before it stopped arrives late.
// On a loaded CI machine one did arrive after `leaddef compare` had finished its work, and the
// line reached the user. Late delivery is a race, so this test delivers such a message itself,
// to every worker Z3 started, after the shutdown.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = (p: string) => pathToFileURL(join(root, "dist", p)).href;

describe("shutting the solver down", () => {
  it("drops the messages stopped workers send late, instead of printing them", () => {
    expect(existsSync(join(root, "dist", "compiler", "analysis", "smt.js")), "run `npm run build` first (npm test does)").toBe(true);
    const script = `
      const { Worker } = await import("node:worker_threads");
      const workers = new Set();
      const post = Worker.prototype.postMessage;
      Worker.prototype.postMessage = function (...args) { workers.add(this); return post.apply(this, args); };
      const { openSolver, shutdownSolvers } = await import(${JSON.stringify(dist("compiler/analysis/smt.js"))});
      const solver = await openSolver();
      await solver.reset(["(declare-const x Int)"]);
      const answer = await solver.check("(> x 2)", ["x"]);
      solver.close();
      await shutdownSolvers();
      for (const worker of workers) worker.emit("message", { cmd: "cleanupThread", thread: 1 });
      process.stdout.write(JSON.stringify({ status: answer.status, workers: workers.size }));
    `;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.status).toBe("sat");
    expect(out.workers).toBeGreaterThan(0);
    expect(r.stderr).toBe("");
  });
});
