// Editor latency on large definitions (2,000 and 5,000 generated lines): per keystroke, the time
// from the edit to the diagnostics the language server publishes, along the server's own path
// (`Workspace.change` → `Workspace.result` → LSP diagnostics), then completion right after a
// keystroke, hover, and semantic tokens for the whole file and for the visible lines. With --stdio (the default) also over a real stdio LSP conversation:
// `didChange` → `publishDiagnostics` for that version, while the server runs the examples
// between keystrokes as it does when someone types. Medians. Numbers, not a test: nothing here
// asserts a time.
//   npm run build && node bench/editor-latency.mjs [--lines 2000,5000] [--runs 30] [--json] [--no-stdio]
// CPU_TIME=1 measures this process's CPU time instead of wall time (fairer on a busy machine);
// the stdio numbers are always wall time.
import { spawn } from "node:child_process";
import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from "vscode-languageserver-protocol/node";
import { toLspDiagnostic } from "../dist/lsp/convert.js";
import { complete } from "../dist/lsp/features/completion.js";
import { hover } from "../dist/lsp/features/hover.js";
import { exampleReport } from "../dist/lsp/features/code-lens.js";
import { encodedSemanticTokens, encodeSemanticTokens, semanticTokens } from "../dist/lsp/features/semantic-tokens.js";
import { Workspace } from "../dist/lsp/workspace.js";
import { generateDefinition } from "./lib/editor-definition.mjs";

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const SIZES = String(option("--lines", "2000,5000")).split(",").map(Number).filter((n) => n > 0);
const RUNS = Number(option("--runs", 30));
const JSON_OUT = flag("--json");
const STDIO = !flag("--no-stdio");
const useCpu = process.env.CPU_TIME === "1";
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
const round = (x) => Math.round(x * 100) / 100;

function time(fn) {
  if (useCpu) {
    const c = process.cpuUsage();
    const r = fn();
    const d = process.cpuUsage(c);
    return [(d.user + d.system) / 1000, r];
  }
  const t = performance.now();
  const r = fn();
  return [performance.now() - t, r];
}

/**
 * Keystrokes that keep the file error-free and move everything after them: a digit typed after
 * c0's first threshold, then deleted (`>= 0` → `>= 01` → `>= 0`), in the first third of the file.
 */
function keystrokes(text, n) {
  const at = text.indexOf(">= ", text.indexOf("criterion c0 when")) + 4;
  const out = [];
  for (let i = 0; i < n; i++) out.push(i % 2 === 0 ? text.slice(0, at) + "1" + text.slice(at) : text);
  return out;
}

/** The server's path in-process: per keystroke, change + compile + the diagnostics it publishes. */
function inProcess(text, dir) {
  const path = join(dir, "big.leaddef");
  const uri = pathToFileURL(path).href;
  const ws = new Workspace();
  ws.roots = [dir];
  ws.open(uri, text, 1);
  ws.result(uri);
  const publish = () => {
    const result = ws.result(uri);
    const model = result.analysis.entry;
    return result.diagnostics.filter((d) => d.file === model.path).map((d) => toLspDiagnostic(d, d.range ?? model.lines.range(d.span)));
  };
  // Warm up the JIT the way a running server is warm.
  let version = 2;
  for (const t of keystrokes(text, 10)) {
    ws.change(uri, t, version++);
    publish();
  }
  const diagnosticsMs = [], completionMs = [], hoverMs = [], examplesMs = [], tokensFullMs = [], tokensRangeMs = [];
  // The lines an editor shows around the keystroke: what VS Code asks `semanticTokens/range` for.
  const visible = (t) => {
    const lines = ws.result(uri).analysis.entry.lines;
    const line = lines.position(t.indexOf("criterion c0 when")).line;
    return { start: lines.offset({ line: Math.max(0, line - 30), character: 0 }), end: lines.offset({ line: line + 30, character: 0 }) };
  };
  let errors = 0;
  const edits = keystrokes(text, RUNS);
  for (const [i, t] of edits.entries()) {
    ws.change(uri, t, version++);
    const [dt, diagnostics] = time(publish);
    diagnosticsMs.push(dt);
    if (i === 0) errors = diagnostics.filter((d) => d.severity === 1).length;
    const [hoverTime, h] = time(() => hover(ws.result(uri), t.lastIndexOf("company.f") + 9));
    if (!h) throw new Error("hover came back empty");
    hoverMs.push(hoverTime);
    // The whole file as the server sends it after an edit (`full/delta`: kept declarations' colours reused).
    tokensFullMs.push(time(() => encodedSemanticTokens(ws.result(uri)))[0]);
    const span = visible(t);
    tokensRangeMs.push(time(() => encodeSemanticTokens(semanticTokens(ws.result(uri), undefined, span)))[0]);
    if (i < 5) examplesMs.push(time(() => exampleReport(ws.result(uri), "2026-01-01"))[0]);
  }
  // Completion right after typing `company.` (the request's own re-check included).
  const dot = text.lastIndexOf("and c0") - 1;
  for (let i = 0; i < RUNS; i++) {
    const probe = text.slice(0, dot) + (i % 2 ? " company." : " company.f") + text.slice(dot);
    ws.change(uri, probe, version++);
    const [ct, items] = time(() => complete(ws.result(uri), dot + (i % 2 ? " company.".length : " company.f".length)));
    if (items.items.length === 0) throw new Error("completion came back empty");
    completionMs.push(ct);
  }
  return { errors, diagnosticsMs, completionMs, hoverMs, examplesMs, tokensFullMs, tokensRangeMs };
}

