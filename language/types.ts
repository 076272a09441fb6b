/** The types of the language, as the checker computes them. */
export type Type =
  | { kind: "boolean" }
  | { kind: "integer" }
  | { kind: "number" }
  | { kind: "string" }
  /** `layout`: how the data writes dates besides ISO (`M/D/YYYY`), from `date("…")`. */
  | { kind: "date"; layout?: string }
  | { kind: "list" }
  /** `field` names the field whose declaration introduced the enum, for messages. */
  /** `open`: declared with `...`, so other values are accepted (and equal no member). */
  /**
   * `field`: the enum field's path — within its event stream when `stream` is set — or the
   * grade's name when `grade` is set (a grade is an enum of its letters).
   */
  | { kind: "enum"; members: readonly string[]; field: string; open?: boolean; grade?: true; stream?: string }
  /** Already reported; suppresses follow-on errors. */
  | { kind: "error" };

export const BOOLEAN: Type = { kind: "boolean" };
export const INTEGER: Type = { kind: "integer" };
export const NUMBER: Type = { kind: "number" };
export const STRING: Type = { kind: "string" };
export const DATE: Type = { kind: "date" };
export const LIST: Type = { kind: "list" };
export const ERROR: Type = { kind: "error" };

export const SCALAR_TYPE_NAMES = ["boolean", "integer", "number", "string", "date"] as const;
export const TYPE_NAMES = [...SCALAR_TYPE_NAMES, "enum", "list"] as const;

export function isNumeric(t: Type): boolean {
  return t.kind === "integer" || t.kind === "number";
}

/** Two enums are the same type when they have the same members in the same order. */
export function sameEnum(a: Type, b: Type): boolean {
  return a.kind === "enum" && b.kind === "enum" && a.members.length === b.members.length && a.members.every((m, i) => m === b.members[i]);
}

/** Whether two types are the same type (enums by their members). */
export function sameType(a: Type, b: Type): boolean {
  return a.kind === "enum" || b.kind === "enum" ? sameEnum(a, b) : a.kind === b.kind;
}

/** Whether `=`, `!=` and `in` may compare values of these two types. */
export function comparable(a: Type, b: Type): boolean {
  if (a.kind === "error" || b.kind === "error") return true;
  if (isNumeric(a) && isNumeric(b)) return true;
  if (a.kind === "enum" || b.kind === "enum") return sameEnum(a, b);
  return a.kind === b.kind && a.kind !== "list";
}

/** Whether `<`, `<=`, `>`, `>=` may order values of these two types. */
export function orderable(a: Type, b: Type): boolean {
  if (a.kind === "error" || b.kind === "error") return true;
  if (isNumeric(a) && isNumeric(b)) return true;
  if (a.kind === "date" && b.kind === "date") return true;
  return sameEnum(a, b);
}

/** How a type reads in a message: `number`, `enum(a, b, c)`. */
export function typeText(t: Type): string {
  switch (t.kind) {
    case "enum": {
      const shown = t.members.slice(0, 4).join(", ");
      return `enum(${shown}${t.members.length > 4 ? ", …" : ""})`;
    }
    case "list": return "list(string)";
    case "error": return "unknown";
    default: return t.kind;
  }
}

/** The type as written in a schema, for hover: `enum(a, b, c)`, `list(string)`. */
export function typeSource(t: Type): string {
  if (t.kind === "enum") return `enum(${[...t.members.map(memberSource), ...(t.open ? ["..."] : [])].join(", ")})`;
  if (t.kind === "date" && t.layout !== undefined) return `date(${JSON.stringify(t.layout)})`;
  return typeText(t);
}

/** An enum member as the schema writes it: bare when it is a plain name, else quoted. */
export function memberSource(m: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(m) ? m : JSON.stringify(m);
}
