#!/usr/bin/env node
// Part of `npm run build`: the CLI as a few ES-module files under dist/cli/, the one `bin` runs.
// Node loads the unbundled CLI as ~150 modules, each resolved, read and compiled on its own at
// every start; the bundle is one entry file plus one chunk per command loaded on demand
// (esbuild's code splitting keeps `await import(...)` lazy), which starts faster. Built from the
// compiled dist/ modules, so it runs exactly the code the tests run.
//
// Modules that find files beside themselves with `import.meta.url` (the worker scripts of the
// JS engine and of `compare`, the DuckDB bundle, chevrotain's single-file build, CommonJS
// packages loaded with `require`) get the URL of their own dist/ file, not the bundle's: a
// worker thread then loads the unbundled worker module as before.
//
// Only leaddef's own modules are bundled: packages stay in node_modules and load as they did
// (several are CommonJS, which an ES-module bundle could not `require`; the native DuckDB binding,
// z3-solver's WebAssembly and the optional PostgreSQL driver cannot be bundled at all).
import { build } from "esbuild";
import { rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const outdir = join(dist, "cli");

const ownUrl = {
  name: "own-import-meta-url",
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/].*\.js$/ }, async (args) => {
      const text = await readFile(args.path, "utf8");
      if (!text.includes("import.meta.url")) return undefined;
      // Relative to the chunk that will hold it: every chunk is written to outdir.
      const rel = relative(outdir, args.path).split("\\").join("/");
      return { loader: "js", contents: text.replaceAll("import.meta.url", `new URL(${JSON.stringify(rel)}, import.meta.url).href`) };
    });
  },
};

// Chunk names carry a content hash: clear the last build's.
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { leaddef: join(dist, "compiler", "app", "cli.js") },
  outdir,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  plugins: [ownUrl],
  logLevel: "warning",
});
