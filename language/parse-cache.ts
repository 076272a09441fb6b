import type * as A from "./ast.js";
import type { Diagnostic } from "./diagnostics.js";

/**
 * What parsing one declaration chunk produced. A chunk's result depends only on its own text
 * (from its first token up to the next chunk's first token): the lexer is context-free, a chunk
 * always starts a line, and the parser and AST builder see nothing outside the chunk. So a chunk
 * whose text has not changed since the last parse need not be parsed again: its result is reused,
 * moved to where the chunk now starts and renumbered from the id the file has reached.
 */
export interface ChunkResult {
  /** Offset of the chunk's first token, and the first node id it used, when this was built. */
  start: number;
  firstId: number;
  /** How many node ids the chunk used (they are consecutive, from firstId). */
  idCount: number;
  decl: A.Declaration | undefined;
  /** LD0005 when the chunk nests too deep (then there is nothing else). */
  deep: Diagnostic | undefined;
  /** LD0002s in order, before the file-wide cap on syntax errors is applied. */
  syntax: Diagnostic[];
  /** The AST builder's diagnostics (bad numbers, dates, escapes...). */
  literal: Diagnostic[];
  /**
   * Every distinct span object of `decl`'s tree (nodes may share one), so the tree can be moved
   * in place with one pass over them instead of being copied (see `moveInPlace`).
   */
  spans: Span[];
  /**
   * The parse whose file holds this very tree, when that parse may give it up to the next parse
   * of the same file (the language server's edits): see `parseFile`'s `inPlace`.
   */
  owner: object | undefined;
}

type Span = { start: number; end: number };

/** Past this many characters of chunk text the least recently used chunks are dropped (~40 bytes of tree per character: ~80 MB at most). */
const MAX_CACHED_CHARS = 2_000_000;

/**
 * Chunk results by chunk text, bounded by MAX_CACHED_CHARS: past it, the least recently used go.
 * A hit only stamps its entry (a keystroke in a large file looks up every chunk: moving each to
 * the back of the map was a delete and an insert per chunk per key); the stamps are sorted only
 * when something must be dropped.
 */
export class ParseCache {
  /** Each entry under its own copy of the key (see `set`), with when it was last used. */
  private readonly entries = new Map<string, { key: string; result: ChunkResult; used: number }>();
  private chars = 0;
  private clock = 0;

  constructor(private readonly maxChars = MAX_CACHED_CHARS) {}

  get(text: string): ChunkResult | undefined {
    const hit = this.entries.get(text);
    if (!hit) return undefined;
    hit.used = ++this.clock;
    return hit.result;
  }

  set(text: string, result: ChunkResult): void {
    if (text.length > this.maxChars) return;
    const existing = this.entries.get(text);
    if (existing) {
      existing.result = result;
      existing.used = ++this.clock;
      return;
    }
    // `text` is usually a slice of a whole file, and V8 keeps the whole file alive for as long as
    // a slice of it lives. Concatenating and slicing again makes a string of the key's own length.
    const key = (" " + text).slice(1);
    this.entries.set(key, { key, result, used: ++this.clock });
    this.chars += key.length;
    if (this.chars > this.maxChars) this.dropLeastRecentlyUsed();
  }

  /**
   * Drops the least recently used entries down to three quarters of the bound, so that the sort
   * is paid once per quarter of the bound's worth of new chunks, not once per chunk.
   */
  private dropLeastRecentlyUsed(): void {
    const byAge = [...this.entries.values()].sort((a, b) => a.used - b.used);
    for (const e of byAge) {
      if (this.chars <= this.maxChars * 0.75) break;
      this.entries.delete(e.key);
      this.chars -= e.key.length;
    }
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
    this.chars = 0;
  }
}

/**
 * `cached` as if the chunk had been parsed starting at `start` with ids from `firstId`.
 * Same place and ids: the very same (immutable) nodes, unless `alwaysCopy` (the result is to be
 * moved in place later, so it must not share nodes with anyone). Otherwise a copy with every span moved
 * and every id renumbered. Diagnostics are always copies: the compiler fills in their ranges.
 */
