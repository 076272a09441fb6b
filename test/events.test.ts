// Behaviour over time: event streams in the language, the checker, the evaluator, explain,
// examples, the formatter, `run` (JSON Lines with events inline, CSV with --events) and SQL.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compile } from "../compiler/compile.js";
import { format } from "../language/formatter.js";
import { runExamples } from "../compiler/runtime/examples.js";
import { emitSql } from "../compiler/sql/emit-sql.js";
import { round2 } from "../compiler/runtime/events.js";
import { CLI } from "./support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "leaddef-events-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const STREAM = `events activity {
  type: enum(email_click, page_view, webinar, demo_request)
  occurred: date
  url: string?
  value: number?
}
`;

function program(body: string) {
  const r = compile(`schema {\n  company.size: integer?\n}\n\n${STREAM}\n${body}`);
  const errors = r.diagnostics.filter((d) => d.severity === "error");
  expect(errors.map((d) => d.message)).toEqual([]);
  return r.program!;
}

function codes(body: string): string[] {
  return compile(`schema {\n  company.size: integer?\n}\n\n${STREAM}\n${body}`).diagnostics.map((d) => `${d.code} ${d.message}`);
}

const AS_OF = "2026-12-01";
const ev = (type: string, occurred: string, extra: Record<string, unknown> = {}) => ({ type, occurred, ...extra });

describe("count, latest and within", () => {
  const p = program(`criterion c0 when count(activity where type = email_click within 0 days) >= 1
criterion c30 when count(activity where type = email_click within 30 days) >= 2
criterion any when count(activity) >= 1
criterion recent_demo when days_since(latest(activity where type = demo_request)) <= 14
score n {
  +1 when c0
  +10 when c30
  +100 when any
  +1000 when recent_demo
}
mql when n >= 1
`);
  const score = (activity: unknown[]) => p.evaluate({ activity }, { asOf: AS_OF }).scores.n;

  it("within N days keeps ages 0..N: today counts, N days ago counts, N+1 does not", () => {
    expect(score([ev("email_click", "2026-12-01")])).toBe(101);
    expect(score([ev("email_click", "2026-11-01"), ev("email_click", "2026-10-31")])).toBe(100);
    expect(score([ev("email_click", "2026-11-01"), ev("email_click", "2026-11-30")])).toBe(110);
  });

  it("an event after the as-of date has not happened: it counts nowhere", () => {
    expect(score([ev("email_click", "2026-12-02"), ev("demo_request", "2026-12-05")])).toBe(0);
  });

  it("latest is missing without a matching event, so days_since(latest(...)) <= N is false", () => {
    expect(score([ev("page_view", "2026-11-30")])).toBe(100);
    expect(score([ev("demo_request", "2026-11-17")])).toBe(1100);
    expect(score([ev("demo_request", "2026-11-16")])).toBe(100);
    expect(score([])).toBe(0);
    expect(p.evaluate({}, { asOf: AS_OF }).scores.n).toBe(0);
  });

  it("timestamps are accepted for occurred; the date part counts", () => {
    expect(score([ev("email_click", "2026-12-01T23:59:59Z")])).toBe(101);
  });

  it("a bad event throws naming the stream, the event and the field", () => {
    expect(() => score([ev("email_click", "2026-11-01"), ev("click", "2026-11-01")])).toThrow(/stream activity, event 2, field type: `click` is not one of/);
    expect(() => score([{ type: "email_click" }])).toThrow(/stream activity, event 1: occurred is required/);
    expect(() => p.evaluate({ activity: "x" }, { asOf: AS_OF })).toThrow(/expected a list of events/);
  });
});

