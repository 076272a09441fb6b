// The table bench/vscode-typing.mjs prints, from its --json payload (bench/run.mjs --vscode prints it too).

/** The table of bench/vscode-typing.mjs's `--json` payload, as lines. */
export function vscodeTypingTable({ results, loadAverage: load, keysPerBurst, bursts }) {
  const cols = results.map((r) => `${r.label} (${r.lines})`);
  const width = Math.max(12, ...cols.map((c) => c.length));
  const out = [];
  out.push(`typing in VS Code 1.100.3 (code-server, headless Chromium), ${bursts} bursts of ${keysPerBurst} keys 100–150 ms apart per file; load average ${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)}`);
  out.push(`| measure${" ".repeat(57)} | ${cols.map((c) => c.padStart(width)).join(" | ")} |`);
  out.push(`|${"-".repeat(66)}|${cols.map(() => "-".repeat(width + 2)).join("|")}|`);
  const f = (x) => (x === null || x === undefined || Number.isNaN(x) ? "—" : String(x));
  const row = (name, get) => out.push(`| ${name.padEnd(64)} | ${results.map((r) => f(get(r)).padStart(width)).join(" | ")} |`);
  row("key → painted, median (ms)", (r) => r.keyToPaintMs.median);
  const small = results.find((r) => r.label === "small");
  if (small) row("key → painted, median, × the small file's", (r) => (small.keyToPaintMs.median ? `${(r.keyToPaintMs.median / small.keyToPaintMs.median).toFixed(2)}×` : "—"));
  row("key → painted, p95 (ms)", (r) => r.keyToPaintMs.p95);
  row("key → painted, slowest (ms)", (r) => r.keyToPaintMs.max);
  row("input delay (key → its handler), median / p95 (ms)", (r) => `${f(r.inputDelayMs.median)} / ${f(r.inputDelayMs.p95)}`);
  row("Chromium Event Timing, keydown → next paint, median / p95 (ms)", (r) => `${f(r.eventTimingKeydownMs.median)} / ${f(r.eventTimingKeydownMs.p95)}`);
  row("long tasks ≥ 50 ms while typing: count", (r) => r.longTasks.count);
  row("  longest (ms)", (r) => r.longTasks.longestMs);
  row("error squiggle appears after the key, median / p95 (ms)", (r) => (r.errorAppearsMs ? `${f(r.errorAppearsMs.median)} / ${f(r.errorAppearsMs.p95)}` : "—"));
  row("error squiggle clears after the fix, median / p95 (ms)", (r) => (r.errorClearsMs ? `${f(r.errorClearsMs.median)} / ${f(r.errorClearsMs.p95)}` : "—"));
  const cpu = (k) => (r) => `${f(r.cpuMsPerKey[k])} (idle ${f(r.idleCpuMsPerKeyInterval[k])})`;
  row("CPU per key: language server (ms; idle over the same time)", cpu("languageServer"));
  row("CPU per key: extension host (ms; idle)", cpu("extensionHost"));
  row("CPU per key: Chromium renderer (ms; idle)", cpu("renderer"));
  row("CPU per key: all of Chromium (ms; idle)", cpu("chromium"));
  out.push("key → painted: key event's timeStamp → first task after the frame showing the new text. Event Timing: Chromium reports");
  out.push("only keys ≥ 16 ms, the others count as 16. CPU from /proc (10 ms ticks) over the bursts, per key; idle: the same processes");
  out.push("at rest for 1.5 s before each burst, scaled to the burst's length.");
  for (const r of results) if (r.keysNotPainted || r.keysNotSeen) out.push(`${r.label}: ${r.keysNotPainted} keys never painted within 10 s, ${r.keysNotSeen} not seen by the page.`);
  return out;
}

