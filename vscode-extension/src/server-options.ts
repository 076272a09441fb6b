import * as path from "node:path";
import { TransportKind, type ServerOptions } from "vscode-languageclient/node";

/**
 * How to start the language server: the bundled `dist/server.js`, or the file or executable the
 * user named in `leaddef.server.path`. Kept free of `vscode` so it can be tested with plain Node.
 * - `*.js|*.mjs|*.cjs` (other than the CLI): run with Node, `--stdio`.
 * - the leaddef CLI (`leaddef`, `leaddef.cmd`, `cli.js`): `leaddef lsp --stdio`.
 * - any other executable: run with `--stdio`.
 */
export function serverOptions(extensionDir: string, configuredPath: string): ServerOptions {
  const configured = configuredPath.trim();
  if (!configured) {
    const module = path.join(extensionDir, "dist", "server.js");
    return {
      run: { module, transport: TransportKind.stdio },
      debug: { module, transport: TransportKind.stdio, options: { execArgv: ["--nolazy", "--inspect=6019"] } },
    };
  }
  const base = path.basename(configured).toLowerCase();
  const isCli = base === "leaddef" || base === "leaddef.cmd" || base === "cli.js";
  if (/\.(c|m)?js$/.test(base)) {
    const module = configured;
    const args = isCli ? ["lsp"] : [];
    return { run: { module, args, transport: TransportKind.stdio }, debug: { module, args, transport: TransportKind.stdio } };
  }
  const args = isCli ? ["lsp"] : [];
  return {
    run: { command: configured, args, transport: TransportKind.stdio },
    debug: { command: configured, args, transport: TransportKind.stdio },
  };
}
