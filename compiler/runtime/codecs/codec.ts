import type { IrField } from "../../ir.js";
import { booleanFromJson, booleanFromText, booleanInlineTest, readBoolean } from "./boolean.js";
import { dateFromJson, dateFromText, dateInlineRead, daysFromCivil, digit2, layoutDate, plainCalendarDay, plainDate, readDate, readDateGeneral } from "./date.js";
import { layoutPattern } from "../../../language/date-layout.js";
import { enumFromJson, enumFromText, readEnum } from "./enum.js";
import { listFromJson, listFromText, listInlineTest, readList } from "./list.js";
import { numberFromJson, numberFromText, numberInlineTest, numberPattern, readNumber } from "./number.js";
import { readFailure, reasonText, type Reason } from "./reasons.js";
import { BOOLEAN_WORDS } from "./spellings.js";
import { readString, stringFromJson, stringFromText, stringInlineTest } from "./string.js";
import type { JsonSql, TextSql } from "./sql-text.js";
import type { SqlTextOps } from "./sql-text-ops.js";

/** The field facts a codec needs (an IrField has them). */
export type ValueSpec = Pick<IrField, "kind" | "integer" | "members"> & Partial<Pick<IrField, "open" | "layout">>;

/** How a run reads text that the file alone cannot tell: set by the user (`--decimal-comma`). */
export interface ReadOptions {
  /** Numbers are written `1.234.567,89` (European exports). */
  decimalComma?: boolean;
}

/**
 * A value kind's one home, as each engine needs it: the general reader (JSON values and text
 * cells, throwing a ReadFailure), the generated evaluator's inline read, and the SQL forms over
 * text and over JSON. The CSV fast scanner's per-kind functions (plainDecimal, plainDate,
 * plainBoolean, plainMember, listOf) live beside them in the kind's module.
 */
export interface Codec {
  /** Reads a present value (a JSON value, or a non-empty text cell); throws a ReadFailure. */
  read(v: unknown): unknown;
  /** The JS source of a reader in the generated factory, given the field table entry `f`. */
  readerSource(f: string): string;
  /**
   * The generated evaluator's read of a lead object's value: `get` is the expression fetching
   * it, `slow` the call that reads anything else (or throws), `index` the field's index.
   */
  inlineRead(get: string, slow: string, index: number): string;
  /** The value as stored when missing: NaN for numbers and dates, else undefined. */
  missing: number | undefined;
  /** SQL reading a non-NULL text `s`, in the dialect of `ops` (DuckDB when not given). */
  fromText(s: string, ops?: SqlTextOps): TextSql;
  fromJson(x: string): JsonSql;
}

function inline(fastTest: (get: string) => string, missing: string) {
  // The common case (present, of the right JSON type) is tested first; a missing value (absent
  // or null) is decided inline; only anything else takes the checked slow path.
  return (get: string, slow: string) => `(${fastTest(get)} ? v : v === undefined || v === null ? ${missing} : ${slow})`;
}

