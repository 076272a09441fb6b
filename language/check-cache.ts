import type * as A from "./ast.js";
import type { Diagnostic } from "./diagnostics.js";
import type { DeclSymbol, FieldSymbol, FileModel, LeaddefSymbol, Occurrence } from "./model.js";
import { moveDiagnostic } from "./parse-cache.js";
import type { Type } from "./types.js";

/**
 * Checking a file again after an edit without redoing what the edit cannot have changed — for
 * the language server only (editing hosts, where each version of a file supersedes the last and
 * unchanged declarations keep their very tree objects from one version to the next: see
 * `parseFile`'s `inPlace`).
 *
 * The idea is rust-analyzer's (salsa) and TypeScript's builder: a query's result is kept while
 * its inputs are unchanged. Checking a declaration's body reads two things: its own tree (the
 * same object ⇒ the same text) and the file's scope — every visible field with its type, every
 * declared name with its kind and what bodies read of it (a parameter's value, a stream's fields,
 * a grade's letters, the stages' order, the disqualifications' reasons). `scopeKey` writes all of
 * that down. When it is unchanged, a body checked in the previous version is not checked again:
 * its types and resolved names stay in the file's tables, which pass from version to version
 * (rebuilding tables of ~60,000 entries per keystroke was most of what was left of a keystroke's
 * time in a 5,000-line file), and its diagnostics are moved to where the declaration now starts.
 * Symbols keep their identity from version to version (updated in place), so names resolved in a
 * kept body point at this version's symbols. An edit that changes the scope (a field renamed or
 * retyped, a criterion renamed, a score deleted) re-checks every body, as before.
 *
 * Held to a fresh `compile()` by test/incremental.test.ts (editing host, random edit sequences).
 */

/** What checking one declaration's body added to its file's tables and diagnostics. */
export interface BodyLog {
  types: number[];
  occurrences: number[];
  diagnostics: Diagnostic[];
}

interface BodyResult extends BodyLog {
  /** The scope it was checked in (interned: equal keys, the same object). */
  scope: object;
  /** Where the declaration started then: its diagnostics are moved by the difference. */
  start: number;
  /** What later phases derived from the checked body alone (see `bodyMemo`). */
  memo: BodyMemo;
}

/**
 * What the phases after checking derive from one checked body and nothing else, kept with it
 * (and dropped with it when the body is checked again).
 */
export interface BodyMemo {
  /** The criteria, scores, stages… the declaration refers to (language/references.ts). */
  references?: { symbol: DeclSymbol; at: A.Node }[];
  /** The lints of the declaration's own expressions, and where it started when they were made. */
  lints?: { start: number; diagnostics: Diagnostic[] };
  /**
   * The declaration's classified tokens for the editor's colours (lsp/features/semantic-tokens.ts):
   * offset from its start, length, type, modifiers, four integers per token; valid while `context` is.
   */
  tokens?: { context: TokenContext; data: Int32Array };
}

/** What a declaration's colours read besides its own body (see `encodedSemanticTokens`). */
export interface TokenContext {
  /** The token before the declaration, and whether it touches it. */
  before: string | undefined;
  adjacent: boolean;
  /** The names its declaration phase recorded, with their colours (offsets from the declaration's start when kept). */
  declared: { offset: number; length: number; type: number; modifiers: number }[];
}

/** What a file's last version left for the next one. */
interface FileState {
  scope: { key: string[]; token: object } | undefined;
  types: Map<number, Type>;
  occurrences: Map<number, Occurrence>;
  /** The occurrences the declaration phase recorded (names where declared): made anew every time. */
  declared: number[];
  declarations: Set<A.Declaration>;
  /** Own symbols by kind and name (fields by stream and path). */
  symbols: Map<string, LeaddefSymbol>;
}

const bodies = new WeakMap<A.Declaration, BodyResult>();
/** Each schema field's symbol by its declaration, with its `symbolKey` (see `unchangedField`). */
const fieldsByDecl = new WeakMap<A.FieldDecl, { symbol: FieldSymbol; key: string }>();
/** The last version's state per file, most recently checked last; a file dropped here just starts afresh. */
const states = new Map<string, FileState>();
/** The server compiles every workspace file for references and rename: keep the tables of the files edited now, not of all. */
const MAX_FILES = 32;

/** One file's check in an editing session: created before its declarations are declared. */
export class EditSession {
  private readonly previous: FileState | undefined;
  private readonly symbols = new Map<string, LeaddefSymbol>();
  private readonly declared: number[] = [];
  private readonly declarations: Set<A.Declaration>;
  private scope: { key: string[]; token: object } | undefined;

  /** Takes over the previous version's tables, without the entries of declarations that are gone. */
  constructor(private readonly model: FileModel) {
    this.previous = states.get(model.path);
    this.declarations = new Set(model.ast.declarations);
    const prev = this.previous;
    // A version whose bodies were not kept left tables without logs: start afresh.
    if (!prev?.scope) return;
    // The declaration phase's entries are overwritten where they are made again; the others go in `finish`.
    for (const decl of prev.declarations) {
      if (!this.declarations.has(decl)) forget(decl, prev);
    }
    model.types = prev.types;
    model.occurrences = prev.occurrences;
  }

