// The diagnostics catalog (language/diagnostics.ts) is the one home of every message: each entry
// is used, each call site passes exactly the arguments its template names, and no wording is
// written twice. The types check the arguments at build time; this reads the call sites too, so
// an entry nobody uses or an argument nobody prints cannot creep in.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CATALOG, HELP, helpText, message, MESSAGES, renderTemplate } from "../language/diagnostics.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function sources(): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const visit = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, e.name);
      if (e.isDirectory()) visit(full);
      else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.push({ path: relative(root, full), text: readFileSync(full, "utf8") });
    }
  };
  for (const folder of ["language", "compiler", "lsp"]) visit(join(root, folder));
  return out;
}

interface CallSite {
  where: string;
  fn: "message" | "helpText";
  key: string;
  /** Property names of the arguments object, in the order written; empty when there is none. */
  args: string[];
}

/** The text from `open` (a bracket) to its matching close, skipping strings and template literals. */
function balanced(text: string, open: number): string {
  const pairs: Record<string, string> = { "(": ")", "{": "}", "[": "]" };
  const stack: string[] = [];
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"' || ch === "'" || ch === "`") {
      for (i++; i < text.length && text[i] !== ch; i++) if (text[i] === "\\") i++;
      continue;
    }
    if (pairs[ch]) stack.push(pairs[ch]);
    else if (ch === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return text.slice(open, i + 1);
    }
  }
  throw new Error(`unbalanced brackets from offset ${open}`);
}

/** Top-level property names of an object literal's text: `{ a, b: x(1, 2), c }` gives a, b, c. */
function propertyNames(objectText: string): string[] {
  const inner = objectText.slice(1, -1);
  const names: string[] = [];
  let depth = 0;
  let start = 0;
  const take = (piece: string) => {
    const m = /^\s*([A-Za-z_$][\w$]*)\s*(:|$)/.exec(piece);
    if (piece.trim()) names.push(m ? m[1] : `<unreadable: ${piece.trim()}>`);
  };
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i];
    if (ch === '"' || ch === "'" || ch === "`") {
      for (i++; i < inner.length && inner[i] !== ch; i++) if (inner[i] === "\\") i++;
    } else if ("([{".includes(ch)) depth++;
    else if (")]}".includes(ch)) depth--;
    else if (ch === "," && depth === 0) {
      take(inner.slice(start, i));
      start = i + 1;
    }
  }
  take(inner.slice(start));
  return names;
}

function callSites(): CallSite[] {
  const sites: CallSite[] = [];
  for (const file of sources()) {
    if (file.path === join("language", "diagnostics.ts")) continue;
    for (const m of file.text.matchAll(/(?<![\w.$])(message|helpText)\(\s*"(\w+)"\s*([,)])/g)) {
      const line = file.text.slice(0, m.index).split("\n").length;
      let args: string[] = [];
      if (m[3] === ",") {
        const braceAt = file.text.indexOf("{", m.index! + m[0].length);
        args = propertyNames(balanced(file.text, braceAt));
      }
      sites.push({ where: `${file.path}:${line}`, fn: m[1] as CallSite["fn"], key: m[2], args });
    }
  }
  return sites;
}

const placeholders = (template: string) => [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);

describe("the diagnostics catalog", () => {
  const sites = callSites();

  it("finds the call sites it checks", () => {
    expect(sites.length).toBeGreaterThan(100);
    expect(sites.some((s) => s.where.startsWith(join("language", "checker.ts")))).toBe(true);
    expect(sites.some((s) => s.where.startsWith(join("lsp", "features", "code-lens.ts")))).toBe(true);
  });

  it("every call names its entry in a literal, so this scan sees them all", () => {
    const calls = sources()
      .filter((f) => f.path !== join("language", "diagnostics.ts"))
      .reduce((n, f) => n + [...f.text.matchAll(/(?<![\w.$])(message|helpText)\(/g)].length, 0);
    expect(calls).toBe(sites.length);
  });

  it("every message and every help text is used", () => {
    const used = (fn: CallSite["fn"]) => new Set(sites.filter((s) => s.fn === fn).map((s) => s.key));
    expect(Object.keys(MESSAGES).filter((k) => !used("message").has(k))).toEqual([]);
    expect(Object.keys(HELP).filter((k) => !used("helpText").has(k))).toEqual([]);
  });

  it("every call site names a catalog entry and passes exactly the arguments its template names", () => {
    const wrong: string[] = [];
    for (const s of sites) {
      const template: string | undefined = s.fn === "message" ? MESSAGES[s.key as keyof typeof MESSAGES]?.text : HELP[s.key as keyof typeof HELP];
      if (template === undefined) {
        wrong.push(`${s.where}: ${s.fn}("${s.key}") is not in the catalog`);
        continue;
      }
      const expected = [...new Set(placeholders(template))].sort();
      const given = [...s.args].sort();
      if (JSON.stringify(expected) !== JSON.stringify(given)) wrong.push(`${s.where}: ${s.key} takes {${expected.join(", ")}}, given {${given.join(", ")}}`);
    }
    expect(wrong).toEqual([]);
  });

  it("every code has a message, and braces in templates only ever mark an argument", () => {
    const codes = new Set(Object.values(MESSAGES).map((m) => m.code));
    expect(Object.keys(CATALOG).filter((c) => !codes.has(c as keyof typeof CATALOG))).toEqual([]);
    for (const t of [...Object.values(MESSAGES).map((m) => m.text), ...Object.values(HELP)]) {
      expect(t.replace(/\{\w+\}/g, ""), t).not.toMatch(/[{}]/);
    }
  });

  it("messages follow the style: lowercase start, no final period", () => {
    for (const { text } of Object.values(MESSAGES)) {
      expect(text).toMatch(/^[^A-Z]/);
      expect(text).not.toMatch(/\.$/);
    }
  });

  it("no wording is written twice", () => {
    const texts = [...Object.values(MESSAGES).map((m) => m.text), ...Object.values(HELP)];
    expect(texts.filter((t, i) => texts.indexOf(t) !== i)).toEqual([]);
  });

  it("renders a template with its arguments, and refuses a missing or an extra one", () => {
    expect(message("unknownField", { path: "company.nope" })).toEqual({ code: "LD1001", text: "unknown field `company.nope`" });
    expect(helpText("atLeastRange", { max: 3 })).toBe("use a whole number from 1 to 3");
    expect(message("emptyEnum")).toEqual({ code: "LD1011", text: "an enum needs at least one member" });
    expect(() => renderTemplate("unknown field `{path}`", {})).toThrow(/no argument \{path\}/);
    expect(() => renderTemplate("unknown field `{path}`", { path: "a", other: "b" })).toThrow(/takes no argument \{other\}/);
  });

  it("the call-site reader sees through nested calls and shorthand properties", () => {
    expect(propertyNames('{ name, kind: symbol.kind, where: this.where(f(a, b), { x: 1 }), text: "a, b" }')).toEqual(["name", "kind", "where", "text"]);
  });
});
