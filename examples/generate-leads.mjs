#!/usr/bin/env node
// Deterministic, seeded generator of realistic B2B lead data for the leaddef examples,
// tests and benchmark. Plain Node ESM, no dependencies.
//
//   node examples/generate-leads.mjs --count 1000 --seed 42 --format csv  [--out FILE] [--bad-rate 0.01]
//   node examples/generate-leads.mjs --count 1000 --seed 42 --format jsonl [--out FILE]
//   add --outcomes for what happened to each lead afterwards: deal.stage, deal.created
//
// Library API:
//   generateLeads({ seed = 42, count = 1000, badRowRate = 0.01, outcomes = false })  yields { id, values, bad, outcomes }
//     values: flat object field path -> raw CSV cell string ('' = missing)
//     bad:    reason string for a deliberately bad row, or null
//     outcomes: whether values hold the OUTCOME_FIELDS too
//   COLUMNS                the CSV header: 'id', then every field path of common.leaddef, in order
//   OUTCOME_FIELDS         deal.stage and deal.created (declared in acme.leaddef), after COLUMNS with --outcomes
//   columnsOf({ outcomes }) the CSV header for those options
//   toCsvLine(row)         one RFC 4180 line, WITHOUT a line terminator
//   toJsonLine(row)        one JSON Lines record (nested objects, JSON types), WITHOUT a terminator
//
// Same seed, count and bad-row rate give byte-identical output. Nothing reads the real clock:
// dates are relative to BASE_DATE (2026-11-22). Row i depends only on the rows before it, so the
// first N rows of a bigger run equal a run with --count N.

import { createWriteStream } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** The fixed "today" that every generated date is relative to. */
export const BASE_DATE = '2026-11-22';

/** Field paths and types, exactly as in common.leaddef (order = CSV column order). */
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
].map(([path, type, optional]) => ({ path, type, optional }));

/** The CSV header: `id` first, then every field path. */
export const COLUMNS = ['id', ...FIELDS.map((f) => f.path)];

/**
 * What happened to the lead after it was scored, with --outcomes: the opportunity (if any) and
 * how it closed. Kept out of FIELDS (the schema of common.leaddef and the benchmark): a
 * definition must not score on them, only `outcome` declarations read them (acme.leaddef).
 */
export const OUTCOME_FIELDS = [
  ['deal.stage', 'enum', true],
  ['deal.created', 'date', true],
].map(([path, type, optional]) => ({ path, type, optional }));

/** The CSV header for these options: COLUMNS, then the outcome fields when asked for. */
export function columnsOf({ outcomes = false } = {}) {
  return outcomes ? [...COLUMNS, ...OUTCOME_FIELDS.map((f) => f.path)] : COLUMNS;
}

const TYPE_OF = Object.fromEntries(FIELDS.map((f) => [f.path, f.type]));

// ---------------------------------------------------------------------------------------------
// Seeded randomness

/** mulberry32: a tiny, fast 32-bit PRNG; returns floats in [0, 1). The example generators share it. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seeded draws over mulberry32 (examples/crm/generate.mjs extends it). */
export class Rng {
  constructor(seed) {
    this.next = mulberry32(seed);
  }
  chance(p) {
    return this.next() < p;
  }
  int(lo, hi) {
    // inclusive bounds
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick(items) {
    return items[Math.floor(this.next() * items.length)];
  }
  /** items: [[value, weight], ...] */
  weighted(items) {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [v, w] of items) {
      r -= w;
      if (r < 0) return v;
    }
    return items[items.length - 1][0];
  }
  normal() {
    // Box-Muller; 1 - next() keeps the logarithm finite
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  logNormal(median, sigma) {
    return median * Math.exp(sigma * this.normal());
  }
  poisson(mean) {
    // Knuth; means here are small
    const l = Math.exp(-mean);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= this.next();
    } while (p > l);
    return k - 1;
  }
}

// ---------------------------------------------------------------------------------------------
// Reference data

const INDUSTRIES = [
  ['financial_services', 14],
  ['telecom', 6],
  ['healthcare', 12],
  ['retail', 11],
  ['manufacturing', 16],
  ['software', 18],
  ['public_sector', 6],
  ['education', 5],
  ['other', 12],
];

