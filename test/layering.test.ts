// The architecture's rules about the code, checked by reading the sources and their import
// specifiers (rust-analyzer's xtask/src/tidy.rs habit), so the layering cannot drift:
//  - language/ imports neither compiler/ nor lsp/;
//  - compiler/ imports lsp/ only from the CLI (compiler/app/cli.ts), for its `lsp` command;
//  - only lsp/server.ts imports vscode-languageserver (the extension imports the client);
//  - only the application (compiler/app/) and the server's edge (lsp/server.ts, lsp/main.ts)
//    write to stdout/stderr; only the application calls process.exit;
//  - a dynamic import names its module in a literal, so none of these edges can hide.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, posix, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

interface SourceFile {
  /** Repository-relative, with `/` separators: `compiler/app/cli.ts`. */
  path: string;
  text: string;
}

/** The folders the rules cover, and the files in them. */
const CHECKED_FOLDERS = ["language", "compiler", "lsp", "vscode-extension/src"];

function readSources(): SourceFile[] {
  const files: SourceFile[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (/\.(ts|mts|cts)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) {
        files.push({ path: relative(root, full).split("\\").join("/"), text: readFileSync(full, "utf8") });
      }
    }
  };
  for (const folder of CHECKED_FOLDERS) visit(join(root, folder));
  return files;
}

/**
 * The text without comments (so a comment that mentions `process.stdout` is not a violation);
 * with `blankStrings`, string contents go too, for the checks that are not about specifiers.
 */
function withoutComments(text: string, blankStrings = false): string {
  // Strings are matched first, so a `//` inside one is not taken for a comment.
  return text.replace(/("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`)|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (_m, str: string | undefined) =>
    str === undefined ? "" : blankStrings ? `${str[0]}${str[0]}` : str);
}

interface ImportSite {
  specifier: string;
  /** `import x from`, `export … from`, `import "x"`, `import("x")` or `require("x")`. */
  dynamic: boolean;
}

/** Every module a file imports, by its written specifier; `undefined` specifiers are computed dynamic imports. */
function importsOf(code: string): { imports: ImportSite[]; computed: number } {
  const imports: ImportSite[] = [];
  for (const m of code.matchAll(/(?:^|[;\n])\s*(?:import|export)\s[^;]*?\sfrom\s*["']([^"']+)["']/g)) imports.push({ specifier: m[1], dynamic: false });
  for (const m of code.matchAll(/(?:^|[;\n])\s*import\s*["']([^"']+)["']/g)) imports.push({ specifier: m[1], dynamic: false });
  let computed = 0;
  for (const m of code.matchAll(/(?<![\w.$])(import|require)\s*\(\s*([^)]*)\)/g)) {
    const literal = /^["']([^"']+)["']$/.exec(m[2].trim());
    if (literal) imports.push({ specifier: literal[1], dynamic: true });
    else if (m[1] === "import") computed++;
  }
  return { imports, computed };
}

/** The repository-relative path a relative specifier names; bare specifiers (packages) stay as written. */
function target(from: string, specifier: string): string {
  if (!specifier.startsWith(".")) return specifier;
  return posix.normalize(posix.join(posix.dirname(from), specifier));
}

const under = (path: string, folder: string) => path === folder || path.startsWith(`${folder}/`);

/** Files allowed to talk to the process's streams: the application and the server's edge. */
const MAY_WRITE_OUTPUT = (path: string) => under(path, "compiler/app") || path === "lsp/server.ts" || path === "lsp/main.ts";
/** A package's own bundle is found at run time; nothing of ours hides behind a computed import. */
const MAY_IMPORT_COMPUTED = new Set(["language/chevrotain.ts"]);

/** Every broken rule in `files`, one line each (`path: what`); empty when the layering holds. */
function violations(files: SourceFile[]): string[] {
  const out: string[] = [];
  for (const file of files) {
    const code = withoutComments(file.text);
    const { imports, computed } = importsOf(code);
    const inCore = under(file.path, "language") || under(file.path, "compiler") || under(file.path, "lsp");
    for (const { specifier } of imports) {
      const to = target(file.path, specifier);
      if (under(file.path, "language") && (under(to, "compiler") || under(to, "lsp"))) {
        out.push(`${file.path}: language/ imports ${to}`);
      }
      if (under(file.path, "compiler") && under(to, "lsp") && file.path !== "compiler/app/cli.ts") {
        out.push(`${file.path}: compiler/ imports ${to} (only the CLI's lsp command may)`);
      }
      if (/^vscode-languageserver(-[\w-]+)?(\/|$)/.test(to) && file.path !== "lsp/server.ts") {
        out.push(`${file.path}: imports ${to} (only lsp/server.ts may)`);
      }
    }
    if (computed > 0 && !MAY_IMPORT_COMPUTED.has(file.path)) {
      out.push(`${file.path}: a dynamic import with a computed specifier hides what it imports`);
    }
    if (!inCore) continue;
    const bare = withoutComments(file.text, true);
    if (!MAY_WRITE_OUTPUT(file.path)) {
      for (const m of bare.matchAll(/\bprocess\.(stdout|stderr)\b|(?<![\w.$])console\.\w+/g)) {
        out.push(`${file.path}: writes to the process's output (${m[0]}); return it as a value and let the application print it`);
      }
    }
    if (!under(file.path, "compiler/app") && /\bprocess\.exit\b/.test(bare)) {
      out.push(`${file.path}: calls process.exit (only the application decides the exit)`);
    }
  }
  return out;
}

