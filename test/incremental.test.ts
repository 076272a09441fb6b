// Incremental checking must be invisible: after any sequence of edits, what the compiler builds
// from the previous version (language/incremental-lex.ts re-lexes only the changed lines;
// language/parse-cache.ts reuses unchanged declarations) equals what a from-scratch compile()
// builds — the same diagnostics, tokens, comments and tree.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { IToken } from "chevrotain";
import { describe, expect, it } from "vitest";
import { compile, type CompileResult } from "../compiler/compile.js";
import { nodeHost } from "../compiler/host.js";
import { docOf } from "../language/docs.js";
import { changedLines, clearLexCache, tokenizeIncrementally } from "../language/incremental-lex.js";
import { clearParseCache } from "../language/parse.js";
import type { Resolution } from "../language/model.js";
import { tokenize } from "../language/tokens.js";
import { dependencyEdit, edit, versionsOf } from "./support/edits.js";
import { rng } from "./support/random-program.js";

const here = dirname(fileURLToPath(import.meta.url));
const examplesDir = resolve(here, "..", "examples");
const sources = readdirSync(examplesDir)
  .filter((f) => f.endsWith(".leaddef"))
  .map((f) => ({ path: join(examplesDir, f), text: readFileSync(join(examplesDir, f), "utf8") }));

const tokenFacts = (t: IToken & { startsLine?: boolean }) => [t.image, t.startOffset, t.endOffset, t.startLine, t.endLine, t.startColumn, t.endColumn, t.tokenType.name, t.startsLine];

/** What a name resolved to, as plain data (symbols point back at their declarations, which are compared on their own). */
function resolutionFacts(r: Resolution) {
  return r.kind === "member"
    ? { kind: r.kind, member: r.member, field: r.field?.name, enumType: JSON.stringify(r.enumType) }
    : { kind: r.kind, symbol: r.symbol.kind, name: r.symbol.name, file: r.symbol.file, declaration: r.declaration, at: { ...r.symbol.decl.span }, type: "type" in r.symbol ? JSON.stringify(r.symbol.type) : undefined };
}

/** Everything a compile result is made of that editor features read, as plain data (taken at once: tokens, and with an editing host trees, are reused later). */
function snapshot(result: CompileResult) {
  const entry = result.analysis.entry;
  return {
    diagnostics: JSON.parse(JSON.stringify(result.diagnostics)),
    tokens: entry.tokens.map(tokenFacts),
    comments: entry.comments.map(tokenFacts),
    ast: JSON.parse(JSON.stringify(entry.ast)),
    types: [...entry.types].map(([id, t]) => [id, JSON.stringify(t)]),
    occurrences: [...entry.occurrences].map(([id, o]) => [id, { ...o.node.span }, resolutionFacts(o.resolution)]),
    // The IR the server lowers for example runs, when the file is error-free.
    ir: result.program ? JSON.parse(JSON.stringify(result.program.ir)) : undefined,
    // Hover and completion documentation, looked up from the kept symbols' current file version.
    docs: [...entry.fields.values(), ...entry.names.values()].map((s) => [s.kind, s.name, docOf(s) ?? null]),
  };
}

const compileAt = (path: string, text: string) => compile(text, { path, host: nodeHost(new Map([[path, text]])) });

/**
 * The language server's host: each version supersedes the last, so unchanged declarations keep
 * their trees (moved in place, ids kept) and their checked bodies (language/check-cache.ts).
 */
const compileEditing = (path: string, text: string) => compile(text, { path, host: nodeHost(new Map([[path, text]]), { editing: true }) });

/**
 * `snapshot` with node ids replaced by their order in the tree: an editing host keeps a moved
 * declaration's ids, so ids differ from a fresh compile's while meaning the same nodes. Tables
 * are compared as sets (sorted), since kept entries stay where they were in them.
 */
