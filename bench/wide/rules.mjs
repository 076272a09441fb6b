// bench/wide/wide.leaddef written by hand, twice: as a JavaScript function over a typed lead
// (the in-memory reference) and as one DuckDB query over read_csv (the end-to-end reference).
// Missing values follow leaddef: a comparison, `in` or `contains` with a missing operand is false,
// a missing boolean is false, `not` then flips.

const SENIORITY = ['individual', 'manager', 'director', 'vp', 'c_level'];
const BOOL = { true: true, yes: true, 1: true, false: false, no: false, 0: false };

/**
 * A typed lead from the generator's CSV cells (empty cell: absent).
 * @returns {Record<string, any> & { id: string }}
 */
export function toLead(cells, columns) {
  const lead = {};
  columns.forEach((c, i) => {
    const v = cells[i];
    if (v === '' || v === undefined) return;
    if (['employees', 'revenue', 'founded', 'engagement', 'visits', 'downloads', 'budget', 'timeframe_days'].includes(c)) lead[c] = Number(v);
    else if (['email_opt_in', 'webinar', 'demo_requested', 'trial', 'budget_approved', 'partner'].includes(c)) lead[c] = BOOL[v.toLowerCase()];
    else lead[c] = v;
  });
  return lead;
}

/** The hand-written qualifier: `asOf` as YYYY-MM-DD; returns [stage index (0 none .. 3 sql), fit]. */
export function makeQualifier(asOf) {
  const cutoff = new Date(Date.parse(asOf) - 45 * 86_400_000).toISOString().slice(0, 10);
  return (l) => {
    const icp = (l.industry === 'software' || l.industry === 'finance' || l.industry === 'health') && l.employees >= 50 && l.revenue >= 5e6;
    const active = l.engagement >= 50 || l.webinar === true || l.demo_requested === true || l.visits >= 10;
    const recent = l.last_touch !== undefined && l.last_touch >= cutoff;
    const ready = l.budget_approved === true && l.budget >= 20_000 && l.timeframe_days <= 120 && SENIORITY.indexOf(l.seniority) >= 1;
    let fit = 0;
    if (l.seniority === 'vp' || l.seniority === 'c_level') fit += 20;
    if (l.department === 'sales') fit += 10;
    if (l.region === 'na' || l.region === 'emea') fit += 10;
    if (l.trial === true) fit += 15;
    if (l.downloads >= 3) fit += 10;
    if (l.email_opt_in === true) fit += 10;
    if (l.partner === true) fit += 5;
    if (l.country === 'US' || l.country === 'GB' || l.country === 'DE') fit += 10;
    if (l.title !== undefined && l.title.toLowerCase().includes('student')) fit -= 10;
    if (l.founded >= 2010) fit += 10;
    if (fit > 100) fit = 100;
    const mql = icp && active;
    const sal = mql && recent;
    const sql = sal && ready && !(l.competitor !== undefined && l.competitor.toLowerCase().includes('rival'));
    return [sql ? 3 : sal ? 2 : mql ? 1 : 0, fit];
  };
}

const lit = (s) => `'${String(s).replace(/'/g, "''")}'`;

