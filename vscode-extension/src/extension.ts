import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import { ExecuteCommandRequest, LanguageClient, type LanguageClientOptions } from "vscode-languageclient/node";
import { cliArgs, runCli } from "./cli";
import { serverOptions } from "./server-options";

/** Commands this extension registers itself; they ask the server when it offers the same id. */
const OWN_COMMANDS = new Set(["leaddef.runExamples", "leaddef.explainLead", "leaddef.showFunnel", "leaddef.restartServer"]);

let client: LanguageClient | undefined;
/** Command results. The client's own log and trace go to `serverOutput`. */
let output: vscode.OutputChannel;
let serverOutput: vscode.OutputChannel;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("leaddef");
  serverOutput = vscode.window.createOutputChannel("leaddef language server");
  context.subscriptions.push(output, serverOutput);

  context.subscriptions.push(
    vscode.commands.registerCommand("leaddef.runExamples", (...args: unknown[]) => runExamples(context, args)),
    vscode.commands.registerCommand("leaddef.explainLead", () => explainLead(context)),
    vscode.commands.registerCommand("leaddef.showFunnel", () => showFunnel(context)),
    vscode.commands.registerCommand("leaddef.restartServer", async () => {
      await stopClient();
      await startClient(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration("leaddef.server.path")) {
        await stopClient();
        await startClient(context);
      }
    }),
  );
  await startClient(context);
}

export function deactivate(): Thenable<void> | undefined {
  return stopClient();
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const configured = vscode.workspace.getConfiguration("leaddef").get<string>("server.path", "");
  const bundled = path.join(context.extensionPath, "dist", "server.js");
  if (!configured && !fs.existsSync(bundled)) {
    output.appendLine(`leaddef: no language server at ${bundled}; set "leaddef.server.path".`);
    return;
  }
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: "leaddef" }],
    // The `leaddef` section reaches the server as didChangeConfiguration (`leaddef.coverageHints`).
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.leaddef"), configurationSection: "leaddef" },
    outputChannel: serverOutput,
    traceOutputChannel: serverOutput,
    // The import boundary (docs/language.md, "Imports"); empty: the workspace folder.
    initializationOptions: {
      projectRoot: vscode.workspace.getConfiguration("leaddef").get<string>("projectRoot", "").trim() || undefined,
      coverageHints: vscode.workspace.getConfiguration("leaddef").get<string>("coverageHints", "uncovered"),
    },
  };
  // The id `leaddef` makes the client read the `leaddef.trace.server` setting.
  client = new LanguageClient("leaddef", "leaddef language server", serverOptions(context.extensionPath, configured), clientOptions);
  skipOwnCommands(client);
  try {
    await client.start();
  } catch (err) {
    output.appendLine(`leaddef: the language server did not start: ${String(err)}`);
    void vscode.window.showErrorMessage("leaddef: the language server did not start; see the \"leaddef\" output.");
  }
}

/**
 * vscode-languageclient registers a VS Code command for every id the server lists in
 * `executeCommandProvider`; an id the extension already registered would make that throw and
 * the client fail to start. Those ids are left out here and reached through our own commands.
 */
function skipOwnCommands(c: LanguageClient): void {
  const feature = c.getFeature(ExecuteCommandRequest.method);
  const register = feature.register.bind(feature);
  feature.register = (data) => {
    const commands = (data.registerOptions.commands ?? []).filter((id) => !OWN_COMMANDS.has(id));
    register({ ...data, registerOptions: { ...data.registerOptions, commands } });
  };
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) await c.stop().catch(() => undefined);
}

function asOfSetting(): string | undefined {
  const v = vscode.workspace.getConfiguration("leaddef").get<string>("asOf", "").trim();
  return v || undefined;
}

/** The active .leaddef document, saved so that the CLI reads what the user sees. */
async function activeLeaddefDocument(): Promise<vscode.TextDocument | undefined> {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc || doc.languageId !== "leaddef") {
    void vscode.window.showWarningMessage("leaddef: open a .leaddef file first.");
    return undefined;
  }
  if (doc.isDirty) await doc.save();
  return doc;
}

/** True when the running server says it handles `command` through workspace/executeCommand. */
function serverHandles(command: string): boolean {
  const commands = client?.initializeResult?.capabilities.executeCommandProvider?.commands ?? [];
  return client?.isRunning() === true && commands.includes(command);
}

function show(title: string, text: string): void {
  output.appendLine(`── ${title} ──`);
  output.appendLine(text.trimEnd());
  output.show(true);
}

function render(result: unknown): string {
  return typeof result === "string" ? result : JSON.stringify(result, null, 2);
}

