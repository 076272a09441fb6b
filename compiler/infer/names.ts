/**
 * Field paths for `leaddef init`: a readable snake_case name per column header, under one
 * `lead.` group so that no path can begin with a keyword or clash with a criterion, score or
 * stage name (a bare name and a dotted path never clash), deduplicated with `_2`, `_3`, ….
 */

/** `Company / Account` → `company_account`; `Country/Region` → `country_region`; `Lead ID` → `lead_id`. */
export function snakeName(header: string): string {
  const plain = header.normalize("NFKD").replace(/[\u0300-\u036f]/g, ""); // `Société` → `Societe`
  // A key without spaces may be camelCase (`annualRevenue`); a label's `HubSpot` is one word.
  const words = /\s/.test(plain) ? plain : plain.replace(/([a-z0-9])([A-Z])/g, "$1_$2");
  const ascii = words
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (ascii === "") return "";
  return /^[0-9]/.test(ascii) ? `n${ascii}` : ascii;
}

/** The group every starter path lives under. */
export const PATH_GROUP = "lead";

/** One path per header, in order: `lead.<snake name>`, `lead.column_<n>` when none, made unique. */
export function fieldPaths(headers: readonly string[]): string[] {
  const used = new Set<string>();
  return headers.map((header, index) => {
    const base = snakeName(header) || `column_${index + 1}`;
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}_${n}`;
    used.add(name);
    return `${PATH_GROUP}.${name}`;
  });
}
