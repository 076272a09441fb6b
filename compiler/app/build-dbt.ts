import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { IrProgram } from "../ir.js";
import { emitDbt, type DbtOptions } from "../dbt/emit-dbt.js";
import type { SqlDialectName } from "../sql/sql-dialects.js";

/** The `build --target dbt` options, as the CLI parsed them. */
export interface BuildDbtOptions {
  dialect: SqlDialectName;
  out: string;
  dbtSource?: string;
  dbtRef?: string;
  model?: string;
  materialized: "view" | "table";
  asOf?: string;
  id: string;
  columns: "default" | "all";
}

/**
 * Writes the dbt model and its schema.yml into `o.out` (created if needed); returns the paths
 * written. Throws an Error with a usage message for a malformed `--dbt-source` or `--model`.
 */
export function buildDbt(ir: IrProgram, file: string, o: BuildDbtOptions): string[] {
  if (o.dbtSource !== undefined && o.dbtRef !== undefined) throw new Error("give --dbt-source or --dbt-ref, not both");
  let input: DbtOptions["input"];
  if (o.dbtRef !== undefined) input = { ref: o.dbtRef };
  else if (o.dbtSource !== undefined) {
    const dot = o.dbtSource.indexOf(".");
    if (dot <= 0 || dot === o.dbtSource.length - 1) throw new Error(`--dbt-source takes SOURCE.TABLE, as in crm.leads; got \`${o.dbtSource}\``);
    input = { source: o.dbtSource.slice(0, dot), table: o.dbtSource.slice(dot + 1) };
  }
  const name = o.model ?? basename(file).replace(/\.leaddef$/, "").replace(/[^A-Za-z0-9_]/g, "_");
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`--model must be a plain name (letters, digits, _); got \`${name}\``);
  const files = emitDbt(ir, { dialect: o.dialect, name, input, materialized: o.materialized, asOf: o.asOf, idColumn: o.id, columns: o.columns, sourceName: basename(file) });
  mkdirSync(o.out, { recursive: true });
  return files.map((f) => {
    const path = join(o.out, f.path);
    writeFileSync(path, f.text);
    return path;
  });
}
