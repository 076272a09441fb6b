// `semanticTokens/range` must be the full answer cut to the range: the editor colours the visible
// lines from it and the rest from the full answer, and the two must never disagree.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compile } from "../compiler/compile.js";
import { semanticTokens } from "../lsp/features/semantic-tokens.js";
import { rng } from "./support/random-program.js";

const here = dirname(fileURLToPath(import.meta.url));
const examplesDir = resolve(here, "..", "examples");
const sources = readdirSync(examplesDir)
  .filter((f) => f.endsWith(".leaddef"))
  .map((f) => ({ path: join(examplesDir, f), text: readFileSync(join(examplesDir, f), "utf8") }));

describe("semantic tokens for a range", () => {
  it("equal the full answer's tokens that start inside the range, on every example and random ranges", () => {
    let compared = 0;
    sources.forEach(({ path, text }, s) => {
      const result = compile(text, { path });
      const model = result.analysis.entry;
      const full = semanticTokens(result);
      const r = rng(0x5e11 + s);
      // Whole lines (what VS Code asks for), arbitrary offsets, empty ranges, the whole file.
      const ranges = [{ start: 0, end: text.length }, { start: 0, end: 0 }, { start: text.length, end: text.length }];
      for (let i = 0; i < 12; i++) {
        const a = Math.floor(r() * (text.length + 1));
        const b = Math.min(text.length, a + Math.floor(r() * 600));
        ranges.push({ start: a, end: b });
        const first = model.lines.position(a).line;
        ranges.push({ start: model.lines.offset({ line: first, character: 0 }), end: model.lines.offset({ line: first + 1 + Math.floor(r() * 40), character: 0 }) });
      }
      for (const span of ranges) {
        const expected = full.filter((t) => {
          const offset = model.lines.offset({ line: t.line, character: t.character });
          return offset >= span.start && offset < span.end;
        });
        expect(semanticTokens(result, undefined, span), `${path} ${span.start}..${span.end}`).toEqual(expected);
        compared += expected.length;
      }
    });
    expect(compared).toBeGreaterThan(1000);
  });
});
