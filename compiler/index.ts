/** The library API: `import { compile } from "leaddef"`. */
export { compile, compileFile, type CompileOptions, type CompileResult } from "./compile.js";
export { Program, type EvaluateOptions, type LeadResult, type ColumnResults, type Explanation } from "./runtime/program.js";
export type { Diagnostic, Severity, Suggestion } from "../language/diagnostics.js";
export { CATALOG } from "../language/diagnostics.js";
export { format } from "../language/formatter.js";
