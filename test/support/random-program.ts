// Random well-typed .leaddef programs and leads for the SQL differential tests. Everything
// derives from one integer seed, so a failing case is reproduced from the seed fast-check prints.
import { seededRandom } from "../../compiler/analysis/random-leads.js";

export type FieldType = "boolean" | "integer" | "number" | "string" | "date" | "enum" | "list";

export interface GenField {
  path: string;
  type: FieldType;
  members?: string[];
}

export interface GenCase {
  source: string;
  fields: GenField[];
  leads: Record<string, unknown>[];
  asOf: string;
}

/** mulberry32: the compiler's own generator (compare's bounded search uses it too). */
export const rng = seededRandom;

/** Grade letters: a keyword of SQL and case twins among them, as enum members have. */
const GRADE_LETTERS = ["A", "b", "B", "select", "D"];
const REASONS = ["competitor", "it's a \"test\" -- lead", "student; DROP TABLE leads", "not a market we sell to"];

// Members include SQL keywords and members differing only in case.
const ENUM_A = ["low", "Low", "select", "drop", "high"];
const ENUM_B = ["individual", "manager", "director", "vp", "c_level"];

const FIELDS: GenField[] = [
  { path: "a.n1", type: "number" },
  { path: "a.n2", type: "number" },
  { path: "a.i1", type: "integer" },
  { path: "select.from", type: "integer" },
  { path: "b.flag", type: "boolean" },
  { path: "b.flag2", type: "boolean" },
  { path: "c.s1", type: "string" },
  { path: "c.s2", type: "string" },
  { path: "d.d1", type: "date" },
  { path: "d.d2", type: "date" },
  { path: "e.e1", type: "enum", members: ENUM_A },
  { path: "e.e2", type: "enum", members: ENUM_A },
  { path: "e.lvl", type: "enum", members: ENUM_B },
  { path: "l.tags", type: "list" },
];

// Case variants exercise case-insensitive contains / starts with, including the characters
// where lowercasing and simple case folding part ways (final sigma, dotted and dotless i, sharp s,
// Kelvin sign, long s, Cherokee); quotes, backslashes and LIKE wildcards must be plain characters.
const STRINGS = ["", "a", "A", "ab", "Ab", "aB", "abc", "ABC", "x'y", "c\\d", "50%", "a_b", "Émile", "émile", "über", "Über", "salesforce", "SalesForce", "drop", "'; DROP TABLE leads; --",
  "ΑΣ", "ας", "ασ", "ς", "İ", "i̇", "ı", "I", "i", "ß", "ẞ", "ss", "\u212A", "k", "ſ", "s", "Ꭰ", "ꭰ", "𐐀", "𐐨"];
const NUMBERS = [0, 1, 2, 3, 5, 7, 10, 30, 100, 0.1, 0.2, 0.3, 0.5, 2.5, -2, -7.25, 1e6, 2.5e9, 1 / 3];
const NUM_LITS = ["0", "1", "2", "3", "5", "7", "10", "30", "100", "0.1", "0.2", "0.3", "0.5", "2.5", "1.5K", "1M", "2.5B", "1_000"];
const INTS = [0, 1, 2, 3, 5, 7, 10, 30, 100, -1, -3, 1000];
const DATES = ["2026-11-22", "2026-11-21", "2026-10-23", "2026-08-24", "2025-11-22", "2024-02-29", "2027-01-01", "2026-11-15"];
const AS_OF = ["2026-11-22", "2026-12-01", "2027-03-01"];

