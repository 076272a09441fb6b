import type { Program } from "../../runtime/program.js";
import { badEventsProblem, type Reject } from "../reject.js";

/**
 * Writes a lead's event streams, read from `lead` (`{ activity: [...] }`, what `--events` files
 * give for its id), into `vals` after its fields, where the evaluator reads them; a reject with
 * `run`'s reason when they do not read. The one place `run`, `report`, `sweep`, `outcomes` and
 * `diff` join `--events` files to a lead's values.
 */
export function streamValuesInto(program: Program, lead: Record<string, unknown>, vals: unknown[], id: string, line: number): Reject | undefined {
  try {
    const decoded = program.decodeStreams(lead);
    for (let s = 0; s < decoded.length; s++) vals[program.fields.length + s] = decoded[s];
    return undefined;
  } catch (e) {
    return { line, id, problems: [badEventsProblem(program.ir.streams.map((s) => s.name), (e as Error).message)] };
  }
}
