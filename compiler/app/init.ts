/**
 * `leaddef init --from export.csv [-o starter.leaddef] [--sample N]`: samples a CRM export and
 * writes a starter definition (see compiler/infer/). This module is the command's I/O only.
 */

import { closeSync, existsSync, openSync, readSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { Option, type Command } from "./commander.js";
import { overwrittenInput } from "./distinct-files.js";
import { DEFAULT_SAMPLE_ROWS, inferStarter } from "../infer/index.js";

/** How much of the file `init` reads at most: a sample, not the whole export. */
export const SAMPLE_BYTES = 16 * 1024 * 1024;

/** The first `maxBytes` of a file as UTF-8 text, and whether that was the whole file. */
export function readPrefix(path: string, maxBytes = SAMPLE_BYTES): { text: string; complete: boolean } {
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.alloc(maxBytes);
    let filled = 0;
    for (;;) {
      const n = readSync(fd, buffer, filled, maxBytes - filled, null);
      if (n === 0) break;
      filled += n;
      if (filled === maxBytes) break;
    }
    const complete = filled < maxBytes || readSync(fd, Buffer.alloc(1), 0, 1, null) === 0;
    // `stream: true` holds back a character cut in half by the byte limit instead of mangling it.
    const text = new TextDecoder("utf-8").decode(buffer.subarray(0, filled), { stream: !complete });
    return { text, complete };
  } finally {
    closeSync(fd);
  }
}

interface InitOptions {
  from: string;
  output?: string;
  sample: string;
  inputFormat?: "csv" | "jsonl";
  force?: boolean;
}

/** Registers `init` on the CLI. Exit codes: 0 written, 2 usage or I/O error (nothing written). */
export function registerInit(cli: Command): void {
  cli.command("init")
    .description("sample a CRM export (CSV or JSON Lines) and write a starter definition for it")
    .requiredOption("--from <path>", "the export: .csv (any of , ; tab | as delimiter) or .jsonl")
    .option("-o, --output <path>", "where to write the starter (default: standard output)")
    .option("--sample <rows>", "how many data rows to sample", String(DEFAULT_SAMPLE_ROWS))
    .addOption(new Option("--input-format <format>", "when the file name does not tell").choices(["csv", "jsonl"]))
    .option("--force", "overwrite the output file if it exists")
    .action((opts: InitOptions) => {
      const rows = Number(opts.sample);
      if (!Number.isInteger(rows) || rows < 1) return fail(`--sample needs a whole number of rows, 1 or more, not \`${opts.sample}\``);
      if (opts.output && existsSync(opts.output) && !opts.force) {
        return fail(`${opts.output} exists; pass --force to overwrite it`);
      }
      const overwrites = overwrittenInput([opts.from], [{ flag: "-o", path: opts.output }]);
      if (overwrites) return fail(overwrites);
      const { text, complete } = readPrefix(opts.from);
      let starter;
      try {
        starter = inferStarter(text, { source: basename(opts.from), sampleRows: rows, complete, format: opts.inputFormat });
      } catch (e) {
        return fail(`${opts.from}: ${(e as Error).message}`);
      }
      if (!opts.output) {
        process.stdout.write(starter.text);
        return;
      }
      writeFileSync(opts.output, starter.text);
      const { sample, columns } = starter;
      const skipped = sample.trailerLines > 0 ? `, ${sample.trailerLines} report trailer line${sample.trailerLines === 1 ? "" : "s"} skipped` : "";
      const delimiter = sample.format === "csv" ? `, delimiter ${JSON.stringify(sample.delimiter)}` : "";
      process.stderr.write(`${opts.output}: ${columns.length} fields from ${sample.rows} sampled rows${delimiter}${skipped}\n`);
    });
}

function fail(message: string): void {
  process.stderr.write(`leaddef: ${message}\n`);
  process.exitCode = 2;
}
