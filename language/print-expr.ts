import type * as A from "./ast.js";

/** Binding strength of an expression's top operator, higher binds tighter (the grammar's levels). */
function level(e: A.Expr): number {
  switch (e.kind) {
    case "Binary":
      switch (e.op) {
        case "or": return 1;
        case "and": return 2;
        case "+": case "-": return 5;
        case "*": case "/": return 6;
        default: return 4; // comparisons, contains, starts with, ends with
      }
    case "Unary": return e.op === "not" ? 3 : 7;
    case "InList": case "PresenceTest": return 4;
    default: return 8;
  }
}

/**
 * An expression printed from the tree, on one line, in the canonical spacing: what explanations,
 * reports and coverage show for a condition. Comments are not part of the tree, so a condition
 * written over several commented lines prints as the condition alone. Literals keep their
 * spelling (`100M`, `"52"`); parentheses the user wrote are kept.
 */
export function printExpr(e: A.Expr): string {
  switch (e.kind) {
    case "NumberLit": return e.raw;
    case "StringLit": return e.raw;
    case "DateLit": return e.raw;
    case "BoolLit": return String(e.value);
    case "ListLit": return `[${e.items.map(printExpr).join(", ")}]`;
    case "Ref": return e.path.text;
    case "Call": return `${e.callee.text}(${e.args.map(printExpr).join(", ")})`;
    case "AtLeast":
      return `at least ${e.count.kind === "NumberLit" ? e.count.raw : "?"} of ${e.list.kind === "ListLit" ? printExpr(e.list) : "[…]"}`;
    case "Paren": return `(${printExpr(e.inner)})`;
    case "Unary": {
      const inner = operand(e.operand, level(e));
      return e.op === "not" ? `not ${inner}` : `-${inner}`;
    }
    case "Binary": {
      const l = level(e);
      // Left-associative: the right operand needs parentheses at equal strength.
      return `${operand(e.left, l)} ${e.op} ${operand(e.right, l + (e.op === "and" || e.op === "or" ? 0 : 1))}`;
    }
    case "InList": return `${operand(e.operand, 5)} ${e.negated ? "not in" : "in"} ${e.list.kind === "ListLit" ? printExpr(e.list) : "[…]"}`;
    case "PresenceTest": return `${operand(e.operand, 5)} is ${e.missing ? "missing" : "present"}`;
    case "StreamQuery": return `${e.fn}(${streamFilters(e.stream.text, e.where, e.within)})`;
    case "Missing": return "…";
  }
}

/** `S where COND within N days`, as a stream query and a `per` line write it. */
export function streamFilters(stream: string, where: A.Expr | undefined, within: A.NumberLit | undefined): string {
  return [stream, where ? `where ${printExpr(where)}` : "", within ? `within ${within.raw} days` : ""].filter(Boolean).join(" ");
}

/** A `per` score line printed from the tree: `+5 per activity where … within 90 days decay 50% every 30 days max 20`. */
export function printPerLine(l: A.PerLine): string {
  return [
    l.raw, "per", streamFilters(l.stream.text, l.where, l.within),
    l.decay ? `decay ${l.decay.percent.raw}% every ${l.decay.every.raw} days` : "",
    l.max ? `max ${l.max.raw}` : "",
  ].filter(Boolean).join(" ");
}

function operand(e: A.Expr, min: number): string {
  const text = printExpr(e);
  return level(e) < min ? `(${text})` : text;
}
