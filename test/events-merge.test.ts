// `run --events` above `--events-memory`: the streaming merge join of sorted files. Its output
// and rejects must be byte for byte those of the in-memory join on the same files; unsorted files
// are refused before any output; the id order is numeric only when every id is an integer.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, describe, expect, it } from "vitest";
import { compareCodePoints, compareIds, IdOrderCheck, isIntegerId } from "../compiler/batch/sources/id-order.js";
import { duckdbSortStatement } from "../compiler/batch/sources/unsorted-message.js";
import { CLI } from "./support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "leaddef-events-merge-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const AS_OF = "2026-12-01";
const def = join(dir, "e.leaddef");
writeFileSync(def, `schema {
  size: integer?
}

events activity {
  type: enum(email_click, page_view, webinar)
  occurred: date
  url: string?
}

criterion engaged when count(activity within 60 days) >= 2
score engagement {
  +5 per activity where type = email_click decay 50% every 30 days
  +1 per activity where type = page_view and url contains "pricing"
}
mql when engagement >= 5 or engaged
`);

let n = 0;
const path = (name: string, text: string) => {
  const p = join(dir, `${n++}-${name}`);
  writeFileSync(p, text);
  return p;
};
const cli = (args: string[], input?: string) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", input });

/** Runs the definition on `leads` with `events`, under `memoryMB`; the output, rejects and notices. */
function run(leads: string, events: string, memoryMB: number, extra: string[] = []) {
  const out = join(dir, `${n++}-out.csv`);
  const r = cli(["run", def, "--input", leads, "--events", `activity=${events}`, "--events-memory", String(memoryMB), "--as-of", AS_OF, "-o", out, ...extra]);
  const rejects = `${out}.rejects.csv`;
  return {
    status: r.status,
    stderr: r.stderr,
    stdout: r.stdout,
    out,
    output: existsSync(out) ? readFileSync(out, "utf8") : undefined,
    rejects: existsSync(rejects) ? readFileSync(rejects, "utf8") : undefined,
    warnings: r.stderr.split("\n").filter((l) => l.startsWith("leaddef: ")).join("\n"),
  };
}

/** The same files through the in-memory join (a budget far above them) and the merge (budget 0). */
function bothJoins(leads: string, events: string) {
  const memory = run(leads, events, 1000);
  const merged = run(leads, events, 0);
  expect(memory.status, memory.stderr).toBe(0);
  expect(merged.status, merged.stderr).toBe(0);
  expect(merged.output).toBe(memory.output);
  expect(merged.rejects).toBe(memory.rejects);
  expect(merged.warnings).toBe(memory.warnings);
  return merged;
}

// Sorted by id (code-point order): `a` has many consecutive events, `b` none, `c` a bad event,
// `d` is rejected by its own field, `e` appears twice; `0x`, `bb`, `cz` and `zz` are no lead's.
const LEADS = "id,size\na,10\nb,20\nc,30\nd,lots\ne,1\ne,2\nf,3\n";
const EVENTS = [
  "id,type,occurred,url",
  "0x,email_click,2026-11-30,",
  ...Array.from({ length: 40 }, (_, i) => `a,${i % 3 ? "page_view" : "email_click"},2026-11-${String(1 + (i % 28)).padStart(2, "0")},${i % 2 ? "/pricing" : ""}`),
  "bb,email_click,2026-11-30,",
  "c,email_click,2026-11-30,",
  "c,email_clik,2026-11-30,",
  "cz,webinar,2026-11-30,",
  "d,email_click,2026-11-30,",
  "e,email_click,2026-11-29,\"/pricing\nsecond line\"",
  "e,page_view,2026-11-28,\"/pricing, \"\"quoted\"\"\"",
  "\"f\",email_click,2026-11-01,",
  "f,\"unclosed",
].join("\n") + "\n";