describe("per lines: decay, window, max, rounding", () => {
  it("each event is worth P × (1 − R/100) per whole D days of age; the line is capped at max", () => {
    const p = program(`score e {\n  +5 per activity where type = email_click within 90 days decay 50% every 30 days max 8\n}\nmql when e >= 1\n`);
    const e = (activity: unknown[]) => p.evaluate({ activity }, { asOf: AS_OF }).scores.e;
    expect(e([ev("email_click", "2026-11-20")])).toBe(5); // 11 days: no period passed
    expect(e([ev("email_click", "2026-10-31")])).toBe(2.5); // 31 days: one period
    expect(e([ev("email_click", "2026-10-01")])).toBe(1.25); // 61 days: two
    expect(e([ev("email_click", "2026-08-01")])).toBe(0); // 122 days: outside the window
    expect(e([ev("email_click", "2026-11-20"), ev("email_click", "2026-11-21")])).toBe(8); // 10, capped
  });

  it("points per event keep cents, rounded half away from zero, and sums print without float noise", () => {
    const p = program(`score e {\n  +0.1 per activity where type = page_view\n  +0.2 per activity where type = webinar\n  -3 per activity where type = demo_request decay 10% every 1 days max 2\n}\nmql when e >= 1\n`);
    const e = (activity: unknown[]) => p.evaluate({ activity }, { asOf: AS_OF }).scores.e;
    expect(e([ev("page_view", "2026-11-20"), ev("webinar", "2026-11-20")])).toBe(0.3);
    expect(e([ev("demo_request", "2026-12-01")])).toBe(-2); // -3 capped at -2
    expect(e([ev("demo_request", "2026-11-18")])).toBe(-0.76); // -3 × 0.9^13 = -0.7625…
    expect(round2(0.125)).toBe(0.13);
    expect(round2(-0.125)).toBe(-0.13);
    expect(round2(1.005)).toBe(1.01); // 1.00499999999999989… is 1.005 to 6 decimals
  });

  it("inside where, bare names are the event's fields first, and the lead's fields are reachable", () => {
    const p = program(`score e {\n  +1 per activity where type = page_view and url contains "pricing" and company.size > 10 and value is missing\n}\nmql when e >= 1\n`);
    const e = (lead: object) => p.evaluate(lead, { asOf: AS_OF }).scores.e;
    const activity = [ev("page_view", "2026-11-01", { url: "/PRICING" }), ev("page_view", "2026-11-01", { url: "/pricing", value: 3 }), ev("page_view", "2026-11-01", { url: "/blog" })];
    expect(e({ company: { size: 11 }, activity })).toBe(1);
    expect(e({ company: { size: 10 }, activity })).toBe(0);
  });
});

describe("the checker", () => {
  it("reports every misuse, located and catalogued", () => {
    expect(codes("criterion a when count(activty) >= 1\nmql when a\n")).toEqual(["LD1030 there is no event stream `activty`"]);
    expect(codes("criterion a when activity\nmql when a\n")[0]).toMatch(/^LD1032 `activity` is an event stream/);
    expect(codes("criterion a when count(activity where count(activity) > 1) >= 1\nmql when a\n")[0]).toMatch(/^LD1032 a stream query cannot be nested/);
    expect(codes("criterion a when count(activity where type) >= 1\nmql when a\n")[0]).toMatch(/^LD1006 the condition of a `where` filter must be true or false/);
    expect(codes("criterion a when count(activity within 1.5 days) >= 1\nmql when a\n")[0]).toMatch(/^LD1033 `within` takes a whole number/);
    expect(codes("score s {\n  +1 per activity decay 0% every 30 days\n  +1 per activity decay 10% every 0 days\n  +1 per activity max 0\n}\nmql when s > 1\n").map((c) => c.slice(0, 6))).toEqual(["LD1033", "LD1033", "LD1033"]);
    expect(codes("criterion a when count(activity where typ = webinar) >= 1\nmql when a\n")[0]).toBe("LD1002 unknown name `typ`");
    expect(codes("criterion a when latest(activity) >= 1\nmql when a\n")[0]).toBe("LD1006 `>=` cannot compare date with integer");
  });

  it("a stream needs a required `occurred: date`", () => {
    const r = compile("events clicks {\n  url: string\n}\nevents visits {\n  occurred: date?\n}\n");
    expect(r.diagnostics.map((d) => d.code)).toEqual(["LD1031", "LD1031"]);
  });

  it("examples write events as records; their values are checked against the stream", () => {
    expect(codes(`mql when count(activity) >= 1\nexample "x" {\n  activity = [{type = clik, occurred = 2026-11-20}, {type = webinar}]\n  expect stage mql\n}\n`).map((c) => c.slice(0, 6))).toEqual(["LD1003", "LD3001"]);
  });

  it("the word `events`, `count` and `per` still name fields and declarations elsewhere", () => {
    const r = compile("schema {\n  count: integer\n  events: integer\n}\ncriterion per when count > 1 and events > 2\nmql when per\n");
    expect(r.diagnostics).toEqual([]);
  });
});

describe("examples, explain and the formatter", () => {
  const source = `schema {\n  company.size: integer?\n}\n\n${STREAM}
score engagement {
  +5 per activity where type = email_click within 90 days decay 50% every 30 days max 20
  +10 per activity where type = webinar
}

mql when engagement >= 15

example "recent clicks and a webinar" {
  as of 2026-12-01
  activity = [{type = email_click, occurred = 2026-11-20}, {type = email_click, occurred = 2026-10-01}, {type = webinar, occurred = 2026-06-01}]
  expect score engagement = 16.25
  expect stage mql
}
`;

  it("an example with events runs and passes", () => {
    const r = compile(source);
    expect(r.diagnostics).toEqual([]);
    expect(runExamples(r.program!, AS_OF).map((o) => o.passed)).toEqual([true]);
  });

  it("explain lists each event a per line counted and its worth after decay", () => {
    const x = compile(source).program!.explain({ activity: [ev("email_click", "2026-11-20"), ev("page_view", "2026-11-20"), ev("email_click", "2026-10-01")] }, { asOf: AS_OF });
    const line = x.scoreDetails[0].perLines[0];
    expect(line.value).toBe(6.25);
    expect(line.events.map((e) => [e.position, e.worth])).toEqual([[1, 5], [3, 1.25]]);
  });

  it("formats the new forms canonically and idempotently", () => {
    const messy = source.replace("+5 per activity", "+5   per   activity").replace("decay 50% every", "decay 50 % every").replace("{type = email_click, occurred = 2026-11-20}", "{ type=email_click ,occurred= 2026-11-20 }");
    const once = format(messy);
    expect(once.error).toBeUndefined();
    expect(once.text).toBe(source);
    expect(format(once.text).changed).toBe(false);
  });
});