export function relocate(cached: ChunkResult, start: number, firstId: number, file: string, alwaysCopy = false): ChunkResult {
  const offsetDelta = start - cached.start;
  const idDelta = firstId - cached.firstId;
  const copy = cached.decl !== undefined && (alwaysCopy || offsetDelta !== 0 || idDelta !== 0);
  const spans: Span[] = copy ? [] : cached.spans;
  const decl = copy ? (moveNode(cached.decl, offsetDelta, idDelta, spans) as A.Declaration) : cached.decl;
  return {
    start,
    firstId,
    idCount: cached.idCount,
    decl,
    spans,
    owner: undefined,
    deep: cached.deep && moveDiagnostic(cached.deep, offsetDelta, file),
    syntax: cached.syntax.map((d) => moveDiagnostic(d, offsetDelta, file)),
    literal: cached.literal.map((d) => moveDiagnostic(d, offsetDelta, file)),
  };
}

/**
 * Moves `cached`'s own tree to `start` by shifting its spans in place: no copy, ids kept. Only for
 * a tree no other live result holds (its previous holder is superseded: `parseFile`'s `inPlace`).
 * Copying every declaration after an edit was most of a keystroke's time in a large file (and
 * most of its garbage); this touches one number pair per span. The diagnostics kept with the
 * result are its own objects and move with it.
 */
export function moveInPlace(cached: ChunkResult, start: number): void {
  const delta = start - cached.start;
  if (delta === 0) return;
  for (const s of cached.spans) {
    s.start += delta;
    s.end += delta;
  }
  for (const d of [...(cached.deep ? [cached.deep] : []), ...cached.syntax, ...cached.literal]) {
    d.span = moveSpan(d.span, delta);
    if (d.suggestion) d.suggestion = { ...d.suggestion, span: moveSpan(d.suggestion.span, delta) };
  }
  cached.start = start;
}

/** The distinct span objects of a tree, for `moveInPlace` (the AST builder shares some between nodes). */
export function spansOf(node: unknown): Span[] {
  const seen = new Set<Span>();
  const visit = (n: unknown): void => {
    if (Array.isArray(n)) {
      for (const x of n) visit(x);
      return;
    }
    if (n === null || typeof n !== "object") return;
    const src = n as Record<string, unknown>;
    for (const key in src) {
      const v = src[key];
      if (key === "span") seen.add(v as Span);
      else if (v !== null && typeof v === "object") visit(v);
    }
  };
  visit(node);
  return [...seen];
}

/** A fresh diagnostic object (the compiler writes `range` into them), moved by `delta`. */
export function moveDiagnostic(d: Diagnostic, delta: number, file: string): Diagnostic {
  const out: Diagnostic = { ...d, file, span: moveSpan(d.span, delta) };
  delete out.range;
  if (d.suggestion) {
    out.suggestion = { ...d.suggestion, span: moveSpan(d.suggestion.span, delta) };
    delete out.suggestion.range;
  }
  return out;
}

function moveSpan(s: Span, delta: number): Span {
  return { start: s.start + delta, end: s.end + delta };
}

/**
 * A deep copy of an AST node: `span` moved by `offsetDelta`, `id` by `idDelta`, every nested
 * node and array copied the same way, everything else (text, numbers, booleans) as is.
 * Generic over node kinds, so a field added to the AST is carried without changes here.
 */
function moveNode(node: unknown, offsetDelta: number, idDelta: number, spans: Span[]): unknown {
  if (Array.isArray(node)) return node.map((n) => moveNode(n, offsetDelta, idDelta, spans));
  if (node === null || typeof node !== "object") return node;
  const src = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key in src) {
    const v = src[key];
    if (key === "id" && typeof v === "number") out[key] = v + idDelta;
    else if (key === "span") spans.push((out[key] = moveSpan(v as Span, offsetDelta)) as Span);
    else out[key] = v !== null && typeof v === "object" ? moveNode(v, offsetDelta, idDelta, spans) : v;
  }
  return out;
}
