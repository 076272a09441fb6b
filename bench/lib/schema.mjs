// The fields of bench/bench.leaddef (the common CRM schema of examples/common.leaddef),
// in CSV column order after `id`. `optional` = declared with `?`.
export const FIELDS = [
  ['company.name', 'string', true],
  ['company.industry', 'enum', false],
  ['company.naics', 'string', true],
  ['company.revenue_usd', 'number', true],
  ['company.employees', 'integer', false],
  ['company.country', 'string', false],
  ['company.locations', 'integer', true],
  ['company.technologies', 'list', true],
  ['contact.title', 'string', false],
  ['contact.seniority', 'enum', false],
  ['contact.role', 'enum', false],
  ['contact.engaged', 'boolean', true],
  ['engagement.score', 'number', false],
  ['engagement.webinar_attended', 'boolean', true],
  ['engagement.email_clicks', 'integer', true],
  ['engagement.last_activity', 'date', true],
  ['need.pain_validated', 'boolean', true],
  ['process.decision_documented', 'boolean', true],
  ['budget.allocated', 'boolean', true],
  ['budget.amount_usd', 'number', true],
  ['competition.incumbent', 'string', true],
  ['competition.evaluating', 'list', true],
  ['urgency.event', 'boolean', true],
  ['urgency.timeframe_days', 'integer', true],
  ['sales.accepted', 'boolean', true],
].map(([path, type, optional]) => {
  const [group, key] = path.split('.');
  return { path, type, optional, group, key };
});

export const ENUMS = {
  'company.industry': ['financial_services', 'telecom', 'healthcare', 'retail', 'manufacturing', 'software', 'public_sector', 'education', 'other'],
  'contact.seniority': ['individual', 'manager', 'director', 'vp', 'c_level'],
  'contact.role': ['unknown', 'user', 'influencer', 'decision_maker'],
};

export const AS_OF = '2026-11-22';
