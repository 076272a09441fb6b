// forEachChild (allocation-free, used by walk) visits exactly what children() lists, in order,
// on every node of the examples and diagnostic fixtures and of randomly damaged copies of them.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { children, forEachChild, type Node } from "../language/ast.js";
import { parseFile } from "../language/parse.js";
import { rng } from "./support/random-program.js";

const here = dirname(fileURLToPath(import.meta.url));

it("forEachChild agrees with children on every node", () => {
  let nodes = 0;
  for (const dir of [resolve(here, "..", "examples"), resolve(here, "fixtures", "diagnostics")]) {
    for (const f of readdirSync(dir).filter((x) => x.endsWith(".leaddef"))) {
      const text = readFileSync(join(dir, f), "utf8");
      const r = rng(f.length);
      const versions = [text];
      for (let i = 0; i < 5; i++) {
        const at = Math.floor(r() * text.length);
        versions.push(text.slice(0, at) + ["\n", "}", "+2 when x\n", "as of 2026-01-01\n", "cap 3\n"][i] + text.slice(at));
      }
      for (const v of versions) {
        const stack: Node[] = [parseFile(f, v).ast];
        while (stack.length) {
          const node = stack.pop()!;
          const seen: Node[] = [];
          forEachChild(node, (c, parent) => {
            expect(parent).toBe(node);
            seen.push(c);
          }, undefined);
          expect(seen).toEqual(children(node));
          stack.push(...seen);
          nodes++;
        }
      }
    }
  }
  expect(nodes).toBeGreaterThan(1000);
});
