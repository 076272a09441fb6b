// Outcomes (`outcome NAME when COND`): the declaration in the language (parse, check, format,
// outline), the leakage error LD1021, and `leaddef outcomes`' figures on a small file whose
// expected numbers are worked out by hand below.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { compile } from "../compiler/compile.js";
import { format } from "../language/formatter.js";
import { complete } from "../lsp/features/completion.js";
import { semanticTokens } from "../lsp/features/semantic-tokens.js";
import { documentSymbols } from "../lsp/features/symbols.js";
import { cli } from "./support/cli.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const tmp = mkdtempSync(join(tmpdir(), "leaddef-outcomes-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SCHEMA = `schema {
  lead.size: integer
  lead.won: boolean
}
`;

const DEF = `${SCHEMA}
criterion big when lead.size >= 10
criterion huge when lead.size >= 100

# A deal closed won.
outcome won when lead.won
outcome churned when lead.size > 1000 and lead.won

mql when big
sql when mql and huge
enterprise when sql and lead.size >= 10000
`;

describe("the outcome declaration", () => {
  it("parses and checks like a criterion, and is lowered into the IR's outcomes, not its criteria or stages", () => {
    const r = compile(DEF);
    expect(r.diagnostics).toEqual([]);
    const ir = r.program!.ir;
    expect(ir.outcomes.map((o) => o.name)).toEqual(["won", "churned"]);
    expect(ir.outcomes[0].source.doc).toBe("A deal closed won.");
    expect(ir.criteria.map((c) => c.name)).toEqual(["big", "huge"]);
    expect(ir.stages.map((s) => s.name)).toEqual(["mql", "sql", "enterprise"]);
    // The generated evaluator's results know nothing of outcomes.
    const result = r.program!.evaluate({ lead: { size: 200, won: true } }, { asOf: "2026-11-22" });
    expect(result.stage).toBe("sql");
    expect(JSON.stringify(result)).not.toContain("won");
  });

  it("is a word only as `outcome NAME when`: a stage and a field named outcome still work", () => {
    const r = compile(`schema {\n  outcome.closed: boolean\n}\n\noutcome when outcome.closed\n`);
    expect(r.diagnostics).toEqual([]);
    expect(r.program!.ir.stages.map((s) => s.name)).toEqual(["outcome"]);
    expect(r.program!.ir.outcomes).toEqual([]);
  });

  it("needs a boolean condition", () => {
    const r = compile(`${SCHEMA}\noutcome won when lead.size\nmql when lead.won\n`);
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([["LD1006", "the condition of an outcome must be true or false, found integer"]]);
  });

  it("formats as a declaration of its own and shows in the outline", () => {
    const f = format(`${SCHEMA}\noutcome   won   when lead.won   and\n lead.size>1\nmql when lead.won\n`);
    expect(f.error).toBeUndefined();
    expect(f.text).toContain("\n\noutcome won when lead.won and\n  lead.size > 1\nmql when lead.won\n");
    expect(format(f.text).text).toBe(f.text);
    const outline = documentSymbols(compile(DEF));
    expect(outline.filter((s) => s.kind === "outcome").map((s) => s.name)).toEqual(["won", "churned"]);
  });
});

describe("the outcome declaration in the editor", () => {
  it("colours the outcome's name and leaves it out of a condition's completions", () => {
    const r = compile(DEF);
    const line = DEF.split("\n").findIndex((l) => l.startsWith("outcome won"));
    expect(semanticTokens(r).find((t) => t.line === line && t.character === 8)).toMatchObject({ length: 3, type: "function" });
    const text = `${DEF}\ncriterion x when `;
    const labels = complete(compile(text), text.length).items.map((i) => i.label);
    expect(labels).toContain("big");
    expect(labels).not.toContain("won");
  });
});

