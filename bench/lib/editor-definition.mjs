// The generated definition bench/editor-latency.mjs (and the editor tests) type into.

/** A definition of about `lines` lines: a schema, criteria, scores, stages and examples. */
export function generateDefinition(lines) {
  const out = ["# Generated for bench/editor-latency.mjs", "schema {"];
  const groups = ["company", "contact", "engagement", "budget", "intent", "product"];
  const nFields = Math.floor(lines * 0.12);
  const fields = [];
  for (let i = 0; i < nFields; i++) {
    const g = groups[i % groups.length];
    const kind = i % 4;
    const path = `${g}.f${i}`;
    fields.push({ path, kind });
    out.push(`  # field ${i}`);
    out.push(`  ${path}: ${kind === 0 ? "number" : kind === 1 ? "enum(low, mid, high, top)" : kind === 2 ? "boolean" : "string"}`);
  }
  out.push("}", "");
  const cond = (i) => {
    const f = fields[(i * 7) % fields.length];
    if (f.kind === 0) return `${f.path} >= ${i % 100}`;
    if (f.kind === 1) return `${f.path} in [mid, high]`;
    if (f.kind === 2) return f.path;
    return `${f.path} contains "x${i % 10}"`;
  };
  let c = 0;
  const criteria = [];
  while (out.length < lines * 0.55) {
    out.push(`# criterion ${c}`, `criterion c${c} when`, `  ${cond(c)}`, `  and (${cond(c + 1)} or ${cond(c + 2)})`, "");
    criteria.push(`c${c}`);
    c++;
  }
  let s = 0;
  while (out.length < lines * 0.75) {
    out.push(`score s${s} {`);
    for (let k = 0; k < 6; k++) out.push(`  +${k + 1} when ${criteria[(s * 6 + k) % criteria.length]}`);
    out.push("  cap 50", "}", "");
    s++;
  }
  let st = 0;
  while (out.length < lines * 0.85) {
    out.push(`stage${st} when ${st > 0 ? `stage${st - 1} and ` : ""}${criteria[st % criteria.length]} and s${st % s} >= 0`, "");
    st++;
  }
  let e = 0;
  while (out.length < lines - 8) {
    out.push(`example "lead ${e}" {`);
    for (let k = 0; k < 4; k++) {
      const f = fields[(e * 5 + k) % fields.length];
      out.push(`  ${f.path} = ${f.kind === 0 ? 50 : f.kind === 1 ? "high" : f.kind === 2 ? "true" : '"x1"'}`);
    }
    out.push("  as of 2026-01-01", `  expect score s0 = 0`, "}", "");
    e++;
  }
  out.push(`last_stage when stage${st - 1} and c0`);
  return out.join("\n") + "\n";
}
