// commander, loaded with `require`: Node's ESM loader pre-parses every file of a CommonJS
// package for its export names before running it, start-up time every CLI command would pay.
// The VS Code extension's bundle replaces this module with a plain import
// (vscode-extension/build.mjs), which esbuild can see.
import { createRequire } from "node:module";

const commander = createRequire(import.meta.url)("commander") as typeof import("commander");
export const { Command, CommanderError, Option } = commander;
export type Command = import("commander").Command;
export type CommanderError = import("commander").CommanderError;
export type Option = import("commander").Option;
