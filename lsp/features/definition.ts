import { argText } from "../../language/ast.js";
import type { CompileResult } from "../../compiler/compile.js";
import type { FileModel, Occurrence, Resolution } from "../../language/model.js";
import type { Span } from "../../language/source.js";
import { declarationSpan, locationIn, modelOf, occurrenceAt, resolutionKey, type Location } from "./lookup.js";

/** Where the name under `offset` is declared. */
export function definition(result: CompileResult, offset: number, path?: string): Location | undefined {
  const model = modelOf(result, path);
  const occ = occurrenceAt(model, offset);
  if (!occ) return undefined;
  return declarationOf(result, occ.resolution);
}

export function declarationOf(result: CompileResult, r: Resolution): Location | undefined {
  if (r.kind === "member") {
    const field = r.field;
    if (!field) return gradeLetterLocation(result, r.enumType.field, r.member);
    if (field.decl.type.kind !== "TypeRef") return undefined;
    const arg = field.decl.type.args.find((a) => argText(a) === r.member);
    const model = result.analysis.files.get(field.file);
    return arg && model ? locationIn(model, arg.span) : undefined;
  }
  const model = result.analysis.files.get(r.symbol.file);
  return model ? locationIn(model, declarationSpan(r.symbol)) : undefined;
}

/** A grade's letter: where the grade's line (or `else`) that gives it is written. */
function gradeLetterLocation(result: CompileResult, gradeName: string, letter: string): Location | undefined {
  for (const model of result.analysis.files.values()) {
    const grade = model.names.get(gradeName);
    if (grade?.kind !== "grade") continue;
    const line = [...grade.decl.lines, ...grade.decl.otherwise].find((l) => l.letter.text === letter);
    const home = result.analysis.files.get(grade.file);
    return line && home ? locationIn(home, line.letter.span) : undefined;
  }
  return undefined;
}

/** Every occurrence in `model` (declarations included) that resolves to `key`, as spans. */
export function occurrencesOf(model: FileModel, key: string): { span: Span; declaration: boolean; occurrence: Occurrence }[] {
  const out: { span: Span; declaration: boolean; occurrence: Occurrence }[] = [];
  for (const occ of model.occurrences.values()) {
    if (resolutionKey(occ.resolution) !== key) continue;
    out.push({ span: occ.node.span, declaration: occ.resolution.kind === "symbol" && occ.resolution.declaration, occurrence: occ });
  }
  // Enum members are declared in the schema's (or an event stream's) `enum(...)`, which the occurrence table does not hold.
  const streamFields = [...model.names.values()].flatMap((s) => (s.kind === "stream" && s.file === model.path ? [...s.fields.values()] : []));
  for (const field of [...model.ownFields, ...streamFields]) {
    if (field.decl.type.kind !== "TypeRef" || field.type.kind !== "enum") continue;
    for (const arg of field.decl.type.args) {
      // Members written as strings are found by definition but not renamed in place: a rename would have to requote them.
      if (arg.kind !== "Name") continue;
      if (resolutionKey({ kind: "member", field, enumType: field.type, member: arg.text }) === key) {
        out.push({ span: arg.span, declaration: true, occurrence: { node: arg, resolution: { kind: "member", field, enumType: field.type, member: arg.text } } });
      }
    }
  }
  return out;
}

/**
 * Every place the name under `offset` is used, across `others` as well: compilations of other
 * workspace files, which see a shared declaration through their own imports. Each location is
 * listed once, sorted by file and position.
 */
export function references(
  result: CompileResult,
  offset: number,
  options: { path?: string; includeDeclaration?: boolean; others?: CompileResult[] } = {},
): Location[] {
  const model = modelOf(result, options.path);
  const occ = occurrenceAt(model, offset);
  if (!occ) return [];
  const key = resolutionKey(occ.resolution);
  if (!key) return [];
  const seen = new Map<string, Location>();
  for (const r of [result, ...(options.others ?? [])]) {
    for (const file of r.analysis.files.values()) {
      for (const o of occurrencesOf(file, key)) {
        if (o.declaration && options.includeDeclaration === false) continue;
        const id = `${file.path}:${o.span.start}:${o.span.end}`;
        if (!seen.has(id)) seen.set(id, locationIn(file, o.span));
      }
    }
  }
  return [...seen.values()].sort((a, b) => (a.path !== b.path ? (a.path < b.path ? -1 : 1) : a.span.start - b.span.start));
}