// Six-digit NAICS (2022) codes consistent with each industry.
const NAICS = {
  financial_services: ['522110', '522130', '522320', '523150', '523940', '524113', '524126', '524210'],
  telecom: ['517111', '517112', '517121', '517410', '517810'],
  healthcare: ['621111', '621511', '621610', '622110', '623110', '524114'],
  retail: ['441110', '445110', '449210', '455110', '458110', '459120'],
  manufacturing: ['311421', '325412', '332710', '333120', '334413', '336111', '336411'],
  software: ['513210', '518210', '541511', '541512', '519290'],
  public_sector: ['921110', '921130', '922120', '923120', '928110'],
  education: ['611110', '611310', '611420', '611710'],
  other: ['236220', '484121', '531210', '541611', '541810', '721110', '812990'],
};

const COUNTRIES = [
  ['US', 52], ['GB', 9], ['DE', 8], ['CA', 5], ['FR', 5], ['NL', 3], ['AU', 3], ['JP', 3],
  ['IN', 3], ['SE', 2], ['ES', 2], ['BR', 2], ['SG', 2], ['CH', 1],
];

const NAME_HEADS = [
  'Northwind', 'Contoso', 'Fabrikam', 'Tailspin', 'Litware', 'Adatum', 'Proseware', 'Woodgrove',
  'Blue Yonder', 'Alpine', 'Cascade', 'Summit', 'Harbor', 'Redwood', 'Silverline', 'Ironbridge',
  'Lakeside', 'Granite', 'Meridian', 'Beacon', 'Keystone', 'Evergreen', 'Pioneer', 'Atlas',
  'Orion', 'Vertex', 'Nimbus', 'Crescent', 'Sterling', 'Bluewater', "O'Brien", 'Müller',
];
const NAME_BODIES = {
  financial_services: ['Bank', 'Capital', 'Financial', 'Insurance', 'Credit Union', 'Trust', 'Asset Management'],
  telecom: ['Telecom', 'Networks', 'Wireless', 'Communications', 'Fiber'],
  healthcare: ['Health', 'Medical Group', 'Clinics', 'Hospital', 'Care', 'Home Health'],
  retail: ['Stores', 'Outfitters', 'Market', 'Grocers', 'Retail Group', 'Home & Garden'],
  manufacturing: ['Manufacturing', 'Industries', 'Components', 'Foods', 'Pharmaceuticals', 'Aerospace', 'Machinery'],
  software: ['Software', 'Systems', 'Cloud', 'Labs', 'Data', 'Analytics'],
  public_sector: ['County', 'City Council', 'Department of Revenue', 'Transit Authority', 'Water District'],
  education: ['University', 'College', 'School District', 'Academy', 'Learning'],
  other: ['Construction', 'Logistics', 'Realty', 'Consulting', 'Hotels', 'Services', 'Partners'],
};
const NAME_SUFFIXES = [
  ['', 30], [' Inc.', 14], [', Inc.', 12], [' LLC', 10], [', LLC', 4], [' Ltd', 8], [' GmbH', 5],
  [' plc', 3], [' Corp.', 6], [' & Co.', 4], [' S.A.', 2], [' AG', 2],
];

const SENIORITY = [
  ['individual', 38],
  ['manager', 28],
  ['director', 18],
  ['vp', 10],
  ['c_level', 6],
];

const DEPARTMENTS = [
  ['Sales', 20], ['Marketing', 18], ['IT', 20], ['Finance', 12], ['Operations', 12],
  ['Engineering', 10], ['Procurement', 5], ['Human Resources', 3],
];

