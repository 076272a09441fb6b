// `compare` and `check --semantic` on definitions that read event streams: the solver models
// each set of events by its count and latest date (compiler/analysis/smt-encode.ts), so an
// `unsat` is still a proof (a wider window, a stricter threshold), while a difference is only
// reported with a generated lead that has events and reproduces it — replayed here with both
// programs, and pasted as an example into the new definition.
import { afterAll, describe, expect, it } from "vitest";
import { compareDefinitions, type CompareReport } from "../compiler/analysis/compare.js";
import { semanticLints } from "../compiler/analysis/semantic-lints.js";
import { shutdownSolvers } from "../compiler/analysis/smt.js";
import { exampleBlock } from "../compiler/app/compare.js";
import { compile } from "../compiler/compile.js";
import { runExamples } from "../compiler/runtime/examples.js";
import type { Program } from "../compiler/runtime/program.js";

afterAll(() => shutdownSolvers());

const HEAD = `schema {
  size: integer?
}
events activity {
  type: enum(click, webinar, demo)
  occurred: date
  url: string?
}
`;

function program(body: string): Program {
  const result = compile(HEAD + body);
  if (!result.program) throw new Error(result.diagnostics.map((d) => d.message).join("; "));
  return result.program;
}

async function compare(before: string, after: string): Promise<{ r: CompareReport; old: Program; now: Program }> {
  const old = program(before);
  const now = program(after);
  return { r: await compareDefinitions({ old, new: now }, { searchSize: 20_000 }), old, now };
}

/** Every witness has events and gives the two results it is reported with. */
function replayWitnesses(r: CompareReport, old: Program, now: Program): number {
  let n = 0;
  for (const c of [...Object.values(r.stages), ...Object.values(r.scores)].flatMap((x) => x.counterexamples)) {
    expect(old.evaluate(c.lead, { asOf: c.as_of })).toEqual(c.old);
    expect(now.evaluate(c.lead, { asOf: c.as_of })).toEqual(c.new);
    n++;
  }
  return n;
}

describe("compare over event streams", () => {
  it("the same definition written twice is proved equivalent", async () => {
    const def = "score e { +5 per activity where type = click within 90 days decay 50% every 30 days max 25 }\nmql when count(activity where type = demo within 30 days) >= 1 or e >= 10\nsal when mql and days_since(latest(activity where type = webinar)) <= 14";
    const { r } = await compare(def, def);
    expect(r.equivalent).toBe(true);
    expect(r.method).toBe("solver");
  }, 60_000);

  it("a higher count threshold is stricter: the loss has a witness with events, no gain is proved", async () => {
    const { r, old, now } = await compare("mql when count(activity where type = demo within 30 days) >= 1", "mql when count(activity where type = demo within 30 days) >= 2");
    expect(r.equivalent).toBe(false);
    expect(r.stages.mql).toMatchObject({ relation: "stricter", proved: true });
    expect(replayWitnesses(r, old, now)).toBeGreaterThan(0);
    const lead = r.stages.mql.counterexample!.lead as { activity: { type: string }[] };
    expect(lead.activity.filter((e) => e.type === "demo").length).toBeGreaterThanOrEqual(1);
    expect(r.approximations.join(" ")).toMatch(/counts and latest dates/);
  }, 60_000);

  it("a wider window is looser, and that no lead loses the stage is proved", async () => {
    const { r, old, now } = await compare("mql when count(activity where type = click within 30 days) >= 2", "mql when count(activity where type = click within 60 days) >= 2");
    expect(r.stages.mql).toMatchObject({ relation: "looser", proved: true });
    replayWitnesses(r, old, now);
  }, 60_000);

  it("dropping a where is looser (the events without it include those with it)", async () => {
    const { r } = await compare("mql when count(activity where type = click within 30 days) >= 3", "mql when count(activity within 30 days) >= 3");
    expect(r.stages.mql.relation).toBe("looser");
    expect(r.stages.mql.proved).toBe(true);
  }, 60_000);

  it("a lower per-line weight lowers the score, never raises it; the pasted example passes on the new definition only", async () => {
    const before = "score e { +5 per activity where type = click within 90 days decay 50% every 30 days max 25 }\nmql when e >= 5";
    const after = "score e { +4 per activity where type = click within 90 days decay 50% every 30 days max 25 }\nmql when e >= 5";
    const { r, old, now } = await compare(before, after);
    expect(r.scores.e.relation).toBe("lower");
    replayWitnesses(r, old, now);
    const c = r.scores.e.counterexample!;
    const block = exampleBlock("compare: score e changes", c, now.fields, now.ir.streams);
    expect(block).toMatch(/activity = \[\{type = click, occurred = \d{4}-\d\d-\d\d/);
    const pasted = compile(`${HEAD}${after}\n${block}\n`);
    expect(pasted.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(runExamples(pasted.program!, "2000-01-01")[0].passed).toBe(true);
    expect(runExamples(compile(`${HEAD}${before}\n${block}\n`).program!, "2000-01-01")[0].passed).toBe(false);
  }, 60_000);

  it("a change the generated events cannot show is reported as not proved, never as equivalent", async () => {
    // the two differ only for a lead with 40 matching events: the search does not generate that many
    const { r } = await compare("mql when count(activity where type = click) >= 40", "mql when count(activity where type = click) >= 41");
    expect(r.equivalent).not.toBe(true);
    if (r.equivalent === null) expect(r.stages.mql.proved).toBe(false);
  }, 60_000);
});

describe("check --semantic over event streams", () => {
  it("a count below zero never holds; per lines can reach a cap, so it is not reported", async () => {
    const result = compile(`${HEAD}criterion impossible when count(activity within 30 days) < 0\nscore e {\n  +5 per activity where type = click max 40\n  cap 30\n}\nmql when impossible or e >= 10\n`);
    const found = (await semanticLints(result)).map((d) => d.message);
    expect(found.some((m) => /impossible/.test(m))).toBe(true);
    expect(found.some((m) => /cap/.test(m))).toBe(false);
  }, 60_000);

  it("a cap above what the per lines can give is reported", async () => {
    const result = compile(`${HEAD}score e {\n  +5 per activity where type = click max 20\n  +1 when size > 10\n  cap 30\n}\nmql when e >= 10\n`);
    const found = (await semanticLints(result)).map((d) => d.message);
    expect(found.some((m) => /cap/.test(m))).toBe(true);
  }, 60_000);

  it("the engagement example checks without an internal error", async () => {
    const { compileFile } = await import("../compiler/compile.js");
    const result = compileFile(new URL("../examples/engagement.leaddef", import.meta.url).pathname);
    await expect(semanticLints(result)).resolves.toBeInstanceOf(Array);
  }, 60_000);
});
