// Random edits of a definition's text, as an editor sends them: what the incremental tests
// (test/incremental.test.ts, test/semantic-tokens-memo.test.ts) replay against fresh compiles.

/** What a keystroke, a paste or a deletion can bring: line ends of every kind, strings cut open, bad characters. */
const SNIPPETS = [
  " ", "\n", "\r\n", "\r", "\n\n", "x", "1", "_", ".", "\"", "(", ")", "[", "]", "{", "}", ",", "=", ">=", "-", "#", "# note\n",
  "@", "\\", "ü", " and ", " or ", "not ", "criterion q when ", "score z {\n", "+3 when ", "example \"e\" {\n", "stage9 when ",
  "2026-02-30", "12abc", "\"unterminated", "expect stage ", "as of 2026-01-01\n", "in [a, b]", "}\n", "param p = 3\n",
];

/** One random edit: insert a snippet, delete a stretch, or duplicate or drop a line. */
export function edit(text: string, r: () => number): string {
  const at = Math.floor(r() * (text.length + 1));
  const op = r();
  if (op < 0.55) return text.slice(0, at) + SNIPPETS[Math.floor(r() * SNIPPETS.length)] + text.slice(at);
  if (op < 0.8) return text.slice(0, at) + text.slice(at + 1 + Math.floor(r() * 20));
  const lineStart = text.lastIndexOf("\n", at - 1) + 1;
  const lineEnd = text.indexOf("\n", at) === -1 ? text.length : text.indexOf("\n", at) + 1;
  const line = text.slice(lineStart, lineEnd);
  return op < 0.9 ? text.slice(0, lineEnd) + line + text.slice(lineEnd) : text.slice(0, lineStart) + text.slice(lineEnd);
}

/** The names a file declares at the start of a line (`criterion x`, `score y`), and its schema's field paths. */
function declaredNames(text: string): { criteria: string[]; scores: string[]; fields: { at: number; path: string; typeAt: number; typeEnd: number }[] } {
  const criteria = [...text.matchAll(/^criterion ([a-z_][a-z0-9_]*)/gm)].map((m) => m[1]);
  const scores = [...text.matchAll(/^score ([a-z_][a-z0-9_]*)/gm)].map((m) => m[1]);
  const fields = [...text.matchAll(/^(\s+)([a-z_][a-z0-9_.]*)(:\s*)([^\n#]*)/gm)]
    .filter((m) => /^(string|integer|number|boolean|date|enum|list)/.test(m[4]))
    .map((m) => ({ at: m.index! + m[1].length, path: m[2], typeAt: m.index! + m[1].length + m[2].length + m[3].length, typeEnd: m.index! + m[0].length }));
  return { criteria, scores, fields };
}

const TYPES = ["string", "integer", "number?", "boolean", "date", "enum(low, high)", "list(string)", "integer?"];

/**
 * An edit to what other declarations depend on, made where it is declared only, so every use
 * elsewhere must be re-checked against it: a field renamed or given another type, a criterion or
 * score renamed, a score deleted, a score renamed to a criterion's name (the name's type turns
 * from boolean to number under its users).
 */
export function dependencyEdit(text: string, r: () => number): string {
  const { criteria, scores, fields } = declaredNames(text);
  const pick = <T,>(xs: T[]): T | undefined => (xs.length ? xs[Math.floor(r() * xs.length)] : undefined);
  const renameDeclaration = (keyword: string, name: string, to: string) => text.replace(new RegExp(`^${keyword} ${name}\\b`, "m"), `${keyword} ${to}`);
  const op = Math.floor(r() * 6);
  const field = pick(fields);
  const criterion = pick(criteria);
  const score = pick(scores);
  if (op === 0 && field) return text.slice(0, field.at) + field.path + "_renamed" + text.slice(field.at + field.path.length);
  if (op === 1 && field) return text.slice(0, field.typeAt) + pick(TYPES) + text.slice(field.typeEnd);
  if (op === 2 && criterion) return renameDeclaration("criterion", criterion, `${criterion}_renamed`);
  if (op === 3 && score) {
    // Delete the whole score: from its line to the next line that starts a declaration (or a comment above one).
    const start = text.search(new RegExp(`^score ${score}\\b`, "m"));
    const next = text.slice(start + 1).search(/^[a-z#]/m);
    return text.slice(0, start) + (next < 0 ? "" : text.slice(start + 1 + next));
  }
  if (op === 4 && score && criterion) return renameDeclaration("score", score, criterion).replace(new RegExp(`^criterion ${criterion}\\b`, "m"), `criterion ${criterion}_was`);
  if (score) return renameDeclaration("score", score, `${score}_renamed`);
  return edit(text, r);
}

/** `count` versions after `text`, each made by `next` from the one before. */
export function versionsOf(text: string, count: number, next: (previous: string, i: number) => string): string[] {
  const versions = [text];
  for (let i = 0; i < count; i++) versions.push(next(versions[versions.length - 1], i));
  return versions;
}