describe("LD1021: the definition may not use an outcome", () => {
  const problems = (text: string) => {
    const r = compile(text);
    return r.diagnostics.filter((d) => d.severity === "error").map((d) => ({ code: d.code, message: d.message, at: text.slice(d.span.start, d.span.end) }));
  };
  const used = (name: string) => ({ code: "LD1021", message: `\`${name}\` is an outcome: criteria, scores, stages and outcomes cannot use it`, at: name });

  it("in a criterion, a score line, a stage and another outcome, located at the use", () => {
    expect(problems(`${SCHEMA}
outcome won when lead.won
criterion c when won and lead.size > 1
score s {
  +10 when won
}
outcome again when won
mql when c and s > 5 and not won
`)).toEqual([used("won"), used("won"), used("won"), used("won")]);
  });

  it("through a chain of names: reported where the chain reaches the outcome, so the stage cannot compile", () => {
    const text = `${SCHEMA}
outcome won when lead.won
criterion will_buy when won
criterion looks_good when will_buy or lead.size > 100
mql when looks_good
`;
    expect(problems(text)).toEqual([used("won")]);
    const r = compile(text);
    expect(r.program).toBeUndefined();
    const d = r.diagnostics.find((x) => x.code === "LD1021")!;
    expect(text.slice(0, d.span.start).endsWith("criterion will_buy when ")).toBe(true);
  });
});

describe("leaddef outcomes", () => {
  const def = join(tmp, "o.leaddef");
  const data = join(tmp, "o.csv");
  writeFileSync(def, DEF);
  // Six scored leads and one rejected (its size is not a number):
  //   1: size 5    won      → none          2: size 5    lost → none
  //   3: size 20   won      → mql           4: size 20   lost → mql
  //   5: size 200  won      → sql           6: size 200  won  → sql
  writeFileSync(data, "id,lead.size,lead.won\n1,5,true\n2,5,false\n3,20,true\n4,20,false\n5,200,true\n6,200,true\n7,abc,true\n");

  it("computes base rate, per-stage reached/rate/captured/lift and per-criterion figures (by hand)", async () => {
    const r = await cli(["outcomes", def, "--input", data, "--as-of", "2026-11-22", "--format", "json"]);
    expect(r.code).toBe(0);
    const base = 4 / 6; // won: leads 1, 3, 5, 6 of the 6 scored
    expect(JSON.parse(r.stdout)).toEqual({
      outcomes: [
        {
          name: "won", rows: 6, positives: 4, base_rate: base,
          stages: [
            // reached mql: 3, 4, 5, 6 (sql is above mql); won among them: 3, 5, 6
            { stage: "mql", reached: 4, reached_positives: 3, rate: 3 / 4, captured: 3 / 4, lift: 3 / 4 / base },
            // reached sql: 5, 6, both won
            { stage: "sql", reached: 2, reached_positives: 2, rate: 1, captured: 2 / 4, lift: 1 / base },
            // nobody: no rate, no lift; it captures none of the wins
            { stage: "enterprise", reached: 0, reached_positives: 0, rate: null, captured: 0, lift: null },
          ],
          criteria: [
            { name: "big", holds: 4, positives: 3, rate: 3 / 4, lift: 3 / 4 / base },
            { name: "huge", holds: 2, positives: 2, rate: 1, lift: 1 / base },
          ],
        },
        {
          // no lead has churned: a base rate of 0, so no lift and no capture
          name: "churned", rows: 6, positives: 0, base_rate: 0,
          stages: [
            { stage: "mql", reached: 4, reached_positives: 0, rate: 0, captured: null, lift: null },
            { stage: "sql", reached: 2, reached_positives: 0, rate: 0, captured: null, lift: null },
            { stage: "enterprise", reached: 0, reached_positives: 0, rate: null, captured: null, lift: null },
          ],
          criteria: [
            { name: "big", holds: 4, positives: 0, rate: 0, lift: null },
            { name: "huge", holds: 2, positives: 0, rate: 0, lift: null },
          ],
        },
      ],
    });
  });

  it("prints a readable table by default, and run's output has no outcome column", async () => {
    const r = await cli(["outcomes", def, "--input", data, "--as-of", "2026-11-22"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("outcome won: 4 of 6 leads (base rate 66.7%)");
    expect(r.stdout).toMatch(/^mql\s+4\s+3\s+75\.0%\s+75\.0%\s+1\.13x$/m);
    expect(r.stdout).toMatch(/^enterprise\s+0\s+0\s+-\s+0\.0%\s+-$/m);
    expect(r.stdout).toMatch(/^huge\s+2\s+2\s+100\.0%\s+1\.50x$/m);
    expect(r.stdout).toContain("rows read 7 = scored 6 + rejected 1");
    const run = await cli(["run", def, "--input", data, "--as-of", "2026-11-22", "--columns", "all"]);
    expect(run.stdout.split("\n")[0]).toBe("id,stage,big,huge,mql,sql,enterprise");
  });

  it("refuses a definition that uses an outcome, with LD1021", async () => {
    const bad = join(tmp, "bad.leaddef");
    writeFileSync(bad, `${SCHEMA}\noutcome won when lead.won\nmql when won\n`);
    const r = await cli(["outcomes", bad, "--input", data]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("LD1021");
  });
});

/** RFC 4180 rows: quoted fields may hold commas, quotes (doubled) and line breaks. */
function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") { row.push(cell); cell = ""; }
    else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(cell); rows.push(row); row = []; cell = "";
    } else cell += ch;
  }
  if (cell !== "" || row.length > 0) { row.push(cell); rows.push(row); }
  return rows;
}

