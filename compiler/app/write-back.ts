/**
 * Write-back (`leaddef run --write-back hubspot|salesforce`): turning a run's results into an
 * import file the CRM accepts. Pure: a plan from the options, then result rows in, file text out.
 * The rules are the CRMs' documented import rules (../shared/crm-formats.md):
 *
 * - HubSpot contacts import: a key column `Record ID` or `Email` (without one HubSpot creates
 *   duplicates), one column per custom property under its internal name (`leaddef_stage`,
 *   `leaddef_<score>`), booleans `true`/`false`, dates `YYYY-MM-DD`, numbers with no currency or
 *   grouping, UTF-8 without a byte-order mark.
 * - Salesforce Data Loader upsert on Lead: `Id` (or an external id field, API name ending `__c`)
 *   and custom field API names (`Lead_Stage__c`, `Leaddef_<Score>__c`); a duplicate id in one
 *   batch fails the row, so duplicates never reach the file.
 *
 * Rows with a blank key are left out (they would create new records). Rows repeating a key with
 * the same results are written once; a key whose rows disagree is left out and reported, since
 * either value could be wrong. `--changed-since` keeps only the keys whose written values differ
 * from a previous write-back file (or that it lacks).
 */

import { csvCell } from "../batch/output.js";

export type Crm = "hubspot" | "salesforce";
export const CRMS: readonly Crm[] = ["hubspot", "salesforce"];

/** Thrown for options the CRM cannot accept; the CLI shows it as a usage error. */
export class WriteBackError extends Error {}

/** One result column written to the CRM under a property (field) name. */
export interface PropertyColumn {
  result: string;
  property: string;
}

export interface WriteBackPlan {
  crm: Crm;
  /** The input column whose value identifies the record in the CRM (the run's `--id`). */
  keyColumn: string;
  /** The key's header in the import file: `Record ID` / `Email`, or `Id` / an external id. */
  keyHeader: string;
  properties: PropertyColumn[];
}

/** The input column holding the CRM key when none is named: how each CRM's export labels it. */
export const DEFAULT_KEY_COLUMN: Record<Crm, string> = { hubspot: "Record ID", salesforce: "Lead ID" };

/** `fit_grade` → `Fit_Grade`: Salesforce API names capitalise each word. */
function titleWords(name: string): string {
  return name.split(/_+/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join("_");
}

/** The property a result column is written to unless `--property` says otherwise. */
export function defaultProperty(crm: Crm, result: string): string {
  const safe = result.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^_+|_+$/g, "");
  if (crm === "hubspot") return `leaddef_${safe.toLowerCase()}`;
  return result === "stage" ? "Lead_Stage__c" : `Leaddef_${titleWords(safe)}__c`;
}

const HUBSPOT_NAME = /^[a-z][a-z0-9_]*$/;
const SALESFORCE_CUSTOM = /^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*__c$/;

function checkPropertyName(crm: Crm, name: string): void {
  if (crm === "hubspot" && !HUBSPOT_NAME.test(name)) {
    throw new WriteBackError(`\`${name}\` is not a HubSpot internal property name (lower-case letters, digits and _, starting with a letter)`);
  }
  if (crm === "salesforce" && !SALESFORCE_CUSTOM.test(name)) {
    throw new WriteBackError(`\`${name}\` is not a Salesforce custom field API name (letters, digits and single _, ending in __c, e.g. Lead_Stage__c)`);
  }
}

/** The import file's key header for a key column, or an error naming what the CRM matches on. */
function keyHeaderFor(crm: Crm, keyColumn: string): string {
  if (crm === "hubspot") {
    if (/^e-?mail( address)?$/i.test(keyColumn.trim())) return "Email";
    if (/^(record id|hs_object_id|contact id|id)$/i.test(keyColumn.trim())) return "Record ID";
    throw new WriteBackError(`HubSpot matches contacts on Record ID or Email; \`${keyColumn}\` is neither (name the input column holding one with --write-back-key)`);
  }
  if (/^(lead id|contact id|id)$/i.test(keyColumn.trim())) return "Id";
  if (SALESFORCE_CUSTOM.test(keyColumn)) return keyColumn; // an External ID field, by API name
  throw new WriteBackError(`a Salesforce upsert matches on Id or an External ID field (API name ending in __c); \`${keyColumn}\` is neither`);
}

/**
 * The plan for a run: the key column and the property of each result column (all but `id`).
 * `overrides` are `result=property` pairs; an empty property (`reason=`) leaves the column out.
 */
export function planWriteBack(crm: Crm, keyColumn: string | undefined, overrides: readonly string[], resultColumns: readonly string[]): WriteBackPlan {
  const key = keyColumn ?? DEFAULT_KEY_COLUMN[crm];
  const results = resultColumns.filter((c) => c !== "id");
  const chosen = new Map(results.map((r) => [r, defaultProperty(crm, r)]));
  for (const pair of overrides) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new WriteBackError(`--property needs RESULT=NAME (e.g. stage=leaddef_stage), not \`${pair}\``);
    const result = pair.slice(0, eq).trim();
    const property = pair.slice(eq + 1).trim();
    if (!chosen.has(result)) throw new WriteBackError(`--property ${pair}: the run has no result \`${result}\` (it has ${results.join(", ")})`);
    chosen.set(result, property);
  }
  const properties: PropertyColumn[] = [];
  const keyHeader = keyHeaderFor(crm, key);
  const used = new Map<string, string>([[keyHeader.toLowerCase(), "the key"]]);
  for (const [result, property] of chosen) {
    if (property === "") continue;
    checkPropertyName(crm, property);
    const clash = used.get(property.toLowerCase());
    if (clash) throw new WriteBackError(`\`${property}\` would be written twice (for ${clash} and for ${result})`);
    used.set(property.toLowerCase(), result);
    properties.push({ result, property });
  }
  if (properties.length === 0) throw new WriteBackError("nothing to write back: every result column was left out");
  return { crm, keyColumn: key, keyHeader, properties };
}

