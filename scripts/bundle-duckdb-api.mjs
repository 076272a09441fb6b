#!/usr/bin/env node
// Part of `npm run build`: @duckdb/node-api as one CommonJS file, dist/vendor/duckdb-node-api.cjs,
// which compiler/batch/duckdb/duckdb-api.ts loads in preference to the package. `require` of the
// package resolves, reads and compiles its ~180 files at every DuckDB run's start (~100 ms); the
// one file loads in ~65 ms, ~30 of which is the native binding, left outside the bundle
// (@duckdb/node-bindings picks the platform's binary at run time). Built from the installed
// package, so it is always the installed version.
import { build } from "esbuild";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
await build({
  entryPoints: [createRequire(join(root, "package.json")).resolve("@duckdb/node-api")],
  outfile: join(root, "dist", "vendor", "duckdb-node-api.cjs"),
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  external: ["@duckdb/node-bindings"],
  logLevel: "warning",
});
