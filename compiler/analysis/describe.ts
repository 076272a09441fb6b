import { formatDateDays } from "../../language/literals.js";
import { printExpr } from "../../language/print-expr.js";
import { irChildren, originOf, type IrExpr, type IrField } from "../ir.js";

/** A condition as people read it: printed from its syntax tree (so never with comments in it). */
export function conditionText(e: IrExpr): string {
  const origin = originOf(e);
  return origin ? printExpr(origin.node) : `(${e.k})`;
}

/** Where a condition is written: `file:line:col` (1-based), or undefined for a synthesised one. */
export function conditionLocation(e: IrExpr): { file: string; line: number; column: number } | undefined {
  const origin = originOf(e);
  if (!origin) return undefined;
  const p = origin.model.lines.position(origin.node.span.start);
  return { file: origin.model.path, line: p.line + 1, column: p.character + 1 };
}

/** The fields a condition reads, each once, in the order they appear. */
export function fieldsOf(e: IrExpr): IrField[] {
  const out: IrField[] = [];
  const visit = (x: IrExpr) => {
    if ((x.k === "field" || x.k === "presence") && !out.includes(x.field)) out.push(x.field);
    irChildren(x).forEach(visit);
  };
  visit(e);
  return out;
}

/** A bound value as people read it: dates as YYYY-MM-DD, lists joined, missing as `missing`. */
export function showValue(f: IrField, v: unknown): string {
  if (v === undefined || (typeof v === "number" && Number.isNaN(v))) return "missing";
  if (f.kind === "date") return formatDateDays(v as number);
  if (Array.isArray(v)) return `[${v.map((x) => JSON.stringify(x)).join(", ")}]`;
  if (typeof v === "string") return f.kind === "enum" ? v : JSON.stringify(v);
  return String(v);
}
