import { parentPort, workerData } from "node:worker_threads";
import { scanJsonl } from "./jsonl-scan.js";

/** The worker side of `scanJsonlAside` (jsonl-scan-aside.ts): scans the file it was given and posts the verdict. */
const { path } = workerData as { path: string };
parentPort!.postMessage(await scanJsonl(path));
