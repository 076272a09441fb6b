import { formatDateDays, parseDateDays, parseNumberLiteral } from "../language/literals.js";
import type { Analysis, ParamSymbol } from "../language/model.js";
import { closestName } from "../language/spelling.js";
import type { CompileResult } from "./compile.js";
import { lower, writtenParamValue, type ParamValue } from "./ir.js";
import { Program } from "./runtime/program.js";

/**
 * Parameters from the command line: `--param NAME=VALUE` read by the parameter's type, and the
 * programs that use the values. A parameter is a constant in the IR, so each set of values is
 * its own program (compiled from the one analysis: the file is parsed and checked once).
 */

/** A `--param` value that names no parameter or does not fit its type. The message is for people. */
export class ParamError extends Error {}

/** The parameters visible in the entry file (its own and imported), in declaration order. */
export function declaredParams(analysis: Analysis): ParamSymbol[] {
  return [...analysis.entry.names.values()].filter((s): s is ParamSymbol => s.kind === "param");
}

/** What a parameter holds, for messages: `integer`, `date`, `enum member`. */
export function paramTypeText(p: ParamSymbol): string {
  if (p.decl.value.kind === "Ref") return "enum member";
  return p.type.kind;
}

/** Splits `NAME=VALUE` (the value may itself contain `=`). */
export function splitAssignment(flag: string): { name: string; text: string } {
  const eq = flag.indexOf("=");
  if (eq <= 0) throw new ParamError(`--param takes NAME=VALUE, found \`${flag}\``);
  return { name: flag.slice(0, eq).trim(), text: flag.slice(eq + 1).trim() };
}

/** The parameter called `name`, or an error that lists the parameters and suggests the nearest. */
export function findParam(analysis: Analysis, name: string): ParamSymbol {
  const params = declaredParams(analysis);
  const found = params.find((p) => p.name === name);
  if (found) return found;
  if (params.length === 0) throw new ParamError(`unknown parameter \`${name}\`: the definition declares no parameters (write \`param ${name} = …\`)`);
  const near = closestName(name, params.map((p) => p.name));
  throw new ParamError(
    `unknown parameter \`${name}\`${near ? `; did you mean \`${near}\`?` : ""} (the parameters are ${params.map((p) => `\`${p.name}\``).join(", ")})`,
  );
}

/** Reads `text` as a value of parameter `p`, or throws a ParamError saying what was expected. */
export function readParamValue(p: ParamSymbol, text: string): ParamValue {
  const wrong = (expected: string) => new ParamError(`parameter \`${p.name}\` is ${expected}; \`${text}\` does not fit`);
  if (p.decl.value.kind === "Ref") {
    const enums = p.enums;
    if (enums.length === 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(text)) return text;
    const members = enums.length ? enums[0].members.filter((m) => enums.every((e) => e.members.includes(m))) : [];
    if (members.includes(text)) return text;
    const near = closestName(text, members);
    throw new ParamError(
      `parameter \`${p.name}\` is a member of ${enums[0]?.field ? `\`${enums[0].field}\`` : "an enum"}; \`${text}\` is not one${near ? ` (did you mean \`${near}\`?)` : ""}`,
    );
  }
  switch (p.type.kind) {
    case "integer": {
      const n = parseNumberText(text);
      if (Number.isNaN(n)) throw wrong("a whole number");
      if (!Number.isInteger(n)) {
        throw new ParamError(`parameter \`${p.name}\` is a whole number (written \`${p.written}\`); \`${text}\` is not (declare it \`param ${p.name} = ${p.written}.0\` to allow fractions)`);
      }
      return n;
    }
    case "number": {
      const n = parseNumberText(text);
      if (Number.isNaN(n)) throw wrong("a number");
      return n;
    }
    case "date": {
      const days = parseDateDays(text);
      if (Number.isNaN(days)) throw wrong("a date (YYYY-MM-DD)");
      return days;
    }
    case "boolean":
      if (text === "true" || text === "false") return text === "true";
      throw wrong("`true` or `false`");
    case "string":
      // A quoted value is taken without its quotes, so `--param code='"52"'` and `code=52` agree.
      return /^".*"$/s.test(text) ? text.slice(1, -1) : text;
    default:
      throw new ParamError(`parameter \`${p.name}\` has no usable value; fix the definition first`);
  }
}

