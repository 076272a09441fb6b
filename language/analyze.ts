import type * as A from "./ast.js";
import { EditSession } from "./check-cache.js";
import { FileChecker } from "./checker.js";
import { codeList, compareDiagnostics, diagnostic, helpText, message } from "./diagnostics.js";
import { checkReferenceCycles, lintFile, lintUnusedImports } from "./lint.js";
import type { Analysis, CompilerHost, FileModel, LeaddefSymbol } from "./model.js";
import { importRefusal, refusalText } from "./import-rule.js";
import { parseFile } from "./parse.js";
import { baseName, LineIndex } from "./source.js";

/**
 * Node ids for editing hosts: one counter for the process that never goes back, because trees
 * moved in place from one version to the next keep their ids (so new nodes must never reuse one).
 */
const editingIds = { value: 1 };

function newModel(path: string, text: string, ids: { value: number }, editing = false): FileModel {
  const parsed = parseFile(path, text, ids, { inPlace: editing });
  return {
    path,
    text,
    ast: parsed.ast,
    lines: new LineIndex(text),
    comments: parsed.comments,
    tokens: parsed.tokens,
    imports: new Map(),
    fields: new Map(),
    names: new Map(),
    ownFields: [],
    ownDecls: [],
    stages: [],
    disqualifications: [],
    examples: [],
    types: new Map(),
    occurrences: new Map(),
    diagnostics: parsed.diagnostics,
  };
}

/**
 * Parses and checks `entryPath` and every file it imports. All reading goes through `host`, so
 * the language server can serve unsaved editor text. Never throws on user input.
 */
export function analyze(entryPath: string, host: CompilerHost): Analysis {
  const files = new Map<string, FileModel>();
  const ids = host.editing ? editingIds : { value: 1 };
  const loading: string[] = [];
  const projectRoot = host.projectRoot?.(entryPath);

  const load = (path: string): FileModel | undefined => {
    const done = files.get(path);
    if (done) return done;
    const text = host.readFile(path);
    if (text === undefined) return undefined;
    const model = newModel(path, text, ids, host.editing);
    files.set(path, model);
    loading.push(path);
    const imported: FileModel[] = [];
    for (const decl of model.ast.declarations) {
      if (decl.kind !== "ImportDecl" || decl.path.kind !== "StringLit") continue;
      const target = host.resolveImport(path, decl.path.value);
      const refusal = importRefusal(target, host.describe?.(target), projectRoot);
      if (refusal !== undefined && refusal !== "missing") {
        const { message, help } = refusalText(decl.path.value, refusal, projectRoot);
        model.diagnostics.push(diagnostic(path, decl.path.span, message, { help }));
        model.imports.set(decl.id, undefined);
        continue;
      }
      if (loading.includes(target)) {
        const cycle = codeList([...loading.slice(loading.indexOf(target)), target].map(baseName), " → ");
        model.diagnostics.push(diagnostic(path, decl.span, message("importCycle", { cycle }), { help: helpText("moveShared") }));
        model.imports.set(decl.id, undefined);
        continue;
      }
      const child = load(target);
      model.imports.set(decl.id, child ? target : undefined);
      if (!child) {
        model.diagnostics.push(diagnostic(path, decl.path.span, message("importNotFound", { path: decl.path.value }), { help: helpText("lookedFor", { target }) }));
        continue;
      }
      imported.push(child);
      importScope(model, child, decl);
    }
    loading.pop();
    const checker = new FileChecker(model, host.editing ? new EditSession(model) : undefined);
    checker.declareOwn();
    checker.checkBodies();
    return model;
  };

  let entry = load(entryPath);
  if (!entry) {
    entry = newModel(entryPath, "", ids);
    entry.diagnostics.push(diagnostic(entryPath, { start: 0, end: 0 }, message("cannotRead", { path: entryPath })));
    files.set(entryPath, entry);
  }
  // The lints follow references recursively; past the depth limit (an error anyway) they are skipped.
  if (checkReferenceCycles(files)) {
    const used = usedSymbols(files);
    for (const model of files.values()) {
      lintFile(model, used);
      lintUnusedImports(model, files);
    }
  }

  const diagnostics = [...files.values()].flatMap((m) => {
    for (const d of m.diagnostics) {
      d.range = m.lines.range(d.span);
      if (d.suggestion) d.suggestion.range = m.lines.range(d.suggestion.span);
    }
    return m.diagnostics;
  });
  diagnostics.sort(compareDiagnostics);
  return { entry, files, diagnostics, hasErrors: diagnostics.some((d) => d.severity === "error") };
}

/** Brings an imported file's schema, criteria and scores (not its stages) into `model`'s scope. */
function importScope(model: FileModel, child: FileModel, decl: A.ImportDecl): void {
  for (const [name, field] of child.fields) {
    const existing = model.fields.get(name);
    if (existing && existing !== field) {
      model.diagnostics.push(diagnostic(model.path, decl.span, message("importedFieldClash", { field: name, file: baseName(child.path), other: baseName(existing.file) })));
      continue;
    }
    model.fields.set(name, field);
  }
  for (const [name, symbol] of child.names) {
    if (symbol.kind === "stage") continue;
    const existing = model.names.get(name);
    if (existing && existing !== symbol) {
      model.diagnostics.push(diagnostic(model.path, decl.span, message("importedNameClash", { name, file: baseName(child.path), other: baseName(existing.file) })));
      continue;
    }
    model.names.set(name, symbol);
  }
}

function usedSymbols(files: Map<string, FileModel>): Set<LeaddefSymbol> {
  const used = new Set<LeaddefSymbol>();
  for (const model of files.values()) {
    for (const { resolution } of model.occurrences.values()) {
      if (resolution.kind === "symbol" && !resolution.declaration) used.add(resolution.symbol);
    }
  }
  return used;
}