/** The plain DuckDB query over `from` (every column text, or with `typed` BOOLEAN, number and DATE columns): id, stage, fit. */
export function plainQuery(from, asOf, { typed = false } = {}) {
  const p = (e) => `coalesce(${e}, false)`;
  const b = (c) => (typed ? c : `CASE WHEN lower(${c}) IN ('true', 'yes', '1') THEN true WHEN lower(${c}) IN ('false', 'no', '0') THEN false END`);
  const n = (c) => `CAST(${c} AS DOUBLE)`;
  return `
WITH t AS (
  SELECT id, industry, region, country, ${n('employees')} AS employees, ${n('revenue')} AS revenue, ${n('founded')} AS founded,
    seniority, department, title, ${b('email_opt_in')} AS email_opt_in, ${n('engagement')} AS engagement,
    ${n('visits')} AS visits, ${n('downloads')} AS downloads, ${b('webinar')} AS webinar, ${b('demo_requested')} AS demo_requested,
    ${b('trial')} AS trial, ${n('budget')} AS budget, ${b('budget_approved')} AS budget_approved,
    ${n('timeframe_days')} AS timeframe_days, competitor, ${b('partner')} AS partner, CAST(last_touch AS DATE) AS last_touch
  FROM ${from}
), f AS (
  SELECT id,
    ${p(`industry IN ('software', 'finance', 'health')`)} AND ${p('employees >= 50')} AND ${p('revenue >= 5000000')} AS icp,
    ${p('engagement >= 50')} OR ${p('webinar')} OR ${p('demo_requested')} OR ${p('visits >= 10')} AS active,
    ${p(`date_diff('day', last_touch, DATE ${lit(asOf)}) <= 45`)} AS recent,
    ${p('budget_approved')} AND ${p('budget >= 20000')} AND ${p('timeframe_days <= 120')} AND ${p(`seniority IN ('manager', 'director', 'vp', 'c_level')`)} AS ready,
    NOT ${p(`contains(lower(competitor), 'rival')`)} AS no_rival,
    least(100,
      CASE WHEN ${p(`seniority IN ('vp', 'c_level')`)} THEN 20 ELSE 0 END
      + CASE WHEN ${p(`department = 'sales'`)} THEN 10 ELSE 0 END
      + CASE WHEN ${p(`region IN ('na', 'emea')`)} THEN 10 ELSE 0 END
      + CASE WHEN ${p('trial')} THEN 15 ELSE 0 END
      + CASE WHEN ${p('downloads >= 3')} THEN 10 ELSE 0 END
      + CASE WHEN ${p('email_opt_in')} THEN 10 ELSE 0 END
      + CASE WHEN ${p('partner')} THEN 5 ELSE 0 END
      + CASE WHEN ${p(`country IN ('US', 'GB', 'DE')`)} THEN 10 ELSE 0 END
      - CASE WHEN ${p(`contains(lower(title), 'student')`)} THEN 10 ELSE 0 END
      + CASE WHEN ${p('founded >= 2010')} THEN 10 ELSE 0 END) AS fit
  FROM t
)
SELECT id,
  CASE WHEN icp AND active AND recent AND ready AND no_rival THEN 'sql' WHEN icp AND active AND recent THEN 'sal' WHEN icp AND active THEN 'mql' ELSE 'none' END AS stage,
  fit
FROM f`;
}

/**
 * The wide CSV as a typed table (what a warehouse export of a CRM table holds): whole numbers
 * BIGINT, numbers DOUBLE, booleans BOOLEAN (from their spellings), the date DATE, the rest text.
 */
export function typedColumnsQuery(from) {
  const whole = ['employees', 'founded', 'visits', 'downloads', 'timeframe_days'];
  const numbers = ['revenue', 'engagement', 'budget'];
  const booleans = ['email_opt_in', 'webinar', 'demo_requested', 'trial', 'budget_approved', 'partner'];
  const column = (c) => whole.includes(c) ? `CAST(${c} AS BIGINT) AS ${c}`
    : numbers.includes(c) ? `CAST(${c} AS DOUBLE) AS ${c}`
    : booleans.includes(c) ? `CASE WHEN lower(${c}) IN ('true', 'yes', '1') THEN true WHEN lower(${c}) IN ('false', 'no', '0') THEN false END AS ${c}`
    : c === 'last_touch' ? `CAST(${c} AS DATE) AS ${c}` : c;
  const columns = ['id', 'name', 'industry', 'region', 'country', 'employees', 'revenue', 'founded', 'seniority', 'department', 'title', 'email_opt_in',
    'engagement', 'visits', 'downloads', 'webinar', 'demo_requested', 'trial', 'budget', 'budget_approved', 'timeframe_days', 'competitor', 'partner', 'last_touch'];
  return `SELECT ${columns.map(column).join(', ')} FROM ${from}`;
}
