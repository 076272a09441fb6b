#!/usr/bin/env node
// Deterministic, seeded generator of CRM exports written the way the vendors write them, for the
// "Real CRM exports" examples and tests (issue 9). Plain Node ESM, no dependencies.
//
//   node examples/crm/generate.mjs [--seed 9] [--out-dir examples/crm]
//
// writes three files (same seed → byte-identical files; nothing reads the clock):
//   hubspot-contacts.csv   HubSpot contacts export: property labels as headers (`Record ID`,
//                          `Country/Region`, …), internal enum values (`FINANCIAL_SERVICES`,
//                          `marketingqualifiedlead`, `IN_PROGRESS`), date-times `2025-10-28 01:38`,
//                          checkboxes `true`/`false`, blank cells; quotes only where needed; LF.
//   salesforce-leads.csv   Salesforce lead report ("Export Details"): every value quoted, field
//                          labels (`Lead ID`, `Company / Account`, `No. of Employees`), currency
//                          `$150,000,000.00`, grouping `2,500`, dates `11/3/2025` (M/D/YYYY),
//                          checkboxes `1`/`0`, picklists `Open - Not Contacted`; then the report
//                          trailer (a blank line and single-cell lines: copyright, confidentiality,
//                          generated-by, organisation).
//   european-leads.csv     The same kind of report saved by European Excel: UTF-8 BOM, CRLF, `;`
//                          delimiter, decimal comma (`1.234.567,89`, `72,5`), dates `3.11.2025`
//                          (D.M.YYYY), accented names.
//
// Every row is a good row: a definition that declares the columns as exported must read all of them.
//
// Library API: generateHubspot(seed), generateSalesforce(seed), generateEuropean(seed) each return
// the file's text.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Rng } from '../generate-leads.mjs';

export const HUBSPOT_ROWS = 300;
export const SALESFORCE_ROWS = 304;
export const EUROPEAN_ROWS = 240;

// ---------------------------------------------------------------------------------------------
// Seeded randomness

/** The lead generator's seeded draws, plus log-uniform sizes. */
class CrmRng extends Rng {
  /** A log-uniform integer in [lo, hi]: company sizes span orders of magnitude. */
  logInt(lo, hi) {
    return Math.round(Math.exp(Math.log(lo) + this.next() * (Math.log(hi) - Math.log(lo))));
  }
}

// ---------------------------------------------------------------------------------------------
// Reference data

const FIRST = ['Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Mateo', 'Sophia', 'Lucas', 'Mia', 'Ethan',
  'Priya', 'Arjun', 'Chen', 'Wei', 'Fatima', 'Omar', 'Grace', 'Daniel', 'Hannah', 'Samuel', 'Aisha',
  'Kenji', 'Yuki', 'Isabella', 'James', 'Charlotte', 'Benjamin', 'Amelia', 'Elijah', 'Harper'];
const LAST = ['Smith', 'Johnson', 'Williams', 'Brown', 'Garcia', 'Miller', 'Davis', 'Rodriguez',
  'Martinez', 'Lee', 'Patel', 'Nguyen', 'Kim', "O'Brien", 'Walker', 'Young', 'Allen', 'King',
  'Wright', 'Scott', 'Green', 'Baker', 'Adams', 'Nelson', 'Hill', 'Campbell', 'Mitchell', 'Roberts'];
const EU_FIRST = ['Lukas', 'Léa', 'Jonas', 'Chloé', 'Matteo', 'Sofía', 'Björn', 'Zoë', 'Emil', 'Inès',
  'Finn', 'Ana', 'Łukasz', 'Margit', 'Søren', 'Elif', 'Jakub', 'Noémie', 'Henrik', 'Ingrid'];
const EU_LAST = ['Müller', 'Schmidt', 'Dubois', 'Lefèvre', 'Rossi', 'García', 'Johansson', 'Nowak',
  'Jansen', 'Fernández', 'Kowalski', 'Weiß', 'Moreau', 'Bianchi', 'Svensson', 'Novák', 'Ørsted'];

