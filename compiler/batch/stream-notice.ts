import type { IrProgram } from "../ir.js";
import type { InputFormat } from "./sources/inputs.js";

/**
 * The notice for a definition that reads event streams when nothing supplies them: a CSV row
 * carries no events, so every lead is scored with none. The commands that join `--events` files
 * (`run`, `report`, `sweep`, `outcomes`) and `diff` (which reads streams only from JSON Lines
 * objects) all say it, each with its remedy; empty when the definition reads no stream or the input is JSON Lines (whose objects
 * hold the streams).
 */
export function streamsNotSupplied(ir: IrProgram, inputFormat: InputFormat, joinsEventFiles: boolean): string[] {
  const streams = ir.streams.map((s) => s.name);
  if (streams.length === 0 || inputFormat !== "csv") return [];
  const remedy = joinsEventFiles
    ? `give them with --events ${streams[0]}=FILE`
    : `this command takes no --events: give the leads as JSON Lines, each object with its ${streams.join(", ")} list`;
  return [`the definition reads event streams (${streams.join(", ")}) but a CSV row carries none: every lead has no events; ${remedy}`];
}