/** The codec of a field's value kind. */
export function codecOf(f: ValueSpec, options: ReadOptions = {}): Codec {
  const decimalComma = options.decimalComma === true;
  switch (f.kind) {
    case "number": return {
      read: (v) => readNumber(v, f.integer, decimalComma),
      readerSource: (e) => `(v) => readNumber(v, ${e}.integer)`,
      inlineRead: inline((get) => numberInlineTest(f.integer, get), "NaN"),
      missing: NaN,
      fromText: (s, ops) => numberFromText(f.integer, s, decimalComma, ops),
      fromJson: (x) => numberFromJson(f.integer, x, decimalComma),
    };
    case "date": {
      const layout = f.layout ?? undefined;
      return {
        read: (v) => readDate(v, layout),
        readerSource: (e) => `(v) => readDate(v, ${e}.layout)`,
        inlineRead: dateInlineRead,
        missing: NaN,
        fromText: (s, ops) => dateFromText(s, layout, ops),
        fromJson: (x) => dateFromJson(x, layout),
      };
    }
    case "boolean": return {
      read: readBoolean,
      readerSource: () => "readBoolean",
      inlineRead: inline(booleanInlineTest, "undefined"),
      missing: undefined,
      fromText: booleanFromText,
      fromJson: booleanFromJson,
    };
    case "string": return {
      read: readString,
      readerSource: () => "readString",
      inlineRead: inline(stringInlineTest, "undefined"),
      missing: undefined,
      fromText: stringFromText,
      fromJson: stringFromJson,
    };
    case "enum": {
      const members = new Set(f.members);
      const folded = new Map<string, string>();
      for (const m of f.members) if (!folded.has(m.toLowerCase())) folded.set(m.toLowerCase(), m);
      const open = f.open === true;
      return {
        // readEnum's rule, with the lowercased members indexed once instead of per value
        read: (v) => {
          if (typeof v === "string") {
            if (members.has(v)) return v;
            const member = folded.get(v.trim().toLowerCase());
            if (member !== undefined) return member;
          }
          return readEnum(v, f.members, open);
        },
        readerSource: (e) => `(v) => readEnum(v, ${e}.members, ${e}.open)`,
        // a member as declared is read inline (its rank table E<i> knows it); any other text is
        // matched ignoring case, or refused, on the slow path
        inlineRead: (get, slow, index) => inline((g) => `typeof (v = ${g}) === "string" && E${index}[v] !== undefined`, "undefined")(get, slow),
        missing: undefined,
        fromText: (s, ops) => enumFromText(f.members, open, s, ops),
        fromJson: (x) => enumFromJson(f.members, open, x),
      };
    }
    case "list": return {
      read: readList,
      readerSource: () => "readList",
      inlineRead: inline(listInlineTest, "undefined"),
      missing: undefined,
      fromText: listFromText,
      fromJson: listFromJson,
    };
  }
}

/**
 * The reason a field's SQL reported, as data: the SQL gives the code and the value as shown;
 * the field gives the rest (an enum's members).
 */
export function reasonOf(f: ValueSpec, code: string, value: string): Reason {
  if (code === "not-a-member") return { code, value, members: f.members };
  if (code === "not-a-date" && f.layout) return { code, value, layout: f.layout };
  if (code === "required-missing") return { code };
  return { code, value } as Reason;
}

/** The reason carried by an error a reader threw (anything else is not a reader's refusal). */
export function reasonOfError(e: unknown): Reason | undefined {
  return e instanceof Error && "reason" in e ? (e as Error & { reason: Reason }).reason : undefined;
}

/**
 * The run-time functions a generated module needs, as source text in dependency-free order
 * (each is self-contained but for the names listed here). The in-process evaluator passes the
 * same functions to the factory (READER_PARAMS).
 */
export const RUNTIME_FUNCTIONS = [numberPattern, readNumber, readDate, layoutDate, layoutPattern, readDateGeneral, readBoolean, readString, readEnum, readList, plainDate, plainCalendarDay, digit2, daysFromCivil, readFailure, reasonText];

/** The source of the run-time support a generated module embeds. */
export function runtimeSource(): string {
  // The functions call each other by their own names, which the module defines. A module
  // transform that rewrites imported names into namespace reads (`__vite_ssr_import_0__.x`, as
  // the test runner's does) is undone here so that copies taken from it are the same code.
  const own = (f: (...a: never[]) => unknown) => f.toString().replace(/__vite_ssr_import_\d+__\./g, "");
  const constants = [
    `const BOOLEAN_WORDS = ${JSON.stringify(BOOLEAN_WORDS)};`,
    'const NUMBER_TEXT = new RegExp(numberPattern("\\\\s", false));',
    'const NUMBER_TEXT_DECIMAL_COMMA = new RegExp(numberPattern("\\\\s", true));',
    "const LAYOUT_READERS = new Map();",
  ];
  // Function declarations are hoisted, so the constants may call numberPattern before its text.
  return [...constants, ...RUNTIME_FUNCTIONS.map(own)].join("\n\n");
}

/** The names the generated factory receives the run-time functions under, in RUNTIME_FUNCTIONS order. */
export const READER_PARAMS = RUNTIME_FUNCTIONS.map((f) => f.name);
