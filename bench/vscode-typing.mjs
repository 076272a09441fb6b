// Typing latency in the real VS Code (code-server 4.100.3 = VS Code 1.100.3, the leaddef extension
// and its language server, Debian's Chromium driven by playwright-core; the setup of
// test/vscode/e2e.mjs, shared through test/vscode/harness.mjs). For a small file
// (examples/acme.leaddef) and generated 2,000- and 5,000-line definitions
// (bench/lib/editor-definition.mjs, the same bench/editor-latency.mjs types into), it types bursts
// of keys ~100–150 ms apart into a number in the first third of the file (digits, then as many
// Backspaces: every state stays valid) and measures per key:
//   1. key → painted: from the key event's timeStamp to the first frame showing the changed text
//      (bench/lib/vscode-page-probes.mjs explains how), and the input delay (key → its handler);
//      Chromium's Event Timing entries (≥ 16 ms only) as a cross-check;
//   2. freezes: long tasks (≥ 50 ms) on the renderer's main thread during the bursts;
//   3. diagnostics after the last key: an `x` typed into the number makes an error; time from that
//      key to the first frame with an error squiggle, then from a Backspace to the frame without;
//   4. CPU (from /proc) of the language server, the extension host and Chromium during the bursts.
// Medians and p95 per file size; a bench, not a test: nothing asserts a time.
//   bash test/vscode/install.sh   # once
//   node bench/vscode-typing.mjs [--lines 2000,5000] [--no-small] [--keys 40] [--bursts 3]
//                                [--cycles 5] [--json] [--keep]
import { copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  bundleExtension, installExtension, launchBrowser, makeRunDirs, missingEditor, openWorkbench, packageVsix, root, startCodeServer, stopCodeServer,
  writeSettings,
} from "../test/vscode/harness.mjs";
import { generateDefinition } from "./lib/editor-definition.mjs";
import { cpuOf, descendants, listProcesses } from "./lib/proc-cpu.mjs";
import { installTypingProbe } from "./lib/vscode-page-probes.mjs";