describe("layering", () => {
  const sources = readSources();

  it("reads the sources it checks", () => {
    const paths = sources.map((s) => s.path);
    for (const p of ["language/checker.ts", "compiler/app/cli.ts", "lsp/server.ts", "compiler/batch/duckdb/run.ts", "vscode-extension/src/extension.ts"]) {
      expect(paths).toContain(p);
    }
  });

  it("holds for the code as it is", () => {
    expect(violations(sources)).toEqual([]);
  });

  it("the CLI's one edge to lsp/ is a visible import", () => {
    const cli = sources.find((s) => s.path === "compiler/app/cli.ts")!;
    const lspImports = importsOf(withoutComments(cli.text)).imports.map((i) => target(cli.path, i.specifier)).filter((t) => under(t, "lsp"));
    expect(lspImports).toEqual(["lsp/server.js"]);
  });

  it("the real edge files, moved below the edge, would break the rules (the scan sees through their text)", () => {
    const text = (p: string) => sources.find((s) => s.path === p)!.text;
    const cliBelow = violations([{ path: "compiler/batch/cli-copy.ts", text: text("compiler/app/cli.ts") }]);
    expect(cliBelow.some((v) => v.includes("compiler/ imports lsp/server.js"))).toBe(true);
    expect(cliBelow.some((v) => v.includes("(process.stdout)"))).toBe(true);
    expect(cliBelow.some((v) => v.includes("(process.stderr)"))).toBe(true);
    expect(cliBelow.some((v) => v.includes("calls process.exit"))).toBe(true);
    const serverAsFeature = violations([{ path: "lsp/features/server-copy.ts", text: text("lsp/server.ts") }]);
    expect(serverAsFeature).toContain("lsp/features/server-copy.ts: imports vscode-languageserver/node.js (only lsp/server.ts may)");
  });
});

describe("each rule fails when broken (synthetic files)", () => {
  const file = (path: string, text: string): SourceFile => ({ path, text });

  it.each([
    ["language/ importing compiler/", file("language/x.ts", 'import { compile } from "../compiler/compile.js";\n'), "language/x.ts: language/ imports compiler/compile.js"],
    ["language/ importing lsp/ by re-export", file("language/y.ts", 'export { hover } from "../lsp/features/hover.js";\n'), "language/y.ts: language/ imports lsp/features/hover.js"],
    ["compiler/ importing lsp/ outside the CLI", file("compiler/batch/z.ts", 'import type { X } from "../../lsp/workspace.js";\n'), "compiler/batch/z.ts: compiler/ imports lsp/workspace.js (only the CLI's lsp command may)"],
    ["a feature importing vscode-languageserver", file("lsp/features/q.ts", 'import lsp from "vscode-languageserver/node.js";\n'), "lsp/features/q.ts: imports vscode-languageserver/node.js (only lsp/server.ts may)"],
    ["the extension importing the server library", file("vscode-extension/src/e.ts", 'import { TextDocument } from "vscode-languageserver-textdocument";\n'), "vscode-extension/src/e.ts: imports vscode-languageserver-textdocument (only lsp/server.ts may)"],
    ["an engine writing to stderr", file("compiler/batch/duckdb/run.ts", 'export function f() {\n  process.stderr.write("falling back\\n");\n}\n'), "compiler/batch/duckdb/run.ts: writes to the process's output (process.stderr); return it as a value and let the application print it"],
    ["a worker logging", file("compiler/batch/js/w.ts", "console.log(1);\n"), "compiler/batch/js/w.ts: writes to the process's output (console.log); return it as a value and let the application print it"],
    ["a default of standard output", file("compiler/batch/o.ts", "const out = o.output ?? process.stdout;\n"), "compiler/batch/o.ts: writes to the process's output (process.stdout); return it as a value and let the application print it"],
    ["language/ exiting", file("language/e.ts", "if (bad) process.exit(1);\n"), "language/e.ts: calls process.exit (only the application decides the exit)"],
    ["lsp/ exiting outside the application", file("lsp/main.ts", "process.exit(0);\n"), "lsp/main.ts: calls process.exit (only the application decides the exit)"],
    ["an import hidden behind a variable", file("compiler/app/cli.ts", 'const m = "../../lsp/server.js";\nawait import(m);\n'), "compiler/app/cli.ts: a dynamic import with a computed specifier hides what it imports"],
    ["a literal dynamic import of lsp/ outside the CLI", file("compiler/runtime/r.ts", 'const s = await import("../../lsp/server.js");\n'), "compiler/runtime/r.ts: compiler/ imports lsp/server.js (only the CLI's lsp command may)"],
  ])("%s", (_name, source, expected) => {
    expect(violations([source])).toEqual([expected]);
  });

  it.each([
    ["the CLI importing the server", file("compiler/app/cli.ts", 'const { startServer } = await import("../../lsp/server.js");\nprocess.stdout.write("x");\nprocess.exit(2);\n')],
    ["the server importing its library and logging", file("lsp/server.ts", 'import lsp from "vscode-languageserver/node.js";\nconnection.console.error("x");\nprocess.stdout;\n')],
    ["the extension importing the client", file("vscode-extension/src/e.ts", 'import { LanguageClient } from "vscode-languageclient/node";\nconsole.log("x");\n')],
    ["lsp/ importing compiler/", file("lsp/features/h.ts", 'import type { CompileResult } from "../../compiler/compile.js";\n')],
    ["a comment or string that mentions the rules", file("compiler/batch/c.ts", '// process.stdout is the CLI\'s\n/* console.log */\nconst s = "process.exit";\n')],
    ["a package's bundle found at run time", file("language/chevrotain.ts", "await import(pathToFileURL(p).href);\n")],
  ])("allowed: %s", (_name, source) => {
    expect(violations([source])).toEqual([]);
  });
});
