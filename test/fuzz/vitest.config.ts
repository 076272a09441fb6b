import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The fuzz suite runs on its own (`npm run fuzz:ci`, `npm run fuzz`), not in `npm test`: its
// length is a budget (LEADDEF_FUZZ_SECONDS), not a fixed set of cases.
export default defineConfig({
  root: resolve(dirname(fileURLToPath(import.meta.url)), "..", ".."),
  test: {
    include: ["test/fuzz/**/*.fuzz.ts"],
    // One file, its properties one after another: the time shares are of one budget.
    maxWorkers: 1,
    minWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
