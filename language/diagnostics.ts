import type { Range, Span } from "./source.js";

export type Severity = "error" | "warning" | "info";

/** A machine-applicable fix: replace the text at `span` (in the diagnostic's file) with `text`. */
export interface Suggestion {
  message: string;
  span: Span;
  range?: Range;
  text: string;
}

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  /** The file the diagnostic belongs to, as given to the compiler. */
  file: string;
  span: Span;
  /** Filled in by the compiler from the file's line index. */
  range?: Range;
  help?: string;
  suggestion?: Suggestion;
}

interface CatalogEntry {
  severity: Severity;
  title: string;
}

/**
 * Every diagnostic the toolchain can report, one place. Codes are stable: never reuse or
 * renumber one. docs/diagnostics.md documents each with a wrong and a right example.
 * LD0xxx syntax, LD1xxx names and types, LD2xxx warnings about meaning, LD3xxx examples.
 */
export const CATALOG = {
  LD0001: { severity: "error", title: "unexpected character" },
  LD0002: { severity: "error", title: "syntax error" },
  LD0003: { severity: "error", title: "invalid date" },
  LD0004: { severity: "error", title: "invalid string" },
  LD0005: { severity: "error", title: "nesting too deep" },
  LD0006: { severity: "error", title: "invalid number" },
  LD0007: { severity: "error", title: "too many errors" },
  LD1001: { severity: "error", title: "unknown field" },
  LD1002: { severity: "error", title: "unknown name" },
  LD1003: { severity: "error", title: "unknown enum member" },
  LD1004: { severity: "error", title: "duplicate declaration" },
  LD1005: { severity: "error", title: "duplicate field" },
  LD1006: { severity: "error", title: "type mismatch" },
  LD1007: { severity: "error", title: "reserved name" },
  LD1008: { severity: "error", title: "reference cycle" },
  LD1009: { severity: "error", title: "import not found" },
  LD1010: { severity: "error", title: "import cycle" },
  LD1011: { severity: "error", title: "unknown type" },
  LD1012: { severity: "error", title: "not a field" },
  LD1013: { severity: "error", title: "unknown function" },
  LD1014: { severity: "error", title: "invalid list" },
  LD1015: { severity: "error", title: "invalid count" },
  LD1016: { severity: "error", title: "duplicate enum member" },
  LD1017: { severity: "error", title: "cap below floor" },
  LD1018: { severity: "error", title: "field path conflict" },
  /** The import rule (language/import-rule.ts): `.leaddef` regular files of at most 4 MB inside the project. */
  LD1019: { severity: "error", title: "import refused" },
  LD2001: { severity: "warning", title: "unused criterion" },
  LD2002: { severity: "warning", title: "unused score" },
  LD2003: { severity: "warning", title: "stage skips the funnel" },
  LD2004: { severity: "warning", title: "condition can never be true" },
  LD2005: { severity: "warning", title: "unused import" },
  LD3001: { severity: "error", title: "value does not fit field" },
  LD3002: { severity: "error", title: "duplicate example value" },
  LD3003: { severity: "error", title: "unknown expectation" },
  LD3004: { severity: "warning", title: "example expects nothing" },
  /** Reported by `leaddef test` and the language server when an example runs and fails. */
  LD3005: { severity: "error", title: "example fails" },
} satisfies Record<string, CatalogEntry>;

export type DiagnosticCode = keyof typeof CATALOG;

export interface DiagnosticInit {
  help?: string;
  suggestion?: Suggestion;
  severity?: Severity;
}

export function diagnostic(
  code: DiagnosticCode,
  file: string,
  span: Span,
  message: string,
  init: DiagnosticInit = {},
): Diagnostic {
  return {
    code,
    severity: init.severity ?? CATALOG[code].severity,
    message,
    file,
    span,
    ...(init.help !== undefined ? { help: init.help } : {}),
    ...(init.suggestion !== undefined ? { suggestion: init.suggestion } : {}),
  };
}

/** Orders by file then position then code, so every renderer and golden file is stable. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.span.start !== b.span.start) return a.span.start - b.span.start;
  if (a.span.end !== b.span.end) return a.span.end - b.span.end;
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}
