// `leaddef run --engine duckdb --events STREAM=FILE` against `--engine js` on random definitions
// and random leads and events files (CSV and JSON Lines): unreadable events, events for ids the
// leads do not have, leads without events, future events, windows, decay, caps and cents. Each
// case runs both engines as processes and requires the same exit code, byte-identical results
// and rejects, the same notices, and that DuckDB scored the run itself (no hand-over notice).
// Needs `npx tsc -p .` (npm test builds first).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { rng as mulberry32 } from "./support/random-program.js";
import { cli } from "./support/cli.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const tmp = mkdtempSync(join(tmpdir(), "leaddef-duck-events-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const CASES = Number(process.env.LEADDEF_DUCKDB_EVENT_CASES ?? 14);
const HANDED_OVER = /scoring with the JS engine instead/;

interface EngineRun { code: number | null; stdout: string; stderr: string; output?: string; rejects?: string; engineUsed?: string }

let n = 0;
/** Writes the files of a case into a fresh folder and runs `leaddef run` there with one engine. */
async function run(files: Record<string, string>, args: string[], engine: "js" | "duckdb"): Promise<EngineRun> {
  const dir = join(tmp, String(++n));
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const out = join(dir, "out.csv");
  const rej = join(dir, "rejects.csv");
  const r = await cli(["run", "def.leaddef", ...args, "--engine", engine, "--output", out, "--rejects", rej, "--as-of", "2026-12-01"], dir);
  const read = (p: string) => (existsSync(p) ? readFileSync(p, "utf8") : undefined);
  return { ...r, output: read(out), rejects: read(rej), engineUsed: /\((js|duckdb), [\d.]+ s\)/.exec(r.stdout)?.[1] };
}

/** Both engines on the same files: they must agree byte for byte. Returns DuckDB's run. */
async function both(files: Record<string, string>, args: string[]): Promise<EngineRun> {
  const js = await run(files, args, "js");
  const duck = await run(files, args, "duckdb");
  expect(duck.code, duck.stderr).toBe(js.code);
  expect(duck.stderr).not.toMatch(/internal error/);
  expect(duck.output).toBe(js.output);
  expect(duck.rejects).toBe(js.rejects);
  // The notices (unknown ids, unreadable rows) too; the hand-over notice aside.
  expect(duck.stderr.split("\n").filter((l) => !HANDED_OVER.test(l))).toEqual(js.stderr.split("\n"));
  return duck;
}

const TYPES = ["email_open", "email_click", "page_view", "webinar", "demo_request"];

function dateBefore(days: number): string {
  return new Date(Date.UTC(2026, 11, 1) - days * 86_400_000).toISOString().slice(0, 10);
}

