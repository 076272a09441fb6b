/**
 * Why a value or a row was refused, as data. Readers, the CSV fast scanner and the DuckDB
 * engine produce these codes; `reasonText` is the one place they become English (the rejects
 * file, the CLI, the error a generated module throws).
 */
import { BOOLEAN_WORDS } from "./spellings.js";

export type Reason =
  | { code: "not-a-number"; value: string }
  | { code: "not-a-whole-number"; value: string }
  | { code: "not-a-date"; value: string; layout?: string }
  | { code: "not-a-boolean"; value: string }
  | { code: "not-a-member"; value: string; members: readonly string[] }
  | { code: "not-a-string"; value: string }
  | { code: "not-a-list"; value: string }
  | { code: "list-item-not-a-string"; value: string }
  | { code: "required-missing" }
  | { code: "row-width"; cells: number; width: number }
  | { code: "unreadable-csv"; detail: string }
  | { code: "not-json"; detail: string }
  | { code: "not-an-object" }
  | { code: "invalid-utf8" }
  | { code: "bad-events"; detail: string };

export type ReasonCode = Reason["code"];

/**
 * English for a reason. Self-contained (no imports, no outer names but BOOLEAN_WORDS, which the
 * module writer copies too): `leaddef build --target js` copies its source into the module.
 */
export function reasonText(r: Reason): string {
  switch (r.code) {
    case "not-a-number": return `\`${r.value}\` is not a number`;
    case "not-a-whole-number": return `\`${r.value}\` is not a whole number`;
    case "not-a-date": return `\`${r.value}\` is not a date (${r.layout ? `${r.layout} or ` : ""}YYYY-MM-DD)`;
    case "not-a-boolean": return `\`${r.value}\` is not ${BOOLEAN_WORDS.map((w) => w[0]).join("/")}`;
    case "not-a-member": {
      const m = r.members;
      return `\`${r.value}\` is not one of ${m.length > 6 ? `${m.slice(0, 6).join(", ")}, …` : m.join(", ")}`;
    }
    case "not-a-string": return `\`${r.value}\` is not a string`;
    case "not-a-list": return `\`${r.value}\` is not a list of strings`;
    case "list-item-not-a-string": return `${r.value} is not a list of strings`;
    case "required-missing": return "required field is missing";
    case "row-width": return `row has ${r.cells} values, the header has ${r.width}`;
    case "unreadable-csv": return `not readable as CSV: ${r.detail}`;
    case "not-json": return `not valid JSON: ${r.detail}`;
    case "not-an-object": return "a line must be a JSON object";
    case "invalid-utf8": return "not valid UTF-8 (the bytes shown as \uFFFD)";
    case "bad-events": return r.detail;
  }
}

/** The error a reader throws: its message is the English, `reason` the data. Self-contained like reasonText. */
export function readFailure(reason: Reason): Error {
  const e = new Error(reasonText(reason)) as Error & { reason: Reason };
  e.reason = reason;
  return e;
}

/** A value as a reason shows it: text as written, anything else as JSON. */
export function shownValue(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v) ?? String(v);
}
