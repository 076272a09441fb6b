import { relative } from "node:path";
import type { Diagnostic } from "../../language/diagnostics.js";
import { CATALOG } from "../../language/diagnostics.js";
import { LineIndex } from "../../language/source.js";
import type { ExampleFailure, ExampleOutcome } from "../runtime/examples.js";
import type { Explanation } from "../runtime/program.js";

export type DiagnosticFormat = "text" | "json" | "sarif" | "github";

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith("..") ? rel : file;
}

/**
 * `file:line:col severity CODE: message`, the source line, a caret under the span, then help,
 * like a good compiler. `texts` supplies each file's text for the excerpt.
 */
export function renderText(diagnostics: Diagnostic[], texts: Map<string, string>): string {
  const indexes = new Map<string, LineIndex>();
  const out: string[] = [];
  for (const d of diagnostics) {
    const text = texts.get(d.file) ?? "";
    let index = indexes.get(d.file);
    if (!index) indexes.set(d.file, (index = new LineIndex(text)));
    const start = index.position(d.span.start);
    const end = index.position(d.span.end);
    out.push(`${displayPath(d.file)}:${start.line + 1}:${start.character + 1}: ${d.severity} ${d.code}: ${d.message}`);
    const lineText = index.lineText(start.line);
    if (lineText.length <= 300) {
      const gutter = String(start.line + 1);
      const width = end.line === start.line ? Math.max(1, end.character - start.character) : Math.max(1, lineText.length - start.character);
      out.push(`${gutter} | ${lineText}`);
      out.push(`${" ".repeat(gutter.length)} | ${" ".repeat(start.character)}${"^".repeat(width)}`);
    }
    if (d.help) out.push(`  = help: ${d.help}`);
    if (d.suggestion) out.push(`  = fix: ${d.suggestion.message}`);
  }
  return out.join("\n");
}

export function renderJson(diagnostics: Diagnostic[]): string {
  return JSON.stringify(
    diagnostics.map((d) => ({
      file: displayPath(d.file),
      code: d.code,
      severity: d.severity,
      message: d.message,
      range: d.range && {
        start: { line: d.range.start.line + 1, column: d.range.start.character + 1 },
        end: { line: d.range.end.line + 1, column: d.range.end.character + 1 },
      },
      ...(d.help ? { help: d.help } : {}),
      ...(d.suggestion ? { suggestion: { message: d.suggestion.message, replacement: d.suggestion.text } } : {}),
    })),
    null,
    2,
  );
}

/** SARIF 2.1.0, for code-scanning dashboards. */
export function renderSarif(diagnostics: Diagnostic[], version: string): string {
  const level = (s: string) => (s === "error" ? "error" : s === "warning" ? "warning" : "note");
  return JSON.stringify(
    {
      $schema: "https://json.schemastore.org/sarif-2.1.0.json",
      version: "2.1.0",
      runs: [{
        tool: {
          driver: {
            name: "leaddef",
            version,
            rules: Object.entries(CATALOG).map(([id, e]) => ({ id, name: e.title, defaultConfiguration: { level: level(e.severity) } })),
          },
        },
        results: diagnostics.map((d) => ({
          ruleId: d.code,
          level: level(d.severity),
          message: { text: d.help ? `${d.message} (${d.help})` : d.message },
          locations: [{
            physicalLocation: {
              artifactLocation: { uri: displayPath(d.file).split("\\").join("/") },
              region: d.range && {
                startLine: d.range.start.line + 1,
                startColumn: d.range.start.character + 1,
                endLine: d.range.end.line + 1,
                endColumn: d.range.end.character + 1,
              },
            },
          }],
        })),
      }],
    },
    null,
    2,
  );
}