const TITLES = {
  individual: {
    Sales: ['Account Executive', 'Sales Development Representative', 'Sales Intern', 'Inside Sales Representative'],
    Marketing: ['Marketing Specialist', 'Marketing Intern', 'Content Writer', 'Demand Generation Specialist'],
    IT: ['IT Specialist', 'Systems Administrator', 'Help Desk Analyst', 'IT Intern'],
    Finance: ['Financial Analyst', 'Accountant', 'Accounts Payable Clerk'],
    Operations: ['Operations Analyst', 'Operations Coordinator', 'Student Intern'],
    Engineering: ['Software Engineer', 'Data Engineer', 'QA Engineer', 'Engineering Intern'],
    Procurement: ['Buyer', 'Procurement Specialist'],
    'Human Resources': ['HR Generalist', 'Recruiter'],
  },
  manager: {
    Sales: ['Sales Manager', 'Regional Sales Manager', 'Sales Operations Manager'],
    Marketing: ['Marketing Manager', 'Marketing Operations Manager', 'Product Marketing Manager'],
    IT: ['IT Manager', 'Infrastructure Manager', 'CRM Manager'],
    Finance: ['Finance Manager', 'Controller'],
    Operations: ['Operations Manager', 'Program Manager'],
    Engineering: ['Engineering Manager', 'Data Platform Manager'],
    Procurement: ['Procurement Manager', 'Category Manager'],
    'Human Resources': ['HR Manager'],
  },
  director: {
    Sales: ['Director of Sales', 'Director, Sales Operations', 'Sales Director'],
    Marketing: ['Director of Marketing', 'Director, Demand Generation', 'Marketing Director'],
    IT: ['Director of IT', 'IT Director', 'Director, Enterprise Applications'],
    Finance: ['Finance Director', 'Director of FP&A'],
    Operations: ['Director of Operations', 'Revenue Operations Director'],
    Engineering: ['Director of Engineering', 'Director, Data & Analytics'],
    Procurement: ['Director of Procurement'],
    'Human Resources': ['HR Director'],
  },
  vp: {
    Sales: ['VP Sales', 'VP of Sales', 'Vice President, Sales', 'SVP Global Sales'],
    Marketing: ['VP Marketing', 'VP of Demand Generation', 'Vice President, Marketing'],
    IT: ['VP IT', 'VP of Information Technology', 'Vice President, IT'],
    Finance: ['VP Finance', 'Vice President, Finance'],
    Operations: ['VP Operations', 'VP Revenue Operations'],
    Engineering: ['VP Engineering', 'VP of Engineering'],
    Procurement: ['VP Procurement'],
    'Human Resources': ['VP People'],
  },
  c_level: {
    Sales: ['Chief Revenue Officer', 'CRO', 'Chief Sales Officer'],
    Marketing: ['Chief Marketing Officer', 'CMO'],
    IT: ['Chief Information Officer', 'CIO', 'Chief Technology Officer', 'CTO'],
    Finance: ['Chief Financial Officer', 'CFO'],
    Operations: ['Chief Operating Officer', 'COO', 'Chief Executive Officer', 'CEO'],
    Engineering: ['Chief Technology Officer', 'CTO'],
    Procurement: ['Chief Procurement Officer'],
    'Human Resources': ['Chief People Officer'],
  },
};

const ROLE_BY_SENIORITY = {
  individual: [['unknown', 28], ['user', 56], ['influencer', 15], ['decision_maker', 1]],
  manager: [['unknown', 18], ['user', 32], ['influencer', 42], ['decision_maker', 8]],
  director: [['unknown', 14], ['user', 8], ['influencer', 48], ['decision_maker', 30]],
  vp: [['unknown', 10], ['user', 3], ['influencer', 32], ['decision_maker', 55]],
  c_level: [['unknown', 10], ['user', 1], ['influencer', 19], ['decision_maker', 70]],
};

// [technology, base adoption, extra adoption for large companies]
const TECHNOLOGIES = [
  ['salesforce', 0.22, 0.35],
  ['hubspot', 0.25, -0.15],
  ['marketo', 0.06, 0.14],
  ['microsoft_dynamics', 0.08, 0.10],
  ['sap', 0.05, 0.35],
  ['oracle', 0.05, 0.25],
  ['workday', 0.04, 0.30],
  ['servicenow', 0.04, 0.30],
  ['snowflake', 0.07, 0.25],
  ['databricks', 0.03, 0.15],
  ['aws', 0.35, 0.25],
  ['azure', 0.25, 0.25],
  ['gcp', 0.12, 0.08],
  ['zendesk', 0.12, 0.0],
  ['slack', 0.35, 0.15],
  ['tableau', 0.08, 0.18],
];

