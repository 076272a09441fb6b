// `semanticTokens/full/delta`: the edits the server sends must turn the client's array into the
// current one exactly, whatever changed, and cut the array only between tokens.
import { describe, expect, it } from "vitest";
import { semanticTokensEdits, type SemanticTokensEdit } from "../lsp/features/semantic-tokens-delta.js";
import { rng } from "./support/random-program.js";

/** What a client does with the edits: splice them into the array it holds. */
function apply(previous: readonly number[], edits: readonly SemanticTokensEdit[]): number[] {
  const out = [...previous];
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out.splice(e.start, e.deleteCount, ...e.data);
  return out;
}

/** A random encoded token array: five small integers per token. */
function tokens(r: () => number, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count * 5; i++) out.push(Math.floor(r() * 3));
  return out;
}

describe("semantic tokens delta", () => {
  it("is no edit for equal arrays, and one small edit for one changed token", () => {
    const a = [0, 0, 6, 0, 0, 1, 2, 3, 1, 0, 0, 4, 5, 2, 1];
    expect(semanticTokensEdits(a, [...a])).toEqual([]);
    const b = [...a];
    b[7] = 4; // the second token's length
    expect(semanticTokensEdits(a, b)).toEqual([{ start: 5, deleteCount: 5, data: [1, 2, 4, 1, 0] }]);
  });

  it("turns any previous array into any next one, cutting only between tokens (random arrays and edits)", () => {
    const r = rng(0xde17a);
    for (let i = 0; i < 2000; i++) {
      const previous = tokens(r, Math.floor(r() * 12));
      // Small changes (a token inserted, removed or changed) as well as unrelated arrays.
      let next = [...previous];
      const op = r();
      const at = 5 * Math.floor(r() * (previous.length / 5 + 1));
      if (op < 0.3) next.splice(at, 0, ...tokens(r, 1 + Math.floor(r() * 2)));
      else if (op < 0.55) next.splice(at, 5);
      else if (op < 0.8 && next.length) next[Math.floor(r() * next.length)] = Math.floor(r() * 3);
      else next = tokens(r, Math.floor(r() * 12));
      const edits = semanticTokensEdits(previous, next);
      expect(apply(previous, edits), `${previous} → ${next}`).toEqual(next);
      for (const e of edits) {
        expect(e.start % 5).toBe(0);
        expect(e.deleteCount % 5).toBe(0);
        expect(e.data.length % 5).toBe(0);
      }
    }
  });
});
