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
  return { present: `${c} IS NOT NULL`, value: presentOnly(c, r.value), reject: r.code === "NULL" ? "NULL" : `{'field': ${lit(f.path)}, 'value': ${c}, 'code': ${r.code}}`, optional: f.optional };
}

/**
 * The value only for a present cell. DuckDB evaluates a CASE branch only for the rows that take
 * it, so an empty cell (NULL) skips the codec's whole expression — without this, a NULL falls
 * through every fast path of the codec into its general (regular-expression) reading.
 */
function presentOnly(c: string, value: string): string {
  return value === c ? c : `CASE WHEN ${c} IS NOT NULL THEN ${value} END`;
}

/** JSON Lines: `x` is the field's JSON value (the nested path, else the flat dotted key), NULL when absent or `null`. */
export function jsonField(f: IrField, x: string, options: ReadOptions = {}): FieldSql {
  const r = codecOf(f, options).fromJson(x);
  return { present: `${x} IS NOT NULL`, value: r.value, reject: `{'field': ${lit(f.path)}, 'value': ${r.shown}, 'code': ${r.code}}`, optional: f.optional };
}

/** The nested JSON structure `json_transform` reads: each field's nested path and flat dotted key, and the id. */
export function jsonStructure(paths: string[][]): Record<string, unknown> | undefined {
  // Objects without a prototype: a key `__proto__` is then an ordinary property, not the setter.
  const root: Record<string, unknown> = Object.create(null);
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
        if (!has) node[key] = Object.create(null);
        else if (node[key] === "JSON") return undefined;
        node = node[key] as Record<string, unknown>;
      }
    }
  }
  return root;
}


/** The marker for a JSON line that repeats a key the definition reads. */
export const DUPLICATE_KEY = "\u0001leaddef:duplicate-key";

/**
 * SQL over the JSON line `t` (parsed): whether an object the definition reads from repeats a key.
 * DuckDB reads the first of repeated keys, JSON.parse (the definition's reading) the last, so such
 * a file goes to the JS engine. A cheap test first — some key read occurs twice as spelt (in any
 * object), or a key is spelt with a `\u` escape — and only for the rare line that passes it, the
 * exact test on the keys of each object read.
 */
export function duplicateKeySql(structure: Record<string, unknown>, t: string): string {
  const names = new Set<string>();
  const objects: string[][] = [];
  const walk = (node: Record<string, unknown>, path: string[]) => {
    objects.push(path);
    for (const [key, child] of Object.entries(node)) {
      names.add(key);
      if (child !== "JSON") walk(child as Record<string, unknown>, [...path, key]);
    }
  };
  walk(structure, []);
  const re = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  // Every key read, as spelt, wherever it stands: one pass of a plain alternation (an earlier
  // `"k".*"k"|…` pattern cost RE2 ~170 µs per line, 100× the rest of the query).
  const keysRead = `regexp_extract_all(${t}, ${lit(`"(${[...names].map((k) => re(JSON.stringify(k).slice(1, -1))).join("|")})"[ \\t\\n\\r]*:`)}, 1)`;
  const escapedKey = '"(?:[^"\\\\]|\\\\.)*\\\\u(?:[^"\\\\]|\\\\.)*"\\s*:';
  const pointer = (path: string[]) => lit(path.map((k) => `/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`).join(""));
  const repeats = objects.map((path) => {
    const keys = path.length ? `json_keys(${t}, ${pointer(path)})` : `json_keys(${t})`;
    return `len(list_distinct(${keys})) <> len(${keys})`;
  });
  return `CASE WHEN len(list_distinct(${keysRead})) <> len(${keysRead}) OR regexp_matches(${t}, ${lit(escapedKey)}) THEN ${repeats.join(" OR ")} ELSE FALSE END`;
}

