// TypeScript-style `.errors.txt` baselines: a list of diagnostics with file(line,col), then each
// file's source echoed with `~~~` under every diagnostic's span and the message below it.
// Paths are shown relative to `root`, so baselines do not depend on where the repo lives.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import type { Diagnostic } from "../../language/diagnostics.js";
import { LineIndex } from "../../language/source.js";

export function renderBaseline(diagnostics: readonly Diagnostic[], texts: ReadonlyMap<string, string>, root: string): string {
  const show = (file: string) => relative(root, file).split("\\").join("/");
  // Absolute paths in messages (e.g. where an import was looked for) would tie baselines to one machine.
  const clean = (s: string) => s.split(root).join("<fixtures>");
  const out: string[] = [];
  for (const d of diagnostics) {
    const index = new LineIndex(texts.get(d.file) ?? "");
    const p = index.position(d.span.start);
    out.push(`${show(d.file)}(${p.line + 1},${p.character + 1}): ${d.severity} ${d.code}: ${clean(d.message)}`);
    if (d.help) out.push(`  help: ${clean(d.help)}`);
    if (d.suggestion) out.push(`  fix: ${d.suggestion.message} -> ${JSON.stringify(d.suggestion.text)}`);
  }
  const files = [...new Set(diagnostics.map((d) => d.file))];
  for (const file of files) {
    const text = texts.get(file) ?? "";
    const index = new LineIndex(text);
    const mine = diagnostics.filter((d) => d.file === file);
    const errors = mine.filter((d) => d.severity === "error").length;
    out.push("", "", `==== ${show(file)} (${errors} error${errors === 1 ? "" : "s"}, ${mine.length - errors} other) ====`);
    for (let line = 0; line < index.lineCount; line++) {
      const lineText = index.lineText(line);
      if (line === index.lineCount - 1 && lineText === "" && text.endsWith("\n")) break;
      out.push(`    ${lineText}`);
      for (const d of mine) {
        const s = index.position(d.span.start);
        const e = index.position(d.span.end);
        if (line < s.line || line > e.line) continue;
        const from = line === s.line ? s.character : 0;
        const to = line === e.line ? e.character : lineText.length;
        out.push(`    ${" ".repeat(from)}${"~".repeat(Math.max(1, to - from))}`);
        if (line === e.line || (line === s.line && s.line === e.line)) out.push(`!!! ${d.severity} ${d.code}: ${d.message}`);
      }
    }
  }
  return `${out.join("\n")}\n`;
}

/** Compares `actual` with the golden file, or rewrites it when UPDATE_GOLDEN=1. */
export function golden(path: string, actual: string): { expected: string; actual: string } {
  if (process.env.UPDATE_GOLDEN === "1") writeFileSync(path, actual);
  else if (!existsSync(path)) throw new Error(`missing golden file ${path}; run with UPDATE_GOLDEN=1 and review it`);
  return { expected: readFileSync(path, "utf8"), actual };
}