describe("run and build", () => {
  const def = join(dir, "e.leaddef");
  writeFileSync(def, `schema {\n  id: string\n}\n\n${STREAM}\nscore engagement {\n  +5 per activity where type = email_click decay 50% every 30 days\n}\nmql when engagement >= 5\n`);
  const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });

  it("JSON Lines leads carry their events inline; a bad event rejects its row with its line", () => {
    const input = join(dir, "leads.jsonl");
    writeFileSync(input, [
      JSON.stringify({ id: "a", activity: [ev("email_click", "2026-11-30"), ev("email_click", "2026-10-01")] }),
      JSON.stringify({ id: "b", activity: [ev("email_clik", "2026-11-30")] }),
      JSON.stringify({ id: "c" }),
    ].join("\n") + "\n");
    const r = run("run", def, "--input", input, "--as-of", AS_OF, "-o", join(dir, "out.csv"));
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, "out.csv"), "utf8")).toBe("id,stage,engagement\na,mql,6.25\nc,none,0\n");
    expect(readFileSync(join(dir, "out.csv.rejects.csv"), "utf8")).toContain("2,b,activity,,\"stream activity, event 1, field type: `email_clik` is not one of");
    expect(r.stdout).toContain("rows read 3 = written 2 + rejected 1");
  });

  it("CSV leads take their events from --events, joined on the id column", () => {
    const input = join(dir, "leads.csv");
    writeFileSync(input, "id\na\nb\nc\n");
    const events = join(dir, "events.csv");
    writeFileSync(events, "id,type,occurred\na,email_click,2026-11-30\nb,email_click,2026-10-01\na,email_click,2026-10-01\nzz,email_click,2026-11-30\n");
    const r = run("run", def, "--input", input, "--events", `activity=${events}`, "--as-of", AS_OF, "-o", join(dir, "out2.csv"));
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, "out2.csv"), "utf8")).toBe("id,stage,engagement\na,mql,6.25\nb,none,1.25\nc,none,0\n");
    expect(r.stderr).toContain("1 of 4 events belong to ids not in the input");
    // DuckDB reads the events file itself (no hand-over to the JS engine): the same results and notice.
    const d = run("run", def, "--input", input, "--events", `activity=${events}`, "--as-of", AS_OF, "--engine", "duckdb", "-o", join(dir, "out3.csv"));
    expect(d.status, d.stderr).toBe(0);
    expect(readFileSync(join(dir, "out3.csv"), "utf8")).toBe(readFileSync(join(dir, "out2.csv"), "utf8"));
    expect(d.stderr).toContain("1 of 4 events belong to ids not in the input");
    expect(d.stderr).not.toContain("scoring with the JS engine instead");
    expect(d.stdout + d.stderr).toMatch(/\(duckdb, [\d.]+ s\)/);
  });

  it("an unknown stream is a usage error; an events file without the id column fails as a whole", () => {
    const input = join(dir, "leads.csv");
    expect(run("run", def, "--input", input, "--events", "actvity=x.csv").status).toBe(2);
    const bad = join(dir, "noid.csv");
    writeFileSync(bad, "lead,type,occurred\na,email_click,2026-11-30\n");
    const r = run("run", def, "--input", input, "--events", `activity=${bad}`);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("no `id` column");
  });

  it("SQL reads each stream from its table (--events-table), joined on the id", () => {
    const p = compile(readFileSync(def, "utf8")).program!;
    const sql = emitSql(p.ir, { dialect: "postgres", asOf: AS_OF, events: { activity: "crm.activity" } });
    expect(sql).toContain(`FROM "crm"."activity" AS ev WHERE ev."id" = leaddef_input.leaddef_id`);
    expect(sql).toContain("-- input.leaddef:13  +5 per activity where type = email_click decay 50% every 30 days");
    const b = run("build", def, "--target", "sql", "--dialect", "duckdb", "--events-table", "activity=raw.events");
    expect(b.status, b.stderr).toBe(0);
    expect(b.stdout).toContain(`FROM "raw"."events" AS ev`);
  });
});
