// Runs compile() on fuzz inputs in a worker thread, so the fuzzer can stop an input that hangs
// (worker.terminate() ends even a synchronous loop) and keep going. Runs the built compiler
// (dist/, written by `npm run build`). For each input it reports how long compile() took and
// every broken promise (it says `ready` once its imports are loaded): an exception, a diagnostic range that is not where LSP's line rules
// (CR, LF and CRLF each end a line) put its offsets, a runnable program that throws.
import { parentPort } from "node:worker_threads";
import { TextDocument } from "vscode-languageserver-textdocument";
import { compile } from "../../dist/compiler/compile.js";

/** Problems with one compilation; empty when every property holds. */
function check(source, path) {
  const problems = [];
  let result;
  try {
    result = compile(source, { path });
  } catch (e) {
    return [`compile() threw: ${e?.stack ?? e}`];
  }
  const docs = new Map();
  for (const d of result.diagnostics) {
    const text = result.analysis.files.get(d.file)?.text;
    if (text === undefined) {
      problems.push(`${d.code} points at a file the analysis did not read: ${d.file}`);
      continue;
    }
    if (!(d.span.start >= 0 && d.span.start <= d.span.end && d.span.end <= text.length)) {
      problems.push(`${d.code} span ${JSON.stringify(d.span)} outside a file of ${text.length} characters`);
      continue;
    }
    let doc = docs.get(d.file);
    if (!doc) docs.set(d.file, (doc = TextDocument.create("file:///fuzz", "leaddef", 1, text)));
    // vscode-languageserver-textdocument is the LSP's own reference for offsets → positions.
    const want = { start: doc.positionAt(d.span.start), end: doc.positionAt(d.span.end) };
    if (JSON.stringify(d.range) !== JSON.stringify(want)) problems.push(`${d.code} range ${JSON.stringify(d.range)}, LSP says ${JSON.stringify(want)}`);
    if (want.end.line >= doc.lineCount) problems.push(`${d.code} ends past the last line`);
  }
  try {
    const program = result.program;
    if (program) program.evaluate({}, { asOf: "2026-11-22" });
  } catch (e) {
    problems.push(`lowering or evaluating threw: ${e?.stack ?? e}`);
  }
  return problems;
}

parentPort.on("message", ({ id, source, path }) => {
  const start = performance.now();
  // CPU time, not wall time, is what an input costs: on a shared machine the wall clock mostly
  // measures the other processes. The main thread is idle while it waits, so the process's CPU
  // time is this worker's.
  const cpu = process.cpuUsage();
  const problems = check(source, path);
  const used = process.cpuUsage(cpu);
  parentPort.postMessage({ id, ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000, problems });
});

parentPort.postMessage({ ready: true });
