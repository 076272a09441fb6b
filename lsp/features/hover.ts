import type { CompileResult } from "../../compiler/compile.js";
import type { FileModel, LeaddefSymbol, Resolution } from "../../language/model.js";
import { baseName, type Range } from "../../language/source.js";
import { docOf } from "../../language/docs.js";
import { typeSource } from "../../language/types.js";
import { modelOf, occurrenceAt, tokenAt } from "./lookup.js";

export interface HoverResult {
  /** Markdown. */
  markdown: string;
  range: Range;
}

/** Help for keywords and the built-in function, shown on hover. */
export const KEYWORD_HELP: Record<string, string> = {
  days_since: "`days_since(date)` — whole days from `date` to the as-of date (positive when the date is in the past). Missing when the date is missing.",
  at: "`at least N of [c1, c2, ...]` — true when N or more of the conditions hold (\"4 of the 5 qualification criteria\").",
  least: "`at least N of [c1, c2, ...]` — true when N or more of the conditions hold (\"4 of the 5 qualification criteria\").",
  contains: "`x contains \"text\"` — on a string: a case-insensitive substring test; on a `list(string)`: exact membership. False when `x` is missing.",
  starts: "`x starts with \"prefix\"` — a case-insensitive prefix test on strings (e.g. NAICS code families). False when `x` is missing.",
  with: "`x starts with \"prefix\"` / `x ends with \"suffix\"` — a case-insensitive prefix or suffix test on strings. False when `x` is missing.",
  ends: "`x ends with \"suffix\"` — a case-insensitive suffix test on strings (e.g. an e-mail domain: `contact.email ends with \"@competitor.com\"`). False when `x` is missing.",
  is: "`field is missing` / `field is present` — whether the lead has a value for the field.",
  missing: "`field is missing` — true when the lead has no value for the field. Any comparison with a missing value is false.",
  present: "`field is present` — true when the lead has a value for the field.",
  in: "`x in [a, b, c]` — true when `x` equals one of the listed values; `not in` negates. False when `x` is missing.",
  not: "`not c` — true when `c` is false. A comparison with a missing value is false, so `not (x > 5)` is true when `x` is missing.",
  and: "`a and b` — both conditions hold.",
  or: "`a or b` — at least one condition holds.",
  when: "`NAME when CONDITION` — the condition of a criterion, a stage or a score line.",
  criterion: "`criterion NAME when CONDITION` — a named, reusable condition.",
  score: "`score NAME { +N when CONDITION ... cap N floor N }` — the sum of the weights whose conditions hold, clamped to [floor, cap].",
  cap: "`cap N` — the highest value the score can reach.",
  floor: "`floor N` — the lowest value the score can reach.",
  schema: "`schema { path: type ... }` — declares the lead's fields. Types: boolean, integer, number, string, date, enum(...), list(string); `?` marks a field optional.",
  param: "`param NAME = value` — a named value (number, date, string, `true`/`false` or enum member) used in conditions; `--param NAME=VALUE` on the command line tries another.",
  import: "`import \"file.leaddef\"` — brings that file's schema, criteria and scores into scope (not its stages or examples).",
  example: "`example \"title\" { field = value ... as of DATE expect ... }` — an executable test case; fields not set are missing.",
  expect: "`expect stage NAME`, `expect score NAME = N`, `expect CRITERION`, `expect not STAGE` — what an example must produce.",
  stage: "`expect stage NAME` — the lead's stage: the last declared stage whose condition holds, or `none`.",
  as: "`as of YYYY-MM-DD` — the date `days_since` counts to in this example.",
  of: "`as of YYYY-MM-DD` in an example; `at least N of [...]` in a condition.",
  none: "`none` — no stage holds.",
  else: "`else L` — in a grade: the letter of every lead no line above gives one.",
  because: "`disqualify when COND because \"text\"` — the text is the `reason` column of a lead this disqualifies.",
  grade: "`grade NAME { L when COND ... else L }` — one letter per lead, the first whose condition holds; compare it as an enum (`NAME in [A, B]`).",
  disqualify: "`disqualify when COND because \"text\"` — a lead for which COND holds has stage `disqualified`, whatever its stages say; the first that holds gives the `reason` column.",
  reason: "`expect reason \"text\"` — the example's lead is disqualified, first by the clause with this reason.",
  disqualified: "`disqualified` — the stage of a lead for which a `disqualify` holds, outside the funnel.",
  true: "the boolean `true`",
  false: "the boolean `false`",
};

