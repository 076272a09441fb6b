// Bundles the extension, the language server and the CLI into vscode-extension/dist/ with
// esbuild, so the .vsix needs no node_modules at run time.
//   node vscode-extension/build.mjs [--watch]
// LEADDEF_SERVER_ENTRY=path overrides the server entry (e.g. the test mock server).
//
// Bundles are CommonJS `.js` (the extension's package.json has no "type": "module"). An entry
// that uses top-level await cannot be CommonJS; it is bundled as an ES module `.mjs` instead
// (the CLI is: dist/cli.mjs). The extension looks for either name.
import * as esbuild from "esbuild";
import { existsSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const out = join(here, "dist");

// Native packages cannot be bundled and are not shipped: calls into them fail with a message
// instead of the whole bundle failing to load. Only the CLI's `--engine duckdb` and Postgres
// paths use them; the editor features never do.
const NATIVE = ["@duckdb/node-api", "pg", "pg-native"];
const nativeStub = {
  name: "native-stub",
  setup(build) {
    const filter = new RegExp(`^(${NATIVE.map((n) => n.replace(/[/.]/g, "\\$&")).join("|")})$`);
    build.onResolve({ filter }, (args) => ({ path: args.path, namespace: "native-stub" }));
    build.onLoad({ filter: /.*/, namespace: "native-stub" }, (args) => ({
      loader: "js",
      contents: `
        const fail = () => { throw new Error(${JSON.stringify(`${"${name}"} is not bundled with the leaddef VS Code extension; use the leaddef npm package for this feature`.replace("${name}", args.path))}); };
        const stub = new Proxy(fail, { get: (t, k) => (k === "__esModule" ? false : stub), apply: fail, construct: fail });
        module.exports = stub;`,
    }));
  },
};

// language/chevrotain.ts finds chevrotain's single-file bundle at run time with a top-level
// await, which a CommonJS bundle cannot have; inside a bundle the plain package is just as fast.
const chevrotainShim = {
  name: "chevrotain-shim",
  setup(build) {
    build.onResolve({ filter: /^\.\/chevrotain\.js$/ }, (args) =>
      args.importer.includes(`${"language"}`) ? { path: "chevrotain-shim", namespace: "chevrotain-shim" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "chevrotain-shim" }, () => ({
      loader: "js",
      resolveDir: root,
      contents: 'export { createToken, Lexer, CstParser } from "chevrotain";',
    }));
  },
};

// The CLI loads a few CommonJS packages with `createRequire(import.meta.url)(…)` to skip Node's
// ESM pre-parse at start-up (compiler/app/commander.ts, compiler/batch/js/cli-progress.ts,
// compiler/batch/duckdb/duckdb-api.ts). esbuild cannot see such a call, and the extension ships
// no node_modules: in the bundle those modules become plain imports, which it bundles (or, for
// DuckDB, stubs).
const CJS_SHIMS = {
  "./commander.js": 'export { Command, CommanderError, Option } from "commander";',
  "./cli-progress.js": 'import m from "cli-progress"; export function cliProgress() { return m; }',
  "./duckdb-api.js": 'import m from "@duckdb/node-api"; export const DuckDBInstance = m.DuckDBInstance;',
};
const cjsShims = {
  name: "cjs-shims",
  setup(build) {
    build.onResolve({ filter: /^\.\/(commander|cli-progress|duckdb-api)\.js$/ }, (args) =>
      /[\\/]compiler[\\/]/.test(args.importer) ? { path: args.path, namespace: "cjs-shim" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "cjs-shim" }, (args) => ({ loader: "js", resolveDir: root, contents: CJS_SHIMS[args.path] }));
  },
};

const formats = {
  cjs: {
    format: "cjs",
    ext: ".js",
    // ES-module sources may use import.meta.url; CommonJS has no import.meta.
    banner: { js: "const __leaddef_import_meta_url = require('url').pathToFileURL(__filename).href;" },
    define: { "import.meta.url": "__leaddef_import_meta_url" },
  },
  esm: {
    format: "esm",
    ext: ".mjs",
    // Bundled CommonJS dependencies call require(); give ES modules one.
    banner: { js: "import { createRequire as __leaddef_createRequire } from 'node:module'; const require = __leaddef_createRequire(import.meta.url);" },
    define: {},
  },
};

const common = {
  bundle: true,
  platform: "node",
  target: "node18",
  sourcemap: true,
  logLevel: "silent",
  external: ["vscode"],
  plugins: [nativeStub, chevrotainShim, cjsShims],
};

const entries = [
  { name: "extension", src: join(here, "src", "extension.ts"), shim: false },
  { name: "server", src: process.env.LEADDEF_SERVER_ENTRY ? resolve(process.env.LEADDEF_SERVER_ENTRY) : join(root, "lsp", "main.ts"), shim: true },
  { name: "cli", src: join(root, "compiler", "app", "cli.ts"), shim: true },
];

function options(e, fmt) {
  const f = formats[fmt];
  return {
    ...common,
    entryPoints: [e.src],
    outfile: join(out, `${e.name}${f.ext}`),
    format: f.format,
    ...(e.shim ? { banner: f.banner, define: f.define } : {}),
  };
}

rmSync(out, { recursive: true, force: true });
const watch = process.argv.includes("--watch");
let failed = false;
for (const e of entries) {
  if (!existsSync(e.src)) {
    console.warn(`build: skipping dist/${e.name}.js: ${relative(root, e.src)} does not exist yet`);
    continue;
  }
  const t0 = Date.now();
  let opts = options(e, "cjs");
  try {
    await esbuild.build(opts);
  } catch (err) {
    const tla = err.errors?.some((m) => /top-level await/i.test(m.text));
    if (!e.shim || !tla) {
      console.error(`build: ${relative(root, e.src)} failed:\n${err.errors?.map((m) => `  ${m.location?.file}:${m.location?.line}: ${m.text}`).join("\n") ?? err}`);
      failed = true;
      continue;
    }
    opts = options(e, "esm");
    await esbuild.build(opts);
  }
  console.log(`build: ${relative(root, opts.outfile)} <- ${relative(root, e.src)} (${opts.format}, ${Date.now() - t0} ms)`);
  if (watch) await (await esbuild.context(opts)).watch();
}
if (failed) process.exit(1);
if (watch) console.log("build: watching");
