import { resolve } from "node:path";
import { analyze } from "../language/analyze.js";
import type { Diagnostic } from "../language/diagnostics.js";
import type { Analysis, CompilerHost } from "../language/model.js";
import { nodeHost } from "./host.js";
import { lower } from "./ir.js";
import { Program } from "./runtime/program.js";

export interface CompileOptions {
  /** Where the source lives; imports resolve relative to it. Default: `input.leaddef` in the working directory. */
  path?: string;
  /** How files are read; default: from disk, with `source` standing in for `path`. */
  host?: CompilerHost;
  /**
   * The folder imports must stay inside (with the default host). Default: the nearest folder
   * above `path` holding a package.json or .git, else `path`'s folder. See docs/language.md, "Imports".
   */
  projectRoot?: string;
}

export interface CompileResult {
  /** Every file's diagnostics, sorted by file and position. */
  diagnostics: Diagnostic[];
  /** The checked files with their syntax trees and side tables (editor features read these). */
  analysis: Analysis;
  /** The runnable program; present only when there are no errors. */
  program: Program | undefined;
}

/**
 * The one entry point: parse, check and, when error-free, compile a definition.
 * Never throws on user input.
 */
export function compile(source: string, options: CompileOptions = {}): CompileResult {
  const path = resolve(options.path ?? "input.leaddef");
  const host = options.host ?? nodeHost(new Map([[path, source]]), { projectRoot: options.projectRoot });
  return compileWith(path, host);
}

/** Compiles a file from disk (or from `host`; `nodeHost({ projectRoot })` sets the import boundary). */
export function compileFile(path: string, host: CompilerHost = nodeHost()): CompileResult {
  return compileWith(resolve(path), host);
}

function compileWith(path: string, host: CompilerHost): CompileResult {
  const analysis = analyze(path, host);
  // Lowered on first use: the language server publishes diagnostics before it needs a program.
  let program: Program | undefined;
  let lowered = false;
  return {
    diagnostics: analysis.diagnostics,
    analysis,
    get program() {
      if (!lowered) {
        lowered = true;
        program = analysis.hasErrors ? undefined : new Program(lower(analysis.entry, analysis.files));
      }
      return program;
    },
  };
}
