// Editor latency on a large definition: a generated 5,000-line .leaddef, a one-character edit,
// then the full re-check the language server does (compile + run examples), and completion and
// hover on the result. Medians over 20 runs. Numbers, not a test: nothing here asserts a time.
//   npm run build && node bench/editor-latency.mjs [lines]
import { performance } from "node:perf_hooks";
import { compile } from "../dist/compiler/compile.js";
import { nodeHost } from "../dist/compiler/host.js";
import { exampleReport } from "../dist/lsp/features/code-lens.js";
import { complete } from "../dist/lsp/features/completion.js";
import { hover } from "../dist/lsp/features/hover.js";
import { semanticTokens } from "../dist/lsp/features/semantic-tokens.js";
import { parseFile } from "../dist/language/parse.js";
import { tokenize } from "../dist/language/tokens.js";

const TARGET_LINES = Number(process.argv[2] ?? 5000);
const RUNS = 20;

/** A definition of about `lines` lines: a schema, criteria, scores, stages and examples. */
function generate(lines) {
  const out = ["# Generated for bench/editor-latency.mjs", "schema {"];
  const groups = ["company", "contact", "engagement", "budget", "intent", "product"];
  const nFields = Math.floor(lines * 0.12);
  const fields = [];
  for (let i = 0; i < nFields; i++) {
    const g = groups[i % groups.length];
    const kind = i % 4;
    const path = `${g}.f${i}`;
    fields.push({ path, kind });
    out.push(`  # field ${i}`);
    out.push(`  ${path}: ${kind === 0 ? "number" : kind === 1 ? "enum(low, mid, high, top)" : kind === 2 ? "boolean" : "string"}`);
  }
  out.push("}", "");
  const cond = (i) => {
    const f = fields[(i * 7) % fields.length];
    if (f.kind === 0) return `${f.path} >= ${i % 100}`;
    if (f.kind === 1) return `${f.path} in [mid, high]`;
    if (f.kind === 2) return f.path;
    return `${f.path} contains "x${i % 10}"`;
  };
  let c = 0;
  const criteria = [];
  while (out.length < lines * 0.55) {
    out.push(`# criterion ${c}`, `criterion c${c} when`, `  ${cond(c)}`, `  and (${cond(c + 1)} or ${cond(c + 2)})`, "");
    criteria.push(`c${c}`);
    c++;
  }
  let s = 0;
  while (out.length < lines * 0.75) {
    out.push(`score s${s} {`);
    for (let k = 0; k < 6; k++) out.push(`  +${k + 1} when ${criteria[(s * 6 + k) % criteria.length]}`);
    out.push("  cap 50", "}", "");
    s++;
  }
  let st = 0;
  while (out.length < lines * 0.85) {
    out.push(`stage${st} when ${st > 0 ? `stage${st - 1} and ` : ""}${criteria[st % criteria.length]} and s${st % s} >= 0`, "");
    st++;
  }
  let e = 0;
  while (out.length < lines - 8) {
    out.push(`example "lead ${e}" {`);
    for (let k = 0; k < 4; k++) {
      const f = fields[(e * 5 + k) % fields.length];
      out.push(`  ${f.path} = ${f.kind === 0 ? 50 : f.kind === 1 ? "high" : f.kind === 2 ? "true" : '"x1"'}`);
    }
    out.push("  as of 2026-01-01", `  expect score s0 = 0`, "}", "");
    e++;
  }
  out.push(`last_stage when stage${st - 1} and c0`);
  return out.join("\n") + "\n";
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Wall time; with CPU_TIME=1, this process's CPU time instead (fairer on a machine busy with other work). */
const useCpu = process.env.CPU_TIME === "1";
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

const path = "/tmp/editor-latency.leaddef";
let text = generate(TARGET_LINES);
if (process.env.DUMP) { (await import("node:fs")).writeFileSync(process.env.DUMP, text); process.exit(0); }
const lineCount = text.split("\n").length - 1;
const host = (t) => nodeHost(new Map([[path, t]]));

// Warm up the JIT the way a running server is warm.
for (let i = 0; i < 5; i++) exampleReport(compile(text, { path, host: host(text) }), "2026-01-01");

const lexMs = [], parseMs = [], compileMs = [], examplesMs = [], recheckMs = [], completionMs = [], hoverMs = [], tokensMs = [];
let errors = 0;
// One-character edit that keeps the file error-free: a digit of c0's first threshold, 0 ↔ 1.
const editAt = text.indexOf(">= ", text.indexOf("criterion c0 when")) + 3;
for (let i = 0; i < RUNS; i++) {
  const edited = text.slice(0, editAt) + (i % 2 === 0 ? "1" : "0") + text.slice(editAt + 1);
  lexMs.push(time(() => tokenize(edited))[0]);
  parseMs.push(time(() => parseFile(path, edited))[0]);
  const [ct, result] = time(() => compile(edited, { path, host: host(edited) }));
  const [et] = time(() => exampleReport(result, "2026-01-01"));
  compileMs.push(ct);
  examplesMs.push(et);
  recheckMs.push(ct + et);
  if (i === 0) errors = result.diagnostics.filter((d) => d.severity === "error").length;
  // Requests on the cached result: completion after a dot near the end, hover on a field.
  const dot = edited.lastIndexOf("and c0") - 1;
  const probe = edited.slice(0, dot) + " company." + edited.slice(dot);
  const [, probeResult] = time(() => compile(probe, { path, host: host(probe) }));
  const [qt, items] = time(() => complete(probeResult, dot + " company.".length));
  if (items.items.length === 0) throw new Error("completion came back empty");
  completionMs.push(qt);
  const hoverAt = edited.lastIndexOf("company.f") + 9;
  const [ht, h] = time(() => hover(result, hoverAt));
  if (!h) throw new Error("hover came back empty");
  hoverMs.push(ht);
  const [tt] = time(() => semanticTokens(result));
  tokensMs.push(tt);
}

const fmt = (x) => x.toFixed(2).padStart(8);
console.log(`editor latency: ${lineCount} lines, ${(text.length / 1024).toFixed(0)} KiB, ${errors} errors after the edit, median of ${RUNS} runs, ${useCpu ? "CPU" : "wall"} time, Node ${process.version}`);
console.log("| step                                   |   median ms |      max ms |");
console.log("|----------------------------------------|-------------|-------------|");
const row = (name, xs) => console.log(`| ${name.padEnd(38)} |    ${fmt(median(xs))} |    ${fmt(Math.max(...xs))} |`);
row("  of which: lex", lexMs);
row("  of which: lex + parse + CST→AST", parseMs);
row("compile (parse + check; lowering is lazy)", compileMs);
row("then: run examples (lenses, failures)", examplesMs);
// The server publishes the checker's diagnostics right after compile, and the examples' results after that.
row("diagnostics after a 1-char edit", compileMs);
row("everything after a 1-char edit", recheckMs);
row("completion after `company.`", completionMs);
row("hover on a field", hoverMs);
row("semantic tokens (whole file)", tokensMs);