describe("the merge join equals the in-memory join", () => {
  it("CSV events: many events per id, leads without events, unknown ids, a bad event, a rejected lead, a repeated lead, quoted line breaks", () => {
    const r = bothJoins(path("leads.csv", LEADS), path("events.csv", EVENTS));
    expect(r.output).toMatch(/^id,stage,engagement\na,mql,/);
    expect(r.output).toContain("\nb,none,0\n");
    expect(r.output).toContain("\ne,mql,6\ne,mql,6\n"); // a repeated lead gets the same events (the click and the quoted pricing view)
    expect(r.rejects).toContain("stream activity, event 2, field type: `email_clik` is not one of");
    expect(r.rejects).toContain(",d,size,lots,");
    expect(r.stdout).toContain("rows read 7 = written 5 + rejected 2");
    expect(r.warnings).toContain("3 of 49 events belong to ids not in the input"); // 0x, bb, cz (f's unreadable row is not an event)
    expect(r.warnings).toMatch(/:52: event row skipped: not readable as CSV: a quoted value is never closed/); // line 52: a quoted line break counts
  });

  it("a file of several 1 MiB pieces: groups and quoted line breaks that straddle the pieces' ends", () => {
    const leads: string[] = ["id,size"];
    const events: string[] = ["id,type,occurred,url"];
    for (let i = 0; i < 9000; i++) {
      const id = `L${String(i).padStart(5, "0")}`; // code-point order = file order
      if (i % 7 !== 3) leads.push(`${id},${i % 50}`);
      for (let k = 0; k < (i * 13) % 17; k++) {
        const url = k % 5 === 0 ? `"/pricing/${"x".repeat(i % 90)}\n${k}"` : `/page/${"y".repeat((i + k) % 60)}`;
        events.push(`${id},${["email_click", "page_view", "webinar"][(i + k) % 3]},2026-${String(9 + (k % 3)).padStart(2, "0")}-${String(1 + ((i + k) % 28)).padStart(2, "0")},${url}`);
      }
    }
    const eventsText = events.join("\n") + "\n";
    expect(eventsText.length).toBeGreaterThan(4 << 20);
    const r = bothJoins(path("leads.csv", leads.join("\n") + "\n"), path("events.csv", eventsText));
    expect(r.output!.split("\n").length).toBe(leads.length + 1);
    expect(r.warnings).toMatch(/: \d+ of \d+ events belong to ids not in the input/);
  });

  it("an event row with bytes that are not UTF-8 is skipped and reported by both joins, not read as U+FFFD", () => {
    const events = join(dir, `${n++}-events.csv`);
    writeFileSync(events, Buffer.concat([
      Buffer.from("id,type,occurred,url\na,email_click,2026-11-30,\nb,email_click,2026-11-30,/caf"),
      Buffer.from([0xe9]),
      Buffer.from("\nc,email_click,2026-11-30,\n"),
    ]));
    const r = bothJoins(path("leads.csv", "id\na\nb\nc\n"), events);
    expect(r.output).toBe("id,stage,engagement\na,mql,5\nb,none,0\nc,mql,5\n");
    expect(r.warnings).toContain(":3: event row skipped: not valid UTF-8");
  });

  it("JSON Lines events, ids as JSON numbers and text, equal across many consecutive events", () => {
    const leads = path("leads.csv", "id\n1\n2\n3\n10\n11\n");
    const events = path("events.jsonl", [
      ...Array.from({ length: 25 }, () => JSON.stringify({ id: 1, type: "email_click", occurred: "2026-11-30" })),
      JSON.stringify({ id: "3", type: "page_view", occurred: "2026-11-30", url: "/pricing" }),
      JSON.stringify({ type: "page_view", occurred: "2026-11-30" }),
      "not json",
      JSON.stringify({ id: 10, type: "webinar", occurred: "2026-11-30" }),
      JSON.stringify({ id: 10, type: "email_click", occurred: "2026-11-30" }),
      JSON.stringify({ id: 12, type: "email_click", occurred: "2026-11-30" }),
    ].join("\n") + "\n");
    const r = bothJoins(leads, events);
    expect(r.output).toBe("id,stage,engagement\n1,mql,125\n2,none,0\n3,none,1\n10,mql,5\n11,none,0\n");
    expect(r.warnings).toContain("1 of 29 events belong to ids not in the input");
  });

  it("JSON Lines leads with numeric ids join CSV events in numeric order", () => {
    const leads = path("leads.jsonl", [2, 9, 10, 100].map((id) => JSON.stringify({ id })).join("\n") + "\n");
    const events = path("events.csv", "id,type,occurred\n2,email_click,2026-11-30\n10,email_click,2026-11-30\n10,email_click,2026-11-30\n99,webinar,2026-11-30\n");
    const r = bothJoins(leads, events);
    expect(r.output).toBe("id,stage,engagement\n2,mql,5\n9,none,0\n10,mql,10\n100,none,0\n");
    expect(r.warnings).toContain("1 of 4 events belong to ids not in the input");
  });
});

