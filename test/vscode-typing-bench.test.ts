// The premises and the arithmetic of bench/vscode-typing.mjs (the bench itself needs code-server
// and Chromium and times things, so it is not run here): where it types, digits keep the file
// valid and an `x` there makes an error (else "error squiggle appears/clears" would time
// nothing); the process tree it reads CPU from; its quantiles; its table.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { generateDefinition } from "../bench/lib/editor-definition.mjs";
import { descendants } from "../bench/lib/proc-cpu.mjs";
import { selfTimeByFunction } from "../bench/lib/renderer-profile.mjs";
import { quantile, stats, typingSpot } from "../bench/lib/typing-plan.mjs";
import { vscodeTypingTable } from "../bench/lib/vscode-typing-table.mjs";
import { compile } from "../compiler/compile.js";
import { nodeHost } from "../compiler/host.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const acmePath = join(root, "examples", "acme.leaddef");

/** The errors of `text` compiled as if it were at `path` (its imports read from disk). */
function errors(path: string, text: string) {
  return compile(text, { path, host: nodeHost(new Map([[path, text]])) }).diagnostics.filter((d) => d.severity === "error" && d.file === path);
}

const files: Array<[string, string, string]> = [
  ["examples/acme.leaddef", acmePath, readFileSync(acmePath, "utf8")],
  ["a generated 2,000-line definition", join(root, "bench", "generated-2000.leaddef"), generateDefinition(2000)],
  ["a generated 5,000-line definition", join(root, "bench", "generated-5000.leaddef"), generateDefinition(5000)],
];

describe("bench/vscode-typing.mjs types where it says it does", () => {
  for (const [name, path, text] of files) {
    it(`${name}: the spot is before a digit in the first third; digits keep it valid, an x makes an error`, () => {
      const spot = typingSpot(text);
      expect(text[spot.offset]).toMatch(/\d/);
      expect(spot.fraction).toBeLessThan(1 / 3);
      // line:column as VS Code's Go to Line takes them (1-based) point at the same offset.
      const lineStart = text.split("\n").slice(0, spot.line - 1).join("\n").length + (spot.line > 1 ? 1 : 0);
      expect(lineStart + spot.column - 1).toBe(spot.offset);
      const at = (s: string) => text.slice(0, spot.offset) + s + text.slice(spot.offset);
      expect(errors(path, text)).toEqual([]);
      // The burst: digits typed one by one, then deleted one by one; every state in between.
      const digits = "1234567890123456789";
      for (let n = 1; n <= digits.length; n += 6) expect(errors(path, at(digits.slice(0, n)))).toEqual([]);
      expect(errors(path, at("x")).length).toBeGreaterThan(0);
    });
  }
});

describe("the bench's arithmetic", () => {
  it("descendants follow parent links from the root only", () => {
    const procs = [
      { pid: 1, ppid: 0 },
      { pid: 10, ppid: 1 },
      { pid: 11, ppid: 10 },
      { pid: 12, ppid: 11 },
      { pid: 20, ppid: 1 },
    ];
    expect([...descendants(procs, 10)].sort((a, b) => a - b)).toEqual([10, 11, 12]);
    expect([...descendants(procs, 12)]).toEqual([12]);
  });

  it("quantiles interpolate and ignore missing values", () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.95)).toBe(10.5);
    expect(quantile([NaN, 5], 0.5)).toBe(5);
    expect(quantile([], 0.5)).toBeNaN();
    expect(stats([])).toEqual({ median: null, p95: null, max: null, n: 0 });
  });

  it("a renderer profile sums self time per function across profiles, largest first", () => {
    const frame = (functionName: string, url = "", lineNumber = 0) => ({ functionName, url, lineNumber });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame("(root)") },
        { id: 2, callFrame: frame("layoutLine", "http://127.0.0.1:1/out/workbench.js", 68) },
        { id: 3, callFrame: frame("(program)") },
      ],
      samples: [2, 3, 2, 2],
      timeDeltas: [1000, 1000, 2000, 4000], // µs
    };
    expect(selfTimeByFunction([profile, profile])).toEqual([
      { fn: "layoutLine workbench.js:69", ms: 14, share: 87.5 },
      { fn: "(program)", ms: 2, share: 12.5 },
    ]);
  });

  it("the table has a column per file and compares each to the small one", () => {
    const result = (label: string, lines: number, median: number) => ({
      label,
      lines,
      keys: 2,
      keysNotPainted: 0,
      keysNotSeen: 0,
      keyToPaintMs: { median, p95: median * 2, max: median * 3, n: 2 },
      inputDelayMs: { median: 1, p95: 2, max: 2, n: 2 },
      eventTimingKeydownMs: { median: 16, p95: 24, max: 24, n: 2 },
      longTasks: { count: 0, longestMs: null, totalMs: 0 },
      cpuMsPerKey: { languageServer: 3, extensionHost: 1, renderer: 20, chromium: 25 },
      idleCpuMsPerKeyInterval: { languageServer: 0, extensionHost: 0, renderer: 2, chromium: 3 },
      errorAppearsMs: null,
      errorClearsMs: { median: 150, p95: 160, max: 160, n: 2 },
    });
    const lines = vscodeTypingTable({ results: [result("small", 300, 20), result("5000 lines", 4998, 30)], loadAverage: [2, 3], keysPerBurst: 2, bursts: 1 });
    const row = (start: string) => lines.find((l) => l.startsWith(`| ${start}`)) ?? "";
    expect(lines[0]).toContain("load average 2.0–3.0");
    expect(row("measure")).toMatch(/small \(300\).*5000 lines \(4998\)/);
    expect(row("key → painted, median (ms)")).toMatch(/\|\s+20 \|\s+30 \|$/);
    expect(row("key → painted, median, ×")).toMatch(/1\.00×.*1\.50×/);
    expect(row("error squiggle appears")).toMatch(/\|\s+— \|\s+— \|$/);
    expect(row("error squiggle clears")).toMatch(/150 \/ 160/);
  });
});