/** GitHub Actions workflow commands: annotations on the pull request's diff. */
export function renderGithub(diagnostics: Diagnostic[]): string {
  const esc = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  const prop = (s: string) => esc(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
  return diagnostics
    .map((d) => {
      const kind = d.severity === "error" ? "error" : d.severity === "warning" ? "warning" : "notice";
      const r = d.range!;
      return `::${kind} file=${prop(displayPath(d.file))},line=${r.start.line + 1},col=${r.start.character + 1},endLine=${r.end.line + 1},endColumn=${r.end.character + 1},title=${prop(d.code)}::${esc(d.message + (d.help ? ` (help: ${d.help})` : ""))}`;
    })
    .join("\n");
}

/** A field value as explanations show it: strings quoted, lists bracketed, `missing` for none. */
export function showValue(v: unknown): string {
  if (v === undefined || v === null) return "missing";
  return typeof v === "string" ? JSON.stringify(v) : Array.isArray(v) ? `[${v.map((x) => JSON.stringify(x)).join(", ")}]` : String(v);
}

export const mark = (holds: boolean) => (holds ? "✓" : "✗");

/** The human-readable trace of an explanation. */
export function renderExplanation(e: Explanation): string {
  const out: string[] = [`stage: ${e.stage}   (as of ${e.asOf})`];
  if (e.reason !== undefined) out.push(`reason: ${JSON.stringify(e.reason)}`);
  for (const [name, value] of Object.entries(e.scores)) out.push(`score ${name}: ${value}`);
  for (const g of e.grades) out.push(`grade ${g.name}: ${g.letter}   (${g.line !== undefined ? `by ${g.line.replace(/\s+/g, " ")}` : "else"})`);
  const decl = (kind: string, d: Explanation["stages"][number]) => {
    out.push(`${mark(d.holds)} ${kind} ${d.name}`);
    for (const p of d.parts) {
      const values = p.fields.map((f) => `${f.path} = ${showValue(f.value)}`).join(", ");
      out.push(`    ${mark(p.holds)} ${p.text}${values ? `    [${values}]` : ""}`);
    }
  };
  if (e.next) {
    out.push("", `to reach ${e.next.stage}, it needs (the nearest miss):`);
    for (const n of e.next.needs) {
      const has = n.fields.map((f) => `${f.path} = ${showValue(f.value)}`).join(", ");
      out.push(`    ${n.text}${has ? ` — has ${has}` : ""}`);
    }
    for (const c of e.next.atLeast) out.push(`    (${c.text}: ${c.holding} of ${c.of} hold, ${c.n} needed)`);
  }
  if (e.disqualifications.length) {
    // The first that holds decides the reason; the others are shown for completeness.
    out.push("", "disqualifications (the first that holds decides):");
    for (const d of e.disqualifications) decl("disqualify because", { ...d, name: JSON.stringify(d.name) });
  }
  out.push("", "stages (low to high):");
  for (const s of e.stages) decl("stage", s);
  if (e.criteria.length) {
    out.push("", "criteria:");
    for (const c of e.criteria) decl("criterion", c);
  }
  for (const g of e.grades) {
    out.push("", `grade ${g.name} = ${g.letter}`);
    for (const l of g.lines) {
      const values = l.fields.map((f) => `${f.path} = ${showValue(f.value)}`).join(", ");
      out.push(`    ${mark(l.holds)} ${l.text}${values ? `    [${values}]` : ""}`);
    }
  }
  for (const s of e.scoreDetails) {
    out.push("", `score ${s.name} = ${s.value}${s.cap !== undefined ? `  (cap ${s.cap})` : ""}${s.floor !== undefined ? `  (floor ${s.floor})` : ""}`);
    for (const l of s.lines) {
      const values = l.fields.map((f) => `${f.path} = ${showValue(f.value)}`).join(", ");
      out.push(`    ${mark(l.holds)} ${l.text}${values ? `    [${values}]` : ""}`);
    }
    for (const l of s.perLines) {
      out.push(`    ${l.value === 0 ? "·" : "+"} ${l.text}    = ${l.value}${l.capped ? " (capped)" : ""}${l.events.length ? `, from ${l.events.length} event${l.events.length === 1 ? "" : "s"}:` : " (no event counted)"}`);
      for (const ev of l.events) {
        const values = ev.values.filter((f) => f.value !== undefined).map((f) => `${f.path} = ${showValue(f.value)}`).join(", ");
        out.push(`        #${ev.position} {${values}} worth ${Number(ev.worth.toFixed(6))}`);
      }
    }
  }
  return out.join("\n");
}

/**
 * One failed expectation in words, the same wherever it is shown: `leaddef test`, the language
 * server's LD3005 diagnostic, the code lens and the run-examples command.
 */
export function renderExampleFailure(f: ExampleFailure): string {
  switch (f.kind) {
    case "stage": return `expected stage ${f.expected}, got ${f.actual}`;
    case "score": return `expected score ${f.name} ${f.expected}, got ${f.actual ?? "nothing"}`;
    case "flag": return `expected \`${f.name}\` to be ${f.expected}, got ${f.actual}`;
    case "reason": return f.actual === undefined
      ? `expected disqualification because ${JSON.stringify(f.expected)}, got stage ${f.stage} (not disqualified)`
      : `expected reason ${JSON.stringify(f.expected)}, got ${JSON.stringify(f.actual)}`;
    case "grade": return `expected grade ${f.name} ${f.expected}, got ${f.actual}`;
  }
}

/** An example's result for `leaddef test`: a ✓ line, or a ✗ line with each failure and the explanation. */
export function renderExampleOutcome(file: string, o: ExampleOutcome): string {
  const head = `${o.passed ? "✓" : "✗"} ${displayPath(file)}:${o.line} ${o.title}`;
  if (o.passed) return head;
  const out = [head];
  if (o.error) out.push(`    error: ${o.error}`);
  for (const f of o.failures) out.push(`    line ${f.line}: ${renderExampleFailure(f)}`);
  if (o.explanation) out.push(...renderExplanation(o.explanation).split("\n").map((l) => (l ? `    | ${l}` : "    |")));
  return out.join("\n");
}
