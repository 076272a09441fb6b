import { readdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { compileFile, type CompileResult } from "../compiler/compile.js";
import { nodeHost } from "../compiler/host.js";
import { isInside } from "../language/import-rule.js";
import { detectDelimiter, headOf } from "../compiler/batch/sources/csv-dialect.js";
import { CsvRecordReader } from "../compiler/batch/sources/csv-records.js";
import type { KnownColumn } from "./features/completion.js";
import type { CompilerHost } from "../language/model.js";

/** Past this many characters a document is not compiled: editor features go quiet instead of slow. */
export const MAX_DOCUMENT_CHARS = 4_000_000;
/** At most this many unopened workspace files are compiled for references, rename and symbols. */
const MAX_WORKSPACE_FILES = 2_000;

interface OpenDocument {
  uri: string;
  path: string;
  text: string;
  version: number;
}

/**
 * The server's view of the files: open documents (their unsaved text wins) and, read from disk,
 * everything else. Compiles lazily and caches per document until anything changes. Knows nothing
 * of the LSP wire protocol.
 */
export class Workspace {
  private readonly docs = new Map<string, OpenDocument>();
  private readonly overlay = new Map<string, string>();
  /** The import boundary from the client's `projectRoot` initialization option; default: the workspace folder holding the file. */
  projectRoot: string | undefined;
  private readonly host: CompilerHost = nodeHost(this.overlay, { projectRoot: (entry) => this.projectRootFor(entry), editing: true });
  private readonly cache = new Map<string, { generation: number; result: CompileResult }>();
  private workspaceCache: { generation: number; results: CompileResult[] } | undefined;
  /** Bumped on every change to any file: a cached compilation from an older generation is stale. */
  private generation = 0;
  roots: string[] = [];

  /** A file path for a URI; non-file URIs (untitled:) get a stable stand-in path. */
  pathOf(uri: string): string {
    if (uri.startsWith("file:")) {
      try {
        return resolve(fileURLToPath(uri));
      } catch {
        // fall through to the stand-in
      }
    }
    return resolve("/__leaddef_virtual__", encodeURIComponent(uri));
  }

  uriOf(path: string): string {
    for (const d of this.docs.values()) if (d.path === path) return d.uri;
    if (path.startsWith(resolve("/__leaddef_virtual__") + "/")) return decodeURIComponent(path.slice(resolve("/__leaddef_virtual__").length + 1));
    return pathToFileURL(path).href;
  }

  open(uri: string, text: string, version: number): void {
    const path = this.pathOf(uri);
    this.docs.set(uri, { uri, path, text, version });
    this.overlay.set(path, text);
    this.generation++;
  }

  change(uri: string, text: string, version: number): void {
    this.open(uri, text, version);
  }

  close(uri: string): void {
    const doc = this.docs.get(uri);
    if (!doc) return;
    this.docs.delete(uri);
    this.overlay.delete(doc.path);
    this.cache.delete(uri);
    this.generation++;
  }

  /** Files on disk changed (watched-files notification): everything may be stale. */
  filesChanged(): void {
    this.generation++;
  }

  isOpen(uri: string): boolean {
    return this.docs.has(uri);
  }

  openUris(): string[] {
    return [...this.docs.keys()];
  }

  text(uri: string): string | undefined {
    return this.docs.get(uri)?.text;
  }

  tooLarge(uri: string): boolean {
    return (this.docs.get(uri)?.text.length ?? 0) > MAX_DOCUMENT_CHARS;
  }

  /** The compilation of an open document, from cache when nothing changed since. */
  result(uri: string): CompileResult | undefined {
    const doc = this.docs.get(uri);
    if (!doc || doc.text.length > MAX_DOCUMENT_CHARS) return undefined;
    const cached = this.cache.get(uri);
    if (cached && cached.generation === this.generation) return cached.result;
    const result = compileFile(doc.path, this.host);
    this.cache.set(uri, { generation: this.generation, result });
    return result;
  }

  /** An open document's compilation, or else the file's as it is on disk (for commands on unopened files). */
  resultOrDisk(uri: string): CompileResult | undefined {
    if (this.docs.has(uri)) return this.result(uri);
    try {
      return compileFile(this.pathOf(uri), this.host);
    } catch {
      return undefined;
    }
  }

  /** The last compilation of `uri`, stale or not (for finding dependents cheaply). */
  lastResult(uri: string): CompileResult | undefined {
    return this.cache.get(uri)?.result;
  }

  /** Open documents other than `uri` whose last compilation read `uri`'s file (they import it). */
  dependents(uri: string): string[] {
    const path = this.pathOf(uri);
    const out: string[] = [];
    for (const d of this.docs.values()) {
      if (d.uri === uri) continue;
      const last = this.cache.get(d.uri)?.result;
      if (last?.analysis.files.has(path)) out.push(d.uri);
    }
    return out;
  }

  /**
   * Compilations of every `.leaddef` file in the workspace folders and every open document,
   * for references, rename and workspace symbols across files that import each other.
   */
  workspaceResults(): CompileResult[] {
    if (this.workspaceCache?.generation === this.generation) return this.workspaceCache.results;
    const results: CompileResult[] = [];
    const seen = new Set<string>();
    for (const d of this.docs.values()) {
      const r = this.result(d.uri);
      seen.add(d.path);
      if (r) results.push(r);
    }
    for (const path of this.workspaceFiles()) {
      if (seen.has(path)) continue;
      seen.add(path);
      try {
        results.push(compileFile(path, this.host));
      } catch {
        // an unreadable or pathological file must not take the request down
      }
    }
    this.workspaceCache = { generation: this.generation, results };
    return results;
  }

  /**
   * The folder a file's imports must stay inside: the configured one, else the innermost
   * workspace folder holding the file, else (a file opened outside every folder) undefined,
   * which the host turns into the nearest folder with a package.json or .git.
   */
  private projectRootFor(entry: string): string | undefined {
    if (this.projectRoot !== undefined) return this.projectRoot;
    const holding = this.roots.filter((r) => isInside(resolve(r), entry)).sort((a, b) => b.length - a.length);
    return holding[0];
  }

  private workspaceFiles(): string[] {
    return this.filesUnderRoots((name) => name.endsWith(".leaddef"), MAX_WORKSPACE_FILES, 12);
  }

  /** The files under the workspace folders whose name passes `match` (hidden folders, node_modules and dist skipped), at most `max`, at most `maxDepth` deep. */
  private filesUnderRoots(match: (name: string) => boolean, max: number, maxDepth: number): string[] {
    const out: string[] = [];
    const visit = (dir: string, depth: number) => {
      if (out.length >= max || depth > maxDepth) return;
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        if (e.name.startsWith(".") || e.name === "node_modules" || e.name === "dist") continue;
        const p = join(dir, e.name);
        if (e.isDirectory()) visit(p, depth + 1);
        else if (e.isFile() && match(e.name)) out.push(resolve(p));
        if (out.length >= max) return;
      }
    };
    for (const root of this.roots) visit(root, 0);
    return out;
  }

  private columnsCache: { at: number; columns: KnownColumn[] } | undefined;

  /**
   * The column headers of the CSV files and the top-level keys of the JSON Lines files under the
   * workspace folders (the first 64 KiB of at most 50 files), for completion after `from "`.
   * Read again at most every 30 seconds.
   */
  dataColumns(now = Date.now()): KnownColumn[] {
    if (this.columnsCache && now - this.columnsCache.at < 30_000) return this.columnsCache.columns;
    const files = this.filesUnderRoots((name) => /\.(csv|jsonl|ndjson)$/i.test(name), 50, 6);
    const columns: KnownColumn[] = [];
    for (const file of files) {
      let head: string;
      try {
        head = headOf(file);
      } catch {
        continue;
      }
      const name = basename(file);
      for (const column of headerColumns(head, /\.csv$/i.test(file) ? "csv" : "jsonl")) columns.push({ name: column, file: name });
    }
    this.columnsCache = { at: now, columns };
    return columns;
  }
}

/** The column names a data file's first bytes give: a CSV header row, or a JSON line's top-level keys. */
export function headerColumns(head: string, format: "csv" | "jsonl"): string[] {
  if (format === "jsonl") {
    const line = head.split(/\r?\n/).find((l) => l.trim());
    try {
      const value: unknown = JSON.parse(line ?? "");
      return value !== null && typeof value === "object" && !Array.isArray(value) ? Object.keys(value) : [];
    } catch {
      return [];
    }
  }
  let header: string[] = [];
  const reader = new CsvRecordReader((cells) => { if (!header.length) header = cells; }, () => undefined, undefined, 1, true, detectDelimiter(head));
  reader.push(head.split(/\r\n|\n|\r/)[0] ?? "");
  reader.end();
  return header.map((h) => h.trim()).filter(Boolean);
}