  /** The previous version's symbol for the same thing, updated to `fresh`; else `fresh`. */
  keep<S extends LeaddefSymbol>(fresh: S): S {
    const key = symbolKey(fresh);
    const old = this.previous?.symbols.get(key);
    let symbol = fresh;
    // The same key ⇒ made at the same place in the checker ⇒ the same properties.
    if (old && old.kind === fresh.kind && !this.symbols.has(key)) {
      Object.assign(old, fresh);
      symbol = old as S;
    }
    if (!this.symbols.has(key)) this.symbols.set(key, symbol);
    return symbol;
  }

  /**
   * The previous version's symbol for `decl` when `decl` is the same tree object (its declaration
   * did not change, so neither did its path, type or optionality) and declaring it reported
   * nothing: `keep` would return that symbol with the same properties, so typing the field again
   * is skipped (600 fields in the bench's 5,000-line file, on every keystroke). Else undefined.
   */
  unchangedField(decl: A.FieldDecl): FieldSymbol | undefined {
    const known = fieldsByDecl.get(decl);
    if (!known || this.previous?.symbols.get(known.key) !== known.symbol || this.symbols.has(known.key)) return undefined;
    this.symbols.set(known.key, known.symbol);
    return known.symbol;
  }

  /** `symbol` was made from `decl` (via `keep`) and declaring it reported nothing: see `unchangedField`. */
  declaredField(decl: A.FieldDecl, symbol: FieldSymbol): void {
    fieldsByDecl.set(decl, { symbol, key: symbolKey(symbol) });
  }

  /** An occurrence recorded while declaring. */
  declaredAt(id: number): void {
    this.declared.push(id);
  }

  /** Call once the scope is complete (after declaring): decides which bodies may be kept. */
  scopeReady(): void {
    const key = scopeKey(this.model);
    const last = this.previous?.scope;
    this.scope = key === undefined ? undefined : last && sameLines(last.key, key) ? last : { key, token: {} };
    if (this.scope === undefined && this.previous) {
      // Nothing is kept: bodies start from empty tables (the declaration phase's entries stay).
      const declared = new Map(this.declared.map((id) => [id, this.model.occurrences.get(id)!]));
      this.model.types = new Map();
      this.model.occurrences = declared;
    }
  }

  /**
   * True when `decl`'s body, checked in the previous version under the same scope, is kept: its
   * table entries are in place and its diagnostics were added. Otherwise its old entries (if any)
   * are removed, and it must be checked and then `checked`.
   */
  kept(decl: A.Declaration): boolean {
    const cached = bodies.get(decl);
    if (!cached) return false;
    const scope = this.scope?.token;
    if (scope !== undefined && cached.scope === scope && this.previous?.declarations.has(decl)) {
      const delta = decl.span.start - cached.start;
      for (const d of cached.diagnostics) this.model.diagnostics.push(moveDiagnostic(d, delta, d.file));
      return true;
    }
    if (this.scope !== undefined) forget(decl, { types: this.model.types, occurrences: this.model.occurrences });
    bodies.delete(decl);
    return false;
  }

  /** Keeps what checking `decl`'s body added, for the next version. */
  checked(decl: A.Declaration, log: BodyLog): void {
    if (!this.scope) return;
    // Own copies: the model's diagnostics get their ranges filled in, and spans not taken from
    // the tree (which moves in place) would otherwise stay behind.
    bodies.set(decl, { ...log, diagnostics: log.diagnostics.map((d) => moveDiagnostic(d, 0, d.file)), scope: this.scope.token, start: decl.span.start, memo: {} });
  }

  /** Hands this version's state to the next. */
  finish(): void {
    const prev = this.previous;
    if (prev?.scope && this.model.occurrences === prev.occurrences) {
      const declared = new Set(this.declared);
      for (const id of prev.declared) if (!declared.has(id)) this.model.occurrences.delete(id);
    }
    states.delete(this.model.path);
    states.set(this.model.path, {
      scope: this.scope,
      types: this.model.types,
      occurrences: this.model.occurrences,
      declared: this.declared,
      declarations: this.declarations,
      symbols: this.symbols,
    });
    for (const [oldest] of states) {
      if (states.size <= MAX_FILES) break;
      states.delete(oldest);
    }
  }
}

/**
 * The memo of `decl`'s body when `model` is the current version of a file in an editing session
 * and the body is current in it (kept or just checked); undefined otherwise (then derive afresh).
 */
export function bodyMemo(model: FileModel, decl: A.Node): BodyMemo | undefined {
  const state = states.get(model.path);
  // The model whose tables are the session's is the current version; any other is not ours.
  if (!state?.scope || state.occurrences !== model.occurrences) return undefined;
  const body = bodies.get(decl as A.Declaration);
  return body && body.scope === state.scope.token && state.declarations.has(decl as A.Declaration) ? body.memo : undefined;
}

/**
 * Which occurrences of `model` (the current version of a file in an editing session) each phase
 * recorded: the declaration phase's (made anew every version), and those of each current body's
 * check. Undefined when `model` is not such a version.
 */
