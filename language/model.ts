import type { IToken } from "chevrotain";
import type * as A from "./ast.js";
import type { FileFacts } from "./import-rule.js";
import type { Diagnostic } from "./diagnostics.js";
import type { DocSource } from "./docs.js";
import type { LineIndex } from "./source.js";
import type { Type } from "./types.js";

/** Symbols: what a name in a file can stand for. Each points back at its declaration. */
export interface FieldSymbol {
  kind: "field";
  name: string;
  type: Type;
  optional: boolean;
  decl: A.FieldDecl;
  file: string;
  /** Its documentation comment, looked up when asked: `docOf(symbol)`. */
  docs: DocSource;
  /** For a field of an event stream: the stream's name (its fields are a scope of their own). */
  stream?: string;
}
/** `events NAME { … }`: a stream of dated events; its fields are in scope inside `where`. */
export interface StreamSymbol {
  kind: "stream";
  name: string;
  decl: A.EventsDecl;
  file: string;
  /** Its documentation comment, looked up when asked: `docOf(symbol)`. */
  docs: DocSource;
  fields: Map<string, FieldSymbol>;
}
export interface CriterionSymbol {
  kind: "criterion";
  name: string;
  decl: A.CriterionDecl;
  file: string;
  /** Its documentation comment, looked up when asked: `docOf(symbol)`. */
  docs: DocSource;
}
export interface ScoreSymbol {
  kind: "score";
  name: string;
  decl: A.ScoreDecl;
  file: string;
  /** Its documentation comment, looked up when asked: `docOf(symbol)`. */
  docs: DocSource;
}
export interface StageSymbol {
  kind: "stage";
  name: string;
  decl: A.StageDecl;
  file: string;
  /** Its documentation comment, looked up when asked: `docOf(symbol)`. */
  docs: DocSource;
  /** Position in the funnel, 0 = lowest. */
  index: number;
}
/**
 * `param NAME = literal`. Its type comes from the literal, except for a bare name (an enum
 * member), whose enum is the one it is compared with: `enums` collects those, as checked.
 */
export interface ParamSymbol {
  kind: "param";
  name: string;
  decl: A.ParamDecl;
  file: string;
  /** Its documentation comment, looked up when asked: `docOf(symbol)`. */
  docs: DocSource;
  /** The literal's type; for an enum member, the first enum it was used beside (error until then). */
  type: Type;
  /** The value as written in the file (`60`, `"52"`, `2026-01-01`, `telecom`). */
  written: string;
  /** For a member literal: every enum it is used beside (an override must be a member of each). */
  enums: Extract<Type, { kind: "enum" }>[];
}
/** `outcome NAME when COND`: measured against the definition, never used by it. */
export interface OutcomeSymbol {
  kind: "outcome";
  name: string;
  decl: A.OutcomeDecl;
  file: string;
  /** Its documentation comment, looked up when asked: `docOf(symbol)`. */
  docs: DocSource;
}
/** `grade NAME { L when … else L }`: an enum of its letters, one per lead. */
export interface GradeSymbol {
  kind: "grade";
  name: string;
  decl: A.GradeDecl;
  file: string;
  /** Its documentation comment, looked up when asked: `docOf(symbol)`. */
  docs: DocSource;
  /** The letters in the order written (lines, then `else`), each once: the grade's enum members. */
  letters: string[];
}
export type DeclSymbol = CriterionSymbol | ScoreSymbol | StageSymbol | ParamSymbol | OutcomeSymbol | StreamSymbol | GradeSymbol;
export type LeaddefSymbol = FieldSymbol | DeclSymbol;

/** What one name occurrence in the tree resolved to. */
export type Resolution =
  | { kind: "symbol"; symbol: LeaddefSymbol; /** this occurrence is the declaration itself */ declaration: boolean }
  | { kind: "member"; field: FieldSymbol | undefined; enumType: Extract<Type, { kind: "enum" }>; member: string };

export interface Occurrence {
  /** The node whose span is the name as written: a Name, a FieldPath, or a Ref. */
  node: A.Name | A.FieldPath;
  resolution: Resolution;
}

/** One parsed and checked file, with the side tables editor features read. */
export interface FileModel {
  path: string;
  text: string;
  ast: A.SourceFile;
  lines: LineIndex;
  comments: IToken[];
  tokens: IToken[];
  /** Resolved import targets, by import declaration id; undefined when not found. */
  imports: Map<number, string | undefined>;
  /** Everything visible in this file: its own declarations and those it imports. */
  fields: Map<string, FieldSymbol>;
  names: Map<string, DeclSymbol>;
  /** Declared here, in declaration order. */
  ownFields: FieldSymbol[];
  ownDecls: DeclSymbol[];
  stages: StageSymbol[];
  /** `disqualify when … because "…"` in declaration order (a file's own: not imported, like stages). */
  disqualifications: A.DisqualifyDecl[];
  examples: A.ExampleDecl[];
  /** Expression node id → its type. */
  types: Map<number, Type>;
  /** Every resolved name occurrence, definitions included, keyed by node id. */
  occurrences: Map<number, Occurrence>;
  diagnostics: Diagnostic[];
}

export interface Analysis {
  entry: FileModel;
  /** All files loaded, the entry and everything it imports. */
  files: Map<string, FileModel>;
  diagnostics: Diagnostic[];
  hasErrors: boolean;
}

export interface CompilerHost {
  /** The file's text; undefined when it cannot be read (the disk host also refuses non-regular and oversized files). */
  readFile(path: string): string | undefined;
  /** The path an `import "spec"` in `fromPath` refers to. */
  resolveImport(fromPath: string, spec: string): string;
  /** What is at `path` (kind, size, real path), for the import rule; hosts without a file system omit it. */
  describe?(path: string): FileFacts;
  /** The folder, symlinks resolved, that imports of a definition rooted at `entryPath` must stay inside; omitted: no containment. */
  projectRoot?(entryPath: string): string | undefined;
  /**
   * Each compilation of a file supersedes the previous one of that file, which is no longer read
   * (the language server: one version of each document at a time). Unchanged declarations' trees
   * are then moved in place rather than copied (see `parseFile`'s `inPlace`). Never set it where
   * two versions of one path are alive together (`diff`, `compare`).
   */
  editing?: boolean;
}
