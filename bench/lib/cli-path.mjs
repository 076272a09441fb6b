// The CLI the bench runs: package.json's `bin` (the bundle `npm run build` writes under dist/cli/),
// what `npx leaddef` runs — the one place the bench scripts take its path from.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The built CLI's entry point, absolute. */
export const LEADDEF_CLI = join(root, JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).bin.leaddef);
