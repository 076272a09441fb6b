import type { CompareReport, Counterexample } from "../analysis/compare.js";
import type { IrField, IrStream } from "../ir.js";

/** `leaddef compare`'s outputs: text with paste-ready `example` blocks, and JSON. */

export type CompareFormat = "text" | "json";

export interface CompareLabels { old: string; new: string }

/** The JSON form: the CompareReport itself, with the two definitions named. */
export function renderCompareJson(r: CompareReport, labels: CompareLabels): string {
  return JSON.stringify({ old: labels.old, new: labels.new, ...r }, null, 2);
}

/** A number as the language writes it: no exponent. */
function numberLiteral(n: number): string {
  if (Number.isInteger(n)) return BigInt(n).toString();
  const s = String(n);
  return s.includes("e") ? n.toFixed(20).replace(/0+$/, "") : s;
}

/** A string literal of the language: `"` and `\` escaped (examples hold no line breaks). */
function stringLiteral(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\t/g, "\\t")}"`;
}

function valueAt(lead: Record<string, unknown>, segments: string[]): unknown {
  let v: unknown = lead;
  for (const s of segments) v = v !== null && typeof v === "object" && Object.prototype.hasOwnProperty.call(v, s) ? (v as Record<string, unknown>)[s] : undefined;
  return v;
}

function literal(f: IrField, v: unknown): string {
  switch (f.kind) {
    case "number": return numberLiteral(v as number);
    case "date": case "boolean": return String(v);
    case "enum": return /^[A-Za-z_][A-Za-z0-9_]*$/.test(String(v)) ? String(v) : stringLiteral(String(v));
    case "string": return stringLiteral(String(v));
    case "list": return `[${(v as string[]).map(stringLiteral).join(", ")}]`;
  }
}

/** A stream's events as an example writes them: `[{type = demo_request, occurred = 2026-11-20}, …]`. */
function eventsLiteral(s: IrStream, events: readonly Record<string, unknown>[]): string {
  const event = (e: Record<string, unknown>) => `{${s.fields.filter((f) => e[f.path] !== undefined).map((f) => `${f.path} = ${literal(f, e[f.path])}`).join(", ")}}`;
  return `[${events.map(event).join(", ")}]`;
}

/**
 * The counterexample as an `example` block for the NEW definition: its fields (missing ones
 * left out, as examples mean), its events per stream, its as-of date, and what NEW gives it.
 */
export function exampleBlock(title: string, c: Counterexample, fields: readonly IrField[], streams: readonly IrStream[] = []): string {
  const lines = [`example ${stringLiteral(title)} {`];
  for (const f of fields) {
    const v = valueAt(c.lead, f.segments);
    if (v !== undefined) lines.push(`  ${f.path} = ${literal(f, v)}`);
  }
  for (const s of streams) {
    const events = c.lead[s.name];
    if (Array.isArray(events) && events.length) lines.push(`  ${s.name} = ${eventsLiteral(s, events as Record<string, unknown>[])}`);
  }
  lines.push(`  as of ${c.as_of}`, `  # the old definition gives stage ${c.old.stage}${Object.entries(c.old.scores).map(([s, v]) => `, ${s} ${v}`).join("")}`);
  lines.push(`  expect stage ${c.new.stage}`);
  for (const [s, v] of Object.entries(c.new.scores)) lines.push(`  expect score ${s} = ${numberLiteral(v)}`);
  lines.push("}");
  return lines.join("\n");
}

function witnessLines(title: string, c: Counterexample, fields: readonly IrField[], streams: readonly IrStream[]): string[] {
  return [
    `    old: stage ${c.old.stage}${Object.entries(c.old.scores).map(([s, v]) => `, ${s} ${v}`).join("")}    new: stage ${c.new.stage}${Object.entries(c.new.scores).map(([s, v]) => `, ${s} ${v}`).join("")}`,
    `    lead: ${JSON.stringify(c.lead)}   as of ${c.as_of}`,
    ...exampleBlock(title, c, fields, streams).split("\n").map((l) => `    ${l}`),
  ];
}

const STAGE_WORDS: Record<string, string> = {
  same: "the same leads reach it",
  stricter: "stricter: some leads no longer reach it, none newly do",
  looser: "looser: some leads newly reach it, none lose it",
  incomparable: "neither: some leads lose it, others newly reach it",
};

/** Text: the verdict, then per stage and score the relation and its verified counterexamples. */
export function renderCompareText(r: CompareReport, labels: CompareLabels, fields: readonly IrField[], streams: readonly IrStream[] = []): string {
  const verdict = r.equivalent === true
    ? "equivalent: every lead gets the same stage and the same shared scores, on every as-of date (proved)"
    : r.equivalent === false
      ? "not equivalent"
      : `no difference found among ${r.searched ?? 0} generated leads, but not proved`;
  const out = [`old: ${labels.old}`, `new: ${labels.new}`, verdict, `method: ${r.method === "solver" ? "SMT solver (Z3)" : `bounded search of ${r.searched ?? 0} leads`}`];
  for (const a of r.approximations) out.push(`  note: ${a}`);
  for (const [stage, s] of Object.entries(r.stages)) {
    out.push("", `stage ${stage}: ${STAGE_WORDS[s.relation]}${s.proved ? "" : " (not proved)"}`);
    s.counterexamples.forEach((c, i) => {
      const lost = i === 0 && (s.relation === "stricter" || s.relation === "incomparable");
      out.push(`  ${lost ? "leaves" : "newly reaches"} ${stage}:`, ...witnessLines(`compare: ${lost ? "leaves" : "newly reaches"} ${stage}`, c, fields, streams));
    });
  }
  for (const [score, s] of Object.entries(r.scores)) {
    out.push("", `score ${score}: ${s.relation === "same" ? "the same for every lead" : s.relation === "differs" ? "higher for some leads, lower for others" : `${s.relation} for some leads, never the other way`}${s.proved ? "" : " (not proved)"}`);
    s.counterexamples.forEach((c) => out.push(...witnessLines(`compare: score ${score} changes`, c, fields, streams)));
  }
  if (r.scores_only.old.length) out.push("", `scores only in the old definition: ${r.scores_only.old.join(", ")}`);
  if (r.scores_only.new.length) out.push("", `scores only in the new definition: ${r.scores_only.new.join(", ")}`);
  return out.join("\n");
}
