/**
 * SQL comments that carry user text (a declaration's source, a file name). Only `--` line
 * comments are written: nothing inside one can end it except a line break, so every character
 * that any SQL lexer may take as a line break (LF, CR, NEL, LS, PS, VT, FF) splits the text into
 * separate comment lines, and every other control character becomes a space. Block-comment
 * openers and closers are then plain text, and no user text can leave the comment and become SQL.
 * Spark SQL's lexer continues a `--` comment past a line break that follows a backslash, so a
 * line that would end in `\` gets a closing ` --`.
 */

const LINE_BREAK = /\r\n|[\n\r\u0085\u2028\u2029\v\f]/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f]/g;

/** `text` as `--` comment lines, each prefixed with `indent`, joined by `\n` (no final newline). */
export function lineComments(text: string, indent = ""): string {
  return text
    .split(LINE_BREAK)
    .map((line) => line.replace(CONTROL, " ").replace(/\s+$/, "").replace(/\\$/, "\\ --"))
    .map((line) => (line ? `${indent}-- ${line}` : `${indent}--`))
    .join("\n");
}