const COMPANY_STEMS = ['Northwind', 'Contoso', 'Fabrikam', 'Globex', 'Initech', 'Umbrella', 'Stark',
  'Wayne', 'Acme', 'Hooli', 'Vandelay', 'Soylent', 'Tyrell', 'Cyberdyne', 'Wonka', 'Aperture',
  'Gringotts', 'Oceanic', 'Pied Piper', 'Massive Dynamic', 'Blue Sun', 'Dunder Mifflin', 'Prestige',
  'Monarch', 'Sterling', 'Halcyon', 'Juniper', 'Kestrel', 'Larkspur', 'Meridian'];
const COMPANY_SUFFIX = ['Inc.', 'LLC', 'Group', 'Holdings', 'Corp.', 'Partners', 'Systems', 'Labs'];
const EU_SUFFIX = ['GmbH', 'AG', 'S.A.', 'SARL', 'B.V.', 'S.p.A.', 'AB', 'Sp. z o.o.'];

const TITLES = [
  'Chief Executive Officer', 'CFO', 'VP of Marketing', 'VP Sales', 'Director of IT',
  'Director, Revenue Operations', 'Head of Growth', 'Marketing Manager', 'Sales Operations Manager',
  'Senior Software Engineer', 'Procurement Specialist', 'IT Manager', 'Marketing Coordinator',
  'Chief Technology Officer', 'Demand Generation Manager', 'Analyst',
];

// HubSpot's internal industry values (a subset of its ~150).
const HUBSPOT_INDUSTRIES = [
  ['FINANCIAL_SERVICES', 12], ['COMPUTER_SOFTWARE', 16], ['INFORMATION_TECHNOLOGY_AND_SERVICES', 10],
  ['HOSPITAL_HEALTH_CARE', 9], ['TELECOMMUNICATIONS', 5], ['INSURANCE', 6], ['BANKING', 6],
  ['RETAIL', 7], ['MACHINERY', 4], ['AUTOMOTIVE', 3], ['HIGHER_EDUCATION', 4],
  ['GOVERNMENT_ADMINISTRATION', 2], ['MARKETING_AND_ADVERTISING', 5], ['LOGISTICS_AND_SUPPLY_CHAIN', 2],
  ['BIOTECHNOLOGY', 1], ['', 8],
];
const LIFECYCLE = [
  ['subscriber', 10], ['lead', 38], ['marketingqualifiedlead', 20], ['salesqualifiedlead', 12],
  ['opportunity', 8], ['customer', 7], ['evangelist', 1], ['other', 4],
];
const HUBSPOT_LEAD_STATUS = [
  ['NEW', 22], ['OPEN', 18], ['IN_PROGRESS', 16], ['OPEN_DEAL', 8], ['UNQUALIFIED', 9],
  ['ATTEMPTED_TO_CONTACT', 10], ['CONNECTED', 7], ['BAD_TIMING', 4], ['', 6],
];
const ORIGINAL_SOURCE = [
  ['ORGANIC_SEARCH', 24], ['PAID_SEARCH', 12], ['EMAIL_MARKETING', 10], ['SOCIAL_MEDIA', 8],
  ['REFERRALS', 9], ['OTHER_CAMPAIGNS', 6], ['DIRECT_TRAFFIC', 16], ['OFFLINE', 10], ['PAID_SOCIAL', 5],
];
const COUNTRIES = [
  ['United States', 48], ['Canada', 7], ['United Kingdom', 10], ['Germany', 8], ['France', 5],
  ['Netherlands', 3], ['Australia', 4], ['India', 5], ['Brazil', 3], ['Japan', 2], ['Singapore', 2],
  ['Ireland', 1], ['', 2],
];

