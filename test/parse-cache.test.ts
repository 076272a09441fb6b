// The parse cache (language/parse-cache.ts) must be invisible: after random edits to real files,
// a parse that reuses unchanged declarations from the previous version gives exactly what a
// fresh parse gives — the same tree (ids and spans included) and the same diagnostics.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compile } from "../compiler/compile.js";
import { nodeHost } from "../compiler/host.js";
import { walk } from "../language/ast.js";
import { ParseCache } from "../language/parse-cache.js";
import { clearParseCache, parseFile } from "../language/parse.js";
import { rng } from "./support/random-program.js";

const here = dirname(fileURLToPath(import.meta.url));
const sources: { name: string; text: string }[] = [];
for (const dir of [resolve(here, "..", "examples"), resolve(here, "fixtures", "diagnostics"), resolve(here, "fixtures", "lsp")]) {
  for (const f of readdirSync(dir).filter((x) => x.endsWith(".leaddef"))) sources.push({ name: f, text: readFileSync(join(dir, f), "utf8") });
}

const SNIPPETS = [
  " ", "\n", "\n\n", "x", "1", "0", "_", ".", "\"", "(", ")", "[", "]", "{", "}", ",", "=", ">=", "-", "+3 when ", "#", "@", "\\",
  " and ", " or ", "not ", "criterion q when ", "score z {\n", "example \"e\" {\n", "stage9 when ", "schema {\n  a.b: number\n}\n",
  "2026-02-30", "12abc", "\"unterminated", "expect stage ", "as of ", "((((", "in [a, b]", "import \"x.leaddef\"\n",
];

/** One random edit: insert a snippet, delete a stretch, or duplicate or drop a line. */
function edit(text: string, r: () => number): string {
  const at = Math.floor(r() * (text.length + 1));
  const op = r();
  if (op < 0.5) return text.slice(0, at) + SNIPPETS[Math.floor(r() * SNIPPETS.length)] + text.slice(at);
  if (op < 0.75) return text.slice(0, at) + text.slice(at + Math.floor(r() * 20));
  const lineStart = text.lastIndexOf("\n", at - 1) + 1;
  const lineEnd = text.indexOf("\n", at) === -1 ? text.length : text.indexOf("\n", at) + 1;
  const line = text.slice(lineStart, lineEnd);
  return op < 0.9 ? text.slice(0, lineEnd) + line + text.slice(lineEnd) : text.slice(0, lineStart) + text.slice(lineEnd);
}

function fresh<T>(fn: () => T): T {
  clearParseCache();
  return fn();
}

describe("parse cache", () => {
  it("random edits: a parse that reuses the previous version's declarations equals a fresh parse", () => {
    let checked = 0;
    sources.forEach(({ name, text }, s) => {
      const r = rng(0xca11 + s);
      let current = text;
      fresh(() => parseFile(name, current));
      for (let i = 0; i < 15; i++) {
        current = edit(current, r);
        // A file's ids may start anywhere (imported files share one counter).
        const firstId = 1 + Math.floor(r() * 500);
        const cached = parseFile(name, current, { value: firstId });
        const cachedIdsEnd = { value: firstId };
        const again = parseFile(name, current, cachedIdsEnd); // fully cached
        const expected = fresh(() => parseFile(name, current, { value: firstId }));
        for (const got of [cached, again]) {
          expect(got.ast, `${name} after edit ${i}`).toStrictEqual(expected.ast);
          expect(got.diagnostics, `${name} after edit ${i}`).toStrictEqual(expected.diagnostics);
        }
        const ids = new Set<number>();
        walk(cached.ast, (n) => {
          expect(ids.has(n.id), `${name}: id ${n.id} used twice`).toBe(false);
          ids.add(n.id);
        });
        checked++;
      }
    });
    expect(checked).toBeGreaterThan(100);
  });

  it("a declaration moved to another file and offset is renumbered, and diagnostics name the new file", () => {
    const decl = "criterion a when x >= 2026-02-30 and (\n";
    clearParseCache();
    parseFile("one.leaddef", decl);
    const text = `# moved down\n\n${decl}`;
    const cached = parseFile("two.leaddef", text, { value: 40 });
    const expected = fresh(() => parseFile("two.leaddef", text, { value: 40 }));
    expect(cached.ast).toStrictEqual(expected.ast);
    expect(cached.diagnostics).toStrictEqual(expected.diagnostics);
    expect(cached.diagnostics.every((d) => d.file === "two.leaddef")).toBe(true);
  });

  it("compiling an edited file with a warm cache gives the same diagnostics as with a cold one", () => {
    const path = resolve("/virtual/scoring.leaddef");
    const base = sources.find((s) => s.name === "scoring.leaddef")!.text;
    const r = rng(7);
    let current = base;
    for (let i = 0; i < 20; i++) {
      current = edit(current, r);
      const host = () => nodeHost(new Map([[path, current]]));
      const warm = compile(current, { path, host: host() });
      const cold = fresh(() => compile(current, { path, host: host() }));
      expect(warm.diagnostics).toStrictEqual(cold.diagnostics);
      expect(warm.program?.ir).toStrictEqual(cold.program?.ir);
    }
  });

  it("stays within its size bound, dropping the least recently used chunks", () => {
    // Past the bound it drops the least recently used down to three quarters of it (here 9 characters).
    const cache = new ParseCache(12);
    const entry = { start: 0, firstId: 1, idCount: 0, decl: undefined, deep: undefined, syntax: [], literal: [], spans: [], owner: undefined };
    cache.set("aaaa", entry);
    cache.set("bbbb", entry);
    cache.set("cccc", entry);
    cache.get("aaaa");
    cache.set("dddd", entry);
    expect(cache.get("bbbb")).toBeUndefined();
    expect(cache.get("cccc")).toBeUndefined();
    expect(cache.get("aaaa")).toBe(entry);
    expect(cache.get("dddd")).toBe(entry);
    cache.set("x".repeat(13), entry);
    expect(cache.size).toBe(2);
  });
});
