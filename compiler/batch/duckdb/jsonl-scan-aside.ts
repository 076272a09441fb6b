import { existsSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { scanJsonl, type JsonlScan } from "./jsonl-scan.js";

/** A JSON Lines scan under way beside the caller's work: its verdict, and how to stop it early. */
export interface ScanAside {
  verdict: Promise<JsonlScan>;
  /** Ends the scan if it is still running (a run that stops before it needs the verdict). */
  stop(): void;
}

/** The built worker script; undefined when running from sources with nothing built. */
function workerScript(): URL | undefined {
  const here = new URL(import.meta.url);
  const url = here.pathname.endsWith(".ts") ? new URL("../../../dist/compiler/batch/duckdb/jsonl-scan-worker.js", here) : new URL("./jsonl-scan-worker.js", here);
  return existsSync(url) ? url : undefined;
}

/**
 * `scanJsonl` on a worker thread. On the main thread the scan's byte loop (~0.7 s of CPU per
 * 574 MB) ran only once DuckDB was loaded, competing with the query's threads for the cores;
 * on a thread of its own it starts first and runs beside the main thread's loading of DuckDB and
 * planning of the query, most of it before the query's threads start. Without a built worker
 * (sources under test, nothing built) the scan runs on the calling thread.
 */
export function scanJsonlAside(path: string): ScanAside {
  const script = workerScript();
  if (!script) return { verdict: scanJsonl(path), stop: () => undefined };
  // A small young generation, as the scoring workers have: the scan's garbage is a line now and then.
  const worker = new Worker(script, { workerData: { path }, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
  const verdict = new Promise<JsonlScan>((resolve, reject) => {
    worker.once("message", (scan: JsonlScan) => {
      resolve(scan);
      void worker.terminate();
    });
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the JSON Lines scan's worker exited with code ${code} before its verdict`)));
  });
  return { verdict, stop: () => void worker.terminate() };
}
