/**
 * The language server: the one module that speaks LSP. It keeps the open documents, re-checks
 * them (and the open files that import them) shortly after each change, and answers each request
 * by calling a pure feature function on the document's compilation and converting the answer.
 */
import lsp from "vscode-languageserver/node.js";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { CompileResult } from "../compiler/compile.js";
import { VERSION } from "../compiler/version.js";
import { formatDateDays, todayDays } from "../language/literals.js";
import { baseName } from "../language/source.js";
import { codeActions } from "./features/code-actions.js";
import { exampleReport, examplesText, reportFromOutcomes, runOneExample, RUN_EXAMPLES_COMMAND, type ExampleReport } from "./features/code-lens.js";
import { complete } from "./features/completion.js";
import { coverageHints, coverageHintsSetting, DEFAULT_COVERAGE_HINTS, type CoverageHintsSetting } from "./features/coverage-hints.js";
import { definition, references } from "./features/definition.js";
import { foldingRanges } from "./features/folding.js";
import { formatDocument, formatRange } from "./features/formatting.js";
import { hover } from "./features/hover.js";
import { prepareRename, rename } from "./features/rename.js";
import { encodedSemanticTokens, encodeSemanticTokens, semanticTokens, TOKEN_MODIFIERS, TOKEN_TYPES } from "./features/semantic-tokens.js";
import { semanticTokensEdits } from "./features/semantic-tokens-delta.js";
import { documentSymbols, workspaceSymbols } from "./features/symbols.js";
import * as C from "./convert.js";
import { ExampleRuns } from "./example-runs.js";
import { Workspace } from "./workspace.js";

const { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, ResponseError } = lsp;

/** How long after the last keystroke a document is re-checked. */
const DEBOUNCE_MS = 75;
export const SERVER_COMMANDS = [RUN_EXAMPLES_COMMAND];

/**
 * The library's own parts read `initialize`'s `capabilities` without checking it is there
 * (`capabilities.workspace`); a client that leaves it out must get an answer, not an error.
 * This wraps each part so that it sees `{}` for missing or malformed capabilities.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const tolerant = (Base: any) => class extends Base {
  initialize(capabilities: unknown): void {
    super.initialize(capabilities && typeof capabilities === "object" ? capabilities : {});
  }
};
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const TOLERANT_FEATURES: any = {
  __brand: "features",
  console: tolerant, tracer: tolerant, telemetry: tolerant, client: tolerant,
  window: tolerant, workspace: tolerant, languages: tolerant, notebooks: tolerant,
};

type Position = { line: number; character: number };

/** A document URI from request params, or undefined when the params do not carry one. */
function docUri(p: unknown): string | undefined {
  const uri = (p as { textDocument?: { uri?: unknown } } | null | undefined)?.textDocument?.uri;
  return typeof uri === "string" ? uri : undefined;
}

function isPosition(x: unknown): x is Position {
  const p = x as Position | null | undefined;
  return typeof p?.line === "number" && typeof p.character === "number" && Number.isFinite(p.line) && Number.isFinite(p.character);
}

function isRange(x: unknown): x is { start: Position; end: Position } {
  const r = x as { start?: unknown; end?: unknown } | null | undefined;
  return isPosition(r?.start) && isPosition(r?.end);
}