/** Asks the server when it offers `command`, else runs the bundled CLI with `args`. */
async function runViaServerOrCli(
  context: vscode.ExtensionContext,
  title: string,
  command: string,
  serverArgs: unknown[],
  args: string[],
  cwd: string,
  /** The title when the CLI answers instead, if it does something different. */
  cliTitle: string = title,
): Promise<void> {
  if (serverHandles(command) && client) {
    try {
      const result = await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: serverArgs });
      show(title, render(result));
      return;
    } catch (err) {
      output.appendLine(`leaddef: the server failed ${command} (${String(err)}); trying the CLI`);
    }
  }
  // build.mjs writes dist/cli.js, or dist/cli.mjs when the CLI needs ES-module features.
  const cli = ["cli.js", "cli.mjs"].map((f) => path.join(context.extensionPath, "dist", f)).find((f) => fs.existsSync(f));
  if (!cli) {
    show(title, `leaddef: no CLI bundled in ${path.join(context.extensionPath, "dist")}`);
    return;
  }
  const res = await runCli(cli, args, cwd);
  show(`${cliTitle} (exit ${res.code})`, [res.stdout, res.stderr].filter((s) => s.trim()).join("\n"));
  if (res.code !== 0) void vscode.window.showWarningMessage(`leaddef: ${title} failed; see the "leaddef" output.`);
}

/**
 * From the palette: every example of the active file. From the server's code lens "▶ run":
 * `[uri, exampleIndex]`, which runs just that example (the server's `leaddef.runExamples` takes
 * the index; the CLI fallback has no per-example run, so it runs them all and says so).
 */
async function runExamples(context: vscode.ExtensionContext, args: unknown[]): Promise<void> {
  let doc: vscode.TextDocument | undefined;
  let serverArgs: unknown[];
  const index = typeof args[1] === "number" && Number.isInteger(args[1]) && args[1] >= 0 ? args[1] : undefined;
  if (typeof args[0] === "string") {
    doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(args[0]));
    if (doc.isDirty) await doc.save();
    serverArgs = index === undefined ? [args[0]] : [args[0], index];
  } else {
    doc = await activeLeaddefDocument();
    if (!doc) return;
    serverArgs = [doc.uri.toString()];
  }
  const file = doc.uri.fsPath;
  const title = index === undefined ? `examples in ${path.basename(file)}` : `example ${index + 1} in ${path.basename(file)}`;
  await runViaServerOrCli(context, title, "leaddef.runExamples", serverArgs,
    cliArgs.runExamples(file, asOfSetting()), path.dirname(file),
    index === undefined ? title : `examples in ${path.basename(file)} (the CLI runs them all)`);
}

async function explainLead(context: vscode.ExtensionContext): Promise<void> {
  const doc = await activeLeaddefDocument();
  if (!doc) return;
  const lead = await vscode.window.showInputBox({
    title: "leaddef: Explain a lead",
    prompt: "The lead as JSON, nested or with dotted keys",
    placeHolder: '{"company.industry": "telecom", "company.employees": 800}',
    ignoreFocusOut: true,
    validateInput: (text) => {
      try {
        const v = JSON.parse(text);
        return v && typeof v === "object" && !Array.isArray(v) ? undefined : "write a JSON object";
      } catch (err) {
        return `not JSON: ${(err as Error).message}`;
      }
    },
  });
  if (lead === undefined) return;
  const file = doc.uri.fsPath;
  const asOf = asOfSetting();
  await runViaServerOrCli(context, `explain (${path.basename(file)})`, "leaddef.explainLead",
    [doc.uri.toString(), JSON.parse(lead), asOf ?? null], cliArgs.explainLead(file, lead, asOf), path.dirname(file));
}

async function showFunnel(context: vscode.ExtensionContext): Promise<void> {
  const doc = await activeLeaddefDocument();
  if (!doc) return;
  const picked = await vscode.window.showOpenDialog({
    title: "leaddef: Show funnel for a data file",
    canSelectMany: false,
    defaultUri: vscode.Uri.file(path.dirname(doc.uri.fsPath)),
    filters: { "Lead data": ["jsonl", "ndjson", "csv"], "All files": ["*"] },
  });
  if (!picked?.[0]) return;
  const file = doc.uri.fsPath;
  const data = picked[0].fsPath;
  const asOf = asOfSetting();
  // The scored rows and rejects stay in a temp folder the output names, for the user to open.
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "leaddef-funnel-"));
  await runViaServerOrCli(context, `funnel of ${path.basename(data)}`, "leaddef.showFunnel",
    [doc.uri.toString(), picked[0].toString(), asOf ?? null], cliArgs.showFunnel(file, data, outDir, asOf), path.dirname(file));
}
