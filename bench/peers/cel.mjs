// bench/bench.leaddef in CEL (@marcbachmann/cel-js): one expression, parsed once, yielding
// {"stage": ..., "fit": ...} per lead. Only CEL built-ins: `in`, lowerAscii(), contains(),
// startsWith(), timestamp/duration arithmetic for days_since, cel.bind for the cap.
//
// Missing values: CEL raises an error on a missing key, so optional fields are tested with
// has() (groups that always exist: company, contact, engagement) or with optional chaining
// `lead.?group.?field` (groups that may be absent altogether).
import { Environment } from '@marcbachmann/cel-js';

// A flag that is false when missing.
const flag = (group, field, optionalGroup) =>
  optionalGroup ? `lead.?${group}.?${field}.orValue(false)` : `(has(lead.${group}.${field}) && lead.${group}.${field})`;

export const EXPRESSION = `
cel.bind(icp_fit,
  lead.company.industry in ["financial_services", "telecom", "healthcare", "software"]
  && has(lead.company.revenue_usd) && lead.company.revenue_usd >= 20000000
  && lead.company.employees >= 100,
cel.bind(engaged,
  lead.engagement.score >= 60
  || ${flag('engagement', 'webinar_attended')}
  || ${flag('contact', 'engaged')},
cel.bind(recent,
  has(lead.engagement.last_activity)
  && asOf - timestamp(lead.engagement.last_activity + "T00:00:00Z") <= duration("720h"),
cel.bind(mql, icp_fit && engaged && recent,
cel.bind(sal, mql && ${flag('sales', 'accepted', true)},
cel.bind(sql, sal
  && ${flag('budget', 'allocated', true)}
  && lead.?budget.?amount_usd.hasValue() && lead.budget.amount_usd >= 25000.0
  && (${flag('urgency', 'event', true)}
      || (lead.?urgency.?timeframe_days.hasValue() && lead.urgency.timeframe_days <= 90))
  && lead.contact.role in ["decision_maker", "influencer"]
  && lead.contact.seniority in ["director", "vp", "c_level"]
  && !(lead.?competition.?incumbent.hasValue()
       && lead.competition.incumbent.lowerAscii().contains("globex")),
cel.bind(fit_sum,
    (lead.contact.seniority in ["c_level", "vp"] ? 30 : 0)
  + (lead.contact.seniority == "director" ? 10 : 0)
  + (${flag('budget', 'allocated', true)} ? 20 : 0)
  + (has(lead.company.technologies) && "salesforce" in lead.company.technologies ? 15 : 0)
  + (has(lead.company.naics) && lead.company.naics.lowerAscii().startsWith("5415") ? 10 : 0)
  + (lead.company.country in ["US", "CA", "GB"] ? 10 : 0)
  + (has(lead.engagement.email_clicks) && lead.engagement.email_clicks >= 3 ? 10 : 0)
  + (${flag('need', 'pain_validated', true)} ? 15 : 0)
  - (lead.contact.title.lowerAscii().contains("intern") ? 10 : 0)
  - (lead.?competition.?evaluating.hasValue() && "globex" in lead.competition.evaluating ? 15 : 0),
{
  "stage": sql ? "sql" : sal ? "sal" : mql ? "mql" : "none",
  "fit": fit_sum > 100 ? 100 : fit_sum
})))))))`;

export async function setup({ asOf }) {
  const env = new Environment({ enableOptionalTypes: true, homogeneousAggregateLiterals: false })
    .registerVariable('lead', 'map')
    .registerConstant('asOf', 'google.protobuf.Timestamp', new Date(`${asOf}T00:00:00Z`));
  const evaluate = env.parse(EXPRESSION);
  return {
    run(leads, n, stage, fit, STAGE_INDEX) {
      for (let i = 0; i < n; i++) {
        const r = evaluate({ lead: leads[i] });
        stage[i] = STAGE_INDEX[r.stage];
        fit[i] = Number(r.fit);
      }
    },
  };
}
