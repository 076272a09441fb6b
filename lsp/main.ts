/**
 * Entry point: `node dist/lsp/main.js --stdio`. Importing this module does not start anything;
 * it starts the server only when it is the program being run (or bundled as one, as the VS Code
 * extension's dist/server.js). The CLI's `leaddef lsp --stdio` should import `startServer` from
 * `lsp/server.ts` instead, so that bundling the CLI never pulls in this check.
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startServer } from "./server.js";

export { startServer };

function isMain(): boolean {
  const argv1 = process.argv[1];
  if (!argv1) return false;
  try {
    return realpathSync(argv1) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  process.on("uncaughtException", (err) => {
    process.stderr.write(`leaddef language server: ${err?.stack ?? String(err)}\n`);
  });
  startServer();
}
