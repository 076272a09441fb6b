// A throwaway stand-in for the real leaddef language server (lsp/main.ts), used only to build
// and test the editor harnesses before the real server exists. It understands just enough of a
// .leaddef file to publish an "unknown field" diagnostic, complete field paths after `.`, and
// show a field's type on hover. Started as `node test/mock-lsp/server.mjs --stdio`.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import lsp from "vscode-languageserver/node.js";
import { TextDocument } from "vscode-languageserver-textdocument";

const { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, DiagnosticSeverity, CompletionItemKind, MarkupKind } = lsp;
const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

/** Fields declared in `text`'s schema blocks and, one level deep, in the files it imports. */
function schemaOf(text, uri, seen = new Set()) {
  const fields = new Map();
  if (seen.has(uri)) return fields;
  seen.add(uri);
  for (const block of text.matchAll(/^\s*schema\s*\{([^}]*)\}/gm)) {
    for (const m of block[1].matchAll(/^\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)\s*:\s*([^#\n]+?)\s*(?:#.*)?$/gm)) fields.set(m[1], m[2]);
  }
  if (uri.startsWith("file:")) {
    for (const m of text.matchAll(/^\s*import\s+"([^"]+)"/gm)) {
      const target = resolve(dirname(fileURLToPath(uri)), m[1]);
      try {
        const other = documents.get(pathToFileURL(target).href)?.getText() ?? readFileSync(target, "utf8");
        for (const [k, v] of schemaOf(other, pathToFileURL(target).href, seen)) fields.set(k, v);
      } catch {
        // a missing import is the real server's business
      }
    }
  }
  return fields;
}

/** Field-path uses outside schema blocks, comments and strings: [{ path, start, end }]. */
function fieldUses(text) {
  const masked = text
    .replace(/^\s*schema\s*\{[^}]*\}/gm, (s) => s.replace(/[^\n]/g, " "))
    .replace(/"(?:[^"\\\n]|\\.)*"/g, (s) => " ".repeat(s.length))
    .replace(/#[^\n]*/g, (s) => " ".repeat(s.length));
  return [...masked.matchAll(/(?<![\w.])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+/g)].map((m) => ({ path: m[0], start: m.index, end: m.index + m[0].length }));
}

function distance(a, b) {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

function validate(doc) {
  const text = doc.getText();
  const fields = schemaOf(text, doc.uri);
  const diagnostics = [];
  for (const use of fieldUses(text)) {
    if (fields.has(use.path)) continue;
    const best = [...fields.keys()].sort((x, y) => distance(use.path, x) - distance(use.path, y))[0];
    diagnostics.push({
      range: { start: doc.positionAt(use.start), end: doc.positionAt(use.end) },
      severity: DiagnosticSeverity.Error,
      code: "LD1001",
      source: "leaddef",
      message: `unknown field \`${use.path}\`` + (best && distance(use.path, best) <= 3 ? `; did you mean \`${best}\`?` : ""),
    });
  }
  connection.sendDiagnostics({ uri: doc.uri, diagnostics });
}

connection.onInitialize(() => ({
  capabilities: {
    textDocumentSync: TextDocumentSyncKind.Full,
    completionProvider: { triggerCharacters: ["."] },
    hoverProvider: true,
    // Same id as the extension's own command: the extension must not register it twice.
    executeCommandProvider: { commands: ["leaddef.runExamples"] },
  },
  serverInfo: { name: "leaddef-mock", version: "0.0.0" },
}));

documents.onDidChangeContent((e) => validate(e.document));

connection.onCompletion(({ textDocument: { uri }, position }) => {
  const doc = documents.get(uri);
  if (!doc) return [];
  const line = doc.getText({ start: { line: position.line, character: 0 }, end: position });
  const m = /((?:[A-Za-z_]\w*\.)+)([A-Za-z_]\w*)?$/.exec(line);
  const fields = schemaOf(doc.getText(), uri);
  if (!m) return ["and", "or", "not", "when", "in", "contains"].map((label) => ({ label, kind: CompletionItemKind.Keyword }));
  const prefix = m[1];
  const next = new Map();
  for (const [path, type] of fields) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length).split(".");
    next.set(rest[0], rest.length === 1 ? type : undefined);
  }
  return [...next].map(([label, type]) => ({
    label,
    kind: type ? CompletionItemKind.Field : CompletionItemKind.Module,
    detail: type ? `${prefix}${label}: ${type}` : undefined,
  }));
});

connection.onHover(({ textDocument: { uri }, position }) => {
  const doc = documents.get(uri);
  if (!doc) return null;
  const offset = doc.offsetAt(position);
  const text = doc.getText();
  const fields = schemaOf(text, uri);
  for (const m of text.matchAll(/(?<![\w.])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+/g)) {
    if (offset < m.index || offset > m.index + m[0].length || !fields.has(m[0])) continue;
    return {
      contents: { kind: MarkupKind.Markdown, value: "```leaddef\n" + `${m[0]}: ${fields.get(m[0])}` + "\n```" },
      range: { start: doc.positionAt(m.index), end: doc.positionAt(m.index + m[0].length) },
    };
  }
  return null;
});

connection.onExecuteCommand(({ command, arguments: args }) =>
  command === "leaddef.runExamples" ? `mock server: no examples run in ${args?.[0]}` : null,
);

documents.listen(connection);
connection.listen();
