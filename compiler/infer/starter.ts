/**
 * The text of a starter definition for `leaddef init`: a schema with one field per column
 * (`lead.<name>: <type>[?] from "<Header>"`, a doc comment of sample values above each) and a
 * commented stage skeleton. Header text and values are data: they only ever appear escaped inside
 * string literals or in comments cut to one line, so no header can break the file.
 */

import { isKeyword } from "../../language/tokens.js";
import type { InferredColumn, InferredType } from "./column-types.js";

export interface StarterInput {
  /** The file name shown in the header comment. */
  source: string;
  columns: readonly InferredColumn[];
  paths: readonly string[];
  rows: number;
  truncated: boolean;
  /** A note about how to run on this file (e.g. decimal commas), written as a comment. */
  runNote?: string;
}

/** A leaddef string literal for any text: `\` `"` newline and tab escaped. */
export function stringLiteral(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\t/g, "\\t").replace(/\r/g, "")}"`;
}

/** True when an enum member can be written bare: a name that is not a keyword. */
export function isBareMember(text: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(text) && !isKeyword(text);
}

/** A member as written in `enum(...)` and in conditions: bare when it can be, else a string. */
export function memberText(member: string): string {
  return isBareMember(member) ? member : stringLiteral(member);
}

/** The declared type, e.g. `date("M/D/YYYY")`, `enum(lead, customer, ...)`. */
export function typeText(type: InferredType): string {
  switch (type.kind) {
    case "date":
      return type.layout ? `date(${stringLiteral(type.layout)})` : "date";
    case "enum":
      return `enum(${[...type.members.map(memberText), ...(type.open ? ["..."] : [])].join(", ")})`;
    case "list":
      return "list(string)";
    default:
      return type.kind;
  }
}

/** Text safe inside a `#` comment: one line, control characters shown as spaces, cut short. */
function commentText(text: string, max = 40): string {
  const line = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, " ");
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function docComment(column: InferredColumn): string {
  if (column.samples.length === 0) return "# Always blank in the sample.";
  const values = column.samples.map((s) => commentText(s)).join(" | ");
  return `# e.g. ${values}`;
}

/** The commented mql/sal/sql skeleton, using the starter's own fields where it can. */
function stageSkeleton(columns: readonly InferredColumn[], paths: readonly string[]): string[] {
  const find = (test: (c: InferredColumn) => boolean) => {
    const i = columns.findIndex(test);
    return i < 0 ? undefined : { column: columns[i], path: paths[i] };
  };
  const score = find((c) => (c.type.kind === "integer" || c.type.kind === "number") && /score/i.test(c.header));
  const status =
    find((c) => c.type.kind === "enum" && /status/i.test(c.header)) ??
    find((c) => c.type.kind === "enum" && /stage|rating/i.test(c.header)) ??
    find((c) => c.type.kind === "enum");
  const date = find((c) => c.type.kind === "date" && /activity|last/i.test(c.header)) ?? find((c) => c.type.kind === "date");
  const mql = score ? `${score.path} >= 50` : "true";
  const members = status?.column.type.kind === "enum" ? status.column.type.members : [];
  const statusMember = members.find((m) => /working|progress|connected|qualified/i.test(m)) ?? members[members.length > 1 ? 1 : 0];
  const sal = status && statusMember !== undefined ? `mql and ${status.path} = ${memberText(statusMember)}` : "mql";
  const sql = date ? `sal and days_since(${date.path}) <= 30` : "sal";
  return [
    "# Stages, lowest first. Uncomment them and write the conditions your teams agreed on, e.g.:",
    `# mql when ${mql}`,
    `# sal when ${sal}`,
    `# sql when ${sql}`,
  ];
}

/** The whole starter definition (ends with a newline). */
export function renderStarter(input: StarterInput): string {
  const { columns, paths } = input;
  const lines: string[] = [
    `# Starter definition written by \`leaddef init\` from ${commentText(input.source, 120)}`,
    `# (${input.rows} sampled row${input.rows === 1 ? "" : "s"}${input.truncated ? ", the file has more" : ""}).`,
    "# Each field reads the column named after `from` (or by its path); `?` marks blanks in the sample.",
    "# An enum ending in `...` is open: values the sample did not show are accepted too.",
    "# Check the types, rename the paths as you like, then write criteria and stages.",
  ];
  if (input.runNote) lines.push(`# ${commentText(input.runNote, 200)}`);
  lines.push("", "schema {");
  columns.forEach((column, i) => {
    lines.push(`  ${docComment(column)}`);
    if (column.strays.length > 0) {
      const shown = column.strays.slice(0, 3).map((v) => commentText(v, 20)).join(" | ");
      lines.push(`  # (a few sampled values do not read as ${column.type.kind} and will be rejected: ${shown})`);
    }
    const from = paths[i] === column.header ? "" : ` from ${stringLiteral(column.header)}`;
    lines.push(`  ${paths[i]}: ${typeText(column.type)}${column.optional ? "?" : ""}${from}`);
  });
  lines.push("}", "", ...stageSkeleton(columns, paths));
  return lines.join("\n") + "\n";
}