const { values: opt } = parseArgs({
  options: {
    lines: { type: "string", default: "2000,5000" },
    "no-small": { type: "boolean", default: false },
    keys: { type: "string", default: "40" },
    bursts: { type: "string", default: "3" },
    cycles: { type: "string", default: "5" },
    json: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (opt.help) {
  process.stdout.write("usage: node bench/vscode-typing.mjs [--lines 2000,5000] [--no-small] [--keys 40] [--bursts 3] [--cycles 5] [--json] [--keep]\n");
  process.exit(0);
}
const KEYS = Math.max(2, Number(opt.keys));
const BURSTS = Math.max(1, Number(opt.bursts));
const CYCLES = Math.max(1, Number(opt.cycles));
const TIMEOUT_MS = Number(process.env.VSCODE_BENCH_TIMEOUT_MS ?? 900_000);

const t0 = Date.now();
const log = (msg) => process.stderr.write(`[vscode-typing ${((Date.now() - t0) / 1000).toFixed(0)}s] ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The files to type into: name in the workspace → text. The small one brings its import. */
function files(dirs) {
  const out = [];
  if (!opt["no-small"]) {
    copyFileSync(join(root, "examples", "acme.leaddef"), join(dirs.workspace, "acme.leaddef"));
    copyFileSync(join(root, "examples", "common.leaddef"), join(dirs.workspace, "common.leaddef"));
    out.push({ label: "small", file: "acme.leaddef" });
  }
  for (const n of String(opt.lines).split(",").map(Number).filter((n) => n > 0)) {
    const file = `generated-${n}.leaddef`;
    writeFileSync(join(dirs.workspace, file), generateDefinition(n));
    out.push({ label: `${n} lines`, file });
  }
  return out;
}

/**
 * Where to type: right before the first digit of the first `>= <number>` after a criterion in
 * the file (digits typed there, then deleted, keep it valid; an `x` there is an error). 1-based.
 */
function typingSpot(text) {
  const from = text.indexOf("criterion ");
  const m = /(>=\s*)\d/g;
  m.lastIndex = Math.max(0, from);
  const hit = m.exec(text);
  if (!hit) throw new Error("no `>= <number>` to type into");
  const offset = hit.index + hit[1].length;
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: before[before.length - 1].length + 1, fraction: before.length / text.split("\n").length };
}

const quantile = (xs, q) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const i = (s.length - 1) * q;
  return s[Math.floor(i)] + (s[Math.ceil(i)] - s[Math.floor(i)]) * (i - Math.floor(i));
};
const round1 = (x) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null);
const stats = (xs) => ({ median: round1(quantile(xs, 0.5)), p95: round1(quantile(xs, 0.95)), max: round1(Math.max(...xs.filter(Number.isFinite))), n: xs.length });

/** A small deterministic generator for the gaps between keys (100–150 ms). */
function gaps(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return 100 + (s % 51);
  };
}

/** The processes whose CPU we read: the language server, the extension host, Chromium's. */
function watchedProcesses(codeServerPid, browserDir) {
  const all = listProcesses();
  const ours = descendants(all, codeServerPid);
  const languageServer = all.filter((p) => ours.has(p.pid) && /dist\/server\.js/.test(p.cmdline) && /--stdio/.test(p.cmdline)).map((p) => p.pid);
  const extensionHost = all.filter((p) => ours.has(p.pid) && /--type=extensionHost/.test(p.cmdline)).map((p) => p.pid);
  const browserMain = all.find((p) => p.cmdline.includes(`--user-data-dir=${browserDir}`) && !/--type=/.test(p.cmdline));
  const browser = browserMain ? descendants(all, browserMain.pid) : new Set();
  const renderer = all.filter((p) => browser.has(p.pid) && /--type=renderer/.test(p.cmdline)).map((p) => p.pid);
  return { languageServer, extensionHost, renderer, chromium: [...browser] };
}

const cpuSnapshot = (procs) => Object.fromEntries(Object.entries(procs).map(([k, pids]) => [k, pids.length ? cpuOf(pids) : NaN]));

async function goTo(page, { line, column }) {
  await page.keyboard.press("Control+G");
  await page.locator(".quick-input-widget input").waitFor({ timeout: 10_000 });
  await page.keyboard.type(`${line}:${column}`);
  await page.keyboard.press("Enter");
  await sleep(300);
}

/** Types `x` and waits for the squiggle, then Backspace and waits for it to go: two latencies. */
async function errorCycle(page, timeoutNote) {
  await page.evaluate(() => {
    window.__squiggle = window.__typingProbe.watchSquiggle(true);
    window.__typingProbe.start();
  });
  await page.keyboard.press("x");
  const shown = await page.evaluate(() => window.__squiggle);
  const typed = await page.evaluate(() => window.__typingProbe.stop().keys[0]?.ts);
  await page.evaluate(() => {
    window.__squiggle = window.__typingProbe.watchSquiggle(false);
    window.__typingProbe.start();
  });
  await page.keyboard.press("Backspace");
  const cleared = await page.evaluate(() => window.__squiggle);
  const deleted = await page.evaluate(() => window.__typingProbe.stop().keys[0]?.ts);
  if (!Number.isFinite(shown) || !Number.isFinite(cleared)) log(`  no squiggle change within 60 s (${timeoutNote})`);
  return { appearMs: shown - typed, clearMs: cleared - deleted };
}

/** One burst: digits, then as many Backspaces, with 100–150 ms between keys. */
async function burst(page, procs, seed) {
  const next = gaps(seed);
  const digits = Array.from({ length: Math.ceil(KEYS / 2) }, (_, i) => String((i + 1 + seed) % 10));
  const keys = [...digits, ...digits.map(() => "Backspace")].slice(0, KEYS);
  await page.evaluate(() => window.__typingProbe.start());
  const cpuBefore = cpuSnapshot(procs);
  const started = Date.now();
  let due = started;
  for (const key of keys) {
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    await page.keyboard.press(key);
    due += next();
  }
  // Let the last key's diagnostics (75 ms debounce + compile) and paint finish inside the window.
  await sleep(300);
  const cpuAfter = cpuSnapshot(procs);
  const rec = await page.evaluate(() => window.__typingProbe.stop());
  const cpu = Object.fromEntries(Object.keys(cpuBefore).map((k) => [k, cpuAfter[k] - cpuBefore[k]]));
  return { rec, cpu, wallMs: Date.now() - started, keys: keys.length };
}

async function measureFile(page, procsOf, { label, file }, text) {
  log(`${label}: opening ${file}`);
  await page.keyboard.press("Control+P");
  await page.locator(".quick-input-widget input").waitFor({ timeout: 10_000 });
  await page.keyboard.type(file, { delay: 10 });
  await page.locator(".quick-input-list .monaco-list-row", { hasText: file }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press("Enter");
  await page.locator(".tab.active", { hasText: file }).waitFor({ timeout: 20_000 });
  await sleep(500);
  const spot = typingSpot(text);
  await goTo(page, spot);
  await page.evaluate(installTypingProbe);
  const errorsBefore = await page.evaluate(() => window.__typingProbe.hasSquiggle());
  // Warm-up: the first error waits for the server to start and the file's first compile.
  log(`${label}: warming up at line ${spot.line}:${spot.column}`);
  await errorCycle(page, "warm-up");
  const procs = procsOf();
  if (!procs.languageServer.length) log(`${label}: language server process not found; its CPU is left out`);
  await burst(page, procs, 99);
  await sleep(1500);

  const perKey = { paintedMs: [], inputDelayMs: [], eventTimingMs: [] };
  const longTasks = [];
  const cpu = { languageServer: 0, extensionHost: 0, renderer: 0, chromium: 0 };
  let keys = 0, lost = 0, burstWallMs = 0;
  for (let b = 0; b < BURSTS; b++) {
    log(`${label}: burst ${b + 1}/${BURSTS} (${KEYS} keys)`);
    const r = await burst(page, procs, b);
    keys += r.keys;
    burstWallMs += r.wallMs;
    for (const k of r.rec.keys) {
      if (k.paintedAt) perKey.paintedMs.push(k.paintedAt - k.ts);
      else lost++;
      perKey.inputDelayMs.push(k.handlerAt - k.ts);
    }
    perKey.eventTimingMs.push(...r.rec.eventTiming.filter((e) => e.name === "keydown").map((e) => e.duration));
    longTasks.push(...r.rec.longTasks.map((t) => t.duration));
    for (const k of Object.keys(cpu)) cpu[k] += r.cpu[k];
    if (r.rec.keys.length !== r.keys) log(`${label}: ${r.keys} keys sent, ${r.rec.keys.length} seen by the page`);
    await sleep(1500); // examples run once the document is quiet; keep them out of the next burst
  }
  const appear = [], clear = [];
  if (errorsBefore) log(`${label}: the file shows an error before typing; diagnostics timing left out`);
  else
    for (let c = 0; c < CYCLES; c++) {
      const r = await errorCycle(page, `cycle ${c + 1}`);
      appear.push(r.appearMs);
      clear.push(r.clearMs);
      await sleep(600);
    }
  const perKeyCpu = (ms) => round1(ms / keys);
  return {
    label,
    file,
    lines: text.split("\n").length - 1,
    typedAtLine: spot.line,
    keys,
    keysNotPainted: lost,
    keyToPaintMs: stats(perKey.paintedMs),
    inputDelayMs: stats(perKey.inputDelayMs),
    eventTimingKeydownsOver16ms: perKey.eventTimingMs.length,
    eventTimingLongestMs: perKey.eventTimingMs.length ? Math.max(...perKey.eventTimingMs) : null,
    longTasks: { count: longTasks.length, longestMs: longTasks.length ? round1(Math.max(...longTasks)) : null, totalMs: round1(longTasks.reduce((a, b) => a + b, 0)) },
    burstSeconds: round1(burstWallMs / 1000),
    cpuMsPerKey: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, perKeyCpu(v)])),
    errorAppearsMs: errorsBefore ? null : stats(appear),
    errorClearsMs: errorsBefore ? null : stats(clear),
  };
}

// What the watchdog must stop if the run hangs.
const running = { codeServer: undefined, runDir: undefined };

async function main() {
  const missing = missingEditor();
  if (missing) throw new Error(missing);
  const { runDir, dirs } = makeRunDirs("leaddef-vscode-typing-");
  running.runDir = runDir;
  let codeServer, context;
  try {
    log("bundling and packaging the extension");
    bundleExtension();
    const vsix = packageVsix(runDir);
    installExtension(dirs, vsix);
    // Word-based suggestions would pop up while typing digits in some files and not others.
    writeSettings(dirs, { "editor.quickSuggestions": { other: false, comments: false, strings: false }, "editor.wordBasedSuggestions": "off" });
    const targets = files(dirs);
    let port;
    ({ child: codeServer, port } = await startCodeServer(dirs, join(runDir, "code-server.log")));
    running.codeServer = codeServer;
    log(`code-server pid ${codeServer.pid} on 127.0.0.1:${port}`);
    context = await launchBrowser(dirs);
    const page = context.pages()[0] ?? (await context.newPage());
    await openWorkbench(page, port, dirs.workspace);
    await sleep(2000);
    const load = [loadavg()[0]];
    const results = [];
    for (const t of targets) {
      const text = readFileSync(join(dirs.workspace, t.file), "utf8");
      results.push(await measureFile(page, () => watchedProcesses(codeServer.pid, dirs.browser), t, text));
      load.push(loadavg()[0]);
      // Close it so the next file types alone.
      await page.keyboard.press("Control+K");
      await page.keyboard.press("W");
      await sleep(1000);
    }
    return { results, load };
  } finally {
    if (context) await context.close().catch(() => undefined);
    stopCodeServer(codeServer);
    await sleep(1000);
    if (opt.keep) log(`kept ${runDir}`);
    else rmSync(runDir, { recursive: true, force: true });
  }
}

function printTable({ results, load }) {
  const cols = results.map((r) => `${r.label} (${r.lines})`);
  const width = Math.max(12, ...cols.map((c) => c.length));
  const out = [];
  out.push(`typing in VS Code 1.100.3 (code-server, headless Chromium), ${BURSTS} bursts of ${KEYS} keys 100–150 ms apart per file; load average ${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)}`);
  out.push(`| measure${" ".repeat(52)} | ${cols.map((c) => c.padStart(width)).join(" | ")} |`);
  out.push(`|${"-".repeat(61)}|${cols.map(() => "-".repeat(width + 2)).join("|")}|`);
  const f = (x) => (x === null || x === undefined || Number.isNaN(x) ? "—" : String(x));
  const row = (name, get) => out.push(`| ${name.padEnd(59)} | ${results.map((r) => f(get(r)).padStart(width)).join(" | ")} |`);
  row("key → painted, median (ms)", (r) => r.keyToPaintMs.median);
  row("key → painted, p95 (ms)", (r) => r.keyToPaintMs.p95);
  row("key → painted, slowest (ms)", (r) => r.keyToPaintMs.max);
  row("input delay (key → its handler), median / p95 (ms)", (r) => `${f(r.inputDelayMs.median)} / ${f(r.inputDelayMs.p95)}`);
  row("keys Chromium's Event Timing saw take ≥ 16 ms", (r) => `${r.eventTimingKeydownsOver16ms}/${r.keys}`);
  row("long tasks ≥ 50 ms while typing: count", (r) => r.longTasks.count);
  row("  longest (ms)", (r) => r.longTasks.longestMs);
  row("error squiggle appears after the key, median / p95 (ms)", (r) => (r.errorAppearsMs ? `${f(r.errorAppearsMs.median)} / ${f(r.errorAppearsMs.p95)}` : "—"));
  row("error squiggle clears after the fix, median / p95 (ms)", (r) => (r.errorClearsMs ? `${f(r.errorClearsMs.median)} / ${f(r.errorClearsMs.p95)}` : "—"));
  row("CPU per key: language server (ms)", (r) => r.cpuMsPerKey.languageServer);
  row("CPU per key: extension host (ms)", (r) => r.cpuMsPerKey.extensionHost);
  row("CPU per key: Chromium renderer / all Chromium (ms)", (r) => `${f(r.cpuMsPerKey.renderer)} / ${f(r.cpuMsPerKey.chromium)}`);
  out.push("key → painted: key event's timeStamp → first task after the frame showing the new text; CPU from /proc over the bursts (10 ms ticks), per key.");
  return out.join("\n");
}

const watchdog = setTimeout(() => {
  log(`gave up after ${TIMEOUT_MS} ms`);
  stopCodeServer(running.codeServer);
  if (running.runDir && !opt.keep) rmSync(running.runDir, { recursive: true, force: true });
  process.exit(2);
}, TIMEOUT_MS);
try {
  const r = await main();
  const payload = { editor: "code-server 4.100.3 (VS Code 1.100.3)", keysPerBurst: KEYS, bursts: BURSTS, errorCycles: CYCLES, loadAverage: r.load.map(round1), node: process.version, results: r.results };
  process.stdout.write((opt.json ? JSON.stringify(payload) : printTable(r)) + "\n");
} catch (err) {
  log(`ERROR ${err?.stack ?? err}`);
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
}
