// Real parsers for the dialects no engine here runs: node-sql-parser for BigQuery and Snowflake,
// dt-sql-parser (ANTLR grammar of Spark SQL) for Spark. dt-sql-parser ships ESM with directory
// imports Node cannot load, so it is bundled with esbuild on first use into test/.cache/
// (gitignored) and imported from there.
import { existsSync, mkdirSync, renameSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildSync } from "esbuild";

export type ParsedDialect = "bigquery" | "snowflake" | "spark";

/** Parses `sql`; returns the parser's error messages, empty when it parses. */
export type SqlCheck = (sql: string) => string[];

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

interface SparkParser { validate(sql: string): { message: string; startLine: number; startColumn: number }[] }
let spark: SparkParser | undefined;

async function sparkParser(): Promise<SparkParser> {
  if (spark) return spark;
  const out = join(here, "..", ".cache", "dt-sql-parser-spark.mjs");
  if (!existsSync(out)) {
    mkdirSync(dirname(out), { recursive: true });
    // Test files run in parallel workers: bundle to a file of our own, then rename it into
    // place (atomic), so no worker imports a half-written bundle.
    const tmp = `${out}.${process.pid}.${Date.now()}.tmp.mjs`;
    buildSync({
      stdin: { contents: 'export { SparkSQL } from "dt-sql-parser";', resolveDir: join(here, ".."), loader: "js" },
      bundle: true, format: "esm", platform: "node", outfile: tmp, logLevel: "warning",
    });
    renameSync(tmp, out);
  }
  const mod = (await import(pathToFileURL(out).href)) as { SparkSQL: new () => SparkParser };
  spark = new mod.SparkSQL();
  return spark;
}

/** The parser check for `dialect`. */
export async function sqlParser(dialect: ParsedDialect): Promise<SqlCheck> {
  if (dialect === "spark") {
    const p = await sparkParser();
    return (sql) => p.validate(sql).map((e) => `${e.startLine}:${e.startColumn}: ${e.message}`);
  }
  const { Parser } = require("node-sql-parser") as typeof import("node-sql-parser");
  const parser = new Parser();
  const database = dialect === "bigquery" ? "BigQuery" : "Snowflake";
  return (sql) => {
    try {
      parser.astify(sql, { database });
      return [];
    } catch (e) {
      const loc = (e as { location?: { start: { line: number; column: number } } }).location?.start;
      return [`${loc ? `${loc.line}:${loc.column}: ` : ""}${(e as Error).message.slice(0, 200)}`];
    }
  };
}
