// The JSON line scanner's property, for the unit test and the fuzz job: scanning lines in order
// as a worker does, a line the scanner reads must be an object JSON.parse reads, with each field's
// value and the id's exactly the binder's (Object.is, so -0 is not 0), and no key the binder would
// note; a line it leaves is parsed and its keys noted, as the worker's fallback does.
import { isDeepStrictEqual } from "node:util";
import { JsonBinder } from "../../compiler/batch/js/binder.js";
import { JsonLineScanner, type LineBytes } from "../../compiler/batch/js/json-line-scanner.js";
import type { IrField } from "../../compiler/ir.js";

/** A field's raw value in a parsed row, as JsonBinder reads it in a row with no flat key (own properties only). */
export function fieldRead(obj: Record<string, unknown>, f: IrField): unknown {
  if (f.column !== f.path) return Object.hasOwn(obj, f.column) ? obj[f.column] : undefined;
  let v: unknown = obj;
  for (const s of f.segments) v = v !== null && typeof v === "object" && Object.hasOwn(v, s) ? (v as Record<string, unknown>)[s] : undefined;
  return v;
}

/** How many lines the scanner read, and every way it differed from JSON.parse and the binder. */
export function checkScannedLines(fields: readonly IrField[], idColumn: string, lines: readonly string[]): { read: number; problems: string[] } {
  const binder = new JsonBinder(fields, idColumn, Infinity);
  const scanner = JsonLineScanner.of(fields, idColumn, (p) => binder.knows(p));
  const problems: string[] = [];
  if (!scanner) return { read: 0, problems };
  let read = 0;
  for (const line of lines) {
    const bytes = Buffer.from(`${line}\n`, "utf8") as LineBytes;
    // the line as a file holds it (half a surrogate pair becomes U+FFFD)
    const text = bytes.toString("utf8", 0, bytes.length - 1);
    const scanned = scanner.scan(bytes, 0, bytes.length - 1);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      if (scanned) problems.push(`read a line JSON.parse refuses: ${text}`);
      continue;
    }
    const obj = parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
    if (!scanned) {
      if (obj) binder.noteUnknownKeys(obj);
      continue;
    }
    read++;
    if (!obj) {
      problems.push(`read a line that is not an object: ${text}`);
      continue;
    }
    const noted = binder.unknownColumns.length;
    binder.noteUnknownKeys(obj);
    if (binder.unknownColumns.length !== noted) problems.push(`read a line with keys to note (${binder.unknownColumns.slice(noted).join(", ")}): ${text}`);
    fields.forEach((f, i) => {
      const want = fieldRead(obj, f);
      if (!isDeepStrictEqual(scanner.raw[i], want)) problems.push(`${f.path}: read ${show(scanner.raw[i])}, JSON.parse gives ${show(want)}: ${text}`);
    });
    const id = Object.hasOwn(obj, idColumn) ? obj[idColumn] : undefined;
    if (!isDeepStrictEqual(scanner.id, id)) problems.push(`id: read ${show(scanner.id)}, JSON.parse gives ${show(id)}: ${text}`);
  }
  return { read, problems };
}

function show(v: unknown): string {
  return Object.is(v, -0) ? "-0" : v === undefined ? "undefined" : JSON.stringify(v);
}
