// The reference: bench/bench.leaddef written by hand the way a good engineer would write it in
// plain JavaScript — direct property reads, early exits, no allocation besides the result.
//
// Missing values (the leaddef rule): a comparison with a missing operand is false and a missing
// boolean is false. `x >= 20e6` is already false for undefined/null (null >= 20e6 is 0 >= 20e6),
// `=== true` makes a missing boolean false, `?.` covers a missing group, and `<=` gets an explicit
// `!= null` guard (null <= 90 would be true).

const DAY_MS = 86_400_000;
const ICP_INDUSTRIES = new Set(['financial_services', 'telecom', 'healthcare', 'software']);

/** Returns qualify(lead) -> { stage, fit } for one as-of date ('YYYY-MM-DD'). */
export function makeQualifier(asOf) {
  // days_since(d) <= 30  <=>  d >= asOf - 30 days; ISO dates compare correctly as strings.
  const recentCutoff = new Date(Date.parse(asOf) - 30 * DAY_MS).toISOString().slice(0, 10);

  return function qualify(lead) {
    const company = lead.company;
    const contact = lead.contact;
    const engagement = lead.engagement;
    const budget = lead.budget;
    const seniority = contact.seniority;

    // score fit
    let fit = 0;
    if (seniority === 'c_level' || seniority === 'vp') fit += 30;
    if (seniority === 'director') fit += 10;
    if (budget?.allocated === true) fit += 20;
    if (company.technologies?.includes('salesforce')) fit += 15;
    if (company.naics?.startsWith('5415')) fit += 10; // the prefix has no letters: case cannot matter
    const country = company.country;
    if (country === 'US' || country === 'CA' || country === 'GB') fit += 10;
    if (engagement.email_clicks >= 3) fit += 10;
    if (lead.need?.pain_validated === true) fit += 15;
    if (/intern/i.test(contact.title)) fit -= 10;
    if (lead.competition?.evaluating?.includes('globex')) fit -= 15;
    if (fit > 100) fit = 100;

    // stages: mql -> sal -> sql, each requires the previous
    const icpFit = ICP_INDUSTRIES.has(company.industry) && company.revenue_usd >= 20e6 && company.employees >= 100;
    if (!icpFit) return { stage: 'none', fit };
    const engaged = engagement.score >= 60 || engagement.webinar_attended === true || contact.engaged === true;
    const last = engagement.last_activity;
    const recent = last != null && last >= recentCutoff;
    if (!engaged || !recent) return { stage: 'none', fit };
    if (lead.sales?.accepted !== true) return { stage: 'mql', fit };
    const timeframe = lead.urgency?.timeframe_days;
    const isSql =
      budget?.allocated === true &&
      budget.amount_usd >= 25e3 &&
      (lead.urgency?.event === true || (timeframe != null && timeframe <= 90)) &&
      (contact.role === 'decision_maker' || contact.role === 'influencer') &&
      (seniority === 'director' || seniority === 'vp' || seniority === 'c_level') &&
      !/globex/i.test(lead.competition?.incumbent ?? ''); // `not (x contains ..)`: true when missing
    return { stage: isSql ? 'sql' : 'sal', fit };
  };
}

/** Peer interface (see bench/inmem-child.mjs). */
export async function setup({ asOf }) {
  const qualify = makeQualifier(asOf);
  return {
    run(leads, n, stage, fit, STAGE_INDEX) {
      for (let i = 0; i < n; i++) {
        const r = qualify(leads[i]);
        stage[i] = STAGE_INDEX[r.stage];
        fit[i] = r.fit;
      }
    },
  };
}
