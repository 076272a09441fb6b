/**
 * Plain feature results → LSP wire shapes. Only numbers and object literals here: the protocol's
 * enums are written out so that this module does not import vscode-languageserver.
 */
import type { Diagnostic as LdDiagnostic } from "../language/diagnostics.js";
import type { CodeAction } from "./features/code-actions.js";
import type { ExampleProblem, Lens } from "./features/code-lens.js";
import type { CompletionEntry, CompletionKind, CompletionResult } from "./features/completion.js";
import type { FoldingRange } from "./features/folding.js";
import type { FormatEdit } from "./features/formatting.js";
import type { Location } from "./features/lookup.js";
import type { TextEdit } from "./features/rename.js";
import type { OutlineSymbol, SymbolKind, WorkspaceSymbol } from "./features/symbols.js";
import type { Range } from "../language/source.js";

const COMPLETION_KIND: Record<CompletionKind, number> = {
  keyword: 14, param: 21, field: 5, group: 9, criterion: 3, score: 6, stage: 7, grade: 10, member: 20, function: 3, snippet: 15, type: 25, value: 12, operator: 24,
};
const SYMBOL_KIND: Record<SymbolKind, number> = { import: 2, schema: 23, field: 8, criterion: 12, score: 13, stage: 5, example: 24, param: 14, outcome: 7, stream: 18, grade: 10, disqualify: 24 };
const SEVERITY = { error: 1, warning: 2, info: 3, hint: 4 } as const;
/** Diagnostics about unused things get the "unnecessary" tag (greyed out). */
const UNNECESSARY = new Set(["LD2001", "LD2002", "LD2005"]);

export function toLspDiagnostic(d: LdDiagnostic | ExampleProblem, range: Range) {
  return {
    range,
    severity: SEVERITY[d.severity],
    code: d.code,
    source: "leaddef",
    message: d.help ? `${d.message}\nhelp: ${d.help}` : d.message,
    ...(UNNECESSARY.has(d.code) ? { tags: [1] } : {}),
  };
}

export function toCompletionList(result: CompletionResult, toRange: (span: { start: number; end: number }) => Range) {
  const range = toRange(result.replace);
  return {
    isIncomplete: false,
    items: result.items.map((item: CompletionEntry) => ({
      label: item.label,
      kind: COMPLETION_KIND[item.kind],
      ...(item.detail ? { detail: item.detail } : {}),
      ...(item.documentation ? { documentation: { kind: "markdown", value: item.documentation } } : {}),
      ...(item.sortText ? { sortText: item.sortText } : {}),
      ...(item.snippet ? { insertTextFormat: 2 } : {}),
      textEdit: { range, newText: item.insertText ?? item.label },
      // Multi-word items (`not in`, `expect stage`) must not be filtered away after the first word.
      filterText: item.label,
    })),
  };
}

export function toLocation(l: Location, uriOf: (path: string) => string) {
  return { uri: uriOf(l.path), range: l.range };
}

export function toWorkspaceEdit(edits: TextEdit[], uriOf: (path: string) => string) {
  const changes: Record<string, { range: Range; newText: string }[]> = {};
  for (const e of edits) (changes[uriOf(e.path)] ??= []).push({ range: e.range, newText: e.newText });
  return { changes };
}

export function toDocumentSymbol(s: OutlineSymbol): unknown {
  return {
    name: s.name || "(unnamed)",
    kind: SYMBOL_KIND[s.kind],
    ...(s.detail ? { detail: s.detail } : {}),
    range: s.range,
    selectionRange: s.selectionRange,
    ...(s.children ? { children: s.children.map(toDocumentSymbol) } : {}),
  };
}

export function toWorkspaceSymbol(s: WorkspaceSymbol, uriOf: (path: string) => string) {
  return { name: s.name, kind: SYMBOL_KIND[s.kind], location: { uri: uriOf(s.path), range: s.range }, ...(s.container ? { containerName: s.container } : {}) };
}

export function toFoldingRange(f: FoldingRange) {
  return { startLine: f.startLine, endLine: f.endLine, ...(f.kind ? { kind: f.kind } : {}) };
}

export function toTextEdits(edits: FormatEdit[]) {
  return edits.map((e) => ({ range: e.range, newText: e.newText }));
}

export function toCodeAction(a: CodeAction, uriOf: (path: string) => string) {
  return {
    title: a.title,
    kind: a.kind,
    diagnostics: a.diagnostics.map((d) => toLspDiagnostic(d, d.range!)),
    edit: toWorkspaceEdit(a.edits, uriOf),
    ...(a.isPreferred ? { isPreferred: true } : {}),
  };
}

export function toCodeLens(l: Lens, uri: string, command: string) {
  return { range: l.range, command: { title: l.title, command, arguments: [uri, l.example] } };
}

export function toHover(markdown: string, range: Range) {
  return { contents: { kind: "markdown", value: markdown }, range };
}
