// Every engine's per-lead results are reduced to one checksum that must equal the hand-written
// reference. It is independent of row order but sensitive to which lead got which result:
//   n  = number of leads
//   a  = Σ (stageIndex * 1000003 + fit)
//   b  = Σ (idHash(id) + 1) * (stageIndex * 1009 + fit + 200)    idHash: FNV-1a, top 20 bits
// All sums stay below 2^53 for up to ~2.5M leads, so plain doubles are exact.

export const STAGES = ['none', 'mql', 'sal', 'sql'];
export const STAGE_INDEX = { none: 0, mql: 1, sal: 2, sql: 3 };

export function idHash(id) {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 12;
}

export class Checksum {
  constructor() {
    this.n = 0;
    this.a = 0;
    this.b = 0;
    this.stages = [0, 0, 0, 0];
  }
  add(id, stageIndex, fit) {
    if (!(stageIndex >= 0 && stageIndex <= 3) || !Number.isInteger(fit)) {
      throw new Error(`bad result for ${id}: stage ${stageIndex}, fit ${fit}`);
    }
    this.n++;
    this.a += stageIndex * 1000003 + fit;
    this.b += (idHash(id) + 1) * (stageIndex * 1009 + fit + 200);
    this.stages[stageIndex]++;
  }
  toString() {
    return `${this.n}:${this.a}:${this.b}`;
  }
}

/** Checksum of the first `n` leads' results held in typed arrays (stage index, fit). */
export function checksumArrays(ids, stage, fit, n) {
  const c = new Checksum();
  for (let i = 0; i < n; i++) c.add(ids[i], stage[i], fit[i]);
  return c;
}

/** Checksum of an `id,stage,fit` CSV text (header first). Ids are plain (no quoting needed). */
export function checksumCsvText(text) {
  const c = new Checksum();
  let pos = text.indexOf('\n') + 1;
  const header = text.slice(0, pos).trim().replace(/"/g, '');
  const cols = header.split(',');
  const iId = cols.indexOf('id');
  const iStage = cols.indexOf('stage');
  const iFit = cols.indexOf('fit');
  if (iId < 0 || iStage < 0 || iFit < 0) throw new Error(`output header lacks id,stage,fit: ${header}`);
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    let line = text.slice(pos, end);
    pos = end + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === '') continue;
    const cells = line.split(',').map((s) => (s.startsWith('"') ? s.slice(1, -1) : s));
    const stage = STAGE_INDEX[cells[iStage]];
    if (stage === undefined) throw new Error(`unknown stage '${cells[iStage]}' in output line: ${line}`);
    c.add(cells[iId], stage, Number(cells[iFit]));
  }
  return c;
}