/** A number as the language writes it (`1_000`, `2.5M`), with an optional sign. */
function parseNumberText(text: string): number {
  const negative = text.startsWith("-");
  const body = negative ? text.slice(1) : text;
  if (!/^\d[\d_]*(\.\d[\d_]*)?[KMB]?$/.test(body)) return NaN;
  const n = parseNumberLiteral(body);
  return negative ? -n : n;
}

/** Reads every `--param NAME=VALUE` flag; a later flag for the same name wins. */
export function paramOverrides(analysis: Analysis, flags: readonly string[]): Map<string, ParamValue> {
  const out = new Map<string, ParamValue>();
  for (const flag of flags) {
    const { name, text } = splitAssignment(flag);
    out.set(name, readParamValue(findParam(analysis, name), text));
  }
  return out;
}

/** The program with these parameter values (the compiled one when there are none). */
export function programWithParams(result: CompileResult, overrides: ReadonlyMap<string, ParamValue>): Program {
  if (result.analysis.hasErrors) throw new Error("internal: parameters on a definition with errors");
  if (overrides.size === 0) return result.program!;
  return new Program(lower(result.analysis.entry, result.analysis.files, overrides));
}

/** The most variants one sweep runs: each is a compiled program evaluated on every row. */
export const MAX_SWEEP_VALUES = 200;

/**
 * The values of a sweep: `a..b:step` (numbers; dates step in days) or `v1,v2,…`, each read by
 * the parameter's type. Ranges include both ends when the step lands on `b`.
 */
export function sweepValues(p: ParamSymbol, spec: string): ParamValue[] {
  const range = /^(.+?)\.\.(.+?):(.+)$/.exec(spec);
  let values: ParamValue[];
  if (range) {
    const kind = p.decl.value.kind === "Ref" ? "enum" : p.type.kind;
    if (kind !== "integer" && kind !== "number" && kind !== "date") {
      throw new ParamError(`a range \`a..b:step\` needs a number or date parameter; \`${p.name}\` is ${paramTypeText(p)}: list the values (\`a,b,c\`)`);
    }
    const from = readParamValue(p, range[1].trim()) as number;
    const to = readParamValue(p, range[2].trim()) as number;
    const step = parseNumberText(range[3].trim());
    if (!(step > 0)) throw new ParamError(`the step of \`${spec}\` must be a number above 0`);
    if (kind === "integer" && !Number.isInteger(step)) throw new ParamError(`\`${p.name}\` is a whole number, so the step must be one too`);
    if (to < from) throw new ParamError(`the range \`${spec}\` runs backwards; write the smaller value first`);
    const count = Math.floor((to - from) / step + 1e-9) + 1;
    if (count > MAX_SWEEP_VALUES) throw new ParamError(`\`${spec}\` gives ${count} values; a sweep takes at most ${MAX_SWEEP_VALUES}`);
    // Multiplying (not adding) keeps 0.1-steps from drifting: 40 + 3 * 0.1, not 40 + 0.1 + 0.1 + 0.1.
    values = Array.from({ length: count }, (_, i) => Number((from + i * step).toPrecision(12)));
  } else {
    values = spec.split(",").map((v) => v.trim()).filter((v) => v !== "").map((v) => readParamValue(p, v));
    if (values.length === 0) throw new ParamError(`\`--param ${p.name}=\` lists no values`);
    if (values.length > MAX_SWEEP_VALUES) throw new ParamError(`a sweep takes at most ${MAX_SWEEP_VALUES} values`);
  }
  return values;
}

/** A parameter value as people read it: dates as YYYY-MM-DD, the rest as they are. */
export function showParamValue(kind: string, value: ParamValue): string | number | boolean {
  return kind === "date" && typeof value === "number" ? formatDateDays(value) : value;
}

/** The value written in the file, for reports. */
export { writtenParamValue };
