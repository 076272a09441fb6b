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
//                                [--cycles 5] [--json] [--keep] [--settings JSON] [--profile]
// --profile: also a sampling CPU profile of the page's main thread during the bursts, summed per
//   function (bench/lib/renderer-profile.mjs); it slows the page, so use it to look, not to time.
// --settings: extra VS Code user settings for an experiment, e.g. '{"editor.quickSuggestions": {"other": "off"}}'.
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
import { selfTimeByFunction, startRendererProfile } from "./lib/renderer-profile.mjs";
import { vscodeTypingTable } from "./lib/vscode-typing-table.mjs";
import { round1, stats, typingSpot } from "./lib/typing-plan.mjs";

const { values: opt } = parseArgs({
  options: {
    lines: { type: "string", default: "2000,5000" },
    "no-small": { type: "boolean", default: false },
    keys: { type: "string", default: "40" },
    bursts: { type: "string", default: "3" },
    cycles: { type: "string", default: "5" },
    json: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    settings: { type: "string", default: "{}" },
    profile: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (opt.help) {
  process.stdout.write("usage: node bench/vscode-typing.mjs [--lines 2000,5000] [--no-small] [--keys 40] [--bursts 3] [--cycles 5] [--json] [--keep] [--settings JSON] [--profile]\n");
  process.exit(0);
}
// Even: half digits, half Backspaces, so every burst ends on the text it started from.
const KEYS = Math.max(2, 2 * Math.floor(Number(opt.keys) / 2));
const BURSTS = Math.max(1, Number(opt.bursts));
const CYCLES = Math.max(1, Number(opt.cycles));
const IDLE_MS = 1500; // the at-rest CPU window before each burst
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
  /** Presses `key` and waits until an error squiggle is `present` (or not): ms from the key's event to that. */
  const keyToSquiggle = async (key, present) => {
    await page.evaluate((want) => {
      window.__squiggle = window.__typingProbe.watchSquiggle(want);
      window.__typingProbe.start();
    }, present);
    await page.keyboard.press(key);
    const changed = await page.evaluate(() => window.__squiggle);
    const pressed = await page.evaluate(() => window.__typingProbe.stop().keys[0]?.ts);
    return changed - pressed;
  };
  const appearMs = await keyToSquiggle("x", true);
  const clearMs = await keyToSquiggle("Backspace", false);
  if (!Number.isFinite(appearMs) || !Number.isFinite(clearMs)) log(`  no squiggle change within 60 s (${timeoutNote})`);
  return { appearMs, clearMs };
}

/** One burst: digits, then as many Backspaces, with 100–150 ms between keys. */
async function burst(page, procs, seed) {
  const next = gaps(seed);
  const digits = Array.from({ length: KEYS / 2 }, (_, i) => String((i + 1 + seed) % 10));
  const keys = [...digits, ...digits.map(() => "Backspace")];
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

/** Brings `file` to the front (its explorer row), puts the cursor on its typing spot, installs the probe. */
async function focusFile(page, { file, spot }) {
  // Quick open needs the file search to have indexed the folder, which can take long on a busy
  // machine; the explorer lists the four files at once.
  const row = page.locator(".explorer-folders-view .monaco-list-row", { hasText: new RegExp(`^${file.replace(".", "\\.")}$`) }).first();
  await row.waitFor({ timeout: 30_000 });
  await row.click();
  await page.locator(".tab.active", { hasText: file }).waitFor({ timeout: 20_000 });
  await page.locator(".editor-instance .monaco-editor .view-lines .view-line").first().waitFor({ timeout: 30_000 });
  await sleep(300);
  await goTo(page, spot);
  // VS Code may reuse one editor widget for every tab of a group: a fresh probe on what is shown.
  await page.evaluate(installTypingProbe);
}

/** Opens every file once: waits for its first diagnostics (an error typed and fixed) and types a burst. */
async function warmUp(page, target, procs) {
  log(`${target.label}: opening ${target.file}, typing at line ${target.spot.line}:${target.spot.column}`);
  await focusFile(page, target);
  await sleep(500);
  target.errorsBefore = await page.evaluate(() => window.__typingProbe.hasSquiggle());
  if (target.errorsBefore) log(`${target.label}: the file shows an error before typing; diagnostics timing left out`);
  else await errorCycle(page, "warm-up");
  await burst(page, procs, 99);
  await sleep(1500);
}

function emptyTally() {
  return { paintedMs: [], inputDelayMs: [], eventTimingMs: [], longTasks: [], cpu: {}, idleCpu: {}, keys: 0, lost: 0, unseen: 0, burstWallMs: 0, appear: [], clear: [], profiles: [] };
}

/** One measured burst in `target`, after an idle window of the same processes for comparison. */
async function measuredBurst(context, page, target, procs, seed, tally) {
  await focusFile(page, target);
  await sleep(500);
  const idleBefore = cpuSnapshot(procs);
  const idleStart = Date.now();
  await sleep(IDLE_MS);
  const idleAfter = cpuSnapshot(procs);
  const idleSpan = Date.now() - idleStart;
  const stopProfile = opt.profile ? await startRendererProfile(context, page) : undefined;
  const r = await burst(page, procs, seed);
  if (stopProfile) tally.profiles.push(await stopProfile());
  tally.keys += r.keys;
  tally.burstWallMs += r.wallMs;
  for (const k of r.rec.keys) {
    if (k.paintedAt) tally.paintedMs.push(k.paintedAt - k.ts);
    else tally.lost++;
    tally.inputDelayMs.push(k.handlerAt - k.ts);
  }
  tally.unseen += r.keys - r.rec.keys.length;
  // Chromium reports only key events of ≥ 16 ms: the others count as 16 ms (an upper bound).
  const timed = r.rec.eventTiming.filter((e) => e.name === "keydown").map((e) => e.duration);
  tally.eventTimingMs.push(...timed, ...Array(Math.max(0, r.rec.keys.length - timed.length)).fill(16));
  tally.longTasks.push(...r.rec.longTasks.map((t) => t.duration));
  for (const k of Object.keys(r.cpu)) {
    tally.cpu[k] = (tally.cpu[k] ?? 0) + r.cpu[k];
    // The same processes' CPU at rest (cursor blink, timers), scaled to the burst's duration.
    tally.idleCpu[k] = (tally.idleCpu[k] ?? 0) + ((idleAfter[k] - idleBefore[k]) * r.wallMs) / idleSpan;
  }
  await sleep(1500); // examples run once the document is quiet; keep them out of the next burst
}

/** The numbers for one file from its tally. */
function summarize(target, tally) {
  const perKey = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, round1(v / tally.keys)]));
  return {
    label: target.label,
    file: target.file,
    lines: target.text.split("\n").length - 1,
    typedAtLine: target.spot.line,
    keys: tally.keys,
    keysNotPainted: tally.lost,
    keysNotSeen: tally.unseen,
    keyToPaintMs: stats(tally.paintedMs),
    inputDelayMs: stats(tally.inputDelayMs),
    eventTimingKeydownMs: stats(tally.eventTimingMs),
    longTasks: {
      count: tally.longTasks.length,
      longestMs: tally.longTasks.length ? round1(Math.max(...tally.longTasks)) : null,
      totalMs: round1(tally.longTasks.reduce((a, b) => a + b, 0)),
    },
    burstSeconds: round1(tally.burstWallMs / 1000),
    cpuMsPerKey: perKey(tally.cpu),
    idleCpuMsPerKeyInterval: perKey(tally.idleCpu),
    errorAppearsMs: target.errorsBefore ? null : stats(tally.appear),
    errorClearsMs: target.errorsBefore ? null : stats(tally.clear),
    ...(tally.profiles.length ? { rendererSelfTime: selfTimeByFunction(tally.profiles) } : {}),
  };
}

