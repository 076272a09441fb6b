// @duckdb/node-api, loaded with `require`, not `import`: Node's ESM loader pre-parses every file
// of a CommonJS package for its export names (124 files here), ~130 ms of each DuckDB run's
// start-up; `require` does not. `npm run build` also bundles the package into one file
// (scripts/bundle-duckdb-api.mjs: ~100 → ~65 ms), loaded when it is there. The VS Code
// extension's bundle replaces this module with a plain import (vscode-extension/build.mjs), which
// esbuild can see.
import { createRequire } from "node:module";

type NodeApi = typeof import("@duckdb/node-api");

function load(): NodeApi {
  const require = createRequire(import.meta.url);
  try {
    // dist/compiler/batch/duckdb/ → dist/vendor/
    return require("../../../vendor/duckdb-node-api.cjs") as NodeApi;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND") throw e;
    return require("@duckdb/node-api") as NodeApi;
  }
}

export const { DuckDBInstance } = load();