const SALESFORCE_INDUSTRIES = [
  ['Banking', 9], ['Technology', 18], ['Insurance', 7], ['Healthcare', 10], ['Manufacturing', 10],
  ['Retail', 8], ['Telecommunications', 5], ['Education', 4], ['Government', 3], ['Consulting', 6],
  ['Finance', 6], ['Media', 3], ['Energy', 2], ['Not For Profit', 2], ['Hospitality', 2], ['', 5],
];
const LEAD_SOURCES = [
  ['Web', 30], ['Phone Inquiry', 8], ['Partner Referral', 10], ['Purchased List', 6], ['Other', 5],
  ['Advertisement', 7], ['Employee Referral', 5], ['Trade Show', 9], ['Word of mouth', 4],
  ['Seminar - Internal', 5], ['Seminar - Partner', 3], ['Public Relations', 2], ['External Referral', 3],
];
const SALESFORCE_LEAD_STATUS = [
  ['Open - Not Contacted', 35], ['Working - Contacted', 30], ['Closed - Converted', 15],
  ['Closed - Not Converted', 20],
];
const RATINGS = [['Hot', 15], ['Warm', 35], ['Cold', 30], ['', 20]];
const EU_COUNTRIES = [
  ['Germany', 30], ['France', 20], ['Netherlands', 10], ['Spain', 10], ['Italy', 10], ['Sweden', 6],
  ['Poland', 6], ['Austria', 5], ['Belgium', 4], ['Denmark', 3],
];

// ---------------------------------------------------------------------------------------------
// Dates: every date lies in 2025, relative to a fixed end date, never the clock.

const END_MS = Date.UTC(2025, 10, 28, 18, 0); // 2025-11-28 18:00 UTC

function instantBefore(rng, maxDays) {
  return new Date(END_MS - Math.floor(rng.next() * maxDays * 86_400_000));
}

const pad = (n) => String(n).padStart(2, '0');
const hubspotDateTime = (d) =>
  `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
const usDate = (d) => `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}`;
const europeanDate = (d) => `${d.getUTCDate()}.${d.getUTCMonth() + 1}.${d.getUTCFullYear()}`;

// ---------------------------------------------------------------------------------------------
// Number spellings

/** `150000000` → `150,000,000` (US grouping). */
function groupUs(intText) {
  return intText.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
/** `$150,000,000.00` — how a Salesforce report writes a currency field. */
function usCurrency(amount) {
  const [int, frac] = amount.toFixed(2).split('.');
  return `$${groupUs(int)}.${frac}`;
}
/** `1.234.567,89` — how European Excel writes a number with two decimals. */
function europeanDecimal(amount) {
  const [int, frac] = amount.toFixed(2).split('.');
  return `${int.replace(/\B(?=(\d{3})+(?!\d))/g, '.')},${frac}`;
}

// ---------------------------------------------------------------------------------------------
// CSV writing

/** RFC 4180 cell: quoted only when it must be (HubSpot's style). */
function minimalCell(value, delimiter) {
  const text = String(value);
  return /["\r\n]/.test(text) || text.includes(delimiter) ? `"${text.replace(/"/g, '""')}"` : text;
}
/** Every cell quoted (Salesforce report style). */
function quotedCell(value) {
  return `"${String(value).replace(/"/g, '""')}"`;
}

// ---------------------------------------------------------------------------------------------
// Shared person/company generation

function company(rng, suffixes) {
  const stem = rng.pick(COMPANY_STEMS);
  const suffix = rng.pick(suffixes);
  // Some legal names carry a comma or quotes, which the CSV must quote.
  if (rng.chance(0.06)) return `${stem}, ${suffix}`;
  if (rng.chance(0.02)) return `${stem} "${rng.pick(['Digital', 'Next', 'One'])}" ${suffix}`;
  return `${stem} ${suffix}`;
}

function emailOf(first, last, companyName, rng) {
  const ascii = (s) => s.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase();
  const domain = ascii(companyName.split(/[ ,]/)[0]) || 'example';
  const tld = rng.pick(['com', 'com', 'com', 'io', 'net', 'co']);
  return `${ascii(first)}.${ascii(last)}@${domain}.${tld}`;
}

/** Revenue grows with head count, with wide scatter; rounded to thousands like CRM data. */
function revenueFor(rng, employees) {
  const perHead = rng.logInt(60_000, 450_000);
  return Math.round((employees * perHead) / 1000) * 1000;
}

// ---------------------------------------------------------------------------------------------
// HubSpot contacts export