const COMPETITORS = ['globex', 'initech', 'hooli', 'vandelay', 'umbrella'];
const INCUMBENTS = [
  ['Globex', 24], ['Initech', 18], ['Hooli', 10], ['Vandelay Industries', 6], ['Umbrella CRM', 6],
  ['In-house spreadsheets', 16], ['Homegrown system', 8], ['None', 12],
];

// ---------------------------------------------------------------------------------------------
// Formatting helpers

const DAY_MS = 86_400_000;
const BASE_MS = Date.UTC(2026, 10, 22);

const DATE_CACHE = [];
function dateDaysAgo(days) {
  return (DATE_CACHE[days] ??= new Date(BASE_MS - days * DAY_MS).toISOString().slice(0, 10));
}
function timestampDaysAgo(days, seconds) {
  return new Date(BASE_MS - days * DAY_MS + seconds * 1000).toISOString().replace('.000Z', 'Z');
}

const BOOLEAN_STYLES = [
  [['true', 'false'], 58],
  [['yes', 'no'], 12],
  [['Yes', 'No'], 8],
  [['1', '0'], 14],
  [['TRUE', 'FALSE'], 8],
];

function roundTo(x, step) {
  return Math.round(x / step) * step;
}

// ---------------------------------------------------------------------------------------------
// One lead

const OPTIONAL_MISSING = 0.15;

