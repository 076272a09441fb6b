// Bundles the extension, the language server and the CLI into vscode-extension/dist/ with
// esbuild, so the .vsix needs no node_modules at run time.
//   node vscode-extension/build.mjs [--watch]
// LEADDEF_SERVER_ENTRY=path overrides the server entry (e.g. the test mock server).
import * as esbuild from "esbuild";
import { existsSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const out = join(here, "dist");

// The server and CLI are ES modules that may use import.meta.url; the bundles are CommonJS
// (the extension's package.json has no "type": "module"), so give them a stand-in.
const importMetaShim = {
  banner: { js: "const __leaddef_import_meta_url = require('url').pathToFileURL(__filename).href;" },
  define: { "import.meta.url": "__leaddef_import_meta_url" },
};

const common = {
  bundle: true,
  platform: "node",
  target: "node18",
  format: "cjs",
  sourcemap: true,
  logLevel: "warning",
  // Native or optional modules that cannot be bundled; loaded only by commands that need them.
  external: ["vscode", "@duckdb/node-api", "pg", "pg-native"],
};

const entries = [
  { name: "extension", src: join(here, "src", "extension.ts"), extra: {} },
  { name: "server", src: process.env.LEADDEF_SERVER_ENTRY ? resolve(process.env.LEADDEF_SERVER_ENTRY) : join(root, "lsp", "main.ts"), extra: importMetaShim },
  { name: "cli", src: join(root, "compiler", "cli.ts"), extra: importMetaShim },
];

rmSync(out, { recursive: true, force: true });
const watch = process.argv.includes("--watch");
let built = 0;
for (const e of entries) {
  if (!existsSync(e.src)) {
    console.warn(`build: skipping dist/${e.name}.js: ${relative(root, e.src)} does not exist yet`);
    continue;
  }
  const options = { ...common, ...e.extra, entryPoints: [e.src], outfile: join(out, `${e.name}.js`) };
  if (watch) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  } else {
    const t0 = Date.now();
    await esbuild.build(options);
    console.log(`build: dist/${e.name}.js <- ${relative(root, e.src)} (${Date.now() - t0} ms)`);
  }
  built++;
}
if (watch) console.log(`build: watching ${built} entries`);
