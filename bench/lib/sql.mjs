// bench/bench.leaddef written by hand in DuckDB SQL. Used by the in-memory DuckDB peer (over a
// typed table) and the end-to-end DuckDB COPY (over read_csv). Column names are the field paths.
//
// Missing values: SQL's NULL logic is not leaddef's, so every atomic predicate is wrapped in
// coalesce(..., false) — a comparison with a missing operand is false, a missing boolean is false,
// and `not (x contains ..)` is then true for a missing x, as in leaddef.
import { FIELDS, ENUMS } from './schema.mjs';

const q = (name) => `"${name.replace(/"/g, '""')}"`;
const lit = (s) => `'${String(s).replace(/'/g, "''")}'`;
const enumType = (path) => `enum_${path.replace('.', '_')}`;

/** CREATE TYPE statements for the schema's enums (run once per connection/database). */
export function createEnumTypes() {
  return Object.entries(ENUMS).map(
    ([path, members]) => `CREATE TYPE ${enumType(path)} AS ENUM (${members.map(lit).join(', ')})`,
  );
}

/** A SELECT list that turns read_csv's VARCHAR columns into typed columns. */
export function typedColumns() {
  const cols = [`id`];
  for (const f of FIELDS) {
    const c = q(f.path);
    let e;
    switch (f.type) {
      case 'string': e = c; break;
      case 'enum': e = `CAST(${c} AS ${enumType(f.path)})`; break;
      case 'number': e = `CAST(${c} AS DOUBLE)`; break;
      case 'integer': e = `CAST(${c} AS BIGINT)`; break;
      // leaddef booleans: true/false/yes/no/1/0, any case
      case 'boolean': e = `CASE WHEN lower(${c}) IN ('true', 'yes', '1') THEN true WHEN lower(${c}) IN ('false', 'no', '0') THEN false END`; break;
      case 'date': e = `CAST(left(${c}, 10) AS DATE)`; break; // YYYY-MM-DD or an ISO timestamp's date part
      case 'list': e = `string_split(${c}, ';')`; break;
      default: throw new Error(f.type);
    }
    cols.push(`${e} AS ${c}`);
  }
  return cols.join(',\n  ');
}

/** read_csv over the benchmark CSV, every column as text (typing is done by typedColumns). */
export function readCsv(path) {
  return `read_csv(${lit(path)}, header = true, all_varchar = true, quote = '"', escape = '"')`;
}

/**
 * read_json over the benchmark's JSON Lines (nested objects, as examples/generate-leads.mjs
 * writes them), flattened to one text column per field path, lists joined with `;`: the same
 * relation readCsv gives, so typedColumns and rulesQuery apply unchanged.
 */
export function readJsonLines(path) {
  const groups = new Map();
  for (const f of FIELDS) {
    const [head, leaf] = f.path.split('.');
    if (!groups.has(head)) groups.set(head, []);
    groups.get(head).push(`${q(leaf)} ${f.type === 'list' ? 'VARCHAR[]' : 'VARCHAR'}`);
  }
  const columns = [`id: 'VARCHAR'`, ...[...groups].map(([head, leaves]) => `${q(head)}: ${lit(`STRUCT(${leaves.join(', ')})`)}`)].join(', ');
  const flat = FIELDS.map((f) => {
    const [head, leaf] = f.path.split('.');
    const e = `${q(head)}.${q(leaf)}`;
    return `${f.type === 'list' ? `array_to_string(${e}, ';')` : e} AS ${q(f.path)}`;
  });
  return `(SELECT id, ${flat.join(', ')} FROM read_json(${lit(path)}, format = 'newline_delimited', columns = {${columns}}))`;
}

/** The rules over a relation `src` with typed columns: yields id, stage, fit. */
export function rulesQuery(src, asOf, { withId = true } = {}) {
  const p = (e) => `coalesce(${e}, false)`; // one atomic predicate, missing -> false
  const sen = `${q('contact.seniority')}`;
  const senType = enumType('contact.seniority');
  return `
WITH f AS (
  SELECT
    ${withId ? 'id,' : ''}
    ${p(`${q('company.industry')} IN ('financial_services', 'telecom', 'healthcare', 'software')`)}
      AND ${p(`${q('company.revenue_usd')} >= 20000000`)}
      AND ${p(`${q('company.employees')} >= 100`)} AS icp_fit,
    ${p(`${q('engagement.score')} >= 60`)}
      OR ${p(q('engagement.webinar_attended'))}
      OR ${p(q('contact.engaged'))} AS engaged,
    ${p(`date_diff('day', ${q('engagement.last_activity')}, DATE ${lit(asOf)}) <= 30`)} AS recent,
    ${p(q('sales.accepted'))} AS accepted,
    ${p(q('budget.allocated'))}
      AND ${p(`${q('budget.amount_usd')} >= 25000`)}
      AND (${p(q('urgency.event'))} OR ${p(`${q('urgency.timeframe_days')} <= 90`)})
      AND ${p(`${q('contact.role')} IN ('decision_maker', 'influencer')`)}
      AND ${p(`${sen} >= CAST('director' AS ${senType})`)}
      AND NOT ${p(`contains(lower(${q('competition.incumbent')}), 'globex')`)} AS sql_extra,
    (CASE WHEN ${p(`${sen} IN ('c_level', 'vp')`)} THEN 30 ELSE 0 END)
      + (CASE WHEN ${p(`${sen} = 'director'`)} THEN 10 ELSE 0 END)
      + (CASE WHEN ${p(q('budget.allocated'))} THEN 20 ELSE 0 END)
      + (CASE WHEN ${p(`list_contains(${q('company.technologies')}, 'salesforce')`)} THEN 15 ELSE 0 END)
      + (CASE WHEN ${p(`starts_with(lower(${q('company.naics')}), '5415')`)} THEN 10 ELSE 0 END)
      + (CASE WHEN ${p(`${q('company.country')} IN ('US', 'CA', 'GB')`)} THEN 10 ELSE 0 END)
      + (CASE WHEN ${p(`${q('engagement.email_clicks')} >= 3`)} THEN 10 ELSE 0 END)
      + (CASE WHEN ${p(q('need.pain_validated'))} THEN 15 ELSE 0 END)
      - (CASE WHEN ${p(`contains(lower(${q('contact.title')}), 'intern')`)} THEN 10 ELSE 0 END)
      - (CASE WHEN ${p(`list_contains(${q('competition.evaluating')}, 'globex')`)} THEN 15 ELSE 0 END)
      AS fit_sum
  FROM ${src}
)
SELECT
  ${withId ? 'id,' : ''}
  CASE
    WHEN icp_fit AND engaged AND recent AND accepted AND sql_extra THEN 'sql'
    WHEN icp_fit AND engaged AND recent AND accepted THEN 'sal'
    WHEN icp_fit AND engaged AND recent THEN 'mql'
    ELSE 'none'
  END AS stage,
  CAST(least(fit_sum, 100) AS INTEGER) AS fit
FROM f`;
}
