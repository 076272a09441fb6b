// bench/bench.leaddef as a GoRules ZEN decision (JDM graph: request -> expression node ->
// response), evaluated per lead with `decision.evaluate(lead)`, 64 evaluations in flight (the
// native engine works off the JS thread; sequential awaits ran about half as fast). The expression node computes
// the criteria, stages and score in ZEN expression language; later rows read earlier ones via `$`.
//
// Missing values: ZEN raises an error when comparing null with a number or calling contains()/
// startsWith()/lower() on null, so optional fields are guarded with `!= null`; a boolean is
// tested `== true` (false when missing).
import { ZenEngine } from '@gorules/zen-engine';

export function makeJdm(asOf) {
  const rows = [
    ['icp_fit', `company.industry in ['financial_services', 'telecom', 'healthcare', 'software'] and company.revenue_usd != null and company.revenue_usd >= 20000000 and company.employees >= 100`],
    ['engaged', `engagement.score >= 60 or engagement.webinar_attended == true or contact.engaged == true`],
    ['recent', `engagement.last_activity != null and d('${asOf}').diff(d(engagement.last_activity), 'day') <= 30`],
    ['mql', `$.icp_fit and $.engaged and $.recent`],
    ['sal', `$.mql and sales.accepted == true`],
    ['sql', `$.sal and budget.allocated == true and budget.amount_usd != null and budget.amount_usd >= 25000
      and (urgency.event == true or (urgency.timeframe_days != null and urgency.timeframe_days <= 90))
      and contact.role in ['decision_maker', 'influencer'] and contact.seniority in ['director', 'vp', 'c_level']
      and not (competition.incumbent != null and contains(lower(competition.incumbent), 'globex'))`],
    ['fit_sum', `(contact.seniority in ['c_level', 'vp'] ? 30 : 0)
      + (contact.seniority == 'director' ? 10 : 0)
      + (budget.allocated == true ? 20 : 0)
      + (company.technologies != null and contains(company.technologies, 'salesforce') ? 15 : 0)
      + (company.naics != null and startsWith(lower(company.naics), '5415') ? 10 : 0)
      + (company.country in ['US', 'CA', 'GB'] ? 10 : 0)
      + (engagement.email_clicks != null and engagement.email_clicks >= 3 ? 10 : 0)
      + (need.pain_validated == true ? 15 : 0)
      - (contains(lower(contact.title), 'intern') ? 10 : 0)
      - (competition.evaluating != null and contains(competition.evaluating, 'globex') ? 15 : 0)`],
    ['stage', `$.sql ? 'sql' : ($.sal ? 'sal' : ($.mql ? 'mql' : 'none'))`],
    ['fit', `min([100, $.fit_sum])`],
  ];
  const at = { x: 0, y: 0 };
  return {
    nodes: [
      { id: 'request', type: 'inputNode', name: 'Request', position: at, content: {} },
      {
        id: 'qualify',
        type: 'expressionNode',
        name: 'Qualify',
        position: at,
        content: { expressions: rows.map(([key, value], i) => ({ id: String(i), key, value: value.replace(/\s+/g, ' ') })) },
      },
      { id: 'response', type: 'outputNode', name: 'Response', position: at, content: {} },
    ],
    edges: [
      { id: 'e1', sourceId: 'request', targetId: 'qualify', type: 'edge' },
      { id: 'e2', sourceId: 'qualify', targetId: 'response', type: 'edge' },
    ],
  };
}

export async function setup({ asOf }) {
  const engine = new ZenEngine();
  const decision = engine.createDecision(makeJdm(asOf));
  return {
    note: '64 in flight',
    async run(leads, n, stage, fit, STAGE_INDEX) {
      const IN_FLIGHT = 64;
      for (let start = 0; start < n; start += IN_FLIGHT) {
        const end = Math.min(n, start + IN_FLIGHT);
        const batch = [];
        for (let i = start; i < end; i++) batch.push(decision.evaluate(leads[i]));
        const responses = await Promise.all(batch);
        for (let i = start; i < end; i++) {
          const { result } = responses[i - start];
          stage[i] = STAGE_INDEX[result.stage];
          fit[i] = result.fit;
        }
      }
    },
    close() {
      engine.dispose();
    },
  };
}