export interface ServerOptions {
  /** Streams to talk over instead of the process's (`--stdio`, `--node-ipc`, ... from argv). */
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

/** Starts the leaddef language server on stdio (or the given streams) and returns its connection. */
export function startServer(options: ServerOptions = {}): lsp.Connection {
  // With no transport flag on the command line (`--stdio`, `--node-ipc`, `--socket=`, `--pipe=`),
  // stdio is the default rather than an error.
  const transportFlag = process.argv.some((a) => /^--(stdio|node-ipc|socket=|pipe=|clientProcessId)/.test(a));
  const input = options.input ?? (transportFlag ? undefined : process.stdin);
  const output = options.output ?? (transportFlag ? undefined : process.stdout);
  const features = lsp.combineFeatures(ProposedFeatures.all, TOLERANT_FEATURES);
  const connection = input && output
    ? createConnection(features, input, output)
    : createConnection(features);
  const documents = new TextDocuments(TextDocument);
  const workspace = new Workspace();
  const timers = new Map<string, NodeJS.Timeout>();
  const reports = new WeakMap<CompileResult, ExampleReport>();
  const exampleRuns = new ExampleRuns();
  let asOf: string | undefined;
  /** The client can be asked to fetch code lenses again once a document's examples have run. */
  let lensRefresh = false;
  /** `leaddef.coverageHints`, from initializationOptions and later didChangeConfiguration. */
  let hintsSetting: CoverageHintsSetting = DEFAULT_COVERAGE_HINTS;
  /** The LD3006 hints per compilation, under the current setting (replaced when it changes). */
  let hints = new WeakMap<CompileResult, lsp.Diagnostic[]>();

  const log = (message: string) => {
    try {
      connection.console.error(`leaddef: ${message}`);
    } catch {
      // the connection may be gone
    }
  };

  /** Runs a request handler; any throw becomes a logged error and the fallback answer. */
  function safe<P, R, F>(name: string, fallback: F, fn: (params: P) => R): (params: P) => R | F {
    return (params: P) => {
      try {
        return fn(params);
      } catch (err) {
        if (err instanceof ResponseError) throw err;
        log(`${name} failed: ${(err as Error)?.stack ?? String(err)}`);
        return fallback;
      }
    };
  }

  const reportFor = (result: CompileResult): ExampleReport => {
    let r = reports.get(result);
    if (!r) {
      r = exampleReport(result, asOf ?? formatDateDays(todayDays()));
      reports.set(result, r);
    }
    return r;
  };

  /** The coverage hints of a compilation: computed beside its example run, off the keystroke path. */
  const hintsFor = (result: CompileResult): lsp.Diagnostic[] => {
    let h = hints.get(result);
    if (!h) {
      h = coverageHints(result, asOf ?? formatDateDays(todayDays()), hintsSetting).map((d) => C.toLspDiagnostic(d, d.range!)) as lsp.Diagnostic[];
      hints.set(result, h);
    }
    return h;
  };

  const uriOf = (path: string) => workspace.uriOf(path);

  /** The example failures last published per document, carried into the next publish until the examples have run again. */
  const publishedProblems = new Map<string, lsp.Diagnostic[]>();
  // The last whole-file tokens sent per document, so the next request can be answered as a delta.
  const sentTokens = new Map<string, { resultId: string; data: Int32Array }>();
  let tokensSent = 0;

  /**
   * Publishes a document's diagnostics. The checker's go out at once, with the example failures
   * last published (so they do not flicker on every keystroke); the examples run later, off this
   * path (`ExampleRuns`: after a quiet moment, a slice at a time, cancelled by the next edit),
   * and the document is republished if its example failures changed.
   */
  function publish(uri: string): void {
    try {
      const doc = documents.get(uri);
      if (!doc) return;
      if (workspace.tooLarge(uri)) {
        connection.sendDiagnostics({
          uri,
          version: doc.version,
          diagnostics: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 2, source: "leaddef", message: "this file is too large for the editor features; run `leaddef check` on it instead" }],
        });
        return;
      }
      const result = workspace.result(uri);
      if (!result) return;
      const model = result.analysis.entry;
      const own = result.diagnostics.filter((d) => d.file === model.path).map((d) => C.toLspDiagnostic(d, d.range ?? model.lines.range(d.span))) as lsp.Diagnostic[];
      const send = (problems: lsp.Diagnostic[]) => {
        publishedProblems.set(uri, problems);
        connection.sendDiagnostics({ uri, version: doc.version, diagnostics: [...own, ...problems] });
      };
      // What running the examples gives: failing expectations, then the coverage hints.
      const problemsOf = (report: ExampleReport) => [...report.problems.map((p) => C.toLspDiagnostic(p, p.range)) as lsp.Diagnostic[], ...hintsFor(result)];
      const ready = reports.get(result);
      // With errors there is nothing to run (`hasErrors`: asking for the program would lower it here).
      if (ready || result.analysis.hasErrors) {
        send(ready ? problemsOf(ready) : []);
        return;
      }
      const previous = publishedProblems.get(uri) ?? [];
      send(previous);
      exampleRuns.start(uri, result, asOf ?? formatDateDays(todayDays()), (report) => {
        reports.set(result, report);
        // A newer version is on its way; it will run the examples itself.
        if (documents.get(uri)?.version !== doc.version || workspace.lastResult(uri) !== result) return;
        const problems = problemsOf(report);
        if (JSON.stringify(problems) !== JSON.stringify(previous)) send(problems);
        if (lensRefresh) void connection.sendRequest("workspace/codeLens/refresh").catch(() => undefined);
      }, (err) => log(`running the examples of ${uri} failed: ${(err as Error)?.stack ?? String(err)}`));
    } catch (err) {
      log(`checking ${uri} failed: ${(err as Error)?.stack ?? String(err)}`);
    }
  }

  function schedule(uri: string): void {
    clearTimeout(timers.get(uri));
    const timer = setTimeout(() => {
      timers.delete(uri);
      publish(uri);
    }, DEBOUNCE_MS);
    timer.unref?.();
    timers.set(uri, timer);
  }

  /** Re-checks `uri` and every open document that imports it; their example runs are stale. */
  function changed(uri: string): void {
    const dependents = workspace.dependents(uri);
    exampleRuns.cancel(uri);
    schedule(uri);
    for (const d of dependents) {
      exampleRuns.cancel(d);
      schedule(d);
    }
  }

  /**
   * The document, its compilation and the offset of the params' position, or undefined for an
   * unknown document or params without a usable document (and position, when `needsPosition`).
   */
  function at(p: unknown, needsPosition = false) {
    const uri = docUri(p);
    if (!uri) return undefined;
    const doc = documents.get(uri);
    if (!doc) return undefined;
    const position = (p as { position?: unknown }).position;
    if (needsPosition && !isPosition(position)) return undefined;
    const result = workspace.result(uri);
    if (!result) return undefined;
    const offset = isPosition(position) ? doc.offsetAt(position) : 0;
    return { uri, doc, result, offset, model: result.analysis.entry };
  }

  connection.onInitialize((params) => {
    // Every field is optional in practice: clients send less than the protocol says.
    const roots: string[] = [];
    const folders = Array.isArray(params?.workspaceFolders) ? params.workspaceFolders : [];
    for (const f of folders) if (typeof f?.uri === "string") roots.push(workspace.pathOf(f.uri));
    if (roots.length === 0 && typeof params?.rootUri === "string") roots.push(workspace.pathOf(params.rootUri));
    else if (roots.length === 0 && typeof params?.rootPath === "string") roots.push(params.rootPath);
    workspace.roots = roots;
    const init = params?.initializationOptions as { asOf?: unknown; projectRoot?: unknown; coverageHints?: unknown } | null | undefined;
    if (typeof init?.asOf === "string" && /^\d{4}-\d{2}-\d{2}$/.test(init.asOf)) asOf = init.asOf;
    hintsSetting = coverageHintsSetting(init?.coverageHints) ?? hintsSetting;
    if (typeof init?.projectRoot === "string" && init.projectRoot !== "") workspace.projectRoot = init.projectRoot;
    lensRefresh = params?.capabilities?.workspace?.codeLens?.refreshSupport === true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: false },
        completionProvider: { triggerCharacters: [".", "[", "=", " "], resolveProvider: false },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        documentFormattingProvider: true,
        documentRangeFormattingProvider: true,
        foldingRangeProvider: true,
        codeActionProvider: { codeActionKinds: ["quickfix", "source.fixAll"] },
        codeLensProvider: { resolveProvider: false },
        semanticTokensProvider: { legend: { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] }, full: { delta: true }, range: true },
        executeCommandProvider: { commands: SERVER_COMMANDS },
      },
      serverInfo: { name: "leaddef", version: VERSION },
    };
  });

  documents.onDidOpen((e) => {
    workspace.open(e.document.uri, e.document.getText(), e.document.version);
  });
  documents.onDidChangeContent((e) => {
    workspace.change(e.document.uri, e.document.getText(), e.document.version);
    changed(e.document.uri);
  });
  documents.onDidClose((e) => {
    const dependents = workspace.dependents(e.document.uri);
    workspace.close(e.document.uri);
    clearTimeout(timers.get(e.document.uri));
    exampleRuns.cancel(e.document.uri);
    publishedProblems.delete(e.document.uri);
    sentTokens.delete(e.document.uri);
    connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    for (const d of dependents) schedule(d);
  });
  // VS Code sends `{ settings: { leaddef: { … } } }` (the extension synchronises its section).
  connection.onDidChangeConfiguration((p) => {
    const next = coverageHintsSetting((p?.settings as { leaddef?: { coverageHints?: unknown } } | null | undefined)?.leaddef?.coverageHints);
    if (next === undefined || next === hintsSetting) return;
    hintsSetting = next;
    hints = new WeakMap();
    for (const uri of workspace.openUris()) schedule(uri);
  });
  connection.onDidChangeWatchedFiles(() => {
    workspace.filesChanged();
    for (const uri of workspace.openUris()) schedule(uri);
  });

  connection.onCompletion(safe("completion", null, (p: lsp.CompletionParams) => {
    const a = at(p, true);
    if (!a) return null;
    return C.toCompletionList(complete(a.result, a.offset, undefined, () => workspace.dataColumns()), (span) => a.model.lines.range(span)) as lsp.CompletionList;
  }));

  connection.onHover(safe("hover", null, (p: lsp.HoverParams) => {
    const a = at(p, true);
    if (!a) return null;
    const h = hover(a.result, a.offset);
    return h ? (C.toHover(h.markdown, h.range) as lsp.Hover) : null;
  }));

  connection.onDefinition(safe("definition", null, (p: lsp.DefinitionParams) => {
    const a = at(p, true);
    if (!a) return null;
    const d = definition(a.result, a.offset);
    return d ? C.toLocation(d, uriOf) : null;
  }));

  connection.onReferences(safe("references", [], (p: lsp.ReferenceParams) => {
    const a = at(p, true);
    if (!a) return [];
    const others = workspace.workspaceResults().filter((r) => r !== a.result);
    return references(a.result, a.offset, { includeDeclaration: p?.context?.includeDeclaration !== false, others }).map((l) => C.toLocation(l, uriOf));
  }));

  connection.onPrepareRename(safe("prepareRename", null, (p: lsp.PrepareRenameParams) => {
    const a = at(p, true);
    if (!a) return null;
    const r = prepareRename(a.result, a.offset);
    if ("error" in r) throw new ResponseError(-32803, r.error);
    return r;
  }));

  connection.onRenameRequest(safe("rename", null, (p: lsp.RenameParams) => {
    const a = at(p, true);
    if (!a) return null;
    const others = workspace.workspaceResults().filter((r) => r !== a.result);
    if (typeof p.newName !== "string") throw new ResponseError(-32602, "rename needs `newName`, a string");
    const r = rename(a.result, a.offset, p.newName, { others });
    if ("error" in r) throw new ResponseError(-32803, r.error);
    return C.toWorkspaceEdit(r.edits, uriOf);
  }));

  connection.onDocumentSymbol(safe("documentSymbol", [], (p: lsp.DocumentSymbolParams) => {
    const a = at(p);
    return a ? (documentSymbols(a.result).map(C.toDocumentSymbol) as lsp.DocumentSymbol[]) : [];
  }));

  connection.onWorkspaceSymbol(safe("workspaceSymbol", [], (p: lsp.WorkspaceSymbolParams) => {
    return workspaceSymbols(workspace.workspaceResults(), String(p?.query ?? "")).map((s) => C.toWorkspaceSymbol(s, uriOf)) as lsp.SymbolInformation[];
  }));

  connection.onDocumentFormatting(safe("formatting", [], (p: lsp.DocumentFormattingParams) => {
    const uri = docUri(p);
    const doc = uri ? documents.get(uri) : undefined;
    if (!doc || workspace.tooLarge(doc.uri)) return [];
    const f = formatDocument(doc.getText());
    if (f.error) log(f.error);
    return C.toTextEdits(f.edits);
  }));

  connection.onDocumentRangeFormatting(safe("rangeFormatting", [], (p: lsp.DocumentRangeFormattingParams) => {
    const uri = docUri(p);
    const doc = uri ? documents.get(uri) : undefined;
    if (!doc || workspace.tooLarge(doc.uri) || !isRange(p.range)) return [];
    return C.toTextEdits(formatRange(doc.getText(), p.range).edits);
  }));

  connection.onFoldingRanges(safe("foldingRange", [], (p: lsp.FoldingRangeParams) => {
    const a = at(p);
    return a ? (foldingRanges(a.result).map(C.toFoldingRange) as lsp.FoldingRange[]) : [];
  }));

  connection.onCodeAction(safe("codeAction", [], (p: lsp.CodeActionParams) => {
    const a = at(p);
    if (!a || !isRange(p.range)) return [];
    const span = { start: a.doc.offsetAt(p.range.start), end: a.doc.offsetAt(p.range.end) };
    const only = Array.isArray(p.context?.only) ? p.context.only.filter((k): k is string => typeof k === "string") : undefined;
    return codeActions(a.result, span, only ? { only } : {}).map((x) => C.toCodeAction(x, uriOf)) as lsp.CodeAction[];
  }));

  connection.onCodeLens(safe("codeLens", [], (p: lsp.CodeLensParams) => {
    const a = at(p);
    if (!a) return [];
    // Lenses never wait for the examples: until they have run, each says just "▶ run" (the
    // client is asked to refresh them after the run, when it supports that).
    const report = reports.get(a.result) ?? reportFromOutcomes(a.result, undefined);
    return report.lenses.map((l) => C.toCodeLens(l, a.uri, RUN_EXAMPLES_COMMAND));
  }));

  // What was last sent per document, kept as typed integers for the next delta (see `encodedSemanticTokens`).
  const allTokens = (uri: string, result: CompileResult): { resultId: string; data: Int32Array } => {
    const sent = { resultId: String(++tokensSent), data: encodedSemanticTokens(result) };
    sentTokens.set(uri, sent);
    return sent;
  };
  const asSent = (t: { resultId: string; data: Int32Array }) => ({ resultId: t.resultId, data: Array.from(t.data) });
  connection.languages.semanticTokens.on(safe("semanticTokens", { data: [] }, (p: lsp.SemanticTokensParams) => {
    const a = at(p);
    return a ? asSent(allTokens(a.uri, a.result)) : { data: [] };
  }));
  // After a keystroke only a few integers change (the encoding is relative): send those.
  connection.languages.semanticTokens.onDelta(safe("semanticTokensDelta", { data: [] }, (p: lsp.SemanticTokensDeltaParams) => {
    const a = at(p);
    if (!a) return { data: [] };
    const before = sentTokens.get(a.uri);
    const now = allTokens(a.uri, a.result);
    if (!before || before.resultId !== p.previousResultId) return asSent(now);
    return { resultId: now.resultId, edits: semanticTokensEdits(before.data, now.data) };
  }));
  // The visible lines only (VS Code asks for them first on a large file): work in proportion to the range.
  connection.languages.semanticTokens.onRange(safe("semanticTokensRange", { data: [] }, (p: lsp.SemanticTokensRangeParams) => {
    const a = at(p);
    const range = p?.range;
    if (!a || !isRange(range)) return { data: [] };
    const span = { start: a.model.lines.offset(range.start), end: a.model.lines.offset(range.end) };
    return { data: encodeSemanticTokens(semanticTokens(a.result, undefined, span)) };
  }));

  connection.onExecuteCommand(safe("executeCommand", null, (p: lsp.ExecuteCommandParams) => {
    if (p?.command !== RUN_EXAMPLES_COMMAND) throw new ResponseError(-32602, `unknown command \`${p?.command}\``);
    const args = Array.isArray(p.arguments) ? p.arguments : [];
    const uri = args[0];
    if (typeof uri !== "string") throw new ResponseError(-32602, `${RUN_EXAMPLES_COMMAND} takes the document URI`);
    const index = args[1];
    if (index !== undefined && index !== null && !(typeof index === "number" && Number.isInteger(index) && index >= 0)) {
      throw new ResponseError(-32602, `${RUN_EXAMPLES_COMMAND}: the example index must be a whole number from 0`);
    }
    const result = workspace.resultOrDisk(uri);
    if (!result) throw new ResponseError(-32803, `cannot read ${uri}`);
    const fileName = baseName(result.analysis.entry.path);
    let text: string;
    if (typeof index === "number") {
      // A lens runs just its own example.
      const one = runOneExample(result, index, asOf ?? formatDateDays(todayDays()));
      if (one.error) throw new ResponseError(-32602, `${fileName}: ${one.error}`);
      text = examplesText(one, fileName);
    } else {
      text = examplesText(reportFor(result), fileName);
    }
    connection.console.log(text);
    return text;
  }));

  documents.listen(connection);
  connection.listen();
  return connection;
}