const csvCell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** A random case: a definition over one or two streams, leads, and an events file per stream. */
function generate(seed: number): { files: Record<string, string>; args: string[] } {
  const next = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T,>(xs: readonly T[]): T => xs[int(0, xs.length - 1)];
  const chance = (p: number) => next() < p;
  const twoStreams = chance(0.5);
  const jsonl = chance(0.4);
  const where = () => {
    const parts: string[] = [];
    if (chance(0.7)) parts.push(chance(0.5) ? `type = ${pick(TYPES)}` : `type in [${pick(TYPES)}, ${pick(TYPES)}]`);
    if (chance(0.3)) parts.push(`value >= ${int(0, 50)}`);
    if (chance(0.2)) parts.push(`url contains "${pick(["pricing", "/blog", "DEMO"])}"`);
    if (chance(0.15)) parts.push("value is missing");
    if (chance(0.15)) parts.push(`seats > ${int(0, 5)}`);
    if (chance(0.15)) parts.push(`company.size > ${int(0, 100)}`);
    return parts.length ? ` where ${parts.join(chance(0.7) ? " and " : " or ")}` : "";
  };
  const within = () => (chance(0.5) ? ` within ${pick([0, 1, 7, 30, 90, 365])} days` : "");
  const lines: string[] = [];
  for (let i = int(1, 3); i > 0; i--) {
    const weight = pick(["+5", "+10", "+2.5", "-3", "+0.1", "+7.25", "+1", "+0.35"]);
    const decay = chance(0.6) ? ` decay ${pick([10, 25, 33, 50, 100, 12.5])}% every ${pick([1, 7, 30, 45])} days` : "";
    const max = chance(0.4) ? ` max ${pick([3, 10, 20.5, 50])}` : "";
    lines.push(`  ${weight} per activity${where()}${within()}${decay}${max}`);
  }
  if (twoStreams) lines.push(`  +${pick(["1.5", "2", "0.25"])} per mail where opened${within()}${chance(0.5) ? ` decay 20% every 14 days` : ""}`);
  if (chance(0.5)) lines.push(`  +${int(1, 20)} when engaged`);
  const def = `schema {
  company.size: integer?
}

events activity {
  type: enum(${TYPES.join(", ")})
  occurred: date
  value: number?
  url: string?
  seats: integer?
}
${twoStreams ? "\nevents mail {\n  occurred: date\n  opened: boolean?\n}\n" : ""}
criterion engaged when count(activity${where()}${within()}) >= ${int(0, 3)}
criterion recent when days_since(latest(activity${where()})) <= ${int(0, 60)}

score behaviour {
${lines.join("\n")}
}

mql when behaviour >= ${int(0, 25)} or recent
sql when mql and engaged
`;
  const leadCount = int(5, 40);
  const leadRows = ["id,company.size"];
  for (let i = 1; i <= leadCount; i++) leadRows.push(`L${i},${chance(0.1) ? "n/a" : chance(0.2) ? "" : String(int(0, 200))}`);
  const ids = () => (chance(0.06) ? `X${int(1, 5)}` : `L${int(1, Math.ceil(leadCount * 0.8))}`); // some unknown ids; some leads get none
  const activity: Record<string, string | number | boolean | null>[] = [];
  for (let k = int(0, leadCount * 6); k > 0; k--) {
    const e: Record<string, string | number | boolean | null> = { id: ids(), type: pick(TYPES), occurred: dateBefore(int(-10, 400)) };
    if (chance(0.7)) e.value = pick([0, 1, 12.5, 49, 50, 100, 0.35]);
    if (chance(0.5)) e.url = pick(["/pricing", "/Pricing/enterprise", "/blog/x", "/demo", "/about", "a,b"]);
    if (chance(0.3)) e.seats = int(0, 9);
    // Unreadable cells, each of which rejects its lead with the stream, event position and field.
    if (chance(0.03)) e.occurred = pick(["2026-02-30", "yesterday", ""]);
    if (chance(0.02)) e.type = "teleport";
    if (chance(0.02)) e.value = "lots";
    if (chance(0.02)) e.seats = 2.5;
    activity.push(e);
  }
  const mail = Array.from({ length: twoStreams ? int(0, leadCount * 3) : 0 }, () => ({
    id: ids(), occurred: chance(0.03) ? "soon" : dateBefore(int(-5, 200)), ...(chance(0.8) ? { opened: chance(0.02) ? "maybe" : pick([true, false, "yes", "no"]) } : {}),
  }));
  const write = (events: Record<string, unknown>[], columns: string[]) => jsonl
    ? events.map((e) => JSON.stringify(e)).join("\n") + "\n"
    : [columns.join(","), ...events.map((e) => columns.map((c) => (e[c] === undefined || e[c] === null ? "" : csvCell(String(e[c])))).join(","))].join("\n") + "\n";
  const ext = jsonl ? "jsonl" : "csv";
  const files: Record<string, string> = { "def.leaddef": def, "leads.csv": leadRows.join("\n") + "\n", [`activity.${ext}`]: write(activity, ["id", "type", "occurred", "value", "url", "seats"]) };
  const args = ["--input", "leads.csv", "--events", `activity=activity.${ext}`];
  if (twoStreams) {
    files[`mail.${ext}`] = write(mail, ["id", "occurred", "opened"]);
    args.push("--events", `mail=mail.${ext}`);
  }
  return { files, args };
}

