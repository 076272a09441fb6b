import type { IrProgram } from "../ir.js";
import type { InputFormat } from "./sources/inputs.js";

/**
 * The notice for a definition that reads event streams when nothing supplies them: a CSV row
 * carries no events, so every lead is scored with none. Every command that reads leads (`run`,
 * `report`, `sweep`, `outcomes`, `diff`) says it when given a CSV file and no `--events`; empty
 * when the definition reads no stream or the input is JSON Lines (whose objects hold the streams).
 */
export function streamsNotSupplied(ir: IrProgram, inputFormat: InputFormat): string[] {
  const streams = ir.streams.map((s) => s.name);
  if (streams.length === 0 || inputFormat !== "csv") return [];
  return [`the definition reads event streams (${streams.join(", ")}) but a CSV row carries none: every lead has no events; give them with --events ${streams[0]}=FILE`];
}
