import type { IrField } from "../../ir.js";

import { editDistance } from "../../../language/spelling.js";
import { InputError } from "./inputs.js";

/** Header text compared as people read it: case and spacing ignored. */
function loose(h: string): string {
  return h.toLowerCase().replace(/[\s_]+/g, "");
}

/** The header most like `column`: the same text with case and spacing ignored, else the nearest by edit distance (the language's did-you-mean measure), if any is close. */
export function nearestHeader(column: string, header: readonly string[]): string | undefined {
  const want = loose(column);
  const same = header.find((h) => loose(h) === want);
  if (same !== undefined) return same;
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(want.length / 3));
  for (const h of header) {
    const d = editDistance(want, loose(h), bestDistance);
    if (d <= bestDistance) {
      best = h;
      bestDistance = d - 1;
    }
  }
  return best;
}

/**
 * Checks a CSV header against the definition before any row is scored: every required field
 * needs its column, and an `--id` column the user named must exist. Throws an InputError naming
 * every problem (with the nearest header for each missing column).
 */
export function checkHeader(fields: readonly IrField[], header: readonly string[], idColumn: string, idExplicit: boolean): void {
  const names = header.map((h) => h.trim());
  if (names.length === 0 || (names.length === 1 && names[0] === "")) throw new InputError("the input has no header row (the first line must name the columns)");
  const have = new Set(names);
  const problems: string[] = [];
  for (const f of fields) {
    if (f.optional || have.has(f.column)) continue;
    const near = nearestHeader(f.column, names);
    problems.push(`no column "${f.column}" for the required field \`${f.path}\`${near !== undefined ? `; did you mean "${near}"?` : ""}`);
  }
  if (idExplicit && !have.has(idColumn)) {
    const near = nearestHeader(idColumn, names);
    problems.push(`no id column "${idColumn}" (--id)${near !== undefined ? `; did you mean "${near}"?` : ""}`);
  }
  if (problems.length) throw new InputError(`${problems.join("\n")}\n(the header has ${names.length} columns: ${names.slice(0, 12).map((n) => `"${n}"`).join(", ")}${names.length > 12 ? ", …" : ""})`);
}
