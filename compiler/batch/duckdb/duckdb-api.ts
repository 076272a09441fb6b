// @duckdb/node-api, loaded with `require`, not `import`: Node's ESM loader pre-parses every file
// of a CommonJS package for its export names (124 files here), ~130 ms of each DuckDB run's
// start-up; `require` does not. The VS Code extension's bundle replaces this module with a
// plain import (vscode-extension/build.mjs), which esbuild can see.
import { createRequire } from "node:module";

export const { DuckDBInstance } = createRequire(import.meta.url)("@duckdb/node-api") as typeof import("@duckdb/node-api");
