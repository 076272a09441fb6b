import type { DiffReport, PartChange, Reason, ScoreDiff } from "../analysis/diff.js";
import { mark, showValue } from "./render.js";

/** `leaddef diff`'s outputs: text for a terminal, markdown for a pull-request comment, JSON. */

export type DiffFormat = "text" | "json" | "markdown";

export interface DiffLabels { old: string; new: string }

/** The JSON form: the DiffReport itself, with the two definitions named. */
export function renderDiffJson(r: DiffReport, labels: DiffLabels): string {
  return JSON.stringify({ old: labels.old, new: labels.new, ...r }, null, 2);
}

function matrix(r: DiffReport): { header: string[]; rows: string[][] } {
  const after = ["none", ...r.stages.after];
  const before = ["none", ...r.stages.before];
  const count = (from: string, to: string) => r.transitions.find((t) => t.from === from && t.to === to)?.count ?? 0;
  return { header: ["old \\ new", ...after], rows: before.map((from) => [from, ...after.map((to) => String(count(from, to)))]) };
}

function changedCells(r: DiffReport) {
  return r.transitions.filter((t) => t.from !== t.to && t.count > 0);
}

const truth = (v: boolean | null) => (v === null ? "–" : mark(v));

function partLine(p: PartChange): string {
  const values = p.fields.map((f) => `${f.path} = ${showValue(f.value)}`).join(", ");
  // a part only in the old condition is shown removed (-), only in the new one added (+)
  const state = p.before === null ? `+ ${truth(p.after)}` : p.after === null ? `- ${truth(p.before)}` : `${truth(p.before)}→${truth(p.after)}`;
  return `${state} ${p.text}${p.was !== undefined ? ` (was: ${p.was})` : ""}${values ? `    [${values}]` : ""}`;
}

function reasonHead(x: Reason): string {
  return `${x.kind} ${x.name}: ${x.before === null ? "not declared" : x.before ? "holds" : "fails"} → ${x.after === null ? "not declared" : x.after ? "holds" : "fails"}`;
}

function fmt(v: number | null | undefined): string {
  return v === null || v === undefined ? "–" : String(v);
}

function scoreRow(name: string, s: ScoreDiff): string[] {
  return [name, s.changed === null ? (s.before ? "removed" : "added") : String(s.changed), fmt(s.before?.mean), fmt(s.after?.mean), fmt(s.before?.median), fmt(s.after?.median)];
}

const SCORE_HEADER = ["score", "changed", "mean before", "mean after", "median before", "median after"];

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ").trimEnd();
  return [line(header), ...rows.map(line)];
}

/** "; of them 2 won, 5 opportunity": how many of a cell's leads had each outcome. */
function outcomeNote(t: DiffReport["transitions"][number]): string {
  if (!t.outcomes || Object.keys(t.outcomes).length === 0) return "";
  return `; of them ${Object.entries(t.outcomes).map(([name, n]) => `${n} ${name}`).join(", ")}`;
}

function headline(r: DiffReport): string {
  return `${r.changed} of ${r.compared} lead${r.compared === 1 ? "" : "s"} change stage (as of ${r.as_of}; ${r.rows} row${r.rows === 1 ? "" : "s"} read)`;
}

/** Text for a terminal: the matrix, the moved leads with their reasons, scores, rejects. */
export function renderDiffText(r: DiffReport, labels: DiffLabels): string {
  const out = [`old: ${labels.old}`, `new: ${labels.new}`, headline(r), "", "stage transitions (rows: old, columns: new)"];
  const m = matrix(r);
  out.push(...table(m.header, m.rows).map((l) => `  ${l}`));
  for (const t of changedCells(r)) {
    out.push("", `${t.from} → ${t.to}: ${t.count} lead${t.count === 1 ? "" : "s"}${outcomeNote(t)}${t.count > t.examples.length ? `, first ${t.examples.length}` : ""}`);
    for (const e of t.examples) {
      out.push(`  ${e.id} (line ${e.line})`);
      for (const x of e.reasons) {
        out.push(`    ${reasonHead(x)}`);
        for (const p of x.parts) out.push(`      ${partLine(p)}`);
      }
    }
  }
  const scores = Object.entries(r.scores);
  if (scores.length) out.push("", ...table(SCORE_HEADER, scores.map(([n, s]) => scoreRow(n, s))));
  out.push(...rejectLines(r));
  return out.join("\n");
}

function rejectLines(r: DiffReport): string[] {
  const x = r.rejected;
  if (x.before === 0 && x.after === 0) return [];
  const out = ["", `rejected rows: ${x.before} before, ${x.after} after (${x.only_before} only before, ${x.only_after} only after)`];
  for (const e of x.examples) out.push(`  ${e.side === "before" ? "old" : "new"} refuses ${e.id} (line ${e.line})${e.field ? ` ${e.field}` : ""}: ${e.reason}`);
  return out;
}

const mdCell = (s: string) => s.replace(/\|/g, "\\|").replace(/`/g, "ˋ").replace(/\n/g, " ");

function mdTable(header: string[], rows: string[][]): string[] {
  return [`| ${header.map(mdCell).join(" | ")} |`, `|${header.map((_, i) => (i === 0 ? " --- " : " ---: ")).join("|")}|`, ...rows.map((r) => `| ${r.map(mdCell).join(" | ")} |`)];
}

/** Markdown for a pull-request comment: the matrix as a table, the moves in collapsed details. */
export function renderDiffMarkdown(r: DiffReport, labels: DiffLabels): string {
  const out = [`### leaddef diff: \`${mdCell(labels.old)}\` → \`${mdCell(labels.new)}\``, "", `**${headline(r)}**`, ""];
  const m = matrix(r);
  // moved leads in bold: a cell off the diagonal (by stage name) with a count
  out.push(...mdTable(m.header, m.rows.map((row) => row.map((c, i) => (i > 0 && row[0] !== m.header[i] && c !== "0" ? `**${c}**` : c)))));
  for (const t of changedCells(r)) {
    out.push("", `<details><summary><b>${t.from} → ${t.to}</b>: ${t.count} lead${t.count === 1 ? "" : "s"}${mdCell(outcomeNote(t))}</summary>`, "");
    for (const e of t.examples) {
      out.push(`- \`${mdCell(e.id)}\` (line ${e.line})`);
      for (const x of e.reasons) {
        out.push(`  - ${reasonHead(x)}`);
        for (const p of x.parts) out.push(`    - \`${mdCell(partLine(p))}\``);
      }
    }
    out.push("", "</details>");
  }
  const scores = Object.entries(r.scores);
  if (scores.length) out.push("", ...mdTable(SCORE_HEADER, scores.map(([n, s]) => scoreRow(n, s))));
  const rejects = rejectLines(r);
  if (rejects.length) out.push("", ...rejects.slice(1).map((l) => (l.startsWith("  ") ? `- ${mdCell(l.trim())}` : mdCell(l))));
  return out.join("\n");
}
