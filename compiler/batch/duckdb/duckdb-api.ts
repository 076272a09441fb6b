// @duckdb/node-api, loaded with `require`, not `import`: Node's ESM loader pre-parses every file
// of a CommonJS package for its export names (124 files here), ~130 ms of each DuckDB run's
// start-up; `require` does not. The VS Code extension's bundle replaces this module with a
// plain import (vscode-extension/build.mjs), which esbuild can see.
import { createRequire } from "node:module";

type DuckdbApi = typeof import("@duckdb/node-api");
let api: DuckdbApi | undefined;

/**
 * The package, loaded on first use rather than when the engine's modules are: loading it (its
 * native library and its files) takes ~0.3 s of the main thread, which a run spends after it has
 * started what can go on beside it (the JSON Lines scan's worker).
 */
export function duckdbApi(): DuckdbApi {
  return (api ??= createRequire(import.meta.url)("@duckdb/node-api") as DuckdbApi);
}