describe("unsorted files above the budget are refused before any output", () => {
  it("events out of order: exit 1, the file, line and both ids named, the fix given, no output file", () => {
    const leads = path("leads.csv", "id\na\nb\nc\n");
    const events = path("events.csv", "id,type,occurred\na,email_click,2026-11-30\nc,email_click,2026-11-30\nb,email_click,2026-11-30\n");
    const r = run(leads, events, 0);
    expect(r.status).toBe(1);
    expect(r.output).toBeUndefined();
    expect(r.rejects).toBeUndefined();
    expect(r.stderr).toContain(`${events}:4: not sorted by id: \`b\` comes after \`c\` (code-point order`);
    expect(r.stderr).toContain("--events-memory 0 MB");
    expect(r.stderr).toContain("ORDER BY \"id\", leaddef_row");
    expect(r.stderr).toContain("or join in memory, in any order, with --events-memory 1 ");
    // Within the budget the same files join in memory, in any order.
    expect(run(leads, events, 1000).status).toBe(0);
  });

  it("leads out of order are refused too, and standard input cannot be checked", () => {
    const leads = path("leads.csv", "id\nb\na\n");
    const events = path("events.csv", "id,type,occurred\na,email_click,2026-11-30\n");
    const r = run(leads, events, 0);
    expect(r.status).toBe(1);
    expect(r.output).toBeUndefined();
    expect(r.stderr).toContain(`${leads}:3: not sorted by id: \`a\` comes after \`b\``);
    const s = cli(["run", def, "--input", "-", "--events", `activity=${events}`, "--events-memory", "0", "--as-of", AS_OF], "id\na\n");
    expect(s.status).toBe(1);
    expect(s.stdout).toBe("");
    expect(s.stderr).toContain("give the leads as a file, not standard input");
  });

  it("numeric order when every id in both files is an integer, code-point order otherwise", () => {
    const events = path("events.csv", "id,type,occurred\n9,email_click,2026-11-30\n10,email_click,2026-11-30\n");
    expect(bothJoins(path("leads.csv", "id\n9\n10\n"), events).output).toBe("id,stage,engagement\n9,mql,5\n10,mql,5\n");
    // One id that is not an integer (leading zero) makes the order code-point: 9 before 10 is then out of order.
    const r = run(path("leads.csv", "id\n09\n9\n10\n"), events, 0);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(":4: not sorted by id: `10` comes after `9` (code-point order of the text");
    // Text ids sorted by code point: `a10` before `a9`.
    const text = path("events.csv", "id,type,occurred\na10,email_click,2026-11-30\na9,email_click,2026-11-30\n");
    expect(bothJoins(path("leads.csv", "id\na10\na9\n"), text).output).toBe("id,stage,engagement\na10,mql,5\na9,mql,5\n");
  });

  it("an events file without the id column fails before any output, as in memory", () => {
    const events = path("events.csv", "lead,type,occurred\na,email_click,2026-11-30\n");
    const r = run(path("leads.csv", "id\na\n"), events, 0);
    expect(r.status).toBe(1);
    expect(r.output).toBeUndefined();
    expect(r.stderr).toContain("no `id` column");
  });

  it("--events-memory must be a number", () => {
    const r = run(path("leads.csv", "id\na\n"), path("events.csv", "id,type,occurred\n"), Number.NaN);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--events-memory takes a number of MB");
  });
});

