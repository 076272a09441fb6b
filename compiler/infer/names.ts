import { isKeyword } from "../../language/tokens.js";

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

/** A JSON Lines key that can be its own field path: plain names joined by `.`, not starting with a keyword. */
function isNativePath(key: string): boolean {
  const segments = key.split(".");
  return segments.every((s) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(s)) && !isKeyword(segments[0]);
}

/**
 * One path per header, in order: `lead.<snake name>`, `lead.column_<n>` when none, made unique.
 * With `keysAsPaths` (JSON Lines), a key that is already a valid path (`company.name`, nested or
 * flat) is its own path, so it binds without `from`: a `from` names a top-level key only.
 */
export function fieldPaths(headers: readonly string[], keysAsPaths = false): string[] {
  const used = new Set<string>(keysAsPaths ? headers.filter(isNativePath) : []);
  return headers.map((header, index) => {
    if (keysAsPaths && isNativePath(header)) return header;
    const base = `${PATH_GROUP}.${snakeName(header) || `column_${index + 1}`}`;
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}_${n}`;
    used.add(name);
    return name;
  });
}
