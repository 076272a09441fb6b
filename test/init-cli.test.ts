// `leaddef init` as a command (compiler/app/init.ts): writing the starter, its refusals (an
// existing file without --force, a bad --sample, a file with no header) and sampling only a prefix.
// Needs `npx tsc -p .`.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readPrefix } from "../compiler/app/init.js";
import { CLI } from "./support/cli.js";

const tmp = mkdtempSync(join(tmpdir(), "leaddef-init-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const init = (...args: string[]) => spawnSync(process.execPath, [CLI, "init", ...args], { encoding: "utf8" });

describe("leaddef init", () => {
  const input = join(tmp, "export.csv");
  writeFileSync(input, "Lead ID;Score;Stage\n1;10;a\n2;20;a\n3;30;b\n4;40;b\n");

  it("writes the starter to -o and says what it read", () => {
    const out = join(tmp, "starter.leaddef");
    const r = init("--from", input, "-o", out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain("3 fields from 4 sampled rows, delimiter \";\"");
    expect(readFileSync(out, "utf8")).toContain('lead.score: integer from "Score"');
  });
  it("prints the starter on standard output without -o", () => {
    const r = init("--from", input);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('lead.lead_id: string from "Lead ID"');
  });
  it("never overwrites a file without --force", () => {
    const out = join(tmp, "mine.leaddef");
    writeFileSync(out, "# my work\n");
    const r = init("--from", input, "-o", out);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("exists; pass --force");
    expect(readFileSync(out, "utf8")).toBe("# my work\n");
    expect(init("--from", input, "-o", out, "--force").status).toBe(0);
    expect(readFileSync(out, "utf8")).toContain("schema {");
  });
  it("samples only --sample rows", () => {
    const r = init("--from", input, "--sample", "2");
    expect(r.stdout).toContain("(2 sampled rows, the file has more)");
  });
  it("refuses a bad --sample, an empty file and a missing file with exit 2 and no output file", () => {
    expect(init("--from", input, "--sample", "0").status).toBe(2);
    expect(init("--from", input, "--sample", "many").status).toBe(2);
    const empty = join(tmp, "empty.csv");
    writeFileSync(empty, "");
    const out = join(tmp, "never.leaddef");
    const r = init("--from", empty, "-o", out);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("no header");
    expect(existsSync(out)).toBe(false);
    expect(init("--from", join(tmp, "missing.csv")).status).toBe(2);
  });
  it("reads JSON Lines by the file name", () => {
    const jsonl = join(tmp, "dump.jsonl");
    writeFileSync(jsonl, '{"id":"a","company":{"employees":"12"},"tech":["x"]}\n{"id":"b","company":{"employees":"7"},"tech":[]}\n');
    const r = init("--from", jsonl);
    expect(r.status, r.stderr).toBe(0);
    // A key that is a valid path binds by its path (nested or flat); `from` names top-level keys.
    expect(r.stdout).toContain("  company.employees: integer\n");
    expect(r.stdout).toContain("  tech: list(string)?\n");
  });
  it("reads a prefix without cutting a character in half", () => {
    const file = join(tmp, "accents.csv");
    writeFileSync(file, "a\n" + "é".repeat(10));
    const { text, complete } = readPrefix(file, 6); // 'a\n' + two and a half 'é'
    expect(complete).toBe(false);
    expect(text).toBe("a\néé");
    expect(readPrefix(file, 1000)).toEqual({ text: "a\n" + "é".repeat(10), complete: true });
  });
});
