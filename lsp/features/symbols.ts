import type { CompileResult } from "../../compiler/compile.js";
import type { Declaration } from "../../language/ast.js";
import type { FileModel } from "../../language/model.js";
import { baseName, type Range } from "../../language/source.js";
import { typeSource } from "../../language/types.js";
import { declarationSpan, modelOf } from "./lookup.js";

export type SymbolKind = "import" | "schema" | "field" | "criterion" | "score" | "stage" | "example" | "param" | "outcome" | "stream" | "grade" | "disqualify";

export interface OutlineSymbol {
  name: string;
  kind: SymbolKind;
  detail?: string;
  /** The whole declaration. */
  range: Range;
  /** The name. */
  selectionRange: Range;
  children?: OutlineSymbol[];
}

/** The outline of a file: its declarations in order, schema fields nested under their block. */
export function documentSymbols(result: CompileResult, path?: string): OutlineSymbol[] {
  const model = modelOf(result, path);
  return model.ast.declarations.map((d) => outline(model, d)).filter((s): s is OutlineSymbol => s !== undefined);
}

function outline(model: FileModel, d: Declaration): OutlineSymbol | undefined {
  const range = model.lines.range(d.span);
  switch (d.kind) {
    case "ImportDecl":
      return { name: d.path.kind === "StringLit" ? `import "${d.path.value}"` : "import", kind: "import", range, selectionRange: model.lines.range(d.path.span) };
    case "SchemaDecl":
      return {
        name: "schema",
        kind: "schema",
        detail: `${d.fields.length} field${d.fields.length === 1 ? "" : "s"}`,
        range,
        selectionRange: model.lines.range({ start: d.span.start, end: d.span.start + 6 }),
        children: d.fields.filter((f) => f.path.text).map((f) => {
          const symbol = model.fields.get(f.path.text);
          const detail = symbol && symbol.decl === f ? `${typeSource(symbol.type)}${symbol.optional ? "?" : ""}` : undefined;
          return { name: f.path.text, kind: "field" as const, ...(detail ? { detail } : {}), range: model.lines.range(f.span), selectionRange: model.lines.range(f.path.span) };
        }),
      };
    case "CriterionDecl":
    case "ScoreDecl":
    case "StageDecl": {
      if (!d.name.text) return undefined;
      const kind = d.kind === "CriterionDecl" ? "criterion" : d.kind === "ScoreDecl" ? "score" : "stage";
      return { name: d.name.text, kind, detail: kind, range, selectionRange: model.lines.range(d.name.span) };
    }
    case "EventsDecl":
      if (!d.name.text) return undefined;
      return {
        name: d.name.text,
        kind: "stream",
        detail: `events, ${d.fields.length} field${d.fields.length === 1 ? "" : "s"}`,
        range,
        selectionRange: model.lines.range(d.name.span),
        children: d.fields.filter((f) => f.path.text).map((f) => ({
          name: f.path.text, kind: "field" as const, detail: model.text.slice(f.type.span.start, f.type.span.end), range: model.lines.range(f.span), selectionRange: model.lines.range(f.path.span),
        })),
      };
    case "GradeDecl": {
      if (!d.name.text) return undefined;
      const letters = [...new Set([...d.lines, ...d.otherwise].map((l) => l.letter.text).filter(Boolean))];
      return { name: d.name.text, kind: "grade", detail: `grade: ${letters.join(", ")}`, range, selectionRange: model.lines.range(d.name.span) };
    }
    case "DisqualifyDecl":
      return {
        name: d.reason ? `disqualify: ${d.reason.value}` : "disqualify",
        kind: "disqualify",
        detail: "disqualify",
        range,
        selectionRange: model.lines.range(d.reason?.span ?? d.span),
      };
    case "OutcomeDecl":
      if (!d.name.text) return undefined;
      return { name: d.name.text, kind: "outcome", detail: "outcome", range, selectionRange: model.lines.range(d.name.span) };
    case "ParamDecl":
      if (!d.name.text) return undefined;
      return { name: d.name.text, kind: "param", detail: `param = ${model.text.slice(d.value.span.start, d.value.span.end)}`, range, selectionRange: model.lines.range(d.name.span) };
    case "ExampleDecl":
      return {
        name: d.title.kind === "StringLit" ? d.title.value : "example",
        kind: "example",
        detail: "example",
        range,
        selectionRange: model.lines.range(d.title.span),
      };
  }
}

export interface WorkspaceSymbol {
  name: string;
  kind: SymbolKind;
  path: string;
  range: Range;
  container?: string;
}

/**
 * Fields, criteria, scores and stages declared in any of the given compilations' files whose
 * name matches `query` (case-insensitive, characters in order), each once.
 */
export function workspaceSymbols(results: CompileResult[], query: string, limit = 500): WorkspaceSymbol[] {
  const q = query.toLowerCase();
  const seen = new Set<string>();
  const out: WorkspaceSymbol[] = [];
  for (const r of results) {
    for (const model of r.analysis.files.values()) {
      for (const s of [...model.ownFields, ...model.ownDecls]) {
        const id = `${s.file}\0${s.kind}\0${s.name}`;
        if (seen.has(id) || !fuzzy(s.name.toLowerCase(), q)) continue;
        seen.add(id);
        out.push({ name: s.name, kind: s.kind, path: s.file, range: model.lines.range(declarationSpan(s)), container: baseName(s.file) });
        if (out.length >= limit) return out;
      }
    }
  }
  return out;
}

function fuzzy(name: string, q: string): boolean {
  let i = 0;
  for (const ch of name) if (ch === q[i]) i++;
  return i >= q.length;
}