export function sessionOccurrences(model: FileModel): { declared: readonly number[]; ofBody(decl: A.Declaration): readonly number[] | undefined } | undefined {
  const state = states.get(model.path);
  if (!state?.scope || state.occurrences !== model.occurrences) return undefined;
  return {
    declared: state.declared,
    ofBody: (decl) => (bodyMemo(model, decl) ? bodies.get(decl)?.occurrences : undefined),
  };
}

/** Removes a body's entries from the tables (its declaration is gone, or it is checked again). */
function forget(decl: A.Declaration, tables: Pick<FileState, "types" | "occurrences">): void {
  const cached = bodies.get(decl);
  if (!cached) return;
  for (const id of cached.types) tables.types.delete(id);
  for (const id of cached.occurrences) tables.occurrences.delete(id);
}

function symbolKey(s: LeaddefSymbol): string {
  return s.kind === "field" ? `field ${s.stream ?? ""} ${s.name}` : `${s.kind} ${s.name}`;
}

/**
 * Everything bodies read of the scope, a line per field and per name; undefined when bodies
 * cannot be kept at all. Each line is reused while what it is made of is unchanged, so an edit
 * that leaves the scope alone compares lines that are mostly the very same strings.
 */
function scopeKey(model: FileModel): string[] | undefined {
  const lines: string[] = [model.path];
  for (const [path, f] of model.fields) lines.push(fieldPart(path, f));
  for (const [name, s] of model.names) {
    // Such a parameter takes its type from the first body that compares it with an enum.
    if (s.kind === "param" && s.decl.value.kind === "Ref") return undefined;
    lines.push(namePart(name, s));
  }
  lines.push(`d ${JSON.stringify(model.disqualifications.map((d) => d.reason?.value ?? null))}`);
  return lines;
}

function sameLines(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// `fieldPart` and `namePart` are two memos of one pattern on purpose: one function over both
// kinds of symbol (8 object shapes) measured ~0.7 ms slower per keystroke at 5,000 lines than a
// field-only one for the 600 fields plus one for the names, even without allocating.

/** What a name's line of `scopeKey` depends on besides its name, kind and file. */
function nameDependsOn(s: DeclSymbol): [unknown, unknown] {
  switch (s.kind) {
    case "param": return [s.type, s.written];
    case "stream": return [s.fields, undefined];
    case "grade": return [s.letters, undefined];
    case "stage": return [s.index, undefined];
    default: return [undefined, undefined];
  }
}

const nameParts = new WeakMap<DeclSymbol, { name: string; kind: string; file: string; a: unknown; b: unknown; part: string }>();

/** A name's line of `scopeKey`, as last written for the same symbol while its inputs are the same (see `fieldPart`). */
function namePart(name: string, s: DeclSymbol): string {
  const [a, b] = nameDependsOn(s);
  const known = nameParts.get(s);
  if (known && known.name === name && known.kind === s.kind && known.file === s.file && known.a === a && known.b === b) return known.part;
  let extra = "";
  switch (s.kind) {
    case "param":
      extra = `${typeKey(s.type)} ${s.written}`;
      break;
    case "stream":
      extra = [...s.fields].map(([p, f]) => `${p} ${fieldKey(f)}`).join(";");
      break;
    case "grade":
      extra = s.letters.join(",");
      break;
    case "stage":
      extra = String(s.index);
      break;
  }
  const part = `n ${name} ${s.kind} ${s.file} ${extra}`;
  nameParts.set(s, { name, kind: s.kind, file: s.file, a, b, part });
  return part;
}

/** A field's line of `scopeKey`, as last written for the same symbol (kept from version to version). */
const fieldParts = new WeakMap<FieldSymbol, { path: string; type: Type; optional: boolean; file: string; stream: string | undefined; part: string }>();

/**
 * A field's line of `scopeKey`. Written once per symbol and its values: a field whose declaration
 * is unchanged keeps its symbol and its type object (see `unchangedField`), and types are never
 * changed in place, so most lines are the last version's (600 fields per keystroke in the bench's
 * 5,000-line file).
 */
function fieldPart(path: string, f: FieldSymbol): string {
  const known = fieldParts.get(f);
  if (known && known.path === path && known.type === f.type && known.optional === f.optional && known.file === f.file && known.stream === f.stream) return known.part;
  const part = `f ${path} ${fieldKey(f)}`;
  fieldParts.set(f, { path, type: f.type, optional: f.optional, file: f.file, stream: f.stream, part });
  return part;
}

function fieldKey(f: FieldSymbol): string {
  return `${f.file} ${f.stream ?? ""} ${f.optional} ${typeKey(f.type)}`;
}

/** A type as text, every property included (members in order), cheaper than JSON.stringify. */
function typeKey(t: Type): string {
  let out = t.kind;
  for (const k in t) {
    if (k === "kind") continue;
    const v = (t as Record<string, unknown>)[k];
    out += ` ${k}=${Array.isArray(v) ? v.map((m) => JSON.stringify(m)).join(",") : String(v)}`;
  }
  return out;
}
