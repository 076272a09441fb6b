import type { CompileResult } from "../../compiler/compile.js";
import type { Resolution } from "../../language/model.js";
import { baseName, type Range, type Span } from "../../language/source.js";
import { isKeyword } from "../../language/tokens.js";
import { occurrencesOf } from "./definition.js";
import { modelOf, occurrenceAt, resolutionKey, tokenAt } from "./lookup.js";

export interface PrepareRenameResult {
  range: Range;
  placeholder: string;
}

export interface TextEdit {
  path: string;
  span: Span;
  range: Range;
  newText: string;
}

/** Either the edits or a message saying why the rename is refused. */
export type RenameResult = { edits: TextEdit[] } | { error: string };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$/;

/** What can be renamed at `offset`: the name's range and current text, or why not. */
export function prepareRename(result: CompileResult, offset: number, path?: string): PrepareRenameResult | { error: string } {
  const model = modelOf(result, path);
  const occ = occurrenceAt(model, offset);
  if (!occ) {
    const token = tokenAt(model.tokens, offset);
    if (token && isKeyword(token.image)) return { error: `\`${token.image}\` is a keyword and cannot be renamed` };
    return { error: "there is no criterion, score, stage, field or enum member here to rename" };
  }
  return { range: model.lines.range(occ.node.span), placeholder: model.text.slice(occ.node.span.start, occ.node.span.end) };
}

/**
 * Renames the declaration of the name under `offset` and every use of it, in the entry file, the
 * files it imports and the `others` (compilations of other workspace files). Refuses a keyword,
 * an invalid name, or a name that is already taken.
 */
export function rename(result: CompileResult, offset: number, newName: string, options: { path?: string; others?: CompileResult[] } = {}): RenameResult {
  const model = modelOf(result, options.path);
  const occ = occurrenceAt(model, offset);
  if (!occ) {
    const p = prepareRename(result, offset, options.path);
    return { error: "error" in p ? p.error : "nothing to rename here" };
  }
  const r = occ.resolution;
  newName = newName.trim();
  const all = [result, ...(options.others ?? [])];
  const problem = validate(r, newName, all);
  if (problem) return { error: problem };
  const key = resolutionKey(r);
  // No key, no way to tell this name's uses from others': refuse rather than rename them all.
  if (key === undefined) return { error: `\`${r.kind === "member" ? r.member : r.symbol.name}\` cannot be renamed here` };
  const edits = new Map<string, TextEdit>();
  for (const res of all) {
    for (const file of res.analysis.files.values()) {
      for (const o of occurrencesOf(file, key)) {
        const id = `${file.path}:${o.span.start}`;
        if (!edits.has(id)) edits.set(id, { path: file.path, span: o.span, range: file.lines.range(o.span), newText: newName });
      }
    }
  }
  return { edits: [...edits.values()].sort((a, b) => (a.path !== b.path ? (a.path < b.path ? -1 : 1) : a.span.start - b.span.start)) };
}

function validate(r: Resolution, newName: string, all: CompileResult[]): string | undefined {
  const current = r.kind === "member" ? r.member : r.symbol.name;
  if (newName === current) return undefined;
  if (r.kind === "member") {
    if (!NAME.test(newName)) return `\`${newName}\` is not a valid enum member: use letters, digits and \`_\``;
    if (isKeyword(newName)) return `\`${newName}\` is a keyword and cannot be an enum member`;
    if (r.enumType.members.includes(newName)) return `\`${newName}\` is already ${r.enumType.grade ? `a letter of \`${r.enumType.field}\`` : `a member of ${r.field ? `\`${r.field.name}\`` : "this enum"}`}`;
    return undefined;
  }
  const symbol = r.symbol;
  if (symbol.kind === "field" && symbol.stream !== undefined) {
    // An event field: one name or a path, unique among its stream's fields.
    if (!NAME.test(newName) && !PATH.test(newName)) return `\`${newName}\` is not a valid field name: use letters, digits and \`_\``;
    if (isKeyword(newName.split(".")[0])) return `\`${newName.split(".")[0]}\` is a keyword and cannot begin a field name`;
    if (newName === "occurred" || symbol.name === "occurred") return "`occurred` is the date every event stream needs: it cannot be renamed or taken";
    for (const res of all) {
      const stream = res.analysis.entry.names.get(symbol.stream);
      if (stream?.kind === "stream" && stream.fields.has(newName)) return `\`${newName}\` is already a field of \`${symbol.stream}\``;
    }
    return undefined;
  }
  if (symbol.kind === "field") {
    if (!PATH.test(newName)) return `\`${newName}\` is not a field path: write names joined by dots, e.g. \`company.industry\``;
    const root = newName.split(".")[0];
    if (isKeyword(root)) return `\`${root}\` is a keyword and cannot begin a field path`;
  } else {
    if (isKeyword(newName)) return `\`${newName}\` is a keyword and cannot name a ${symbol.kind}`;
    if (!NAME.test(newName)) return `\`${newName}\` is not a valid ${symbol.kind} name: use letters, digits and \`_\`, starting with a letter`;
  }
  for (const res of all) {
    for (const file of res.analysis.files.values()) {
      // Only scopes that can see the renamed symbol matter.
      const sees = symbol.kind === "field" ? file.fields.get(symbol.name)?.file === symbol.file : file.names.get(symbol.name)?.file === symbol.file;
      if (!sees) continue;
      const field = file.fields.get(newName);
      if (field) return `\`${newName}\` is already declared as a field${where(field.file, file.path)}`;
      const decl = file.names.get(newName);
      if (decl) return `\`${newName}\` is already declared as a ${decl.kind}${where(decl.file, file.path)}`;
    }
  }
  return undefined;
}

function where(declFile: string, inFile: string): string {
  return declFile === inFile ? "" : ` in \`${baseName(declFile)}\``;
}