function str(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t")}"`;
}

export interface GenOptions {
  /** The string values literals and leads draw from (default: ASCII edge cases plus a few accented letters). */
  strings?: readonly string[];
  /** Also generate grades (used in conditions) and `disqualify … because` clauses. */
  behaviour?: boolean;
}

/** Generates one program (as source text) and `leadCount` leads from `seed`. */
export function generateCase(seed: number, leadCount: number, options: GenOptions = {}): GenCase {
  const r = rng(seed);
  const strings = options.strings ?? STRINGS;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const chance = (p: number) => r() < p;

  const fields = FIELDS.filter(() => chance(0.85));
  if (!fields.some((f) => f.type === "number")) fields.push(FIELDS[0]);
  const ofType = (...types: FieldType[]) => fields.filter((f) => types.includes(f.type));

  type Decl = { kind: "criterion" | "score" | "stage" | "grade"; name: string; letters?: string[] };
  const decls: Decl[] = [];
  const boolRefs = () => decls.filter((d) => d.kind !== "score" && d.kind !== "grade");
  const gradeRefs = () => decls.filter((d) => d.kind === "grade");
  const scoreRefs = () => decls.filter((d) => d.kind === "score");

  const numExpr = (depth: number): string => {
    const roll = r();
    const nf = ofType("number", "integer");
    if (depth <= 0 || roll < 0.3) return nf.length && chance(0.7) ? pick(nf).path : pick(NUM_LITS);
    if (roll < 0.4 && scoreRefs().length) return pick(scoreRefs()).name;
    if (roll < 0.5 && ofType("date").length) return `days_since(${chance(0.8) ? pick(ofType("date")).path : pick(DATES)})`;
    if (roll < 0.55) return `-${numExpr(depth - 1)}`;
    if (roll < 0.6) return `(${numExpr(depth - 1)})`;
    return `(${numExpr(depth - 1)} ${pick(["+", "-", "*", "/", "/"])} ${numExpr(depth - 1)})`;
  };

  const atom = (depth: number): string => {
    const kinds = ["num", "num"];
    if (ofType("boolean").length) kinds.push("bool", "booleq");
    if (ofType("string").length) kinds.push("str", "str");
    if (ofType("date").length) kinds.push("date");
    if (ofType("enum").length) kinds.push("enum", "enum");
    if (ofType("list").length) kinds.push("list");
    kinds.push("presence");
    if (boolRefs().length) kinds.push("ref");
    if (gradeRefs().length) kinds.push("grade", "grade");
    switch (pick(kinds)) {
      case "num": {
        if (chance(0.25)) {
          const items = Array.from({ length: 1 + Math.floor(r() * 3) }, () => (chance(0.8) ? pick(NUM_LITS) : numExpr(0)));
          return `${numExpr(depth)} ${chance(0.5) ? "not in" : "in"} [${items.join(", ")}]`;
        }
        return `${numExpr(depth)} ${pick(["=", "!=", "<", "<=", ">", ">="])} ${numExpr(depth)}`;
      }
      case "bool": return pick(ofType("boolean")).path;
      case "booleq": {
        const other = chance(0.5) ? pick(["true", "false"]) : chance(0.5) ? pick(ofType("boolean")).path : `(${cond(0)})`;
        return `${pick(ofType("boolean")).path} ${pick(["=", "!="])} ${other}`;
      }
      case "str": {
        const f = pick(ofType("string")).path;
        const other = () => (chance(0.8) ? str(pick(strings)) : pick(ofType("string")).path);
        const op = pick(["=", "!=", "contains", "starts with", "ends with", "in", "not in"]);
        if (op === "in" || op === "not in") return `${f} ${op} [${Array.from({ length: 1 + Math.floor(r() * 3) }, other).join(", ")}]`;
        return `${f} ${op} ${other()}`;
      }
      case "date": {
        const f = pick(ofType("date")).path;
        const other = chance(0.7) ? pick(DATES) : pick(ofType("date")).path;
        if (chance(0.2)) return `${f} ${chance(0.5) ? "not in" : "in"} [${pick(DATES)}, ${other}]`;
        if (chance(0.3)) return `days_since(${f}) ${pick(["<", "<=", ">", ">="])} ${pick(["0", "1", "7", "30", "90", "365"])}`;
        return `${f} ${pick(["=", "!=", "<", "<=", ">", ">="])} ${other}`;
      }
      case "enum": {
        const f = pick(ofType("enum"));
        const same = fields.filter((g) => g.type === "enum" && g.members === f.members);
        const other = chance(0.75) ? pick(f.members!) : pick(same).path;
        if (chance(0.3)) {
          const items = Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(f.members!));
          return `${f.path} ${chance(0.5) ? "not in" : "in"} [${items.join(", ")}]`;
        }
        return `${f.path} ${pick(["=", "!=", "<", "<=", ">", ">="])} ${other}`;
      }
      case "list": {
        const needle = chance(0.8) ? str(pick(strings)) : ofType("string").length ? pick(ofType("string")).path : str("a");
        return `${pick(ofType("list")).path} contains ${needle}`;
      }
      case "presence": return `${pick(fields).path} is ${chance(0.5) ? "missing" : "present"}`;
      case "ref": return pick(boolRefs()).name;
      case "grade": {
        // A grade is an enum of its letters: equality, membership and their order.
        const g = pick(gradeRefs());
        if (chance(0.3)) return `${g.name} ${chance(0.5) ? "not in" : "in"} [${Array.from({ length: 1 + Math.floor(r() * 2) }, () => pick(g.letters!)).join(", ")}]`;
        return `${g.name} ${pick(["=", "!=", "<", "<=", ">", ">="])} ${pick(g.letters!)}`;
      }
    }
    return "true";
  };

  const cond = (depth: number): string => {
    const roll = r();
    if (depth <= 0 || roll < 0.35) return atom(depth);
    if (roll < 0.5) return `not (${cond(depth - 1)})`;
    if (roll < 0.6) {
      const n = 2 + Math.floor(r() * 3);
      return `at least ${1 + Math.floor(r() * n)} of [${Array.from({ length: n }, () => cond(depth - 1)).join(", ")}]`;
    }
    if (roll < 0.65) return chance(0.5) ? "true" : "false";
    return `(${cond(depth - 1)} ${pick(["and", "or"])} ${cond(depth - 1)})`;
  };

  const names = ["select", "drop", "Order", "fit", "score_", "from_", "grp", "x1", "table", "where", "id2", "_u"];
  let nameNo = 0;
  const body: string[] = [];
  const nDecls = 3 + Math.floor(r() * 6);
  for (let i = 0; i < nDecls; i++) {
    const name = `${pick(names)}${nameNo++}`;
    // Grades only when asked for, so the other properties' seeds keep their programs.
    const kind = options.behaviour && chance(0.25) ? "grade" : pick(["criterion", "score", "score", "stage", "stage"] as const);
    if (kind === "grade") {
      const letters = GRADE_LETTERS.slice(0, 2 + Math.floor(r() * 3));
      const lines = letters.slice(0, -1).map((l) => `  ${l} when ${cond(2)}`);
      body.push(`grade ${name} {\n${lines.join("\n")}\n  else ${letters[letters.length - 1]}\n}`);
      decls.push({ kind, name, letters });
      continue;
    }
    if (kind === "criterion") body.push(`criterion ${name} when ${cond(3)}`);
    else if (kind === "stage") body.push(`${name} when ${cond(3)}`);
    else {
      const lines = Array.from({ length: 1 + Math.floor(r() * 5) }, () => {
        const w = pick(["1", "2", "5", "10", "0.1", "0.2", "0.3", "2.5", "100"]);
        return `  ${chance(0.7) ? "+" : "-"}${w} when ${cond(2)}`;
      });
      const cap = chance(0.4) ? [`  cap ${pick(["5", "10", "1.5", "100"])}`] : [];
      const floor = chance(0.4) ? [`  floor ${pick(["0", "1", "0.3"])}`] : [];
      body.push(`score ${name} {\n${[...lines, ...cap, ...floor].join("\n")}\n}`);
    }
    decls.push({ kind, name });
  }
  if (!decls.some((d) => d.kind === "stage")) {
    body.push(`last_stage when ${cond(2)}`);
  }
  if (options.behaviour) {
    // Disqualifications, with reasons a query must carry as data (quotes, a comment breaker).
    const n = Math.floor(r() * 3);
    for (let i = 0; i < n; i++) body.push(`disqualify when ${cond(2)} because ${str(pick(REASONS))}`);
  }
  const typeText = (f: GenField) => (f.type === "enum" ? `enum(${f.members!.join(", ")})` : f.type === "list" ? "list(string)" : f.type);
  const source = `schema {\n${fields.map((f) => `  ${f.path}: ${typeText(f)}?`).join("\n")}\n}\n\n${body.join("\n\n")}\n`;

  const leads = Array.from({ length: leadCount }, (_, i) => {
    const lead: Record<string, unknown> = { id: i };
    for (const f of fields) {
      if (chance(0.25)) continue;
      switch (f.type) {
        case "number": lead[f.path] = pick(NUMBERS); break;
        case "integer": lead[f.path] = pick(INTS); break;
        case "boolean": lead[f.path] = chance(0.5); break;
        case "string": lead[f.path] = chance(0.7) ? pick(strings) : pick(strings) + pick(strings); break;
        case "date": lead[f.path] = pick(DATES); break;
        case "enum": lead[f.path] = pick(f.members!); break;
        case "list": lead[f.path] = Array.from({ length: Math.floor(r() * 3) }, () => pick(strings)); break;
      }
    }
    return lead;
  });
  return { source, fields, leads, asOf: pick(AS_OF) };
}