/** Hover for the name, keyword or function under `offset` in `path` (default: the entry file). */
export function hover(result: CompileResult, offset: number, path?: string): HoverResult | undefined {
  const model = modelOf(result, path);
  const occ = occurrenceAt(model, offset);
  if (occ) {
    const markdown = describe(result, occ.resolution);
    if (markdown) return { markdown, range: model.lines.range(occ.node.span) };
  }
  const token = tokenAt(model.tokens, offset);
  if (!token) return undefined;
  const word = token.image;
  const prev = model.tokens[model.tokens.indexOf(token) - 1];
  // `engagement.score`: a keyword after a dot is an ordinary name segment, not the keyword.
  if (prev?.image === "." && prev.endOffset! + 1 === token.startOffset) return undefined;
  const help = KEYWORD_HELP[word];
  if (!help) return undefined;
  return { markdown: help, range: model.lines.range({ start: token.startOffset, end: token.endOffset! + 1 }) };
}

/** Markdown describing what a resolved name stands for. */
export function describe(result: CompileResult, r: Resolution): string | undefined {
  if (r.kind === "member") {
    const members = r.enumType.members;
    if (r.enumType.grade) {
      return [
        "```leaddef",
        `${r.member}  # letter ${members.indexOf(r.member) + 1} of ${members.length}`,
        "```",
        `A letter of grade \`${r.enumType.field}\`: one of ${members.map((m) => `\`${m}\``).join(", ")} (ordered as written: earlier letters rank lower).`,
      ].join("\n");
    }
    const stream = r.enumType.stream !== undefined ? ` (an event field of \`${r.enumType.stream}\`)` : "";
    const where = r.field ? ` of \`${r.field.name}\`${stream}` : r.enumType.field ? ` of \`${r.enumType.field}\`` : "";
    return [
      "```leaddef",
      `${r.member}  # member ${members.indexOf(r.member) + 1} of ${members.length}`,
      "```",
      `Member${where}: \`enum(${members.join(", ")})\` (ordered: earlier members rank lower).`,
    ].join("\n");
  }
  return describeSymbol(result, r.symbol);
}

function declaredIn(result: CompileResult, symbol: LeaddefSymbol): string {
  return symbol.file === result.analysis.entry.path ? "" : `\n\n*from \`${baseName(symbol.file)}\`*`;
}

export function describeSymbol(result: CompileResult, symbol: LeaddefSymbol): string {
  const written = docOf(symbol);
  const doc = written ? `\n\n${written}` : "";
  if (symbol.kind === "field") {
    const optional = symbol.stream !== undefined
      ? `\n\nA field of each \`${symbol.stream}\` event${symbol.optional ? ", optional: an event may lack it." : ", required: an event without it rejects its lead."}`
      : symbol.optional ? "\n\nOptional: may be missing in the data." : "\n\nRequired: a row without it is rejected.";
    const column = symbol.decl.column ? ` from ${symbol.decl.column.raw}` : "";
    const bound = symbol.decl.column ? `\n\nReads the input column (CSV) or key (JSON Lines) \`${symbol.decl.column.value}\`.` : "";
    return "```leaddef\n" + `${symbol.name}: ${typeSource(symbol.type)}${symbol.optional ? "?" : ""}${column}` + "\n```" + optional + bound + doc + declaredIn(result, symbol);
  }
  if (symbol.kind === "param") {
    const type = symbol.type.kind === "error" ? "enum member" : typeSource(symbol.type);
    return "```leaddef\n" + `param ${symbol.name} = ${symbol.written}` + "\n```\n" +
      `(parameter: ${type}; \`--param ${symbol.name}=…\` tries another value)` + doc + declaredIn(result, symbol);
  }
  const model: FileModel | undefined = result.analysis.files.get(symbol.file);
  let source = model ? model.text.slice(symbol.decl.span.start, symbol.decl.span.end) : symbol.name;
  const lines = source.split("\n");
  if (lines.length > 15) source = [...lines.slice(0, 15), "  …"].join("\n");
  const label = symbol.kind === "stage" ? `stage ${symbol.index + 1} of the funnel`
    : symbol.kind === "grade" ? `grade: one of ${symbol.letters.map((l) => `\`${l}\``).join(", ")}, the first line that holds`
    : symbol.kind;
  return "```leaddef\n" + source + "\n```\n" + `(${label})` + doc + declaredIn(result, symbol);
}