function idFreeSnapshot(result: CompileResult) {
  const order = new Map<number, number>();
  const visit = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(visit);
    if (n === null || typeof n !== "object") return;
    const o = n as Record<string, unknown>;
    if (typeof o.id === "number" && typeof o.kind === "string" && !order.has(o.id)) order.set(o.id, order.size);
    for (const k in o) if (k !== "id") visit(o[k]);
  };
  for (const file of result.analysis.files.values()) visit(file.ast);
  const renumber = (n: unknown): unknown => {
    if (Array.isArray(n)) return n.map(renumber);
    if (n === null || typeof n !== "object") return n;
    const o = n as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k in o) out[k] = k === "id" && typeof o[k] === "number" && typeof o.kind === "string" ? order.get(o[k] as number) : renumber(o[k]);
    return out;
  };
  const byId = (a: unknown[], b: unknown[]) => (a[0] as number) - (b[0] as number);
  const s = snapshot(result);
  return {
    ...s,
    ast: renumber(s.ast),
    types: s.types.map(([id, t]) => [order.get(id as number), t]).sort(byId),
    occurrences: s.occurrences.map(([id, ...rest]) => [order.get(id as number), ...rest]).sort(byId),
  };
}

/** `fn` with the lexer's and the parser's caches empty: what a from-scratch compile gives. */
function cold<T>(fn: () => T): T {
  clearLexCache();
  clearParseCache();
  return fn();
}

