import type { IToken } from "chevrotain";
import type { CompileResult } from "../../compiler/compile.js";
import { nodeAt, type Node } from "../../language/ast.js";
import type { FileModel, LeaddefSymbol, Occurrence, Resolution } from "../../language/model.js";
import type { Range, Span } from "../../language/source.js";

/** A place in a file: the plain-data answer of definition, references and rename. */
export interface Location {
  path: string;
  span: Span;
  range: Range;
}

/** The model of `path` in `result`, or its entry file. */
export function modelOf(result: CompileResult, path?: string): FileModel {
  return (path && result.analysis.files.get(path)) || result.analysis.entry;
}

export function locationIn(model: FileModel, span: Span): Location {
  return { path: model.path, span, range: model.lines.range(span) };
}

/** The resolved name under `offset`: the innermost node with an entry in the occurrence table. */
export function occurrenceAt(model: FileModel, offset: number): Occurrence | undefined {
  const path = nodeAt(model.ast, offset);
  for (let i = path.length - 1; i >= 0; i--) {
    const occ = model.occurrences.get(path[i].id);
    if (occ) return occ;
  }
  // An enum member as declared in the schema (`enum(a, b)`) has no occurrence entry of its own.
  const decl = enumMemberDeclAt(model, path);
  return decl;
}

function enumMemberDeclAt(model: FileModel, path: Node[]): Occurrence | undefined {
  const name = path[path.length - 1];
  const typeRef = path[path.length - 2];
  const fieldDecl = path[path.length - 3];
  if (name?.kind !== "Name" || typeRef?.kind !== "TypeRef" || fieldDecl?.kind !== "FieldDecl") return undefined;
  if (typeRef.name === name || typeRef.name.text !== "enum") return undefined;
  const field = model.fields.get(fieldDecl.path.text);
  if (!field || field.decl !== fieldDecl || field.type.kind !== "enum") return undefined;
  return { node: name, resolution: { kind: "member", field, enumType: field.type, member: name.text } };
}

/**
 * Binary search over tokens in file order: the index of one for which `place` gives 0, where
 * `place` gives a negative number for a token wholly before the wanted place and a positive one
 * for a token after it; -1 when there is none.
 */
function searchTokens(tokens: IToken[], place: (t: IToken) => number): number {
  let lo = 0;
  let hi = tokens.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const p = place(tokens[mid]);
    if (p < 0) lo = mid + 1;
    else if (p > 0) hi = mid - 1;
    else return mid;
  }
  return -1;
}

/** The token whose text contains `offset` (end inclusive), preferring the one that starts there. */
export function tokenAt(tokens: IToken[], offset: number): IToken | undefined {
  const i = searchTokens(tokens, (t) => (t.endOffset! + 1 < offset ? -1 : t.startOffset > offset ? 1 : 0));
  if (i < 0) return undefined;
  // offset lies in [start, end+1]; a token starting exactly at offset wins over one ending there
  const next = tokens[i + 1];
  return next && next.startOffset === offset ? next : tokens[i];
}

/** The token `offset` lies inside or just after (start < offset <= end+1): the word being typed at a cursor. */
export function tokenBeforeCursor(tokens: IToken[], offset: number): IToken | undefined {
  const i = searchTokens(tokens, (t) => (t.endOffset! + 1 < offset ? -1 : t.startOffset >= offset ? 1 : 0));
  return i < 0 ? undefined : tokens[i];
}

/** The span of a symbol's name at its declaration. */
export function declarationSpan(symbol: LeaddefSymbol): Span {
  return symbol.kind === "field" ? symbol.decl.path.span : symbol.decl.name.span;
}

/**
 * A key that identifies the same declaration across separate compilations (each compilation
 * parses files afresh, so symbol objects differ): its file, kind and name.
 */
export function resolutionKey(r: Resolution): string | undefined {
  // An event field is its stream's: `type` of `activity` is not the schema's `type`.
  const stream = (f: { stream?: string }) => (f.stream !== undefined ? `\0stream\0${f.stream}` : "");
  if (r.kind === "symbol") return `${r.symbol.file}\0${r.symbol.kind}\0${r.symbol.name}${r.symbol.kind === "field" ? stream(r.symbol) : ""}`;
  // A grade's letter: the grade's own enum (a grade's name is unique among a definition's names).
  if (!r.field) return r.enumType.grade ? `\0grade\0${r.enumType.field}\0${r.member}` : undefined;
  return `${r.field.file}\0member\0${r.field.name}${stream(r.field)}\0${r.member}`;
}

/** Identifier characters. */
export function isNameChar(ch: string | undefined): boolean {
  return ch !== undefined && /[A-Za-z0-9_]/.test(ch);
}
