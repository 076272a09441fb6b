import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

/**
 * chevrotain, loaded from its single-file bundle. The package's entry point imports a few
 * hundred modules and costs ~0.3–0.5 s at every process start; the bundle it ships beside them
 * loads in ~20 ms. The package does not export the bundle's path, so it is found next to the
 * entry point; if that ever fails, the entry point is used. (Editor bundles made with esbuild
 * replace this module with a plain `export * from "chevrotain"`.)
 */
async function load(): Promise<typeof import("chevrotain")> {
  try {
    const entry = createRequire(import.meta.url).resolve("chevrotain");
    return (await import(pathToFileURL(join(dirname(entry), "..", "chevrotain.min.mjs")).href)) as typeof import("chevrotain");
  } catch {
    return import("chevrotain");
  }
}

const chevrotain = await load();

export const { createToken, Lexer, CstParser } = chevrotain;
