import { format } from "../../language/formatter.js";
import { LineIndex, type Range, type Span } from "../../language/source.js";

export interface FormatEdit {
  span: Span;
  range: Range;
  newText: string;
}

/**
 * The formatter's output as one minimal edit (common leading and trailing text left alone, so
 * the editor keeps the cursor and folds), or none when the text is already formatted or cannot
 * be formatted (syntax errors: the formatter never half-formats).
 */
export function formatDocument(text: string): { edits: FormatEdit[]; error?: string } {
  const out = format(text);
  if (out.error) return { edits: [], error: out.error };
  if (!out.changed || out.text === text) return { edits: [] };
  return { edits: [minimalEdit(text, out.text)] };
}

/**
 * Range formatting: the document's formatting edit when it lies within `range`'s lines,
 * otherwise the formatted text of just those whole lines is not well-defined, so nothing.
 */
export function formatRange(text: string, range: Range): { edits: FormatEdit[]; error?: string } {
  const whole = formatDocument(text);
  if (whole.edits.length === 0) return whole;
  const e = whole.edits[0];
  if (e.range.start.line >= range.start.line && e.range.end.line <= range.end.line) return whole;
  return { edits: [] };
}

export function minimalEdit(before: string, after: string): FormatEdit {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endB = before.length;
  let endA = after.length;
  while (endB > start && endA > start && before.charCodeAt(endB - 1) === after.charCodeAt(endA - 1)) {
    endB--;
    endA--;
  }
  const lines = new LineIndex(before);
  const span = { start, end: endB };
  return { span, range: lines.range(span), newText: after.slice(start, endA) };
}