describe("leaddef outcomes against a separate run (examples/crm/hubspot.leaddef)", () => {
  it("gives exactly the figures computed from `run --columns all` and the export's Lifecycle Stage column", async () => {
    const crm = join(root, "examples", "crm");
    const results = join(tmp, "hubspot-results.csv");
    const args = ["--input", join(crm, "hubspot-contacts.csv"), "--as-of", "2026-11-22", "--id", "Record ID"];
    const run = await cli(["run", join(crm, "hubspot.leaddef"), ...args, "--columns", "all", "-o", results, "--no-progress"]);
    expect(run.code).toBe(0);
    const [exportHeader, ...exported] = csvRows(readFileSync(join(crm, "hubspot-contacts.csv"), "utf8"));
    const lifecycle = exportHeader.indexOf("Lifecycle Stage");
    const idAt = exportHeader.indexOf("Record ID");
    // The outcome, read straight from the export: `crm.lifecycle_stage in [customer, evangelist]`.
    const became = new Map(exported.map((r) => [r[idAt], ["customer", "evangelist"].includes(r[lifecycle])]));
    const [header, ...rows] = csvRows(readFileSync(results, "utf8"));
    const stages = ["mql", "sal", "sql"];
    const criteria = ["target_industry", "right_size", "engaged", "recently_active", "ruled_out"];
    const positive = (r: string[]) => became.get(r[0]) === true;
    const positives = rows.filter(positive).length;
    const base = positives / rows.length;
    const ratio = (n: number, d: number) => (d === 0 ? null : n / d);
    const lift = (rate: number | null) => (rate === null || base === 0 ? null : rate / base);
    const expected = {
      name: "became_customer", rows: rows.length, positives, base_rate: base,
      stages: stages.map((stage, s) => {
        const reached = rows.filter((r) => stages.indexOf(r[1]) >= s);
        const k = reached.filter(positive).length;
        return { stage, reached: reached.length, reached_positives: k, rate: ratio(k, reached.length), captured: ratio(k, positives), lift: lift(ratio(k, reached.length)) };
      }),
      criteria: criteria.map((name) => {
        const holds = rows.filter((r) => r[header.indexOf(name)] === "true");
        const k = holds.filter(positive).length;
        return { name, holds: holds.length, positives: k, rate: ratio(k, holds.length), lift: lift(ratio(k, holds.length)) };
      }),
    };
    expect(positives).toBeGreaterThan(0);
    const out = await cli(["outcomes", join(crm, "hubspot.leaddef"), ...args, "--format", "json"]);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({ outcomes: [expected] });
  });
});