const TRUE = new Set(["true", "yes", "y", "on", "1"]);
const FALSE = new Set(["false", "no", "n", "off", "0"]);

/**
 * A result value as the CRM's importer reads it: booleans `true`/`false`, dates and timestamps as
 * `YYYY-MM-DD`, numbers without currency or grouping; other text unchanged. `isBoolean` says the
 * column holds booleans (so `1`/`0` there are flags, not numbers).
 */
export function importValue(value: string, isBoolean = false): string {
  const v = value.trim();
  if (isBoolean) {
    if (TRUE.has(v.toLowerCase())) return "true";
    if (FALSE.has(v.toLowerCase())) return "false";
  } else if (v === "true" || v === "false") return v;
  const date = /^(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/.exec(v);
  if (date) return date[1];
  const money = /^[$€£¥]?\s*([+-]?)[$€£¥]?\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*[$€£¥]?$/.exec(v);
  if (money && /\d/.test(v)) return `${money[1]}${money[2].replace(/,/g, "")}${money[3] ?? ""}`;
  return value;
}

/** A record's identity as the CRM compares keys: e-mails and 18-character ids ignore case. */
export function keyIdentity(plan: Pick<WriteBackPlan, "crm" | "keyHeader">, key: string): string {
  const k = key.trim();
  if (plan.keyHeader === "Email") return k.toLowerCase();
  if (plan.crm === "salesforce" && plan.keyHeader === "Id" && k.length === 18) return k.slice(0, 15);
  return k;
}

/** A CSV table: its header and rows. */
export interface Table {
  header: string[];
  rows: string[][];
}

export interface ImportFile {
  /** The import file: header, then one line per record (LF, UTF-8, no BOM). */
  text: string;
  written: number;
  blankKeys: number;
  /** Keys seen more than once with the same values: written once. */
  duplicates: number;
  /** Keys whose rows disagree: left out. */
  conflicting: string[];
  /** Records left out by `--changed-since` because nothing changed. */
  unchanged: number;
}

/** The previous write-back file's values by key identity, checked for the key header. */
function previousValues(plan: WriteBackPlan, previous: Table): Map<string, Map<string, string>> {
  const keyIndex = previous.header.indexOf(plan.keyHeader);
  if (keyIndex < 0) {
    throw new WriteBackError(`--changed-since: the previous file has no \`${plan.keyHeader}\` column (its columns: ${previous.header.join(", ")})`);
  }
  const byKey = new Map<string, Map<string, string>>();
  for (const row of previous.rows) {
    const key = row[keyIndex] ?? "";
    if (key.trim() === "") continue;
    byKey.set(keyIdentity(plan, key), new Map(previous.header.map((h, i) => [h, row[i] ?? ""])));
  }
  return byKey;
}

/**
 * The import file for a run's results (`results.header` starts with `id`, the key column's
 * value). `booleanResults` names the result columns that hold booleans.
 */
export function buildImport(plan: WriteBackPlan, results: Table, previous?: Table, booleanResults: ReadonlySet<string> = new Set()): ImportFile {
  const idIndex = results.header.indexOf("id");
  if (idIndex < 0) throw new WriteBackError("the results have no id column");
  const indexes = plan.properties.map((p) => {
    const i = results.header.indexOf(p.result);
    if (i < 0) throw new WriteBackError(`the results have no \`${p.result}\` column`);
    return i;
  });
  const before = previous ? previousValues(plan, previous) : undefined;
  const records = new Map<string, { key: string; values: string[] }>();
  const conflicting = new Set<string>();
  let blankKeys = 0;
  let duplicates = 0;
  for (const row of results.rows) {
    const key = (row[idIndex] ?? "").trim();
    if (key === "") {
      blankKeys++;
      continue;
    }
    const identity = keyIdentity(plan, key);
    const values = indexes.map((i, p) => importValue(row[i] ?? "", booleanResults.has(plan.properties[p].result)));
    const seen = records.get(identity);
    if (!seen) records.set(identity, { key, values });
    else if (seen.values.every((v, i) => v === values[i])) duplicates++;
    else conflicting.add(identity);
  }
  const lines = [[plan.keyHeader, ...plan.properties.map((p) => p.property)].map(csvCell).join(",")];
  let written = 0;
  let unchanged = 0;
  for (const [identity, record] of records) {
    if (conflicting.has(identity)) continue;
    const old = before?.get(identity);
    if (old && plan.properties.every((p, i) => old.get(p.property) === record.values[i])) {
      unchanged++;
      continue;
    }
    lines.push([record.key, ...record.values].map(csvCell).join(","));
    written++;
  }
  const conflictKeys = [...records].filter(([identity]) => conflicting.has(identity)).map(([, r]) => r.key);
  return { text: lines.join("\n") + "\n", written, blankKeys, duplicates, conflicting: conflictKeys, unchanged };
}
