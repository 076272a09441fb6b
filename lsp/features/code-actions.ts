import type { CompileResult } from "../../compiler/compile.js";
import { walk, type Node, type SchemaDecl } from "../../language/ast.js";
import type { Diagnostic } from "../../language/diagnostics.js";
import type { FileModel } from "../../language/model.js";
import { baseName, lineStartOf, type Span } from "../../language/source.js";
import { modelOf } from "./lookup.js";
import type { TextEdit } from "./rename.js";

export interface CodeAction {
  title: string;
  kind: "quickfix" | "source.fixAll";
  /** The diagnostics this action resolves. */
  diagnostics: Diagnostic[];
  edits: TextEdit[];
  isPreferred?: boolean;
}

function overlaps(a: Span, b: Span): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/**
 * Fixes for the diagnostics that touch `span` in the file: each diagnostic's own suggestion
 * (did-you-mean field, member, name, type, stage), "add the field to the schema" for an unknown
 * field, and a fix-all that applies every suggestion in the file.
 */
export function codeActions(result: CompileResult, span: Span, options: { path?: string; only?: string[] } = {}): CodeAction[] {
  const model = modelOf(result, options.path);
  const fileDiags = result.diagnostics.filter((d) => d.file === model.path);
  const wants = (kind: string) => !options.only || options.only.some((o) => kind === o || kind.startsWith(o + "."));
  const actions: CodeAction[] = [];
  if (wants("quickfix")) {
    for (const d of fileDiags) {
      if (!overlaps(d.span, span)) continue;
      if (d.suggestion) {
        actions.push({
          title: d.suggestion.message.replace(/^./, (c) => c.toUpperCase()),
          kind: "quickfix",
          diagnostics: [d],
          edits: [edit(model, d.suggestion.span, d.suggestion.text)],
          isPreferred: true,
        });
      }
      if (d.code === "LD1001") {
        const add = addFieldAction(result, model, d);
        if (add) actions.push(add);
      }
    }
  }
  const fixAll = fixAllAction(model, fileDiags);
  if (fixAll && (wants("source.fixAll") || (wants("quickfix") && actions.length > 0 && fixAll.diagnostics.length > 1))) actions.push(fixAll);
  return actions;
}

function edit(model: FileModel, span: Span, newText: string): TextEdit {
  return { path: model.path, span, range: model.lines.range(span), newText };
}

/** Every suggestion in the file at once, skipping any that overlap an earlier one. */
export function fixAllAction(model: FileModel, diagnostics: Diagnostic[]): CodeAction | undefined {
  const chosen: Diagnostic[] = [];
  for (const d of diagnostics) {
    if (!d.suggestion || d.file !== model.path) continue;
    if (chosen.some((c) => overlaps(c.suggestion!.span, d.suggestion!.span))) continue;
    chosen.push(d);
  }
  if (chosen.length === 0) return undefined;
  return {
    title: `Fix all in this file (${chosen.length} suggestion${chosen.length === 1 ? "" : "s"})`,
    kind: "source.fixAll",
    diagnostics: chosen,
    edits: chosen.map((d) => edit(model, d.suggestion!.span, d.suggestion!.text)),
  };
}

/**
 * "Add `x.y: type` to the schema", with the type guessed from how the field is used. The field
 * goes where its siblings (same first segment: `company.*`) are declared when that is an imported
 * file; else into this file's last schema block; else into a new block after the imports.
 */