/** Over stdio: open, then type with a pause between keys; time from didChange to that version's diagnostics. */
async function overStdio(text, dir) {
  const path = join(dir, "big.leaddef");
  const uri = pathToFileURL(path).href;
  const proc = spawn(process.execPath, [join(root, "dist", "lsp", "main.js"), "--stdio"], { stdio: ["pipe", "pipe", "inherit"] });
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  const waiting = new Map();
  conn.onNotification("textDocument/publishDiagnostics", (p) => {
    const w = p.uri === uri ? waiting.get(p.version) : undefined;
    if (w) {
      waiting.delete(p.version);
      w(performance.now());
    }
  });
  conn.onNotification("window/logMessage", () => undefined);
  conn.listen();
  await conn.sendRequest("initialize", { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: {}, initializationOptions: { asOf: "2026-01-01" } });
  await conn.sendNotification("initialized", {});
  const published = (version) => new Promise((res) => waiting.set(version, res));
  let version = 1;
  const opened = published(version);
  await conn.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "leaddef", version, text } });
  await opened;
  const latencies = [];
  const edits = keystrokes(text, Math.min(RUNS, 20) + 4);
  for (const [i, t] of edits.entries()) {
    version++;
    const arrived = published(version);
    const sent = performance.now();
    await conn.sendNotification("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [{ text: t }] });
    const at = await arrived;
    if (i >= 4) latencies.push(at - sent); // the first few warm the server up
    // A typist's next key comes while the server may still be running the examples.
    await new Promise((r) => setTimeout(r, 20));
  }
  await conn.sendRequest("shutdown");
  await conn.sendNotification("exit");
  conn.dispose();
  proc.kill();
  return latencies;
}

const results = {};
const dir = mkdtempSync(join(tmpdir(), "leaddef-editor-latency-"));
try {
  for (const lines of SIZES) {
    const text = generateDefinition(lines);
    writeFileSync(join(dir, "big.leaddef"), text);
    const r = inProcess(text, dir);
    const entry = {
      lines: text.split("\n").length - 1,
      errorsAfterEdit: r.errors,
      diagnosticsMs: round(median(r.diagnosticsMs)),
      diagnosticsMaxMs: round(Math.max(...r.diagnosticsMs)),
      // The fastest keystroke: on a machine shared with other work, the least disturbed figure.
      diagnosticsMinMs: round(Math.min(...r.diagnosticsMs)),
      completionMs: round(median(r.completionMs)),
      hoverMs: round(median(r.hoverMs)),
      semanticTokensFullMs: round(median(r.tokensFullMs)),
      semanticTokensRangeMs: round(median(r.tokensRangeMs)),
      examplesMs: round(median(r.examplesMs)),
    };
    if (STDIO) {
      const stdio = await overStdio(text, dir);
      entry.stdioDiagnosticsMs = round(median(stdio));
      entry.stdioDiagnosticsMaxMs = round(Math.max(...stdio));
    }
    results[`lines${lines}`] = entry;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (JSON_OUT) {
  console.log(JSON.stringify({ timing: useCpu ? "cpu" : "wall", runs: RUNS, node: process.version, ...results }));
} else {
  console.log(`editor latency, median of ${RUNS} keystrokes, ${useCpu ? "CPU" : "wall"} time in-process, Node ${process.version}`);
  const fmt = (x) => (x === undefined ? "—" : x.toFixed(2)).padStart(10);
  const sizes = Object.keys(results);
  console.log(`| step${" ".repeat(58)} | ${sizes.map((s) => `${results[s].lines} lines`.padStart(11)).join(" | ")} |`);
  console.log(`|${"-".repeat(64)}|${sizes.map(() => "-".repeat(13)).join("|")}|`);
  const row = (name, key) => console.log(`| ${name.padEnd(62)} | ${sizes.map((s) => fmt(results[s][key]).padStart(11)).join(" | ")} |`);
  row("diagnostics after a keystroke (server path, ms)", "diagnosticsMs");
  row("  slowest of the run (ms)", "diagnosticsMaxMs");
  row("  fastest of the run (ms)", "diagnosticsMinMs");
  row("completion right after typing `company.` (ms)", "completionMs");
  row("hover on a field (ms)", "hoverMs");
  row("semantic tokens, whole file (ms)", "semanticTokensFullMs");
  row("semantic tokens, 60 visible lines (`semanticTokens/range`, ms)", "semanticTokensRangeMs");
  row("running every example (off the diagnostics path, ms)", "examplesMs");
  if (STDIO) {
    row("stdio: didChange → publishDiagnostics (wall, incl. 75 ms debounce)", "stdioDiagnosticsMs");
    row("  slowest (wall ms)", "stdioDiagnosticsMaxMs");
  }
}
