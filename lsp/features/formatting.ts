import { format } from "../../language/formatter.js";
import { parseFile } from "../../language/parse.js";
import { LineIndex, lineEndOf, lineStartOf, type Range, type Span } from "../../language/source.js";

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
 * Range formatting: formats the declarations that have a line in `range` (each whole, with the rest
 * of its last line when that is only a comment) and leaves everything else as it is. The
 * formatter works on whole files, so the file is formatted and the same declarations are cut
 * from both texts: the formatter keeps every declaration, in order, so the i-th declaration of
 * the output is the i-th of the input. Nothing when the range touches no declaration, when the
 * file cannot be formatted (syntax errors), or when the declarations do not line up.
 */
export function formatRange(text: string, range: Range): { edits: FormatEdit[]; error?: string } {
  const out = format(text);
  if (out.error) return { edits: [], error: out.error };
  if (!out.changed || out.text === text) return { edits: [] };
  const lines = new LineIndex(text);
  // Whole lines: a selection that ends at the start of a line does not take that line.
  const fromLine = range.start.line;
  const toLine = Math.max(fromLine, range.end.character === 0 && range.end.line > fromLine ? range.end.line - 1 : range.end.line);
  const from = lines.offset({ line: fromLine, character: 0 });
  const to = lines.offset({ line: toLine, character: Number.MAX_SAFE_INTEGER });
  const before = parseFile("range-format", text).ast.declarations;
  const after = parseFile("range-format", out.text).ast.declarations;
  if (before.length !== after.length || before.some((d, i) => d.kind !== after[i].kind)) return { edits: [] };
  // Declarations with a line in the range.
  const hit = before.map((d, i) => (d.span.start <= to && from <= d.span.end ? i : -1)).filter((i) => i >= 0);
  if (hit.length === 0) return { edits: [] };
  const first = hit[0];
  const last = hit[hit.length - 1];
  const oldSpan = wholeLines(text, before[first].span.start, before[last].span.end);
  const newSpan = wholeLines(out.text, after[first].span.start, after[last].span.end);
  const oldText = text.slice(oldSpan.start, oldSpan.end);
  const newText = out.text.slice(newSpan.start, newSpan.end);
  if (oldText === newText) return { edits: [] };
  const e = minimalEdit(oldText, newText);
  const span = { start: oldSpan.start + e.span.start, end: oldSpan.start + e.span.end };
  return { edits: [{ span, range: lines.range(span), newText: e.newText }] };
}

/**
 * Widens [start, end) to the start of its first line when only blanks precede it there, and to
 * the end of its last line when only blanks and a comment follow it there.
 */
function wholeLines(text: string, start: number, end: number): Span {
  const lineStart = lineStartOf(text, start);
  if (/^[ \t]*$/.test(text.slice(lineStart, start))) start = lineStart;
  const lineEnd = lineEndOf(text, end);
  if (/^[ \t]*(#.*)?$/.test(text.slice(end, lineEnd))) end = lineEnd;
  return { start, end };
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
