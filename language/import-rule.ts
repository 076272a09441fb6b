import { helpText, message, type Message } from "./diagnostics.js";
/**
 * What an `import` may read. One rule for every host (the CLI's disk host, the language server's
 * overlay of editor buffers, the library's `compile()`): a definition may import `.leaddef`
 * regular files of at most MAX_IMPORT_BYTES that lie inside its project folder once symlinks are
 * resolved. Anything else is refused with a diagnostic that names the import as written and
 * nothing of the target's content (an `import "/etc/shadow"` must not echo a line of it).
 *
 * Pure: the hosts gather the facts (a `stat` of the target, its real path, the project folder);
 * this module only decides.
 */

/** Imports larger than this are refused before they are read (`/dev/zero` has no end). */
export const MAX_IMPORT_BYTES = 4 * 1024 * 1024;

/** The only extension an imported file may have. */
export const IMPORT_EXTENSION = ".leaddef";

/** What a host found at a path, without reading it. */
export interface FileFacts {
  /** `other` covers FIFOs, sockets and devices: files whose reading may never end. */
  kind: "file" | "directory" | "other" | "missing";
  /** In bytes; 0 unless `kind` is `file`. */
  size: number;
  /** The path with every symlink resolved (the path itself when it does not exist). */
  realPath: string;
}

export type ImportRefusal = "extension" | "outside-project" | "missing" | "not-a-file" | "too-large";

/** Whether `path` is `root` or lies under it. Both are absolute; either separator counts. */
export function isInside(root: string, path: string): boolean {
  if (path === root) return true;
  const last = root[root.length - 1];
  const prefix = last === "/" || last === "\\" ? root : undefined;
  if (prefix) return path.startsWith(prefix);
  if (!path.startsWith(root)) return false;
  const next = path[root.length];
  return next === "/" || next === "\\";
}

/**
 * Why `import` of `target` is refused, or undefined when it may be read. `projectRoot` is the
 * project folder with symlinks resolved; undefined means no containment (a host with no file
 * system). Containment is judged on the real path, so a symlink inside the project cannot lead
 * out of it; a file outside the project is refused the same way whether it exists or not.
 */
export function importRefusal(target: string, facts: FileFacts | undefined, projectRoot: string | undefined): ImportRefusal | undefined {
  if (!target.toLowerCase().endsWith(IMPORT_EXTENSION)) return "extension";
  if (projectRoot !== undefined && !isInside(projectRoot, facts?.realPath ?? target)) return "outside-project";
  if (facts === undefined) return undefined;
  if (facts.kind === "missing") return "missing";
  if (facts.kind !== "file") return "not-a-file";
  if (facts.size > MAX_IMPORT_BYTES) return "too-large";
  return undefined;
}

/** The diagnostic text for a refusal: the import as written and the rule, never the target's content. */
export function refusalText(spec: string, refusal: Exclude<ImportRefusal, "missing">, projectRoot: string | undefined): { message: Message; help: string } {
  const shown = printableSpec(spec);
  switch (refusal) {
    case "extension":
      return { message: message("importNotLeaddef", { spec: shown, extension: IMPORT_EXTENSION }), help: helpText("importOnlyLeaddef", { extension: IMPORT_EXTENSION }) };
    case "outside-project":
      return { message: message("importOutsideProject", { spec: shown }), help: helpText("importInsideProject", { root: projectRoot ? ` ${projectRoot}` : "" }) };
    case "not-a-file":
      return { message: message("importNotAFile", { spec: shown }), help: helpText("importRegularFiles") };
    case "too-large":
      return { message: message("importTooLarge", { spec: shown, mb: String(MAX_IMPORT_BYTES / 1024 / 1024) }), help: helpText("importSplit") };
  }
}

/** A folder holding one of these is a project's root. */
export const PROJECT_MARKERS = ["package.json", ".git"] as const;

/**
 * The project folder for a file in `startDir`: the nearest folder at or above it holding a
 * project marker, or `startDir` itself when none does. `hasMarker` is the host's look at the disk;
 * `parentOf` gives a folder's parent (the same folder at the top).
 */
export function findProjectRoot(startDir: string, hasMarker: (dir: string) => boolean, parentOf: (dir: string) => string): string {
  for (let dir = startDir, depth = 0; depth < 256; depth++) {
    if (hasMarker(dir)) return dir;
    const parent = parentOf(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return startDir;
}

/** Control characters in an import path are shown escaped, so a hostile path cannot reshape the output. */
function printableSpec(spec: string): string {
  const shown = spec.length > 120 ? `${spec.slice(0, 120)}…` : spec;
  return shown.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).replace(/`/g, "'");
}
