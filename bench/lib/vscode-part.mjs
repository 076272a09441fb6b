// `npm run bench -- --vscode`, part 5: typing latency in the real VS Code (bench/vscode-typing.mjs)
// in its own process, printed as its table; skipped with the install command when code-server or
// Chromium is missing.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { missingEditor } from '../../test/vscode/harness.mjs';
import { vscodeTypingTable } from './vscode-typing-table.mjs';

/**
 * Runs bench/vscode-typing.mjs --json (with `args`, e.g. a smaller run); resolves with the table's
 * lines and the parsed payload (null when it was skipped or failed).
 */
export function vscodeTypingPart(root, log, args = []) {
  const missing = missingEditor();
  if (missing) return Promise.resolve({ lines: [`typing in the real VS Code: skipped — ${missing}`], data: null });
  log('[vscode] typing in the real VS Code (bench/vscode-typing.mjs, ~4 min)');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bench', 'vscode-typing.mjs'), '--json', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.on('close', (code) => {
      try {
        if (code !== 0) throw new Error(`exit ${code}`);
        const data = JSON.parse(stdout.trim().split('\n').pop());
        resolve({ lines: vscodeTypingTable(data), data });
      } catch (err) {
        resolve({ lines: [`typing in the real VS Code: FAILED (${err.message})`], data: null });
      }
    });
  });
}
