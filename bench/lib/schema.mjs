import { FIELDS as GENERATOR_FIELDS } from '../../examples/generate-leads.mjs';

// The fields of bench/bench.leaddef (the common CRM schema of examples/common.leaddef),
// in CSV column order after `id`. `optional` = declared with `?`.
// One list of fields for the generator and the bench: the generator's own.
export const FIELDS = GENERATOR_FIELDS.map(({ path, type, optional }) => {
  const [group, key] = path.split('.');
  return { path, type: type.startsWith('enum') ? 'enum' : type.startsWith('list') ? 'list' : type, optional, group, key };
});

export const ENUMS = {
  'company.industry': ['financial_services', 'telecom', 'healthcare', 'retail', 'manufacturing', 'software', 'public_sector', 'education', 'other'],
  'contact.seniority': ['individual', 'manager', 'director', 'vp', 'c_level'],
  'contact.role': ['unknown', 'user', 'influencer', 'decision_maker'],
};

export const AS_OF = '2026-11-22';
