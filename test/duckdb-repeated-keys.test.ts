// JSON Lines with repeated keys: DuckDB reads the first of a repeated key, JSON.parse the last.
// The DuckDB engine hands a file to the JS engine only when an object the definition reads
// repeats a key it reads there; any other repeat changes neither reading, and DuckDB scores it.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile } from "../compiler/compile.js";
import { bothEnginesOnJsonl } from "./support/both-engines.js";

const dir = mkdtempSync(join(tmpdir(), "leaddef-repeated-keys-"));
const { program } = compile(`schema {
  company.size: integer?
  company.country: string?
  tier: string?
}
criterion big when company.size >= 100
hot when big and tier = "a"
`);
const bothOnText = bothEnginesOnJsonl(program!, dir);
/** Both engines on the lines; output, rejects and counts must agree. Returns the DuckDB run's summary. */
const both = (lines: string[]) => bothOnText(lines.join("\n") + "\n");

const handedOver = (line: number) => [`line ${line} repeats a key, whose last value counts (DuckDB would read the first); scoring with the JS engine instead (same results)`];

describe("DuckDB engine, JSON Lines with repeated keys", () => {
  it("a repeated key read at the top level goes to the JS engine (its last value counts)", async () => {
    const dk = await both(['{"id": "1", "tier": "b", "company": {"size": 500}}', '{"id": "2", "tier": "b", "tier": "a", "company": {"size": 500}}']);
    expect(dk.engine).toBe("js");
    expect(dk.warnings).toEqual(handedOver(2));
  });

  it("a repeated key read inside a nested object goes to the JS engine", async () => {
    const dk = await both(['{"id": "1", "tier": "a", "company": {"size": 5, "country": "DE", "size": 500}}']);
    expect(dk.engine).toBe("js");
    expect(dk.warnings).toEqual(handedOver(1));
  });

  it("a key repeated under another spelling (a \\u escape) counts as repeated", async () => {
    const dk = await both(['{"id": "1", "tier": "b", "ti\\u0065r": "a", "company": {"size": 500}}']);
    expect(dk.engine).toBe("js");
    expect(dk.warnings).toEqual(handedOver(1));
  });

  it("a repeated object the definition reads from goes to the JS engine", async () => {
    const dk = await both(['{"id": "1", "tier": "a", "company": {"size": 5}, "company": {"size": 500}}']);
    expect(dk.engine).toBe("js");
    expect(dk.warnings).toEqual(handedOver(1));
  });

  it("keys repeated where the definition does not read them stay with DuckDB", async () => {
    const dk = await both([
      '{"id": "1", "note": "x", "note": "y", "tier": "a", "company": {"size": 500, "name": "A", "name": "B"}}',
      '{"id": "2", "tier": "a", "other": {"size": 1, "size": 2}, "company": {"size": 500}}',
      // The same key in two different objects is no repeat.
      '{"id": "3", "tier": "a", "size": 3, "company": {"size": 500, "tier": "b"}}',
      // A key read elsewhere, an unread key repeated in an object read: still no repeat that counts.
      '{"id": "4", "tier": "a", "note": 1, "note": 2, "company": {"size": 500, "tier": "x"}}',
    ]);
    expect(dk.engine).toBe("duckdb");
    expect(dk.warnings).toEqual([]);
    expect(dk.stages.find((s) => s.name === "hot")?.count).toBe(4);
  });
});
