import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { CompilerHost } from "../language/model.js";

/** Reads files from disk; `overlay` (path → text) wins, for unsaved editor buffers and stdin. */
export function nodeHost(overlay: ReadonlyMap<string, string> = new Map()): CompilerHost {
  return {
    readFile(path) {
      const open = overlay.get(path);
      if (open !== undefined) return open;
      try {
        return readFileSync(path, "utf8");
      } catch {
        return undefined;
      }
    },
    resolveImport(fromPath, spec) {
      return resolve(dirname(fromPath), spec);
    },
  };
}