function makeLead(rng, index, badRowRate) {
  const v = {};
  const boolStyle = rng.weighted(BOOLEAN_STYLES);
  const bool = (b) => (b ? boolStyle[0] : boolStyle[1]);
  // Optional cells go missing about 15% of the time.
  const opt = (cell) => (rng.chance(OPTIONAL_MISSING) ? '' : cell);

  // --- company -------------------------------------------------------------------------------
  const industry = rng.weighted(INDUSTRIES);
  // Revenue: log-normal, median ~$120M, clamped to $1M..$50B.
  const revenue = Math.min(50e9, Math.max(1e6, rng.logNormal(120e6, 1.9)));
  const revenuePerEmployee = rng.logNormal(industry === 'software' ? 320e3 : 230e3, 0.5);
  const employees = Math.max(1, Math.round(revenue / revenuePerEmployee));
  const large = Math.min(1, Math.max(0, (Math.log10(revenue) - 7) / 3)); // 0 at $10M, 1 at $10B
  const locations = Math.max(1, Math.round(1 + (employees / rng.logNormal(900, 0.8)) * rng.next() * 2));

  const head = rng.pick(NAME_HEADS);
  const body = rng.pick(NAME_BODIES[industry]);
  let name = `${head} ${body}${rng.weighted(NAME_SUFFIXES)}`;
  if (rng.chance(0.02)) {
    // a nickname in quotes, as typed by a rep: quotes inside a cell
    const initials = `${head} ${body}`.split(/[\s&']+/).filter(Boolean).map((w) => w[0]).join('').toUpperCase();
    name = `${head} ${body} ("${initials}")`;
  }

  v['company.name'] = opt(name);
  v['company.industry'] = industry;
  v['company.naics'] = opt(rng.pick(NAICS[industry]));
  v['company.revenue_usd'] = opt(String(roundTo(revenue, revenue >= 1e8 ? 1e6 : 1e4)));
  v['company.employees'] = String(employees);
  v['company.country'] = rng.weighted(COUNTRIES);
  v['company.locations'] = opt(String(locations));

  const techs = [];
  for (const [tech, base, extra] of TECHNOLOGIES) {
    if (rng.chance(Math.max(0.01, base + extra * large))) techs.push(tech);
  }
  v['company.technologies'] = opt(techs.join(';'));

  // --- contact -------------------------------------------------------------------------------
  const seniority = rng.weighted(SENIORITY);
  const department = rng.weighted(DEPARTMENTS);
  const title = rng.pick(TITLES[seniority][department]);
  v['contact.title'] = title;
  v['contact.seniority'] = seniority;
  v['contact.role'] = ''; // set below, once we know whether sales has talked to the lead

  // --- buying intent: one latent variable drives engagement and the sales fields so the
  // funnel narrows the way real ones do (many inquiries, fewer MQLs, a few SQLs).
  // Skewed towards low intent; bigger accounts (the ones marketing targets) skew a bit higher.
  const intent = Math.pow(rng.next(), 1.3 - 0.5 * large);
  const hot = intent > 0.55;

  v['contact.engaged'] = opt(bool(rng.chance(0.1 + 0.8 * intent)));

  const score = Math.min(100, Math.max(0, 12 + 85 * intent + 12 * rng.normal()));
  v['engagement.score'] = String(rng.chance(0.3) ? Math.round(score) : Math.round(score * 10) / 10);
  v['engagement.webinar_attended'] = opt(bool(rng.chance(0.08 + 0.5 * intent)));
  v['engagement.email_clicks'] = opt(String(rng.poisson(0.3 + 7 * intent)));
  // Recent activity for keen leads; old, stale activity for the rest.
  const daysAgo = Math.min(720, Math.floor(rng.logNormal(3 + 110 * (1 - intent) ** 2.5, 0.9)));
  const activity = rng.chance(0.12) ? timestampDaysAgo(daysAgo, rng.int(0, 86_399)) : dateDaysAgo(daysAgo);
  v['engagement.last_activity'] = opt(activity);

  const salesTouched = hot || rng.chance(0.15);
  // A rep who has talked to the lead has usually found out its part in the decision.
  let role = rng.weighted(ROLE_BY_SENIORITY[seniority]);
  if (role === 'unknown' && salesTouched && rng.chance(0.8)) {
    role = rng.weighted(ROLE_BY_SENIORITY[seniority].filter(([r]) => r !== 'unknown'));
  }
  v['contact.role'] = role;
  v['need.pain_validated'] = opt(bool(salesTouched && rng.chance(0.15 + 0.8 * intent)));
  v['process.decision_documented'] = opt(bool(salesTouched && rng.chance(0.05 + 0.6 * intent)));
  const allocated = salesTouched && rng.chance(0.05 + 0.7 * intent);
  v['budget.allocated'] = opt(bool(allocated));
  v['budget.amount_usd'] = allocated || rng.chance(0.1)
    ? opt(String(roundTo(Math.max(5e3, rng.logNormal(40e3 + revenue * 0.0004, 0.7)), 1e3)))
    : '';
  v['competition.incumbent'] = opt(rng.weighted(INCUMBENTS));
  const evaluating = COMPETITORS.filter(() => rng.chance(0.05 + 0.25 * intent));
  v['competition.evaluating'] = opt(evaluating.join(';'));
  const event = rng.chance(0.05 + 0.55 * intent * intent);
  v['urgency.event'] = opt(bool(event));
  v['urgency.timeframe_days'] = event || rng.chance(0.2)
    ? opt(String(rng.weighted([[30, 3], [60, 3], [90, 4], [120, 2], [180, 3], [365, 2]])))
    : '';
  v['sales.accepted'] = opt(bool(hot ? rng.chance(0.45 + 0.5 * intent) : rng.chance(0.08)));

  // --- deliberately bad rows -----------------------------------------------------------------
  let bad = null;
  if (badRowRate > 0 && rng.chance(badRowRate)) {
    const kind = rng.int(0, 3);
    if (kind === 0) {
      const [path, value] = rng.pick([
        ['company.industry', 'fintech'],
        // the UI label instead of the member name, e.g. "Financial Services"
        ['company.industry', industry.split('_').map((w) => w[0].toUpperCase() + w.slice(1)).join(' ')],
        ['contact.seniority', 'senior_vp'],
        ['contact.role', 'champion'],
      ]);
      v[path] = value;
      bad = `unknown enum member \`${value}\` in ${path}`;
    } else if (kind === 1) {
      const path = rng.pick(['company.revenue_usd', 'company.employees', 'engagement.score']);
      v[path] = 'n/a';
      bad = `\`n/a\` is not a number in ${path}`;
    } else if (kind === 2) {
      v['engagement.last_activity'] = '2026-02-30';
      bad = 'invalid date `2026-02-30` in engagement.last_activity';
    } else {
      const path = rng.pick(['company.country', 'company.employees', 'contact.title', 'engagement.score']);
      v[path] = '';
      bad = `required field ${path} is empty`;
    }
  }

  return { id: `L${String(index + 1).padStart(6, '0')}`, values: v, bad, outcomes: false, latent: { intent, large, industry, role } };
}

// ---------------------------------------------------------------------------------------------
// Outcomes: what happened afterwards

/** The verticals acme.leaddef targets; the others buy less often. */
const FIT_INDUSTRIES = new Set(['financial_services', 'telecom', 'healthcare', 'manufacturing', 'software']);

/**
 * A lead's deal, drawn from the same latent buying intent and account fit that drive its
 * engagement, sales and firmographic fields — never from its stage, which the generator does
 * not know — so how well a definition predicts deals is a real question. Uses its own random
 * stream per lead (seeded from the run's seed and the lead's index), so turning outcomes on
 * leaves every other cell byte-identical.
 */
function addOutcomes(lead, seed, index) {
  const rng = new Rng((Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
  const { intent, large, industry, role } = lead.latent;
  const v = lead.values;
  const fit = FIT_INDUSTRIES.has(industry) ? 1 : 0;
  const pDeal = Math.min(0.95, 0.02 + 0.55 * intent ** 1.5 + 0.08 * large + (role === 'decision_maker' ? 0.06 : 0));
  if (!rng.chance(pDeal)) {
    v['deal.stage'] = '';
    v['deal.created'] = '';
  } else {
    const age = Math.min(540, Math.floor(rng.logNormal(60, 0.9)));
    const globex = /globex/i.test(v['competition.incumbent'] ?? '');
    const pWin = Math.min(0.9, Math.max(0.02, 0.05 + 0.25 * fit + 0.25 * large + 0.2 * intent - (globex ? 0.12 : 0)));
    // Young deals are mostly still open; the rest have closed one way or the other.
    const open = age < 120 && rng.chance(0.75 - age / 240);
    v['deal.stage'] = open ? 'open' : rng.chance(pWin) ? 'closed_won' : 'closed_lost';
    v['deal.created'] = dateDaysAgo(age);
  }
  lead.outcomes = true;
  return lead;
}

/**
 * Yields `count` leads as `{ id, values, bad }`. Deterministic for a given seed and badRowRate.
 */
export function* generateLeads({ seed = 42, count = 1000, badRowRate = 0.01, outcomes = false } = {}) {
  const rng = new Rng(seed);
  for (let i = 0; i < count; i++) {
    const lead = makeLead(rng, i, badRowRate);
    yield outcomes ? addOutcomes(lead, seed, i) : lead;
  }
}

// ---------------------------------------------------------------------------------------------
// Serialisation

function csvCell(s) {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line (RFC 4180 quoting) in COLUMNS order, without a line terminator. */
export function toCsvLine(row) {
  let line = csvCell(row.id);
  for (const f of FIELDS) line += ',' + csvCell(row.values[f.path] ?? '');
  if (row.outcomes) for (const f of OUTCOME_FIELDS) line += ',' + csvCell(row.values[f.path] ?? '');
  return line;
}

const TRUE_WORDS = new Set(['true', 'yes', '1']);
const FALSE_WORDS = new Set(['false', 'no', '0']);

function jsonValue(type, raw) {
  switch (type) {
    case 'integer':
    case 'number': {
      const n = Number(raw);
      return Number.isFinite(n) ? n : raw;
    }
    case 'boolean': {
      const w = raw.toLowerCase();
      return TRUE_WORDS.has(w) ? true : FALSE_WORDS.has(w) ? false : raw;
    }
    case 'list':
      return raw.split(';');
    default:
      return raw;
  }
}

const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u2028\u2029\ud800-\udfff]/;

/** The JSON text of one value; same result as JSON.stringify(jsonValue(type, raw)), faster. */
function jsonText(type, raw) {
  if ((type === 'integer' || type === 'number') && PLAIN_NUMBER.test(raw)) return raw;
  if (type === 'string' || type === 'date' || type === 'enum') {
    return NEEDS_ESCAPE.test(raw) ? JSON.stringify(raw) : '"' + raw + '"';
  }
  return JSON.stringify(jsonValue(type, raw));
}

/**
 * One JSON Lines record, without a line terminator: nested objects, values with their JSON types,
 * missing cells as absent keys. A bad row keeps its bad raw value (a required field left empty
 * becomes null, since "" would be a valid string).
 */
export function toJsonLine(row) {
  // Hand-built (fields are grouped contiguously by their first segment): about 3x faster than
  // building nested objects for JSON.stringify, which matters at 10M rows.
  let out = '{"id":' + JSON.stringify(row.id);
  let open = null; // the group whose object is open
  for (const f of row.outcomes ? JSON_FIELDS_WITH_OUTCOMES : JSON_FIELDS) {
    const raw = row.values[f.path] ?? '';
    let json;
    if (raw === '') {
      if (f.optional) continue;
      json = 'null';
    } else {
      json = jsonText(f.type, raw);
    }
    if (open !== f.group) {
      out += (open === null ? ',' : '},') + f.groupKey + '{';
      open = f.group;
    } else {
      out += ',';
    }
    out += f.key + json;
  }
  return out + (open === null ? '}' : '}}');
}

const jsonField = (f) => {
  const [group, key] = f.path.split('.');
  return { ...f, group, groupKey: JSON.stringify(group) + ':', key: JSON.stringify(key) + ':' };
};
const JSON_FIELDS = FIELDS.map(jsonField);
const JSON_FIELDS_WITH_OUTCOMES = [...FIELDS, ...OUTCOME_FIELDS].map(jsonField);

// ---------------------------------------------------------------------------------------------
// CLI

function parseArgs(argv) {
  const opts = { count: 1000, seed: 42, format: 'csv', out: null, badRowRate: 0.01, outcomes: false };
  const usage =
    'usage: node examples/generate-leads.mjs --count N --seed S --format csv|jsonl [--out FILE] [--bad-rate R] [--outcomes]';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s) : [arg, undefined];
    const value = () => {
      const val = inline ?? argv[++i];
      if (val === undefined) throw new Error(`${flag} needs a value\n${usage}`);
      return val;
    };
    switch (flag) {
      case '--count': opts.count = Number(value()); break;
      case '--seed': opts.seed = Number(value()); break;
      case '--format': opts.format = value(); break;
      case '--out': opts.out = value(); break;
      case '--bad-rate': opts.badRowRate = Number(value()); break;
      case '--outcomes': opts.outcomes = true; break;
      case '-h':
      case '--help':
        process.stdout.write(usage + '\n');
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument ${arg}\n${usage}`);
    }
  }
  if (!Number.isInteger(opts.count) || opts.count < 0) throw new Error('--count must be a non-negative integer');
  if (!Number.isInteger(opts.seed)) throw new Error('--seed must be an integer');
  if (!(opts.badRowRate >= 0 && opts.badRowRate <= 1)) throw new Error('--bad-rate must be between 0 and 1');
  if (opts.format !== 'csv' && opts.format !== 'jsonl') throw new Error('--format must be csv or jsonl');
  return opts;
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`generate-leads: ${err.message}\n`);
    process.exit(2);
  }
  const out = opts.out ? createWriteStream(opts.out) : process.stdout;
  let closed = false;
  out.on('error', (err) => {
    closed = true;
    if (err.code === 'EPIPE') process.exit(0); // e.g. piped into `head`
    process.stderr.write(`generate-leads: ${err.message}\n`);
    process.exit(1);
  });
  const write = (chunk) =>
    out.write(chunk) ? null : new Promise((resolve) => out.once('drain', resolve));

  const line = opts.format === 'csv' ? toCsvLine : toJsonLine;
  let buf = opts.format === 'csv' ? columnsOf(opts).join(',') + '\n' : '';
  for (const row of generateLeads(opts)) {
    buf += line(row) + '\n';
    if (buf.length >= 1 << 16) {
      const wait = write(buf);
      buf = '';
      if (wait) await wait; // back-pressure keeps memory constant
      if (closed) return;
    }
  }
  if (buf) write(buf);
  if (opts.out) await new Promise((resolve) => out.end(resolve));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main();
}
