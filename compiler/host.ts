import { closeSync, constants, existsSync, fstatSync, openSync, readSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { findProjectRoot, PROJECT_MARKERS, type FileFacts } from "../language/import-rule.js";
import type { CompilerHost } from "../language/model.js";

/**
 * No read returns more than this. Imports are held to MAX_IMPORT_BYTES by the import rule before
 * they are read; this bound is for the entry file, which the user named (a 5 MB definition is
 * still checked), and for a file that grows between the rule's stat and the read.
 */
export const MAX_READ_BYTES = 256 * 1024 * 1024;

export interface NodeHostOptions {
  /**
   * The folder imports must stay inside. Default: the nearest folder above the entry file
   * holding a package.json or .git (the entry's own folder when there is none).
   */
  projectRoot?: string | ((entryPath: string) => string | undefined);
  /** The language server's host: see `CompilerHost.editing`. */
  editing?: boolean;
}

/**
 * Reads files from disk; `overlay` (path → text) wins, for unsaved editor buffers and stdin.
 * The import rule (language/import-rule.ts) is fed from here: `describe` stats without reading,
 * and `readFile` itself reads only regular files of at most MAX_READ_BYTES, checked on the open
 * descriptor, so a file swapped for a FIFO between the check and the read still cannot hang.
 */
export function nodeHost(overlay: ReadonlyMap<string, string> = new Map(), options: NodeHostOptions = {}): CompilerHost {
  return {
    ...(options.editing ? { editing: true } : {}),
    readFile(path) {
      const open = overlay.get(path);
      if (open !== undefined) return open;
      return readBoundedFile(path, MAX_READ_BYTES);
    },
    resolveImport(fromPath, spec) {
      return resolve(dirname(fromPath), spec);
    },
    describe(path) {
      const facts = describePath(path);
      const open = overlay.get(path);
      // An unsaved buffer stands for the file whether or not it exists on disk yet.
      return open === undefined ? facts : { kind: "file", size: Buffer.byteLength(open), realPath: facts.realPath };
    },
    projectRoot(entryPath) {
      const chosen = options.projectRoot;
      const root = typeof chosen === "function" ? chosen(entryPath) : chosen;
      return realPathOf(resolve(root ?? defaultProjectRoot(entryPath)));
    },
  };
}

/** The nearest folder at or above `entryPath`'s holding a package.json or .git; else the entry's folder. */
export function defaultProjectRoot(entryPath: string): string {
  return findProjectRoot(
    dirname(resolve(entryPath)),
    (dir) => PROJECT_MARKERS.some((m) => existsSync(join(dir, m))),
    (dir) => dirname(dir),
  );
}

/** Kind, size and real path of `path`, never reading it. */
export function describePath(path: string): FileFacts {
  try {
    const stat = statSync(path);
    const kind = stat.isFile() ? "file" : stat.isDirectory() ? "directory" : "other";
    return { kind, size: stat.isFile() ? stat.size : 0, realPath: realPathOf(path) };
  } catch {
    return { kind: "missing", size: 0, realPath: realPathOf(path) };
  }
}

/** `path` with symlinks resolved; for a path that does not exist, its nearest existing folder's. */
function realPathOf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(realPathOf(parent), basename(path));
  }
}

/**
 * The text of a regular file of at most `maxBytes`; undefined for anything else. Opened
 * non-blocking (a FIFO then opens at once) and checked with fstat on the descriptor itself.
 */
function readBoundedFile(path: string, maxBytes: number): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > maxBytes) return undefined;
    // Read to the end, but never past the limit: a file that grew since fstat is refused, not read forever.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(Math.max(stat.size - total, 0) + 1, maxBytes + 1 - total, 1 << 20));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > maxBytes) return undefined;
    }
    return Buffer.concat(chunks, total).toString("utf8");
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
