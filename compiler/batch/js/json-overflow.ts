import type { IrField } from "../../ir.js";
import type { Reject } from "../reject.js";

/**
 * JSON numbers too large for a double (`1e400`) parse to ±Infinity, which `JSON.stringify`
 * shows as `null`. A reject for such a value (its shown value is then exactly `null`, since a
 * JSON `null` is a missing value, never a reject) is restated with the number as written in the
 * line, as the DuckDB engine shows it: value `1e400`, reason "`1e400` is not a number".
 */
export function withNumberAsWritten(reject: Reject, lineText: string, fields: readonly IrField[]): Reject {
  if (!reject.problems.some((p) => p.value === "null")) return reject;
  let doc: unknown;
  try {
    doc = JSON.parse(numbersAsStrings(lineText));
  } catch {
    return reject;
  }
  const problems = reject.problems.map((p) => {
    const field = p.value === "null" ? fields.find((f) => f.path === p.field) : undefined;
    const written = field ? valueAt(doc, field) : undefined;
    if (typeof written !== "string" || !("value" in p.reason)) return p;
    return { ...p, value: written, reason: { ...p.reason, value: written } };
  });
  return { ...reject, problems };
}

/** The JSON text with every number literal quoted, so that parsing keeps its spelling. */
function numbersAsStrings(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g, (token) => (token.startsWith('"') ? token : `"${token}"`));
}

/** The field's value as JsonBinder finds it: the nested path, else the flat dotted key. */
function valueAt(doc: unknown, field: IrField): unknown {
  let v: unknown = doc;
  for (const s of field.segments) {
    v = v !== null && typeof v === "object" && Object.prototype.hasOwnProperty.call(v, s) ? (v as Record<string, unknown>)[s] : undefined;
  }
  if (v !== undefined && v !== null) return v;
  return doc !== null && typeof doc === "object" && Object.prototype.hasOwnProperty.call(doc, field.path) ? (doc as Record<string, unknown>)[field.path] : undefined;
}
