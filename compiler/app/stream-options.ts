import type { IrProgram } from "../ir.js";

/**
 * `--events activity=events.csv` / `--events-table activity=crm.activity`: NAME=VALUE pairs naming
 * one of the definition's event streams each. An unknown stream, a pair without `=` or a stream
 * given twice is a usage error (a RangeError the CLI turns into exit 2), never silently ignored.
 */
export function streamAssignments(pairs: readonly string[], ir: IrProgram, option: string): Record<string, string> {
  const out: Record<string, string> = {};
  const streams = ir.streams.map((s) => s.name);
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0 || eq === pair.length - 1) throw new RangeError(`${option} takes STREAM=VALUE, got \`${pair}\``);
    const name = pair.slice(0, eq);
    if (!streams.includes(name)) {
      throw new RangeError(streams.length
        ? `${option}: the definition has no event stream \`${name}\` (its streams: ${streams.join(", ")})`
        : `${option}: the definition declares no event streams`);
    }
    if (name in out) throw new RangeError(`${option}: stream \`${name}\` is given twice`);
    out[name] = pair.slice(eq + 1);
  }
  return out;
}
