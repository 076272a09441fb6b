import type { IrField } from "../../ir.js";
import { codecOf, type ReadOptions } from "../../runtime/codecs/codec.js";
import { DIALECTS } from "../../sql/sql-dialects.js";

/**
 * The DuckDB engine's field readers: each field's SQL over the input row, from its codec, and
 * the JSON structure DuckDB parses each JSON line into.
 */
const lit = DIALECTS.duckdb.string;
const q = DIALECTS.duckdb.ident;

/**
 * One field, read in two steps: `present` and `value` over the input row; then, one level up,
 * the row is rejected for the first field that is missing (when required) or whose value is
 * NULL while present, and `reject` (field, value as shown, reason code) is computed for that row
 * only. The value and the code come from the field's codec.
 */
export interface FieldSql { present: string; value: string; reject: string; optional: boolean }

/** CSV (and Parquet read as text): every cell is text, NULL when empty. */
export function csvField(f: IrField, col: string | undefined, options: ReadOptions = {}): FieldSql {
  if (col === undefined) return { present: "FALSE", value: "NULL", reject: "NULL", optional: f.optional };
  const c = q(col);
  const r = codecOf(f, options).fromText(c);
  return { present: `${c} IS NOT NULL`, value: r.value, reject: r.code === "NULL" ? "NULL" : `{'field': ${lit(f.path)}, 'value': ${c}, 'code': ${r.code}}`, optional: f.optional };
}

/** JSON Lines: `x` is the field's JSON value (the nested path, else the flat dotted key), NULL when absent or `null`. */
export function jsonField(f: IrField, x: string, options: ReadOptions = {}): FieldSql {
  const r = codecOf(f, options).fromJson(x);
  return { present: `${x} IS NOT NULL`, value: r.value, reject: `{'field': ${lit(f.path)}, 'value': ${r.shown}, 'code': ${r.code}}`, optional: f.optional };
}

/** The nested JSON structure `json_transform` reads: each field's nested path and flat dotted key, and the id. */
export function jsonStructure(paths: string[][]): Record<string, unknown> | undefined {
  const root: Record<string, unknown> = {};
  for (const segs of paths) {
    let node = root;
    for (let k = 0; k < segs.length; k++) {
      const key = segs[k];
      const leaf = k === segs.length - 1;
      const has = Object.prototype.hasOwnProperty.call(node, key);
      if (leaf) {
        if (has && node[key] !== "JSON") return undefined; // a field is also another's parent
        node[key] = "JSON";
      } else {
        if (!has) node[key] = {};
        else if (node[key] === "JSON") return undefined;
        node = node[key] as Record<string, unknown>;
      }
    }
  }
  return root;
}

