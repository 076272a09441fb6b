// bench/bench.leaddef in filtrex: two expressions (stage, fit) compiled to JS functions.
// Property paths use filtrex's own `useDotAccessOperatorAndOptionalChaining`, so a missing field
// reads as undefined; `lower` and `days_since` are added through `extraFunctions`.
//
// Missing values: filtrex refuses to compare undefined (it returns a type error), so optional
// fields are guarded with exists(...); booleans are compared `== true`, false when missing.
import { compileExpression, useDotAccessOperatorAndOptionalChaining } from 'filtrex';

const DAY_MS = 86_400_000;

const MQL = `company.industry in ("financial_services", "telecom", "healthcare", "software")
  and exists(company.revenue_usd) and company.revenue_usd >= 20000000
  and company.employees >= 100
  and (engagement.score >= 60 or engagement.webinar_attended == true or contact.engaged == true)
  and exists(engagement.last_activity) and days_since(engagement.last_activity) <= 30`;
const SAL = `sales.accepted == true`;
const SQL = `budget.allocated == true
  and exists(budget.amount_usd) and budget.amount_usd >= 25000
  and (urgency.event == true or (exists(urgency.timeframe_days) and urgency.timeframe_days <= 90))
  and contact.role in ("decision_maker", "influencer")
  and contact.seniority in ("director", "vp", "c_level")
  and not (exists(competition.incumbent) and lower(competition.incumbent) ~= "globex")`;

export const STAGE = `if (${MQL}) then (if ${SAL} then (if (${SQL}) then "sql" else "sal") else "mql") else "none"`;

export const FIT = `min(100,
    (if contact.seniority in ("c_level", "vp") then 30 else 0)
  + (if contact.seniority == "director" then 10 else 0)
  + (if budget.allocated == true then 20 else 0)
  + (if exists(company.technologies) and "salesforce" in company.technologies then 15 else 0)
  + (if exists(company.naics) and lower(company.naics) ~= "^5415" then 10 else 0)
  + (if company.country in ("US", "CA", "GB") then 10 else 0)
  + (if exists(engagement.email_clicks) and engagement.email_clicks >= 3 then 10 else 0)
  + (if need.pain_validated == true then 15 else 0)
  - (if lower(contact.title) ~= "intern" then 10 else 0)
  - (if exists(competition.evaluating) and "globex" in competition.evaluating then 15 else 0))`;

export function compileRules(asOf) {
  const asOfMs = Date.parse(asOf);
  const options = {
    customProp: useDotAccessOperatorAndOptionalChaining,
    constants: { true: true }, // filtrex has no boolean literals
    extraFunctions: {
      lower: (s) => String(s).toLowerCase(),
      days_since: (d) => Math.floor((asOfMs - Date.parse(String(d).slice(0, 10))) / DAY_MS),
    },
  };
  return { stage: compileExpression(STAGE, options), fit: compileExpression(FIT, options) };
}

export async function setup({ asOf }) {
  const rules = compileRules(asOf);
  return {
    run(leads, n, stage, fit, STAGE_INDEX) {
      for (let i = 0; i < n; i++) {
        const lead = leads[i];
        const s = rules.stage(lead);
        const f = rules.fit(lead);
        // filtrex returns (does not throw) its runtime errors
        if (typeof s !== 'string' || typeof f !== 'number') throw new Error(`filtrex error on ${lead.id}: ${s instanceof Error ? s.message : f}`);
        stage[i] = STAGE_INDEX[s];
        fit[i] = f;
      }
    },
  };
}
