// The lexer and the parser skip chevrotain's definition checks at every process start (they cost
// ~10 ms of start-up each): the definitions are fixed, so the checks run here instead. With
// LEADDEF_VALIDATE_GRAMMAR=1, chevrotain checks the token definitions (unreachable or
// ambiguous patterns) and the grammar (ambiguous alternatives, left recursion, …) and throws
// on the first error while the modules load. (It found one when first run: an `expect` clause's
// two alternatives both consumed `NameLike` as occurrence 2, which chevrotain keys its lookahead
// and error recovery by.)
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = (p: string) => pathToFileURL(join(root, "dist", p)).href;

/** Loads the built lexer and parser in a fresh process with the checks on, and parses a file. */
function loadChecked(env: NodeJS.ProcessEnv) {
  const script = `
    const { tokenize } = await import(${JSON.stringify(dist("language/tokens.js"))});
    const { parseFile } = await import(${JSON.stringify(dist("language/parse.js"))});
    const file = parseFile("t.leaddef", "schema {\\n  a: integer\\n}\\ncriterion big when a > 3\\nmql when big\\nexample \\"e\\" {\\n  a = 4\\n  expect stage mql\\n  expect big\\n}\\n");
    process.stdout.write(JSON.stringify({ tokens: tokenize("mql when big").tokens.length, declarations: file.ast.declarations.length, diagnostics: file.diagnostics.length }));
  `;
  return spawnSync(process.execPath, ["--input-type=module", "-e", script], { env: { ...process.env, ...env }, encoding: "utf8" });
}

describe("the grammar's definition checks (skipped at start-up)", () => {
  it("pass: the lexer and the parser load with chevrotain's checks on", () => {
    expect(existsSync(join(root, "dist", "language", "parser.js")), "run `npm run build` first (npm test does)").toBe(true);
    const checked = loadChecked({ LEADDEF_VALIDATE_GRAMMAR: "1" });
    expect(checked.stderr).toBe("");
    expect(checked.status).toBe(0);
    expect(JSON.parse(checked.stdout)).toEqual({ tokens: 3, declarations: 4, diagnostics: 0 });
  });
});