describe("incremental checking", () => {
  it("random edit sequences with the language server's host (declarations moved in place, bodies kept): each version equals a fresh compile()", () => {
    let steps = 0;
    let kept = 0;
    sources.forEach(({ path, text }, s) => {
      const r = rng(0xed17 + s);
      const versions = versionsOf(text, 14, (v, i) => (i % 3 === 2 ? dependencyEdit(v, r) : edit(v, r)));
      const incremental = cold(() => versions.map((v) => {
        const result = compileEditing(path, v);
        return { snap: idFreeSnapshot(result), decls: result.analysis.entry.ast.declarations };
      }));
      versions.forEach((v, i) => {
        expect(incremental[i].snap, `${path} after edit ${i}`).toStrictEqual(cold(() => idFreeSnapshot(compileAt(path, v))));
        // Declarations the edit did not touch are the previous version's very objects.
        if (i > 0) kept += incremental[i].decls.filter((d) => incremental[i - 1].decls.includes(d)).length;
        steps++;
      });
    });
    expect(steps).toBeGreaterThan(50);
    expect(kept).toBeGreaterThan(steps * 5);
  });

  it("random edit sequences on the example definitions: the incremental result equals a fresh compile()", () => {
    let steps = 0;
    sources.forEach(({ path, text }, s) => {
      const r = rng(0x1c0de + s);
      const versions = versionsOf(text, 14, (v) => edit(v, r));
      // First the whole sequence as an editor sends it, every cache kept warm from the version before...
      const incremental = cold(() => versions.map((v) => snapshot(compileAt(path, v))));
      // ...then each version from scratch.
      versions.forEach((v, i) => {
        const fresh = cold(() => snapshot(compileAt(path, v)));
        expect(incremental[i], `${path} after edit ${i}`).toStrictEqual(fresh);
        steps++;
      });
    });
    expect(steps).toBeGreaterThan(50);
  });

  it("edits to what others depend on (a field renamed or retyped, a criterion renamed, a score deleted or renamed onto a criterion) reach every dependent", () => {
    let steps = 0;
    let changedErrors = 0;
    sources.forEach(({ path, text }, s) => {
      const r = rng(0xdeb5 + s);
      // Dependency edits, each followed by an ordinary keystroke-like edit somewhere else.
      const versions = versionsOf(text, 12, (v, i) => (i % 2 === 0 ? dependencyEdit(v, r) : edit(v, r)));
      const incremental = cold(() => versions.map((v) => snapshot(compileAt(path, v))));
      versions.forEach((v, i) => {
        const fresh = cold(() => snapshot(compileAt(path, v)));
        expect(incremental[i], `${path} after edit ${i}`).toStrictEqual(fresh);
        if (i > 0 && JSON.stringify(fresh.diagnostics) !== JSON.stringify(incremental[i - 1].diagnostics)) changedErrors++;
        steps++;
      });
    });
    expect(steps).toBeGreaterThan(50);
    // The edits did reach their dependents: most of them changed what is reported.
    expect(changedErrors).toBeGreaterThan(steps / 2);
  });

  it("a field renamed or retyped in an imported file reaches the importing file's uses", () => {
    clearLexCache();
    clearParseCache();
    const dir = resolve("/virtual/imports");
    const common = join(dir, "common.leaddef");
    const main = join(dir, "main.leaddef");
    const commonText = "schema {\n  company.employees: integer\n  company.country: string\n}\n";
    const mainText = 'import "common.leaddef"\ncriterion big when company.employees >= 500\ncriterion in_us when company.country = "US"\nmql when big and in_us\n';
    const compileBoth = (c: string) => compile(mainText, { path: main, host: nodeHost(new Map([[common, c], [main, mainText]])) });
    const versions = [
      commonText,
      commonText.replace("company.employees", "company.headcount"),
      commonText.replace("company.country: string", "company.country: integer"),
      commonText,
    ];
    const incremental = versions.map((c) => compileBoth(c));
    const reported = incremental.map((c) => c.diagnostics.map((d) => `${d.code}@${d.file === main ? d.range?.start.line : "common"}`));
    expect(reported[0]).toEqual([]);
    expect(reported[3]).toEqual([]);
    versions.forEach((c, i) => {
      clearLexCache();
      clearParseCache();
      expect(snapshot(incremental[i]), `version ${i}`).toStrictEqual(snapshot(compileBoth(c)));
    });
    // The uses in main.leaddef (lines 1 and 2) are reported, not only the declarations.
    expect(reported[1].some((r) => r.endsWith("@1")), String(reported[1])).toBe(true);
    expect(reported[2].some((r) => r.endsWith("@2")), String(reported[2])).toBe(true);
  });

  it("with the language server's host: an imported file edited, and a parameter typed by the enum beside it, equal a fresh compile()", () => {
    clearLexCache();
    clearParseCache();
    const dir = resolve("/virtual/editing-imports");
    const common = join(dir, "common.leaddef");
    const main = join(dir, "main.leaddef");
    const commonText = "schema {\n  company.employees: integer\n  company.tier: enum(low, high)\n}\n";
    const mainText = 'import "common.leaddef"\nparam top = high\ncriterion big when company.employees >= 500\ncriterion tiered when company.tier = top\nmql when big and tiered\n';
    const compileBoth = (c: string, m: string, editing: boolean) => compile(m, { path: main, host: nodeHost(new Map([[common, c], [main, m]]), { editing }) });
    const versions: [string, string][] = [
      [commonText, mainText],
      [commonText.replace("company.employees", "company.headcount"), mainText],
      [commonText.replace("company.employees", "company.headcount"), mainText.replace(">= 500", ">= 5000")],
      [commonText.replace("enum(low, high)", "enum(low, mid)"), mainText.replace(">= 500", ">= 5000")],
      [commonText, mainText.replace("param top = high", "param top = 3")],
      [commonText, mainText.replace("param top = high", "param top = 3").replace(">= 500", ">= 50")],
      [commonText, mainText],
    ];
    const incremental = versions.map(([c, m]) => idFreeSnapshot(compileBoth(c, m, true)));
    versions.forEach(([c, m], i) => {
      clearLexCache();
      clearParseCache();
      expect(incremental[i], `version ${i}`).toStrictEqual(idFreeSnapshot(compileBoth(c, m, false)));
    });
  });

  it("with the language server's host: a field of one schema block renamed onto an unchanged block's field, and back, equals a fresh compile()", () => {
    // The unchanged block's field keeps its tree object; its symbol from the version before must
    // not be taken over while another declaration holds its name (check-cache.ts unchangedField).
    clearLexCache();
    clearParseCache();
    const path = resolve("/virtual/two-schemas.leaddef");
    const text = 'schema {\n  a.x: integer\n}\nschema {\n  a.y: string\n}\ncriterion c when a.y = "k"\nmql when c\n';
    const versions = [text, text.replace("a.x", "a.y"), text, text.replace("a.x: integer", "a.x: boolean"), text];
    const incremental = versions.map((v) => idFreeSnapshot(compileEditing(path, v)));
    versions.forEach((v, i) => {
      expect(incremental[i], `version ${i}`).toStrictEqual(cold(() => idFreeSnapshot(compileAt(path, v))));
    });
    expect(incremental[1].diagnostics.map((d: { code: string }) => d.code)).toContain("LD1005");
  });

  it("random edit sequences: re-lexing the changed lines gives exactly the tokens of a full lex", () => {
    const r = rng(0x1e4);
    for (const { text } of sources) {
      clearLexCache();
      let current = text;
      for (let i = 0; i < 40; i++) {
        current = edit(current, r);
        const got = tokenizeIncrementally("lexed.leaddef", current);
        const expected = tokenize(current);
        expect(got.tokens.map(tokenFacts)).toStrictEqual(expected.tokens.map(tokenFacts));
        expect(got.comments.map(tokenFacts)).toStrictEqual(expected.comments.map(tokenFacts));
        expect(got.badText).toStrictEqual(expected.badText);
      }
    }
  });

  it("a token the parser retyped (an unterminated string) is lexed as the lexer saw it when reused", () => {
    clearLexCache();
    clearParseCache();
    const path = resolve("/virtual/retyped.leaddef");
    const text = `schema {\n  a.b: string\n}\ncriterion q when a.b = "open\n`;
    const first = compileAt(path, text);
    expect(first.diagnostics.map((d) => d.code)).toStrictEqual(["LD0004"]);
    // An edit on another line reuses the unterminated string's token: it must be reported again.
    const again = compileAt(path, `# top\n${text}`);
    expect(again.diagnostics.map((d) => d.code)).toStrictEqual(first.diagnostics.map((d) => d.code));
  });

  it("cuts the changed stretch at line starts both texts share, with CRLF and lone CR line ends", () => {
    expect(changedLines("a\nb\nc\n", "a\nb\nc\n")).toBeUndefined();
    // One character typed on the middle line: just that line.
    expect(changedLines("a\nbb\nc\n", "a\nbxb\nc\n")).toEqual({ start: 2, oldEnd: 5, newEnd: 6 });
    // `\r` turned into `\r\n`: the line ending there and the next are redone (a lone `\r` is no cut).
    expect(changedLines("a\rb\nc\n", "a\r\nb\nc\n")).toEqual({ start: 0, oldEnd: 4, newEnd: 5 });
    // An edit on the last line, with no line end after it: to the end.
    expect(changedLines("a\nb", "a\nbc")).toEqual({ start: 2, oldEnd: 3, newEnd: 4 });
    // A line deleted whole.
    expect(changedLines("a\nb\nc\n", "a\nc\n")).toEqual({ start: 2, oldEnd: 4, newEnd: 2 });
  });

  it("finds the changed stretch of long texts as a character-by-character comparison does (edits at every distance from a block's edge)", () => {
    // The definition: the common prefix and suffix found one character at a time, then cut at line starts.
    const reference = (oldText: string, newText: string) => {
      if (oldText === newText) return undefined;
      const shorter = Math.min(oldText.length, newText.length);
      let prefix = 0;
      while (prefix < shorter && oldText[prefix] === newText[prefix]) prefix++;
      let suffix = 0;
      while (suffix < shorter - prefix && oldText[oldText.length - 1 - suffix] === newText[newText.length - 1 - suffix]) suffix++;
      let start = prefix;
      while (start > 0 && newText[start - 1] !== "\n") start--;
      const shift = oldText.length - newText.length;
      const lineStartInBoth = (i: number) => i >= start && i + shift >= start && newText[i - 1] === "\n" && oldText[i - 1 + shift] === "\n";
      let newEnd = newText.length - suffix;
      while (newEnd < newText.length && !lineStartInBoth(newEnd)) newEnd++;
      return { start, oldEnd: newEnd + shift, newEnd };
    };
    const r = rng(0xb10c);
    let compared = 0;
    for (let i = 0; i < 4000; i++) {
      const length = Math.floor(r() * 1500);
      // Half the texts are nearly one character repeated, so blocks also agree shifted by an edit.
      const plain = r() < 0.5;
      const text = Array.from({ length }, () => (plain && r() < 0.97 ? "a" : "ab\n\r"[Math.floor(r() * (r() < 0.9 ? 3 : 4))])).join("");
      // An insertion, deletion or replacement near a multiple of 256 (the block size) or anywhere.
      const near = r() < 0.5 ? Math.floor(r() * 6) * 256 + Math.floor(r() * 5) - 2 : Math.floor(r() * (length + 1));
      const at = Math.max(0, Math.min(length, near));
      const cut = Math.floor(r() * 3);
      const edited = text.slice(0, at) + "ab\n".slice(0, Math.floor(r() * 3)) + text.slice(Math.min(length, at + cut));
      expect(changedLines(text, edited), `${JSON.stringify(text)} -> ${JSON.stringify(edited)}`).toEqual(reference(text, edited));
      compared++;
    }
    expect(compared).toBe(4000);
  });
});
