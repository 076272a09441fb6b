// leaddef's compiled evaluator: compile bench/bench.leaddef once, then program.evaluate per lead
// (or program.evaluateMany over the batch when the compiler provides it).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const DIST = fileURLToPath(new URL('../../dist/compiler/index.js', import.meta.url));
export const RULES = fileURLToPath(new URL('../bench.leaddef', import.meta.url));

export class Pending extends Error {}

function isError(d) {
  const s = d?.severity;
  return s === undefined || s === 'error' || s === 1 || s === 'Error';
}

function describe(d) {
  const where = d.range?.start ? `${(d.range.start.line ?? 0) + 1}:${(d.range.start.character ?? 0) + 1}` : d.line ?? '';
  return `  bench.leaddef:${where} ${d.message ?? JSON.stringify(d)}`;
}

/** Compiles bench/bench.leaddef; throws Pending when the compiler is not built yet. */
export async function compileBench() {
  if (!existsSync(DIST)) throw new Pending('pending (compiler not built: dist/compiler/index.js missing)');
  const mod = await import(DIST);
  if (typeof mod.compile !== 'function') throw new Pending('pending (dist/compiler/index.js does not export compile yet)');
  const { diagnostics = [], program } = mod.compile(readFileSync(RULES, 'utf8'), { path: RULES });
  const errors = diagnostics.filter(isError);
  if (errors.length || !program) {
    throw new Error(`leaddef could not compile bench/bench.leaddef:\n${errors.map(describe).join('\n') || '  (no program returned)'}`);
  }
  return program;
}

export async function setup({ asOf }) {
  const program = await compileBench();
  const opts = { asOf };
  const columns = typeof program.evaluateColumns === 'function';
  const batch = typeof program.evaluateMany === 'function';
  return {
    note: columns ? 'evaluateColumns' : batch ? 'evaluateMany' : 'evaluate per lead',
    run(leads, n, stage, fit, STAGE_INDEX) {
      if (columns) {
        const r = program.evaluateColumns(n === leads.length ? leads : leads.slice(0, n), opts);
        const names = program.stages.map((s) => STAGE_INDEX[s]);
        const none = STAGE_INDEX.none;
        for (let i = 0; i < n; i++) {
          const k = r.stage[i];
          stage[i] = k < 0 ? none : names[k];
          fit[i] = r.scores.fit[i];
        }
        return;
      }
      if (batch) {
        const results = program.evaluateMany(n === leads.length ? leads : leads.slice(0, n), opts);
        for (let i = 0; i < n; i++) {
          const r = results[i];
          stage[i] = STAGE_INDEX[r.stage];
          fit[i] = r.scores.fit;
        }
        return;
      }
      for (let i = 0; i < n; i++) {
        const r = program.evaluate(leads[i], opts);
        stage[i] = STAGE_INDEX[r.stage];
        fit[i] = r.scores.fit;
      }
    },
  };
}
