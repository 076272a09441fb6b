import type { IrProgram } from "../ir.js";
import type { SqlDialect } from "./sql-dialects.js";

/**
 * The names the generated SQL gives its internal columns and CTEs: the definition's own names
 * (`icp_fit`, `priority`, `mql`; a field `company.revenue_usd` becomes `company_revenue_usd`),
 * so a reviewer reads the query in the definition's words.
 *
 * Names must stay distinct where the warehouse compares them: most engines fold or ignore the
 * case of identifiers (DuckDB, BigQuery and Spark compare column names case-insensitively), and
 * PostgreSQL cuts them at 63 bytes. So names are compared in lower case, cut to a length that
 * leaves room for a prefix, and a later name that clashes with an earlier one (or with a name
 * the query writes itself) gets `_2`, `_3`, … — deterministically, in the order fields,
 * criteria, scores, stages, each by declaration.
 *
 * A name is written bare when it is a plain lower-case identifier that no target dialect
 * reserves, and quoted through the dialect otherwise (a keyword, upper case). Output aliases
 * are not made here: they are the user's names, verbatim and always quoted.
 */
export interface SqlNames {
  /** Column holding field `i` after the input CTE. */
  field(i: number): string;
  /** Column holding a criterion, score, stage, grade or disqualification. */
  decl(kind: DeclKind, i: number): string;
  /**
   * The CTE that adds a criterion, score, stage or grade (`criterion_icp_fit`, `score_priority`,
   * `grade_fit_grade`), or a disqualification (`disqualify_1`, numbered from 1), never quoted.
   */
  cte(kind: DeclKind, i: number): string;
}

export type DeclKind = "criterion" | "score" | "stage" | "grade" | "disqualify";

/** Longest name before a prefix (`criterion_`) or suffix (`_2`): well inside PostgreSQL's 63 bytes. */
const MAX_NAME = 48;

/** Builds the names for `ir`, quoted for `d`; `reserved` are names the query uses itself. */
export function sqlNames(ir: IrProgram, d: SqlDialect, reserved: readonly string[]): SqlNames {
  const taken = new Set(reserved.map((r) => r.toLowerCase()));
  const claim = (wanted: string): string => {
    const base = wanted.slice(0, MAX_NAME);
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}_${n}`;
    taken.add(name.toLowerCase());
    return name;
  };
  const fields = ir.fields.map((f) => claim(f.path.replace(/\./g, "_")));
  const decls = {
    criterion: ir.criteria.map((c) => claim(c.name)),
    score: ir.scores.map((s) => claim(s.name)),
    stage: ir.stages.map((s) => claim(s.name)),
    grade: ir.grades.map((g) => claim(g.name)),
    // Disqualifications have no names: numbered in declaration order, from 1.
    disqualify: ir.disqualifications.map((x) => claim(`disqualify_${x.index + 1}`)),
  };
  const write = (name: string) => sqlIdentifier(d, name);
  return {
    field: (i) => write(fields[i]),
    decl: (kind, i) => write(decls[kind][i]),
    // The kind prefix keeps CTE names apart from column and table names and from keywords;
    // column names are distinct in lower case, so these are too, and need no quotes (some
    // parsers take no quoted CTE name).
    cte: (kind, i) => (kind === "disqualify" ? decls[kind][i].toLowerCase() : `${kind}_${decls[kind][i].toLowerCase()}`),
  };
}

/** `name` bare when every dialect reads it as that column, else quoted by `d`. */
export function sqlIdentifier(d: SqlDialect, name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) && !RESERVED.has(name.toUpperCase()) ? name : d.ident(name);
}

// Reserved (or type and function) words of SQL:2016, PostgreSQL, DuckDB, BigQuery, Snowflake and
// Spark SQL, and words the parsers in the tests refuse as bare names (JSON, SESSION): a column
// named so is quoted, whichever dialect is written, so one layout serves all.
const RESERVED = new Set(`
ALL ALTER ANALYSE ANALYZE AND ANTI ANY ARRAY AS ASC ASOF ASSERT_ROWS_MODIFIED ASYMMETRIC AT
AUTHORIZATION BETWEEN BIGINT BINARY BIT BOOLEAN BOTH BY CASE CAST CHAR CHARACTER CHECK COALESCE
COLLATE COLLATION COLUMN COLUMNS CONCURRENTLY CONNECT CONNECTION CONSTRAINT CONTAINS CREATE CROSS
CUBE CURRENT CURRENT_CATALOG CURRENT_DATE CURRENT_ROLE CURRENT_SCHEMA CURRENT_TIME
CURRENT_TIMESTAMP CURRENT_USER DATABASE DATE DAY DEC DECIMAL DEFAULT DEFERRABLE DEFINE DELETE
DESC DESCRIBE DISTINCT DIV DO DOUBLE DROP ELSE END ENUM ESCAPE EXCEPT EXCLUDE EXISTS EXTRACT FALSE
FETCH FILTER FLOAT FOLLOWING FOR FOREIGN FREEZE FROM FULL FUNCTION GLOB GRANT GREATEST GROUP
GROUPING GROUPS GSCLUSTER HASH HAVING HOUR IF IGNORE ILIKE IN INCREMENT INNER INOUT INSERT INT
INTEGER INTERSECT INTERVAL INTO IS ISNULL ISSUE JOIN JSON LAMBDA LATERAL LEADING LEAST LEFT LIKE LIMIT
LOCALTIME LOCALTIMESTAMP LOOKUP MAP MERGE MINUS MINUTE MONTH NATIONAL NATURAL NCHAR NEW NO NONE
NORMALIZE NOT NOTNULL NULL NULLIF NULLS NUMERIC OF OFFSET ON ONLY OR ORDER ORGANIZATION OUT OUTER
OVER OVERLAPS OVERLAY PARTITION PIVOT PLACING POSITION POSITIONAL PRECEDING PRECISION PRIMARY
PROTO QUALIFY RANGE REAL RECURSIVE REFERENCES REGEXP RESPECT RETURNING REVOKE RIGHT RLIKE ROLLUP
ROW ROWS SAMPLE SCHEMA SECOND SELECT SEMI SESSION SESSION_USER SET SETOF SHOW SIMILAR SMALLINT SOME START
STRUCT SUBSTRING SUMMARIZE SYMMETRIC SYSTEM_USER TABLE TABLESAMPLE THEN TIME TIMESTAMP TO
TRAILING TREAT TRIGGER TRIM TRUE TRY_CAST UNBOUNDED UNION UNIQUE UNKNOWN UNNEST UNPIVOT UPDATE
USER USING VALUES VARCHAR VARIADIC VERBOSE VIEW WHEN WHENEVER WHERE WINDOW WITH WITHIN XOR YEAR
`.trim().split(/\s+/));
