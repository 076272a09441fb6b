// The parallel batch path's worker pool sends each piece to the worker with the fewest pieces
// waiting: a worker that falls behind (its core taken by another process) does not hold up the
// pieces after it while the other worker sits idle.
import { describe, expect, it } from "vitest";
import { Pool } from "../compiler/batch/js/run-parallel.js";

const script = new URL("./fixtures/workers/hold-empty-piece.mjs", import.meta.url);

describe("Pool", () => {
  it("gives every later piece to the free worker while one worker is stuck", async () => {
    const pool = new Pool<number>(script, 2, {});
    try {
      const stuck = pool.score(new ArrayBuffer(8), 0); // never answered
      stuck.catch(() => undefined);
      const first = await pool.score(new ArrayBuffer(8), 8);
      // In strict turns every other piece would wait behind the stuck one, forever.
      for (let k = 0; k < 4; k++) {
        const next = pool.score(new ArrayBuffer(8), 8);
        expect(pool.waiting.slice().sort()).toEqual([1, 1]);
        expect(await next).toBe(first);
      }
    } finally {
      await pool.close();
    }
  });

  it("shares pieces out in turn while the workers keep up", async () => {
    const pool = new Pool<number>(script, 2, {});
    try {
      const ids = await Promise.all([0, 1, 2, 3].map(() => pool.score(new ArrayBuffer(8), 8)));
      expect(new Set(ids).size).toBe(2);
      expect(ids[0]).toBe(ids[2]);
      expect(ids[1]).toBe(ids[3]);
    } finally {
      await pool.close();
    }
  });
});