describe("the DuckDB statement in the refusal sorts a file as the merge needs", () => {
  it("sorting unsorted CSV leads and events with it makes the merge run, with the in-memory join's results", async () => {
    const leads = path("leads.csv", "id,size\n10,1\n9,2\n100,3\n");
    const events = path("events.csv", "id,type,occurred,url\n100,email_click,2026-11-30,\n9,page_view,2026-11-30,\"/pricing\nnext\"\n10,email_click,2026-11-30,\n9,email_click,2026-11-01,\n9,webinar,2026-11-30,\n");
    const refused = run(leads, events, 0);
    expect(refused.status).toBe(1);
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    await c.run(duckdbSortStatement(leads, "id", "numeric"));
    await c.run(duckdbSortStatement(events, "id", "numeric"));
    c.closeSync();
    const sortedLeads = leads.replace(/\.csv$/, ".sorted.csv");
    const sortedEvents = events.replace(/\.csv$/, ".sorted.csv");
    // File order within an id is kept: the page view before the two later events of lead 9.
    expect(readFileSync(sortedEvents, "utf8").split("\n").slice(1, 4).join("\n")).toBe("9,page_view,2026-11-30,\"/pricing\nnext\"\n9,email_click,2026-11-01,");
    const merged = run(sortedLeads, sortedEvents, 0);
    expect(merged.status, merged.stderr).toBe(0);
    const memory = run(leads, events, 1000);
    const sortLines = (s: string) => s.split("\n").sort().join("\n");
    expect(sortLines(merged.output!)).toBe(sortLines(memory.output!));
  });
});

describe("explain reads a lead's events from a file above the budget by scanning it", () => {
  it("the lead's events, in file order", () => {
    const events = path("events.csv", "id,type,occurred\nb,email_click,2026-11-30\na,email_click,2026-11-30\nb,email_click,2026-11-30\n");
    const r = cli(["explain", def, "--lead", "{\"id\":\"b\"}", "--id", "b", "--events", `activity=${events}`, "--as-of", AS_OF, "--json"]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).scores.engagement).toBe(10);
  });
});

describe("the id order", () => {
  it("integers are canonical: no sign noise, no leading zeros", () => {
    expect(["0", "7", "-12", "123456789012345678901234567890"].every(isIntegerId)).toBe(true);
    expect(["007", "+7", "-0x", "1.0", "", " 7"].some(isIntegerId)).toBe(false);
  });

  it("numeric order compares any length exactly, negatives first", () => {
    const ids = ["10", "-3", "9007199254740993", "9007199254740992", "0", "-20", "100000000000000000000"];
    expect([...ids].sort((a, b) => compareIds("numeric", a, b))).toEqual(["-20", "-3", "0", "10", "9007199254740992", "9007199254740993", "100000000000000000000"]);
  });

  it("text order is by code point (UTF-8 bytes), not UTF-16 units", () => {
    const astral = "\u{1F600}";
    const high = "\uFF01";
    expect(high < astral).toBe(false); // what JavaScript's < says
    expect(compareCodePoints(high, astral)).toBeLessThan(0);
    expect(Buffer.compare(Buffer.from(high), Buffer.from(astral))).toBeLessThan(0);
    expect(compareCodePoints("a", "ab")).toBeLessThan(0);
  });

  it("the check records the first break in each order, and equal ids never break it", () => {
    const check = new IdOrderCheck("f");
    ["1", "1", "2", "10", "9", "9"].forEach((id, i) => check.add(id, i + 2));
    expect(check.allIntegers).toBe(true);
    expect(check.breaks.numeric).toEqual({ line: 6, previous: "10", id: "9" });
    expect(check.breaks.string).toEqual({ line: 5, previous: "2", id: "10" });
  });
});