describe("run --engine duckdb --events ≡ run --engine js --events", () => {
  for (let seed = 1; seed <= CASES; seed++) {
    it(`random definition, leads and events #${seed}`, async () => {
      const { files, args } = generate(seed);
      const duck = await both(files, args);
      expect(duck.stderr).not.toMatch(HANDED_OVER);
      expect(duck.engineUsed).toBe("duckdb");
    }, 60_000);
  }

  it("names the stream, the event's position among its lead's events and the field, as the JS engine does", async () => {
    const def = "events activity {\n  occurred: date\n  value: number?\n}\nscore s {\n  +1 per activity\n}\n";
    const events = "id,occurred,value\nB,2026-01-01,1\nA,2026-01-01,1\nA,2026-01-02,x\nA,,2\nB,2026-13-01,\nC,2026-01-01,1\n";
    const duck = await both({ "def.leaddef": def, "leads.csv": "id\nA\nB\nD\n", "ev.csv": events }, ["--input", "leads.csv", "--events", "activity=ev.csv"]);
    expect(duck.stderr).not.toMatch(HANDED_OVER);
    expect(duck.rejects).toContain("stream activity, event 2, field value: `x` is not a number");
    expect(duck.rejects).toContain("stream activity, event 2, field occurred: `2026-13-01` is not a date");
    expect(duck.output).toBe("id,stage,s\nD,none,0\n");
    expect(duck.stderr).toContain("ev.csv: 1 of 6 events belong to ids not in the input");
  });

  it("JSON Lines leads (string and number ids) with a CSV and a JSON Lines events file", async () => {
    const def = "schema {\n  size: integer?\n}\nevents activity {\n  occurred: date\n  kind: enum(a, b)?\n}\nscore s {\n  +1.5 per activity where kind = a decay 10% every 7 days\n  +2 per activity where size > 10\n}\n";
    const leads = '{"id":"A","size":20}\n{"id":7}\n\n{"id":"B","size":"x"}\n{"id":"C","activity":[{"occurred":"2026-01-01"}]}\n';
    for (const [name, events] of [["ev.csv", "id,occurred,kind\nA,2026-11-20,a\n7,2026-11-01,a\nC,2026-11-30,b\nA,2026-12-05,a\n"], ["ev.jsonl", '{"id":"A","occurred":"2026-11-20","kind":"a"}\n{"id":7,"occurred":"2026-11-01","kind":"a"}\n{"id":"C","occurred":"2026-11-30","kind":null}\n{"id":"A","occurred":"2026-12-05"}\n']]) {
      const duck = await both({ "def.leaddef": def, "leads.jsonl": leads, [name]: events }, ["--input", "leads.jsonl", "--events", `activity=${name}`]);
      expect(duck.stderr).not.toMatch(HANDED_OVER);
      expect(duck.output).toBe("id,stage,s\nA,none,3.35\n7,none,0.98\nC,none,0\n");
    }
  });

  it("events of leads the JS engine reads but does not score (a record of the wrong width) are not reported as unknown", async () => {
    const def = "events activity {\n  occurred: date\n}\nscore s {\n  +1 per activity\n}\n";
    const duck = await both({ "def.leaddef": def, "leads.csv": "id,x\nA,1\nB,1,2\nC,1\n", "ev.csv": "id,occurred\nA,2026-11-01\nB,2026-11-01\nZ,2026-11-01\n" }, ["--input", "leads.csv", "--events", "activity=ev.csv"]);
    expect(duck.stderr).not.toMatch(HANDED_OVER);
    expect(duck.stderr).toContain("ev.csv: 1 of 3 events belong to ids not in the input");
  });

  it("a CSV without --events: every lead has no events, scored by DuckDB, with the JS engine's notice", async () => {
    const def = "events activity {\n  occurred: date\n}\ncriterion active when count(activity) >= 1\nscore s {\n  +1 per activity\n  +2 when active\n}\n";
    const duck = await both({ "def.leaddef": def, "leads.csv": "id\nA\nB\n" }, ["--input", "leads.csv"]);
    expect(duck.stderr).not.toMatch(HANDED_OVER);
    expect(duck.stderr).toMatch(/a CSV row carries none/);
    expect(duck.output).toBe("id,stage,s\nA,none,0\nB,none,0\n");
  });

  it("hands over, saying why, what DuckDB does not read: events inside JSON Lines leads, a malformed events file", async () => {
    const def = "events activity {\n  occurred: date\n}\nscore s {\n  +1 per activity\n}\n";
    const inline = await both({ "def.leaddef": def, "leads.jsonl": '{"id":"A","activity":[{"occurred":"2026-01-01"}]}\n' }, ["--input", "leads.jsonl"]);
    expect(inline.stderr).toMatch(/reads from --events files only, not from lists inside JSON Lines leads; scoring with the JS engine instead/);
    expect(inline.output).toBe("id,stage,s\nA,none,1\n");
    const ragged = await both({ "def.leaddef": def, "leads.csv": "id\nA\n", "ev.csv": 'id,occurred\nA,2026-01-01\nA,"2026-01-02\n' }, ["--input", "leads.csv", "--events", "activity=ev.csv"]);
    expect(ragged.stderr).toMatch(/the events file ev\.csv has .*; scoring with the JS engine instead/);
    // Literals DuckDB's JSON parser accepts and JSON.parse does not: such an event is skipped as not JSON (DuckDB used to count it).
    const points = "events activity {\n  occurred: date\n  points: number?\n}\nscore s {\n  +1 per activity\n}\n";
    for (const line of ['{"id":"A","occurred":"2026-01-02","points":NaN}', '{"id":"A","occurred":"2026-01-02","points":-Infinity}', '{"id":"A","occurred":"2026-01-02",}']) {
      const lenient = await both({ "def.leaddef": points, "leads.csv": "id\nA\nB\n", "ev.jsonl": `{"id":"B","occurred":"2026-01-01"}\n${line}\n` }, ["--input", "leads.csv", "--events", "activity=ev.jsonl"]);
      expect(lenient.stderr).toMatch(/the events file ev\.jsonl has a NaN or Infinity literal or a trailing comma on line 2, .*; scoring with the JS engine instead/);
      expect(lenient.stderr).toMatch(/ev\.jsonl:2: event row skipped: not valid JSON/);
      expect(lenient.output).toBe("id,stage,s\nA,none,0\nB,none,1\n");
    }
  });

  it("an events file without the id column is the same input error in both engines", async () => {
    const def = "events activity {\n  occurred: date\n}\nscore s {\n  +1 per activity\n}\n";
    const duck = await both({ "def.leaddef": def, "leads.csv": "id\nA\n", "ev.csv": "lead,occurred\nA,2026-01-01\n" }, ["--input", "leads.csv", "--events", "activity=ev.csv"]);
    expect(duck.code).not.toBe(0);
    expect(duck.stderr).toMatch(/no `id` column/);
  });
});