export const HUBSPOT_HEADERS = [
  'Record ID', 'First Name', 'Last Name', 'Email', 'Phone Number', 'Job Title', 'Company Name',
  'Annual Revenue', 'Number of Employees', 'Industry', 'Country/Region', 'Lifecycle Stage',
  'Lead Status', 'Create Date', 'Last Activity Date', 'Original Source', 'Marketing emails clicked',
  'Requested a demo', 'HubSpot Score',
];

/** The HubSpot contacts export as one string (LF line ends, header first). */
export function generateHubspot(seed = 9) {
  const rng = new CrmRng(seed);
  const lines = [HUBSPOT_HEADERS.map((h) => minimalCell(h, ',')).join(',')];
  let recordId = 51_204_317;
  for (let i = 0; i < HUBSPOT_ROWS; i++) {
    recordId += rng.int(1, 4_000);
    const first = rng.pick(FIRST);
    const last = rng.pick(LAST);
    const companyName = company(rng, COMPANY_SUFFIX);
    const employees = rng.logInt(3, 60_000);
    const created = instantBefore(rng, 330);
    const lastActivity = rng.chance(0.75)
      ? new Date(Math.min(END_MS, created.getTime() + Math.floor(rng.next() * (END_MS - created.getTime()))))
      : null;
    const row = [
      recordId,
      rng.chance(0.97) ? first : '',
      last,
      rng.chance(0.98) ? emailOf(first, last, companyName, rng) : '',
      rng.chance(0.6) ? `+1 ${rng.int(200, 989)}-${rng.int(200, 989)}-${String(rng.int(0, 9999)).padStart(4, '0')}` : '',
      rng.chance(0.9) ? rng.pick(TITLES) : '',
      rng.chance(0.95) ? companyName : '',
      rng.chance(0.7) ? String(revenueFor(rng, employees)) : '',
      rng.chance(0.8) ? String(employees) : '',
      rng.weighted(HUBSPOT_INDUSTRIES),
      rng.weighted(COUNTRIES),
      rng.weighted(LIFECYCLE),
      rng.weighted(HUBSPOT_LEAD_STATUS),
      hubspotDateTime(created),
      lastActivity ? hubspotDateTime(lastActivity) : '',
      rng.weighted(ORIGINAL_SOURCE),
      rng.chance(0.85) ? String(Math.min(40, Math.floor(rng.logInt(1, 60)) - 1)) : '',
      rng.weighted([['true', 18], ['false', 62], ['', 20]]),
      rng.chance(0.9) ? String(rng.int(0, 100)) : '',
    ];
    lines.push(row.map((v) => minimalCell(v, ',')).join(','));
  }
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Salesforce lead report

export const SALESFORCE_HEADERS = [
  'Lead ID', 'First Name', 'Last Name', 'Title', 'Company / Account', 'Email', 'Industry',
  'Annual Revenue', 'No. of Employees', 'Lead Source', 'Lead Status', 'Rating', 'Created Date',
  'Last Activity', 'Email Opt Out', 'Country',
];

/** The report trailer Salesforce writes after the data rows. */
export const SALESFORCE_TRAILER = [
  '',
  '"Copyright (c) 2000-2025 salesforce.com, inc. All rights reserved."',
  '"Confidential Information - Do Not Distribute"',
  '"Generated By:  Dana Whitfield  11/28/2025 10:14 AM"',
  '"Northwind Traders, Inc."',
];

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** A 15-character Lead id (`00Q` key prefix, pod, then case-sensitive base62). */
function leadId(rng) {
  let tail = '';
  for (let i = 0; i < 9; i++) tail += rng.pick(ID_CHARS);
  return `00Q5g00000${tail}`.slice(0, 15);
}

/** The Salesforce lead report ("Export Details") as one string, trailer included. */
export function generateSalesforce(seed = 9) {
  const rng = new CrmRng(seed + 1);
  const lines = [SALESFORCE_HEADERS.map(quotedCell).join(',')];
  const seen = new Set();
  for (let i = 0; i < SALESFORCE_ROWS; i++) {
    let id = leadId(rng);
    while (seen.has(id)) id = leadId(rng);
    seen.add(id);
    const first = rng.pick(FIRST);
    const last = rng.pick(LAST);
    const companyName = company(rng, COMPANY_SUFFIX);
    const employees = rng.logInt(5, 80_000);
    const created = instantBefore(rng, 300);
    const lastActivity = rng.chance(0.7)
      ? new Date(Math.min(END_MS, created.getTime() + Math.floor(rng.next() * (END_MS - created.getTime()))))
      : null;
    const row = [
      id,
      rng.chance(0.97) ? first : '',
      last,
      rng.chance(0.88) ? rng.pick(TITLES) : '',
      companyName,
      rng.chance(0.95) ? emailOf(first, last, companyName, rng) : '',
      rng.weighted(SALESFORCE_INDUSTRIES),
      rng.chance(0.75) ? usCurrency(revenueFor(rng, employees)) : '',
      rng.chance(0.85) ? groupUs(String(employees)) : '',
      rng.weighted(LEAD_SOURCES),
      rng.weighted(SALESFORCE_LEAD_STATUS),
      rng.weighted(RATINGS),
      usDate(created),
      lastActivity ? usDate(lastActivity) : '',
      rng.chance(0.12) ? '1' : '0',
      rng.weighted(COUNTRIES),
    ];
    lines.push(row.map(quotedCell).join(','));
  }
  return [...lines, ...SALESFORCE_TRAILER].join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// European Excel variant

export const EUROPEAN_HEADERS = [
  'Lead ID', 'First Name', 'Last Name', 'Title', 'Company / Account', 'Country', 'Industry',
  'Annual Revenue', 'No. of Employees', 'Lead Source', 'Lead Status', 'Lead Score', 'Created Date',
  'Last Activity',
];

/** A lead list saved by European Excel: BOM, CRLF, `;`, decimal comma, D.M.YYYY. */
export function generateEuropean(seed = 9) {
  const rng = new CrmRng(seed + 2);
  const lines = [EUROPEAN_HEADERS.map((h) => minimalCell(h, ';')).join(';')];
  const seen = new Set();
  for (let i = 0; i < EUROPEAN_ROWS; i++) {
    let id = leadId(rng);
    while (seen.has(id)) id = leadId(rng);
    seen.add(id);
    const first = rng.pick(EU_FIRST);
    const last = rng.pick(EU_LAST);
    const employees = rng.logInt(5, 50_000);
    const created = instantBefore(rng, 300);
    const lastActivity = rng.chance(0.7)
      ? new Date(Math.min(END_MS, created.getTime() + Math.floor(rng.next() * (END_MS - created.getTime()))))
      : null;
    const revenue = revenueFor(rng, employees) + rng.int(0, 99) / 100;
    const row = [
      id,
      first,
      last,
      rng.chance(0.88) ? rng.pick(TITLES) : '',
      company(rng, EU_SUFFIX),
      rng.weighted(EU_COUNTRIES),
      rng.weighted(SALESFORCE_INDUSTRIES),
      rng.chance(0.8) ? europeanDecimal(revenue) : '',
      rng.chance(0.9) ? String(employees) : '',
      rng.weighted(LEAD_SOURCES),
      rng.weighted(SALESFORCE_LEAD_STATUS),
      rng.chance(0.9) ? `${rng.int(0, 99)},${rng.int(0, 9)}` : '',
      europeanDate(created),
      lastActivity ? europeanDate(lastActivity) : '',
    ];
    lines.push(row.map((v) => minimalCell(v, ';')).join(';'));
  }
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

// ---------------------------------------------------------------------------------------------
// CLI

function main(argv) {
  let seed = 9;
  let outDir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--seed') seed = Number(argv[++i]);
    else if (argv[i] === '--out-dir') outDir = argv[++i];
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!Number.isInteger(seed)) throw new Error('--seed needs an integer');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'hubspot-contacts.csv'), generateHubspot(seed));
  writeFileSync(join(outDir, 'salesforce-leads.csv'), generateSalesforce(seed));
  writeFileSync(join(outDir, 'european-leads.csv'), generateEuropean(seed));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main(process.argv.slice(2));
