import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { CompilerHost } from "../../language/model.js";
import { nodeHost } from "../host.js";

/**
 * Where a definition for `diff` and `compare` comes from: a file, or a git revision written
 * `REV:path` (`HEAD~1:examples/acme.leaddef`), read with `git show` from the repository of
 * the working directory. Imports of a revision are read at the same revision.
 */
export interface DefinitionSource {
  /** As the user wrote it, for headings. */
  label: string;
  /** The path the compiler sees (inside the repository for a revision). */
  path: string;
  host: CompilerHost;
}

function git(cwd: string, args: string[]): string {
  // execFileSync: arguments are passed as they are, no shell ever sees them
  return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 });
}

/** A file that exists is a file; otherwise `REV:path` is a git revision. */
export function definitionSource(spec: string, cwd = process.cwd()): DefinitionSource {
  const colon = spec.indexOf(":");
  if (existsSync(resolve(cwd, spec)) || colon <= 0 || colon === spec.length - 1) {
    return { label: spec, path: resolve(cwd, spec), host: nodeHost() };
  }
  const rev = spec.slice(0, colon);
  const inRepo = spec.slice(colon + 1);
  let root: string;
  try {
    root = git(cwd, ["rev-parse", "--show-toplevel"]).trim();
  } catch {
    throw new Error(`\`${spec}\` is neither a file nor a git revision here: ${cwd} is not in a git repository`);
  }
  try {
    git(root, ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`]);
  } catch {
    throw new Error(`\`${rev}\` in \`${spec}\` is not a git revision (and no such file exists)`);
  }
  // As git reads `REV:./x`: `./` and `../` are relative to the working directory, anything else
  // to the repository's top.
  const path = inRepo.startsWith("./") || inRepo.startsWith("../") ? resolve(cwd, inRepo) : join(root, inRepo);
  return { label: spec, path, host: gitHost(root, rev) };
}

/** Reads files as they are at `rev`; a file outside the repository or absent there is not found. */
export function gitHost(root: string, rev: string): CompilerHost {
  const cache = new Map<string, string | undefined>();
  return {
    readFile(path) {
      if (cache.has(path)) return cache.get(path);
      const rel = relative(root, path);
      let text: string | undefined;
      if (rel && !rel.startsWith("..") && !isAbsolute(rel)) {
        try {
          text = git(root, ["show", `${rev}:${rel.split(sep).join("/")}`]);
        } catch {
          text = undefined;
        }
      }
      cache.set(path, text);
      return text;
    },
    resolveImport(fromPath, spec) {
      return resolve(dirname(fromPath), spec);
    },
  };
}
