// bench/bench.leaddef in JsonLogic (json-logic-js). One rule, an array [stage, fit], applied per
// lead. JsonLogic has no lower-case or date arithmetic, so two operations are added through its
// extension point (add_operation): `lower` and `days_since`.
//
// Missing values: {"var": ...} gives null. `null >= 20000000` is false in JS, a missing boolean is
// falsy, `in` with a missing list is false; `<=` needs an explicit `!= null` guard.
import jsonLogic from 'json-logic-js';

const DAY_MS = 86_400_000;
const v = (path) => ({ var: path });
const present = (path) => ({ '!=': [v(path), null] });
const flag = (path) => ({ '===': [v(path), true] });
const lower = (path) => ({ lower: [v(path)] });
const points = (cond, n) => ({ if: [cond, n, 0] });

export function makeRule(asOf) {
  const icpFit = {
    and: [
      { in: [v('company.industry'), ['financial_services', 'telecom', 'healthcare', 'software']] },
      { '>=': [v('company.revenue_usd'), 20e6] },
      { '>=': [v('company.employees'), 100] },
    ],
  };
  const engaged = { or: [{ '>=': [v('engagement.score'), 60] }, flag('engagement.webinar_attended'), flag('contact.engaged')] };
  const recent = {
    and: [present('engagement.last_activity'), { '<=': [{ days_since: [v('engagement.last_activity'), asOf] }, 30] }],
  };
  const mql = { and: [icpFit, engaged, recent] };
  const salExtra = flag('sales.accepted');
  const sqlExtra = {
    and: [
      flag('budget.allocated'),
      { '>=': [v('budget.amount_usd'), 25e3] },
      { or: [flag('urgency.event'), { and: [present('urgency.timeframe_days'), { '<=': [v('urgency.timeframe_days'), 90] }] }] },
      { in: [v('contact.role'), ['decision_maker', 'influencer']] },
      { in: [v('contact.seniority'), ['director', 'vp', 'c_level']] },
      { '!': { in: ['globex', lower('competition.incumbent')] } },
    ],
  };
  const stage = { if: [mql, { if: [salExtra, { if: [sqlExtra, 'sql', 'sal'] }, 'mql'] }, 'none'] };
  const fit = {
    min: [
      100,
      {
        '+': [
          points({ in: [v('contact.seniority'), ['c_level', 'vp']] }, 30),
          points({ '==': [v('contact.seniority'), 'director'] }, 10),
          points(flag('budget.allocated'), 20),
          points({ in: ['salesforce', v('company.technologies')] }, 15),
          points({ '==': [{ substr: [v('company.naics'), 0, 4] }, '5415'] }, 10),
          points({ in: [v('company.country'), ['US', 'CA', 'GB']] }, 10),
          points({ '>=': [v('engagement.email_clicks'), 3] }, 10),
          points(flag('need.pain_validated'), 15),
          points({ in: ['intern', lower('contact.title')] }, -10),
          points({ in: ['globex', v('competition.evaluating')] }, -15),
        ],
      },
    ],
  };
  return [stage, fit];
}

let registered = false;
export function register() {
  if (registered) return;
  registered = true;
  jsonLogic.add_operation('lower', (s) => (typeof s === 'string' ? s.toLowerCase() : null));
  jsonLogic.add_operation('days_since', (d, asOf) =>
    d == null ? null : Math.floor((Date.parse(asOf) - Date.parse(String(d).slice(0, 10))) / DAY_MS),
  );
}

export async function setup({ asOf }) {
  register();
  const rule = makeRule(asOf);
  return {
    run(leads, n, stage, fit, STAGE_INDEX) {
      for (let i = 0; i < n; i++) {
        const [s, f] = jsonLogic.apply(rule, leads[i]);
        stage[i] = STAGE_INDEX[s];
        fit[i] = f;
      }
    },
  };
}
