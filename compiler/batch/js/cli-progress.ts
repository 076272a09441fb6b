// cli-progress, loaded only when a progress bar is shown, with `require` (a CommonJS package: see
// app/commander.ts). The VS Code extension's bundle replaces this module with a plain import
// (vscode-extension/build.mjs), which esbuild can see.
import { createRequire } from "node:module";
import type cliProgressModule from "cli-progress";

export function cliProgress(): typeof cliProgressModule {
  return createRequire(import.meta.url)("cli-progress") as typeof cliProgressModule;
}
