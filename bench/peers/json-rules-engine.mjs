// bench/bench.leaddef in json-rules-engine: criteria and stages as named shared conditions
// (engine.setCondition), one rule per stage and one rule per score line; the lead's groups are the
// facts (`company`, `contact`, ...) read with JSONPath (`$.industry`). Per lead: await engine.run.
// Case-insensitive `contains`, `starts with` and `days_since` are added with engine.addOperator.
//
// Missing values: the numeric operators and `contains` already fail on a missing fact value, a
// missing boolean never `equal`s true, allowUndefinedFacts lets a whole group be absent.
import { Engine, Operator } from 'json-rules-engine';

const DAY_MS = 86_400_000;
const fact = (path, operator, value) => {
  const [group, field] = path.split('.');
  return { fact: group, path: `$.${field}`, operator, value };
};
const isTrue = (path) => fact(path, 'equal', true);

export function makeEngine(asOf) {
  const asOfMs = Date.parse(asOf);
  const engine = new Engine([], { allowUndefinedFacts: true });
  const isString = (v) => typeof v === 'string';
  // new Operator(name, callback, factValueValidator): the callback only sees values that pass
  engine.addOperator(new Operator('containsText', (a, b) => a.toLowerCase().includes(b), isString));
  engine.addOperator(new Operator('startsWithText', (a, b) => a.toLowerCase().startsWith(b), isString));
  engine.addOperator(
    new Operator('withinDays', (d, days) => Math.floor((asOfMs - Date.parse(d.slice(0, 10))) / DAY_MS) <= days, isString),
  );

  engine.setCondition('icp_fit', {
    all: [
      fact('company.industry', 'in', ['financial_services', 'telecom', 'healthcare', 'software']),
      fact('company.revenue_usd', 'greaterThanInclusive', 20e6),
      fact('company.employees', 'greaterThanInclusive', 100),
    ],
  });
  engine.setCondition('engaged', {
    any: [fact('engagement.score', 'greaterThanInclusive', 60), isTrue('engagement.webinar_attended'), isTrue('contact.engaged')],
  });
  engine.setCondition('recent', { all: [fact('engagement.last_activity', 'withinDays', 30)] });
  engine.setCondition('mql', { all: [{ condition: 'icp_fit' }, { condition: 'engaged' }, { condition: 'recent' }] });
  engine.setCondition('sal', { all: [{ condition: 'mql' }, isTrue('sales.accepted')] });
  engine.setCondition('sql', {
    all: [
      { condition: 'sal' },
      isTrue('budget.allocated'),
      fact('budget.amount_usd', 'greaterThanInclusive', 25e3),
      { any: [isTrue('urgency.event'), fact('urgency.timeframe_days', 'lessThanInclusive', 90)] },
      fact('contact.role', 'in', ['decision_maker', 'influencer']),
      fact('contact.seniority', 'in', ['director', 'vp', 'c_level']),
      { not: fact('competition.incumbent', 'containsText', 'globex') },
    ],
  });
  for (const [stage, rank] of [['mql', 1], ['sal', 2], ['sql', 3]]) {
    engine.addRule({ name: stage, conditions: { all: [{ condition: stage }] }, event: { type: 'stage', params: { rank } } });
  }
  const lines = [
    [30, fact('contact.seniority', 'in', ['c_level', 'vp'])],
    [10, fact('contact.seniority', 'equal', 'director')],
    [20, isTrue('budget.allocated')],
    [15, fact('company.technologies', 'contains', 'salesforce')],
    [10, fact('company.naics', 'startsWithText', '5415')],
    [10, fact('company.country', 'in', ['US', 'CA', 'GB'])],
    [10, fact('engagement.email_clicks', 'greaterThanInclusive', 3)],
    [15, isTrue('need.pain_validated')],
    [-10, fact('contact.title', 'containsText', 'intern')],
    [-15, fact('competition.evaluating', 'contains', 'globex')],
  ];
  lines.forEach(([points, cond], i) => {
    engine.addRule({ name: `fit_${i + 1}`, conditions: { all: [cond] }, event: { type: 'fit', params: { points } } });
  });
  return engine;
}

const STAGE_BY_RANK = ['none', 'mql', 'sal', 'sql'];

/** Evaluates one lead: { stage, fit }. */
export async function qualify(engine, lead) {
  const { events } = await engine.run(lead);
  let rank = 0;
  let fit = 0;
  for (const e of events) {
    if (e.type === 'stage') rank = Math.max(rank, e.params.rank);
    else fit += e.params.points;
  }
  return { stage: STAGE_BY_RANK[rank], fit: Math.min(fit, 100) };
}

export async function setup({ asOf }) {
  const engine = makeEngine(asOf);
  return {
    async run(leads, n, stage, fit, STAGE_INDEX) {
      for (let i = 0; i < n; i++) {
        const r = await qualify(engine, leads[i]);
        stage[i] = STAGE_INDEX[r.stage];
        fit[i] = r.fit;
      }
    },
  };
}
