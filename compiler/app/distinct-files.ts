import { realpathSync } from "node:fs";
import { resolve } from "node:path";

/**
 * Why a command must not write where it reads: an output (results, rejects, a report) that is
 * one of its input files would be truncated while, or after, it is read — the user's export
 * lost. Files are compared by their real path (links and `./` spellings resolved); an output
 * that does not exist yet cannot be an input. Two outputs into one file are refused too.
 * Undefined when every output is a file of its own.
 */
export function overwrittenInput(inputs: readonly string[], outputs: readonly { flag: string; path: string | undefined }[]): string | undefined {
  const real = (p: string): string | undefined => {
    try {
      return realpathSync(resolve(p));
    } catch {
      return undefined;
    }
  };
  const read = new Map<string, string>();
  for (const p of inputs) {
    if (p === "-") continue;
    const r = real(p);
    if (r !== undefined) read.set(r, p);
  }
  const written = new Map<string, string>();
  for (const { flag, path } of outputs) {
    if (path === undefined || path === "-") continue;
    const r = real(path);
    const input = r === undefined ? undefined : read.get(r);
    if (input !== undefined) return `${flag} ${path} is the input file ${input}: writing it would destroy the data being read; write elsewhere`;
    // Two outputs into one file would interleave: compared by real path, or by absolute path for files not there yet.
    const key = r ?? resolve(path);
    const other = written.get(key);
    if (other !== undefined) return `${flag} ${path} is also ${other}: give each output a file of its own`;
    written.set(key, `${flag} ${path}`);
  }
  return undefined;
}