/**
 * Every file is opened and warmed up first; then the bursts and the error cycles go round the
 * files in turn, so that a change in the machine's load falls on all sizes alike.
 */
async function measureAll(context, page, targets, procsOf) {
  const tallies = targets.map(() => emptyTally());
  let procs;
  for (const t of targets) {
    await warmUp(page, t, procs ?? { languageServer: [], extensionHost: [], renderer: [], chromium: [] });
    procs = procsOf();
  }
  if (!procs.languageServer.length) log("language server process not found; its CPU is left out");
  for (let b = 0; b < BURSTS; b++)
    for (const [i, t] of targets.entries()) {
      log(`${t.label}: burst ${b + 1}/${BURSTS} (${KEYS} keys)`);
      await measuredBurst(context, page, t, procs, b, tallies[i]);
    }
  for (const [i, t] of targets.entries()) if (tallies[i].unseen) log(`${t.label}: ${tallies[i].unseen} keys sent but not seen by the page`);
  for (let c = 0; c < CYCLES; c++)
    for (const [i, t] of targets.entries()) {
      if (t.errorsBefore) continue;
      await focusFile(page, t);
      await sleep(600);
      const r = await errorCycle(page, `${t.label}, cycle ${c + 1}`);
      tallies[i].appear.push(r.appearMs);
      tallies[i].clear.push(r.clearMs);
    }
  return targets.map((t, i) => summarize(t, tallies[i]));
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
    // Without preview tabs, opening the next file from the explorer does not close the last one.
    writeSettings(dirs, { "workbench.editor.enablePreview": false, ...JSON.parse(opt.settings) });
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
    for (const t of targets) {
      t.text = readFileSync(join(dirs.workspace, t.file), "utf8");
      t.spot = typingSpot(t.text);
    }
    const results = await measureAll(context, page, targets, () => watchedProcesses(codeServer.pid, dirs.browser)).catch(async (err) => {
      if (opt.keep) await page.screenshot({ path: join(runDir, "failure.png") }).catch(() => undefined);
      throw err;
    });
    load.push(loadavg()[0]);
    return { results, load };
  } finally {
    if (context) await context.close().catch(() => undefined);
    stopCodeServer(codeServer);
    await sleep(1000);
    if (opt.keep) log(`kept ${runDir}`);
    else rmSync(runDir, { recursive: true, force: true });
  }
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
  const profiles = r.results.filter((x) => x.rendererSelfTime).flatMap((x) => [
    `${x.label}: renderer main thread, self time during the bursts (profiled: slower than unprofiled runs; (program) is native work — style, layout, paint)`,
    ...x.rendererSelfTime.map((f) => `  ${String(f.ms).padStart(6)} ms ${String(f.share).padStart(5)}%  ${f.fn}`),
  ]);
  process.stdout.write((opt.json ? JSON.stringify(payload) : [...vscodeTypingTable(payload), ...profiles].join("\n")) + "\n");
} catch (err) {
  log(`ERROR ${err?.stack ?? err}`);
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
}