function addFieldAction(result: CompileResult, model: FileModel, d: Diagnostic): CodeAction | undefined {
  const path = model.text.slice(d.span.start, d.span.end);
  if (!/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$/.test(path)) return undefined;
  const type = guessType(model, d.span);
  const line = `${path}: ${type}`;
  const group = path.slice(0, path.indexOf(".") + 1);
  const siblings = [...model.fields.values()].filter((f) => f.name.startsWith(group));
  const home = siblings.some((f) => f.file === model.path) ? undefined : siblings[siblings.length - 1];
  const homeModel = home ? result.analysis.files.get(home.file) : undefined;
  if (home && homeModel) {
    const block = homeModel.ast.declarations.find((x) => x.kind === "SchemaDecl" && x.span.start <= home.decl.span.start && home.decl.span.end <= x.span.end);
    const insert = block?.kind === "SchemaDecl" ? insertIntoSchema(homeModel, block, line) : undefined;
    if (insert) {
      return {
        title: `Add \`${line}\` to the schema in ${baseName(homeModel.path)}`,
        kind: "quickfix",
        diagnostics: [d],
        edits: [edit(homeModel, { start: insert.at, end: insert.at }, insert.text)],
      };
    }
  }
  const schemas = model.ast.declarations.filter((x): x is SchemaDecl => x.kind === "SchemaDecl");
  const last = schemas[schemas.length - 1];
  let insert = last ? insertIntoSchema(model, last, line) : undefined;
  if (!insert) {
    const imports = model.ast.declarations.filter((x) => x.kind === "ImportDecl");
    const after = imports.length ? imports[imports.length - 1].span.end : 0;
    insert = after > 0 ? { at: after, text: `\n\nschema {\n  ${line}\n}` } : { at: 0, text: `schema {\n  ${line}\n}\n\n` };
  }
  return {
    title: `Add \`${line}\` to the schema`,
    kind: "quickfix",
    diagnostics: [d],
    edits: [edit(model, { start: insert.at, end: insert.at }, insert.text)],
  };
}

/** Where and what to insert to add `line` as the last field of `block`, indented like its fields; undefined for a block without its `}`. */
function insertIntoSchema(model: FileModel, block: SchemaDecl, line: string): { at: number; text: string } | undefined {
  if (model.text[block.span.end - 1] !== "}") return undefined;
  const brace = block.span.end - 1;
  const lineStart = lineStartOf(model.text, brace);
  const before = block.fields[0] ? model.text.slice(lineStartOf(model.text, block.fields[0].span.start), block.fields[0].span.start) : "";
  const indent = before && /^[ \t]+$/.test(before) ? before : "  ";
  return model.text.slice(lineStart, brace).trim() === ""
    ? { at: lineStart, text: `${indent}${line}\n` }
    : { at: brace, text: `\n${indent}${line}\n` };
}

function literalType(n: Node | undefined): string | undefined {
  switch (n?.kind) {
    case "NumberLit": return Number.isInteger(n.value) ? "integer" : "number";
    case "StringLit": return "string";
    case "DateLit": return "date";
    case "BoolLit": return "boolean";
    default: return undefined;
  }
}

/** A type for an unknown field from its surroundings: the literal it is compared with, and so on. */
export function guessType(model: FileModel, span: Span): string {
  let found: { node: Node; parent: Node | undefined } | undefined;
  for (const decl of model.ast.declarations) {
    walk(decl, (n, parent) => {
      if (!found && (n.kind === "Ref" || n.kind === "ExampleAssign") && (n.kind === "Ref" ? n.path.span : n.path.span).start === span.start) {
        found = { node: n, parent };
      }
    });
    if (found) break;
  }
  if (!found) return "string";
  const { node, parent } = found;
  if (node.kind === "ExampleAssign") {
    const v = node.value;
    if (v.kind === "Ref") return `enum(${v.path.text})`;
    if (v.kind === "ListLit") return "list(string)";
    return literalType(v) ?? "string";
  }
  switch (parent?.kind) {
    case "Binary": {
      if (parent.op === "contains" || parent.op === "starts with" || parent.op === "ends with") return "string";
      if (parent.op === "and" || parent.op === "or") return "boolean";
      if (["+", "-", "*", "/"].includes(parent.op)) return "number";
      const other = parent.left === node ? parent.right : parent.left;
      if (other.kind === "Ref" && other.path.segments.length === 1 && !model.names.has(other.path.text)) return `enum(${other.path.text})`;
      if (other.kind === "Call") return "integer";
      return literalType(other) ?? "number";
    }
    case "InList": {
      if (parent.list.kind !== "ListLit") return "string";
      const items = parent.list.items;
      if (items.length && items.every((i) => i.kind === "Ref" && i.path.segments.length === 1)) {
        return `enum(${items.map((i) => (i.kind === "Ref" ? i.path.text : "")).join(", ")})`;
      }
      return literalType(items[0]) ?? "string";
    }
    case "Call": return "date";
    case "PresenceTest": return "string";
    default: return "boolean";
  }
}
