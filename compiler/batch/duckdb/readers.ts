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
export interface FieldSql {
  present: string;
  value: string;
  reject: string;
  optional: boolean;
  /** The value, when not NULL, is known to be a whole, finite number (an integer column's): an `integer` field then needs no check. */
  whole?: boolean;
}

/** DuckDB's default longest line for read_csv (2 MiB). */
const DEFAULT_MAX_LINE = 2_097_152;

/**
 * read_csv's `buffer_size` option for the engine's readers: 4 MiB, or the longest line allowed
 * when that is longer (DuckDB requires it). DuckDB's default is 16 × the longest line (32 MiB),
 * held per thread and refilled as the scan goes: on a 1M-row, 185 MB CSV, 4 MiB buffers took the
 * query's peak RSS from ~250 to ~195 MB and its system time from 1.1 to 0.6 s, at the same user time.
 */
export function readBufferOption(maxLineSize = DEFAULT_MAX_LINE): string {
  return `buffer_size = ${Math.max(4 * 2 ** 20, maxLineSize)}`;
}

/**
 * read_csv's `buffer_size` for the leads CSV: 2 MiB, the smallest DuckDB allows with its default
 * longest line. Against 4 MiB it took the query's peak RSS down by another 7–9 MiB on the 1M-row
 * bench CSV at the same CPU (2 threads, interleaved runs).
 */
export function csvReadBufferOption(): string {
  return `buffer_size = ${DEFAULT_MAX_LINE}`;
}

/**
 * CSV (and Parquet read as text): every cell is text, NULL when empty. `col` is a column's name,
 * or with `expression` an SQL expression giving the text (a Parquet column's VARCHAR cast).
 */
export function csvField(f: IrField, col: string | undefined, options: ReadOptions = {}, expression = false): FieldSql {
  if (col === undefined) return { present: "FALSE", value: "NULL", reject: "NULL", optional: f.optional };
  const c = expression ? col : q(col);
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

/**
 * A list field `read_json` read as VARCHAR[] (jsonl-source.ts, `typedListFields`): its value is
 * the list, NULL when absent or `null`; any other value failed the query, so none is rejected.
 */
export function typedListField(f: IrField, x: string): FieldSql {
  return { present: `${x} IS NOT NULL`, value: x, reject: "NULL", optional: f.optional };
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
 * How the DuckDB engine finds a JSON line whose object (one the definition reads) repeats a key
 * the definition reads there. DuckDB reads the first of repeated keys, JSON.parse (the
 * definition's reading) the last, so such a file goes to the JS engine; a repeated key the
 * definition does not read changes neither reading, so it does not count.
 *
 * Two steps, so that the line is parsed once: `keys(t)` lists the keys of every object read, as
 * written (repeats kept, `\u` escapes decoded), in one `json_keys` call with all their JSON
 * pointers; one level up, `repeated(k)` over that list tests first whether any object repeats any
 * key (cheap) and only then filters to the keys read. An earlier regular-expression pre-test over
 * the text, then one `json_keys` per object, cost ~35 µs per line, 70% of the JSON Lines query.
 */
export interface RepeatedKeySql {
  /** Over the line's text (a JSON object): each object's keys, a list of lists (NULL where no object). */
  keys: (t: string) => string;
  /** Over `keys`' list: whether an object read repeats a key read (never NULL). */
  repeated: (k: string) => string;
}

/** The repeated-key test for the objects and keys of `structure` (jsonStructure's). */
export function repeatedKeySql(structure: Record<string, unknown>): RepeatedKeySql {
  const objects: { path: string[]; keys: string[] }[] = [];
  const walk = (node: Record<string, unknown>, path: string[]) => {
    objects.push({ path, keys: Object.keys(node) });
    for (const [key, child] of Object.entries(node)) if (child !== "JSON") walk(child as Record<string, unknown>, [...path, key]);
  };
  walk(structure, []);
  const pointer = (path: string[]) => lit(path.map((k) => `/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`).join(""));
  const pointers = `[${objects.map((o) => pointer(o.path)).join(", ")}]`;
  return {
    keys: (t) => `json_keys(${t}, ${pointers})`,
    repeated: (k) => {
      const anyRepeat = `list_bool_or(list_transform(${k}, ks -> len(ks) <> len(list_distinct(ks))))`;
      const readRepeats = objects.map((o, i) => {
        const read = `list_filter(${k}[${i + 1}], x -> x IN (${o.keys.map(lit).join(", ")}))`;
        return `len(${read}) <> len(list_distinct(${read}))`;
      });
      return `COALESCE(CASE WHEN ${anyRepeat} THEN ${readRepeats.join(" OR ")} END, FALSE)`;
    },
  };
}
