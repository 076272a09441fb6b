// Whole conversations with the built language server over real stdio JSON-RPC:
// `node dist/lsp/main.js --stdio` (built by `npm run build`, which `npm test` runs first).
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
} from "vscode-languageserver-protocol/node";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const server = join(root, "dist", "lsp", "main.js");

interface Published {
  uri: string;
  version?: number;
  diagnostics: { range: { start: { line: number; character: number } }; code?: string | number; message: string; severity?: number }[];
}

class Client {
  readonly proc: ChildProcess;
  readonly conn: ProtocolConnection;
  readonly published: Published[] = [];
  readonly logs: string[] = [];
  private waiters: (() => void)[] = [];
  stderr = "";

  constructor() {
    this.proc = spawn(process.execPath, [server, "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
    this.proc.stderr!.on("data", (d) => (this.stderr += d));
    this.conn = createProtocolConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.conn.onNotification("textDocument/publishDiagnostics", (p: Published) => {
      this.published.push(p);
      for (const w of this.waiters.splice(0)) w();
    });
    this.conn.onNotification("window/logMessage", (p: { message: string }) => void this.logs.push(p.message));
    this.conn.listen();
  }

  /** Resolves with the first published diagnostics (from now on, or already seen after `since`) that satisfy `ok`. */
  diagnostics(uri: string, ok: (p: Published) => boolean, since = 0, timeoutMs = 10_000): Promise<Published> {
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri}; got ${JSON.stringify(this.published.filter((p) => p.uri === uri).slice(-2))}`)), timeoutMs);
      timer.unref();
      const test = () => {
        const hit = this.published.slice(since).find((p) => p.uri === uri && ok(p));
        if (hit) {
          clearTimeout(timer);
          resolvePromise(hit);
          return true;
        }
        return false;
      };
      if (test()) return;
      const again = () => {
        if (!test()) this.waiters.push(again);
      };
      this.waiters.push(again);
    });
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.conn.sendRequest(method, params) as Promise<R>;
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.conn.sendNotification(method, params);
  }
}

const MAIN = `import "common.leaddef"

criterion engaged when engagement.score >= 60

mql when icp_fit and engaged and company.employes > 10
sal when mql and sales.accepted

example "bank" {
  company.industry = financial_services
  company.employees = 4000
  engagement.score = 75
  sales.accepted = true
  as of 2026-11-22
  expect stage sal
}
`;

describe("language server over stdio", () => {
  let work: string;
  let client: Client;
  let mainUri: string;
  let commonUri: string;
  let otherUri: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "leaddef-lsp-"));
    cpSync(join(root, "test", "fixtures", "lsp"), work, { recursive: true });
    mainUri = pathToFileURL(join(work, "input.leaddef")).href;
    commonUri = pathToFileURL(join(work, "common.leaddef")).href;
    otherUri = pathToFileURL(join(work, "other.leaddef")).href;
    client = new Client();
    const init = await client.request<{ capabilities: Record<string, unknown>; serverInfo: { name: string; version: string } }>("initialize", {
      processId: process.pid,
      rootUri: pathToFileURL(work).href,
      workspaceFolders: [{ uri: pathToFileURL(work).href, name: "work" }],
      capabilities: {},
    });
    expect(init.serverInfo.name).toBe("leaddef");
    expect(init.serverInfo.version).toBe(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version);
    expect(init.capabilities).toMatchObject({
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
      documentFormattingProvider: true,
      executeCommandProvider: { commands: ["leaddef.runExamples"] },
      textDocumentSync: { change: 2 },
      semanticTokensProvider: { full: { delta: true }, range: true },
    });
    await client.notify("initialized", {});
    await client.notify("textDocument/didOpen", { textDocument: { uri: mainUri, languageId: "leaddef", version: 1, text: MAIN } });
  }, 30_000);

  afterAll(async () => {
    if (client?.proc.exitCode === null) client.proc.kill();
    rmSync(work, { recursive: true, force: true });
  });

  it("publishes diagnostics with codes, ranges and help", async () => {
    const p = await client.diagnostics(mainUri, (x) => x.diagnostics.length > 0);
    const unknown = p.diagnostics.find((d) => d.code === "LD1001");
    expect(unknown, JSON.stringify(p)).toBeDefined();
    expect(unknown!.message).toMatch(/^unknown field `company.employes`\nhelp: did you mean `company.employees`\?/);
    expect(unknown!.range.start).toEqual({ line: 4, character: 33 });
    expect(unknown!.severity).toBe(1);
  });

  it("answers completion, hover and definition", async () => {
    const completion = await client.request<{ items: { label: string; kind: number }[] }>("textDocument/completion", {
      textDocument: { uri: mainUri },
      position: { line: 5, character: 23 }, // after `sales.`
      context: { triggerKind: 2, triggerCharacter: "." },
    });
    expect(completion.items.map((i) => i.label)).toEqual(["accepted"]);

    const hover = await client.request<{ contents: { kind: string; value: string } }>("textDocument/hover", {
      textDocument: { uri: mainUri },
      position: { line: 2, character: 35 }, // engagement.score
    });
    expect(hover.contents.kind).toBe("markdown");
    expect(hover.contents.value).toContain("engagement.score: number");

    const def = await client.request<{ uri: string; range: { start: { line: number } } }>("textDocument/definition", {
      textDocument: { uri: mainUri },
      position: { line: 4, character: 11 }, // icp_fit
    });
    expect(def).toEqual({ uri: commonUri, range: { start: { line: 20, character: 10 }, end: { line: 20, character: 17 } } });
  });

  it("finds references and renames across the imported file and other workspace files", async () => {
    const refs = await client.request<{ uri: string }[]>("textDocument/references", {
      textDocument: { uri: mainUri },
      position: { line: 4, character: 11 },
      context: { includeDeclaration: true },
    });
    expect(new Set(refs.map((r) => r.uri))).toEqual(new Set([commonUri, mainUri, otherUri, pathToFileURL(join(work, "main.leaddef")).href]));

    const prep = await client.request<{ placeholder: string }>("textDocument/prepareRename", { textDocument: { uri: mainUri }, position: { line: 4, character: 11 } });
    expect(prep.placeholder).toBe("icp_fit");

    const edit = await client.request<{ changes: Record<string, { newText: string }[]> }>("textDocument/rename", {
      textDocument: { uri: mainUri },
      position: { line: 4, character: 11 },
      newName: "ideal_fit",
    });
    expect(Object.keys(edit.changes).sort()).toEqual([commonUri, mainUri, pathToFileURL(join(work, "main.leaddef")).href, otherUri].sort());
    expect(edit.changes[mainUri].map((e) => e.newText)).toEqual(["ideal_fit"]);

    await expect(
      client.request("textDocument/rename", { textDocument: { uri: mainUri }, position: { line: 4, character: 11 }, newName: "when" }),
    ).rejects.toThrow(/`when` is a keyword/);
    await expect(
      client.request("textDocument/prepareRename", { textDocument: { uri: mainUri }, position: { line: 4, character: 5 } }),
    ).rejects.toThrow(/keyword/);
  });

  it("formats, offers code actions, semantic tokens, symbols, folding and code lenses", async () => {
    const fmtUri = pathToFileURL(join(work, "fmt.leaddef")).href;
    const messy = "criterion  c  when   lead.a>1\n";
    await client.notify("textDocument/didOpen", { textDocument: { uri: fmtUri, languageId: "leaddef", version: 1, text: messy } });
    const formatting = await client.request<{ range: { start: { character: number }; end: { character: number } }; newText: string }[]>("textDocument/formatting", {
      textDocument: { uri: fmtUri },
      options: { tabSize: 2, insertSpaces: true },
    });
    expect(formatting).toHaveLength(1);
    const f = formatting[0];
    expect(messy.slice(0, f.range.start.character) + f.newText + messy.slice(f.range.end.character)).toBe("criterion c when lead.a > 1\n");
    await client.notify("textDocument/didClose", { textDocument: { uri: fmtUri } });

    const actions = await client.request<{ title: string; kind: string; edit: { changes: Record<string, { newText: string }[]> } }[]>("textDocument/codeAction", {
      textDocument: { uri: mainUri },
      range: { start: { line: 4, character: 35 }, end: { line: 4, character: 35 } },
      context: { diagnostics: [] },
    });
    const fix = actions.find((a) => a.title === "Change to `company.employees`");
    expect(fix, JSON.stringify(actions)).toBeDefined();
    expect(fix!.kind).toBe("quickfix");
    expect(fix!.edit.changes[mainUri]).toEqual([{ range: { start: { line: 4, character: 33 }, end: { line: 4, character: 49 } }, newText: "company.employees" }]);

    const tokens = await client.request<{ data: number[] }>("textDocument/semanticTokens/full", { textDocument: { uri: mainUri } });
    expect(tokens.data.length).toBeGreaterThan(50);
    expect(tokens.data.length % 5).toBe(0);
    expect(tokens.data.slice(0, 5)).toEqual([0, 0, 6, 0, 0]); // `import`, a keyword
    // The range request (offered so VS Code can colour the visible lines first) answers exactly the
    // full answer's tokens on those lines, encoded from the range's first token.
    const range = await client.request<{ data: number[] }>("textDocument/semanticTokens/range", {
      textDocument: { uri: mainUri },
      range: { start: { line: 4, character: 0 }, end: { line: 9, character: 0 } },
    });
    const absolute = (data: number[]) => {
      const out: number[][] = [];
      let line = 0;
      let char = 0;
      for (let i = 0; i < data.length; i += 5) {
        line += data[i];
        char = data[i] === 0 ? char + data[i + 1] : data[i + 1];
        out.push([line, char, data[i + 2], data[i + 3], data[i + 4]]);
      }
      return out;
    };
    const onLines = absolute(tokens.data).filter(([line]) => line >= 4 && line < 9);
    expect(onLines.length).toBeGreaterThan(5);
    expect(absolute(range.data)).toEqual(onLines);

    // After a keystroke, the delta against the tokens sent before gives the new whole-file tokens.
    const full = await client.request<{ resultId: string; data: number[] }>("textDocument/semanticTokens/full", { textDocument: { uri: mainUri } });
    expect(full.resultId).toEqual(expect.any(String));
    const line4 = MAIN.split("\n")[4];
    await client.notify("textDocument/didChange", {
      textDocument: { uri: mainUri, version: 50 },
      contentChanges: [{ range: { start: { line: 4, character: line4.length }, end: { line: 4, character: line4.length } }, text: " and engaged" }],
    });
    const delta = await client.request<{ resultId: string; edits: { start: number; deleteCount: number; data: number[] }[] }>("textDocument/semanticTokens/full/delta", {
      textDocument: { uri: mainUri },
      previousResultId: full.resultId,
    });
    expect(delta.edits.length).toBe(1);
    expect(delta.edits[0].data.length).toBeLessThan(full.data.length / 2);
    const patched = [...full.data];
    for (const e of [...delta.edits].reverse()) patched.splice(e.start, e.deleteCount, ...e.data);
    const fresh = await client.request<{ data: number[] }>("textDocument/semanticTokens/full", { textDocument: { uri: mainUri } });
    expect(patched).toEqual(fresh.data);
    expect(patched).not.toEqual(full.data);
    // An id the server does not know (or no longer holds): the whole array again.
    const unknown = await client.request<{ data?: number[]; edits?: unknown }>("textDocument/semanticTokens/full/delta", { textDocument: { uri: mainUri }, previousResultId: "nope" });
    expect(unknown.data).toEqual(fresh.data);
    await client.notify("textDocument/didChange", {
      textDocument: { uri: mainUri, version: 51 },
      contentChanges: [{ range: { start: { line: 4, character: line4.length }, end: { line: 4, character: line4.length + " and engaged".length } }, text: "" }],
    });

    const symbols = await client.request<{ name: string }[]>("textDocument/documentSymbol", { textDocument: { uri: mainUri } });
    expect(symbols.map((s) => s.name)).toEqual(['import "common.leaddef"', "engaged", "mql", "sal", "bank"]);

    const ws = await client.request<{ name: string; location: { uri: string } }[]>("workspace/symbol", { query: "seniority" });
    expect(ws.map((s) => `${s.name} ${s.location.uri}`)).toEqual([`contact.seniority ${commonUri}`]);

    const folds = await client.request<{ startLine: number; endLine: number }[]>("textDocument/foldingRange", { textDocument: { uri: mainUri } });
    expect(folds).toContainEqual({ startLine: 7, endLine: 14, kind: "region" });

    const lenses = await client.request<{ command: { title: string; command: string; arguments: unknown[] } }[]>("textDocument/codeLens", { textDocument: { uri: mainUri } });
    expect(lenses).toHaveLength(1);
    expect(lenses[0].command).toEqual({ title: "▶ run (fix the errors first)", command: "leaddef.runExamples", arguments: [mainUri, 0] });
  });

  it("re-checks on incremental changes, runs examples, and re-checks importers when an imported file changes", async () => {
    // Fix the typo with an incremental edit: `employes` → `employees`.
    let since = client.published.length;
    await client.notify("textDocument/didChange", {
      textDocument: { uri: mainUri, version: 2 },
      contentChanges: [{ range: { start: { line: 4, character: 47 }, end: { line: 4, character: 47 } }, text: "e" }],
    });
    const clean = await client.diagnostics(mainUri, (p) => p.version === 2, since);
    expect(clean.diagnostics).toEqual([]);

    const run = await client.request<string>("workspace/executeCommand", { command: "leaddef.runExamples", arguments: [mainUri] });
    expect(run).toMatch(/✓ bank \(stage sal\)[\s\S]*1 passed, 0 failed/);

    // Make the example fail: it is reported on the `expect` line, with expected and actual.
    since = client.published.length;
    await client.notify("textDocument/didChange", {
      textDocument: { uri: mainUri, version: 3 },
      contentChanges: [{ range: { start: { line: 13, character: 15 }, end: { line: 13, character: 18 } }, text: "mql" }],
    });
    // The checker's diagnostics are published first; the examples' follow once they have run.
    // (One example leaves every condition uncovered: the coverage hints, severity 4, are tested below.)
    const failing = await client.diagnostics(mainUri, (p) => p.version === 3 && p.diagnostics.some((d) => d.code === "LD3005"), since);
    expect(failing.diagnostics.filter((d) => d.severity !== 4).map((d) => `${d.range.start.line} ${d.code} ${d.message.split("\n")[0]}`)).toEqual([
      "13 LD3005 example fails: expected stage mql, got sal",
    ]);

    // Open the imported file and remove `sales.accepted` from its schema: the importer is re-checked.
    const commonText = readFileSync(join(work, "common.leaddef"), "utf8");
    await client.notify("textDocument/didOpen", { textDocument: { uri: commonUri, languageId: "leaddef", version: 1, text: commonText } });
    const line = commonText.split("\n").findIndex((l) => l.includes("sales.accepted"));
    since = client.published.length;
    await client.notify("textDocument/didChange", {
      textDocument: { uri: commonUri, version: 2 },
      contentChanges: [{ range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, text: "" }],
    });
    const rechecked = await client.diagnostics(mainUri, (p) => p.diagnostics.some((d) => d.message.startsWith("unknown field `sales.accepted`")), since);
    expect(rechecked.diagnostics.filter((d) => d.code === "LD1001")).toHaveLength(2); // the stage and the example
  });

  it("survives unknown documents, malformed params and unknown methods", async () => {
    const unknownUri = pathToFileURL(join(work, "nope.leaddef")).href;
    expect(await client.request("textDocument/hover", { textDocument: { uri: unknownUri }, position: { line: 0, character: 0 } })).toBeNull();
    expect(await client.request("textDocument/completion", { textDocument: { uri: mainUri } })).toBeDefined();
    expect(await client.request("textDocument/hover", { textDocument: { uri: mainUri }, position: { line: 99999, character: -5 } })).toBeNull();
    expect(await client.request("textDocument/definition", {})).toBeNull();
    await expect(client.request("leaddef/noSuchMethod", {})).rejects.toThrow(/Unhandled method|not found/i);
    await expect(client.request("workspace/executeCommand", { command: "leaddef.nope", arguments: [] })).rejects.toThrow(/unknown command/);
    // Still alive and answering.
    const hover = await client.request<{ contents: { value: string } }>("textDocument/hover", { textDocument: { uri: mainUri }, position: { line: 2, character: 35 } });
    expect(hover.contents.value).toContain("engagement.score");
  });

  it("a lens runs just its own example; without an index every example runs", async () => {
    const uri = pathToFileURL(join(work, "lenses.leaddef")).href;
    const text = `import "common.leaddef"\nmql when icp_fit\nexample "first" {\n  company.industry = telecom\n  company.employees = 900\n  as of 2026-01-01\n  expect stage mql\n}\nexample "second" {\n  company.industry = retail\n  as of 2026-01-01\n  expect stage mql\n}\n`;
    await client.notify("textDocument/didOpen", { textDocument: { uri, languageId: "leaddef", version: 1, text } });
    const lenses = await client.request<{ command: { title: string; command: string; arguments: unknown[] } }[]>("textDocument/codeLens", { textDocument: { uri } });
    expect(lenses.map((l) => l.command.arguments)).toEqual([[uri, 0], [uri, 1]]);
    const outputs: string[] = [];
    for (const lens of lenses) outputs.push(await client.request<string>("workspace/executeCommand", { command: lens.command.command, arguments: lens.command.arguments }));
    expect(outputs[0]).toBe("lenses.leaddef\n✓ first (stage mql)\n1 passed, 0 failed");
    expect(outputs[1]).toMatch(/^lenses.leaddef\n✗ second\n.*expected stage mql, got none\n0 passed, 1 failed$/);
    const all = await client.request<string>("workspace/executeCommand", { command: "leaddef.runExamples", arguments: [uri] });
    expect(all).toMatch(/✓ first[\s\S]*✗ second[\s\S]*1 passed, 1 failed$/);
    expect(await client.request<string>("workspace/executeCommand", { command: "leaddef.runExamples", arguments: [uri, null] })).toBe(all);
    await expect(client.request("workspace/executeCommand", { command: "leaddef.runExamples", arguments: [uri, 2] })).rejects.toThrow(/no example 2 \(the file has 2 examples\)/);
    await expect(client.request("workspace/executeCommand", { command: "leaddef.runExamples", arguments: [uri, "1"] })).rejects.toThrow(/example index must be a whole number/);
    await client.notify("textDocument/didClose", { textDocument: { uri } });
  });

  it("formats just the declarations in a range", async () => {
    const uri = pathToFileURL(join(work, "range.leaddef")).href;
    const text = "criterion  a  when   lead.a>1\ncriterion  b  when   lead.b>2\nscore s {\n+1 when a\n   cap 5\n}\n";
    await client.notify("textDocument/didOpen", { textDocument: { uri, languageId: "leaddef", version: 1, text } });
    const edits = await client.request<{ range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]>("textDocument/rangeFormatting", {
      textDocument: { uri },
      range: { start: { line: 1, character: 0 }, end: { line: 3, character: 2 } },
      options: { tabSize: 2, insertSpaces: true },
    });
    const lines = text.split("\n");
    const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
    const after = edits.reduceRight((t, e) => t.slice(0, offset(e.range.start)) + e.newText + t.slice(offset(e.range.end)), text);
    expect(after).toBe("criterion  a  when   lead.a>1\ncriterion b when lead.b > 2\nscore s {\n  +1 when a\n  cap 5\n}\n");
    await client.notify("textDocument/didClose", { textDocument: { uri } });
  });

  it("offers to add an unknown field to the imported file that declares its siblings", async () => {
    const uri = pathToFileURL(join(work, "addfield.leaddef")).href;
    await client.notify("textDocument/didOpen", { textDocument: { uri, languageId: "leaddef", version: 1, text: 'import "common.leaddef"\nmql when company.founded >= 1990\n' } });
    const actions = await client.request<{ title: string; edit: { changes: Record<string, { range: { start: { line: number } }; newText: string }[]> } }[]>("textDocument/codeAction", {
      textDocument: { uri },
      range: { start: { line: 1, character: 12 }, end: { line: 1, character: 12 } },
      context: { diagnostics: [] },
    });
    const add = actions.find((a) => a.title.startsWith("Add `company.founded: integer`"));
    expect(add, JSON.stringify(actions)).toBeDefined();
    expect(add!.title).toBe("Add `company.founded: integer` to the schema in common.leaddef");
    expect(Object.keys(add!.edit.changes)).toEqual([commonUri]);
    // common.leaddef is open, with `sales.accepted` removed by an earlier test: its schema's `}` is on line 16 of the open text.
    expect(add!.edit.changes[commonUri]).toEqual([{ range: { start: { line: 16, character: 0 }, end: { line: 16, character: 0 } }, newText: "  company.founded: integer\n" }]);
    await client.notify("textDocument/didClose", { textDocument: { uri } });
  });

  it("answers every request with missing or malformed params, and stays alive", async () => {
    const requests = [
      "textDocument/completion", "textDocument/hover", "textDocument/definition", "textDocument/references",
      "textDocument/prepareRename", "textDocument/rename", "textDocument/documentSymbol", "workspace/symbol",
      "textDocument/formatting", "textDocument/rangeFormatting", "textDocument/foldingRange", "textDocument/codeAction",
      "textDocument/codeLens", "textDocument/semanticTokens/full", "textDocument/semanticTokens/range", "textDocument/semanticTokens/full/delta", "workspace/executeCommand",
    ];
    const bad: unknown[] = [
      undefined, null, {}, [], 42, "x",
      { textDocument: null }, { textDocument: { uri: 5 } }, { textDocument: { uri: mainUri } },
      { textDocument: { uri: mainUri }, position: null, range: null, context: null, newName: 5, query: {}, command: 5, arguments: "x" },
      { textDocument: { uri: mainUri }, position: { line: "a", character: {} }, range: { start: 1, end: [] }, context: { only: "quickfix" } },
      { textDocument: { uri: mainUri }, position: { line: -1, character: 1e12 }, range: { start: { line: 9e9, character: -3 }, end: { line: -1, character: 0 } } },
      { command: "leaddef.runExamples" }, { command: "leaddef.runExamples", arguments: [null, -1] }, { command: "leaddef.runExamples", arguments: [mainUri, 1.5] },
    ];
    const logsBefore = client.logs.length;
    for (const method of requests) {
      for (const params of bad) {
        const outcome = await client.request(method, params).then(
          (value) => ({ value }),
          (error: { code?: number; message?: string }) => ({ error }),
        );
        if ("error" in outcome) {
          // An error answer is fine when it is a proper JSON-RPC error, not a crash.
          expect(typeof outcome.error.code, `${method} ${JSON.stringify(params)}`).toBe("number");
        } else {
          const v = outcome.value;
          const empty = v === null || (Array.isArray(v) && v.length === 0) || (typeof v === "object" && v !== null);
          expect(empty, `${method} ${JSON.stringify(params)} → ${JSON.stringify(v)}`).toBe(true);
        }
      }
    }
    // No handler threw: each one checked its params instead (a throw would be logged as "... failed").
    expect(client.logs.slice(logsBefore).filter((l) => /failed/.test(l))).toEqual([]);
    const hover = await client.request<{ contents: { value: string } }>("textDocument/hover", { textDocument: { uri: mainUri }, position: { line: 2, character: 35 } });
    expect(hover.contents.value).toContain("engagement.score");
  });

  it("a huge document does not take the server down", async () => {
    const uri = pathToFileURL(join(work, "huge.leaddef")).href;
    const big = "criterion c when x.y > 1\n".repeat(200_000); // 5 MB: over the editor limit
    const since = client.published.length;
    await client.notify("textDocument/didOpen", { textDocument: { uri, languageId: "leaddef", version: 1, text: big } });
    const p = await client.diagnostics(uri, () => true, since);
    expect(p.diagnostics[0].message).toMatch(/too large/);
    expect(await client.request("textDocument/hover", { textDocument: { uri }, position: { line: 0, character: 12 } })).toBeNull();
    await client.notify("textDocument/didClose", { textDocument: { uri } });
  }, 30_000);

  // Issue 14: running examples never holds the server. Diagnostics go out first, and a request
  // sent after them is answered before a long example run has reported (it used to run in one
  // go right after publishing, ahead of every message waiting to be read).
  it("publishes diagnostics and answers requests before a slow example run reports", async () => {
    const uri = pathToFileURL(join(work, "slow-examples.leaddef")).href;
    const examples = Array.from({ length: 2000 }, (_, i) => `example "lead ${i}" {\n  company.employees = ${i % 50}\n  expect stage mql\n}`);
    const text = `schema {\n  company.employees: number\n}\ncriterion big when company.employees >= 100\nmql when big\n${examples.join("\n")}\n`;
    const since = client.published.length;
    await client.notify("textDocument/didOpen", { textDocument: { uri, languageId: "leaddef", version: 1, text } });
    const checked = await client.diagnostics(uri, (p) => p.version === 1, since, 30_000);
    expect(checked.diagnostics).toEqual([]);
    const hover = await client.request<{ contents: { value: string } }>("textDocument/hover", { textDocument: { uri }, position: { line: 3, character: 11 } });
    expect(hover.contents.value).toContain("big");
    const exampleReports = () => client.published.slice(since).filter((p) => p.uri === uri && p.diagnostics.some((d) => d.code === "LD3005"));
    expect(exampleReports()).toEqual([]);
    // The run finishes later and reports every failing example.
    const failed = await client.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === "LD3005"), since, 60_000);
    expect(failed.version).toBe(1);
    expect(failed.diagnostics.filter((d) => d.code === "LD3005")).toHaveLength(2000);
    await client.notify("textDocument/didClose", { textDocument: { uri } });
  }, 90_000);

  // Issue 10, items 1–3 and 6: hostile documents are answered with ordinary diagnostics.
  it("publishes a diagnostic for brackets nested past the stack, at the right line for CR-only text", async () => {
    const deepUri = pathToFileURL(join(work, "deep.leaddef")).href;
    const since = client.published.length;
    await client.notify("textDocument/didOpen", { textDocument: { uri: deepUri, languageId: "leaddef", version: 1, text: `x when ${"[".repeat(200)}` } });
    const deep = await client.diagnostics(deepUri, (x) => x.diagnostics.some((d) => d.code === "LD0005"), since);
    expect(deep.diagnostics.find((d) => d.code === "LD0005")!.message).toMatch(/nested more than/);

    const crUri = pathToFileURL(join(work, "cr.leaddef")).href;
    const crSince = client.published.length;
    // Old-Mac line ends, then a CRLF and an LF: the unknown name is on LSP line 5.
    const text = "schema {\r  a: integer\r}\r\r\ncriterion c when a > 1\ncriterion d when b > 1\r";
    await client.notify("textDocument/didOpen", { textDocument: { uri: crUri, languageId: "leaddef", version: 1, text } });
    const cr = await client.diagnostics(crUri, (x) => x.diagnostics.some((d) => d.code === "LD1002"), crSince);
    expect(cr.diagnostics.find((d) => d.code === "LD1002")!.range).toEqual({ start: { line: 5, character: 17 }, end: { line: 5, character: 18 } });
  });

  it("refuses imports of devices and files outside the project without echoing them, and stays alive", async () => {
    const hostileUri = pathToFileURL(join(work, "hostile-import.leaddef")).href;
    const since = client.published.length;
    // A FIFO with the right extension inside the workspace: reading it would block the server forever.
    execFileSync("mkfifo", [join(work, "pipe.leaddef")]);
    const text = 'import "/dev/zero"\nimport "../../../../../../../../etc/passwd"\nimport "../../../../../../../../etc/x.leaddef"\nimport "pipe.leaddef"\n';
    await client.notify("textDocument/didOpen", { textDocument: { uri: hostileUri, languageId: "leaddef", version: 1, text } });
    const p = await client.diagnostics(hostileUri, (x) => x.diagnostics.filter((d) => d.code === "LD1020").length === 4, since);
    expect(p.diagnostics.map((d) => d.range.start.line).sort()).toEqual([0, 1, 2, 3]);
    expect(p.diagnostics[3].message).toMatch(/not a regular file/);
    // Workspace-wide requests walk the folder, FIFO included, and still answer.
    const symbols = await client.request<unknown[]>("workspace/symbol", { query: "" });
    expect(Array.isArray(symbols)).toBe(true);
    expect(JSON.stringify(p)).not.toMatch(/root:/);
    const hover = await client.request("textDocument/hover", { textDocument: { uri: hostileUri }, position: { line: 0, character: 2 } });
    expect(hover === null || typeof hover === "object").toBe(true);
  });

  it("shuts down and exits cleanly", async () => {
    await client.request("shutdown", null);
    const exited = new Promise<number | null>((r) => client.proc.once("exit", (code) => r(code)));
    await client.notify("exit", null);
    expect(await exited).toBe(0);
    expect(client.stderr).toBe("");
  });
});

describe("initialize with missing optional params", () => {
  for (const [name, params] of [["no capabilities", {}], ["capabilities null, folders malformed", { capabilities: null, workspaceFolders: [null, { uri: 5 }], rootUri: 7, initializationOptions: "x" }]] as const) {
    it(`answers and keeps working: ${name}`, async () => {
      const client = new Client();
      try {
        const init = await client.request<{ capabilities: Record<string, unknown> }>("initialize", params);
        expect(init.capabilities).toMatchObject({ hoverProvider: true, documentRangeFormattingProvider: true });
        await client.notify("initialized", {});
        const uri = "untitled:Untitled-1";
        await client.notify("textDocument/didOpen", { textDocument: { uri, languageId: "leaddef", version: 1, text: "schema {\n  lead.a: number\n}\nmql when lead.a > 1\n" } });
        const hover = await client.request<{ contents: { value: string } }>("textDocument/hover", { textDocument: { uri }, position: { line: 3, character: 11 } });
        expect(hover.contents.value).toContain("lead.a: number");
        await client.request("shutdown", null);
        const exited = new Promise<number | null>((r) => client.proc.once("exit", (code) => r(code)));
        await client.notify("exit", null);
        expect(await exited).toBe(0);
        expect(client.stderr).toBe("");
      } finally {
        if (client.proc.exitCode === null) client.proc.kill();
      }
    });
  }
});

describe("coverage hints over stdio", () => {
  const DEF = `schema {
  company.employees: integer
  sales.accepted: boolean
}

mql when company.employees >= 500
sql when mql and sales.accepted

example "big, accepted" {
  company.employees = 800
  sales.accepted = true
  expect stage sql
}

example "small" {
  company.employees = 20
  sales.accepted = true
  expect stage mql
}
`;
  const hintsOf = (p: Published) => p.diagnostics.filter((d) => d.code === "LD3006").map((d) => `${d.range.start.line}:${d.range.start.character} ${d.severity} ${d.message}`);

  it("follows the setting from initializationOptions and didChangeConfiguration; none in a file without examples", async () => {
    const work = mkdtempSync(join(tmpdir(), "leaddef-hints-"));
    const client = new Client();
    try {
      await client.request("initialize", { processId: process.pid, rootUri: pathToFileURL(work).href, capabilities: {}, initializationOptions: { coverageHints: "off" } });
      await client.notify("initialized", {});
      const uri = pathToFileURL(join(work, "def.leaddef")).href;
      // The second example fails (it reaches no stage): its LD3005 shows that the examples ran.
      await client.notify("textDocument/didOpen", { textDocument: { uri, languageId: "leaddef", version: 1, text: DEF } });
      const off = await client.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === "LD3005"));
      expect(hintsOf(off)).toEqual([]);

      let since = client.published.length;
      await client.notify("workspace/didChangeConfiguration", { settings: { leaddef: { coverageHints: "uncovered" } } });
      const on = await client.diagnostics(uri, (p) => hintsOf(p).length > 0, since);
      expect(hintsOf(on)).toEqual(["6:17 4 no example makes `sales.accepted` false"]);
      expect(on.diagnostics.some((d) => d.code === "LD3005")).toBe(true);

      // Settings of other tools, or a value it does not know, change nothing.
      await client.notify("workspace/didChangeConfiguration", { settings: { other: { coverageHints: "off" }, leaddef: { coverageHints: "loud" } } });
      since = client.published.length;
      await client.notify("workspace/didChangeConfiguration", { settings: { leaddef: { coverageHints: "off" } } });
      const offAgain = await client.diagnostics(uri, (p) => hintsOf(p).length === 0 && p.diagnostics.some((d) => d.code === "LD3005"), since);
      expect(offAgain.diagnostics.map((d) => d.code)).toEqual(["LD3005"]);

      await client.notify("workspace/didChangeConfiguration", { settings: { leaddef: { coverageHints: "uncovered" } } });
      const bareUri = pathToFileURL(join(work, "bare.leaddef")).href;
      since = client.published.length;
      await client.notify("textDocument/didOpen", { textDocument: { uri: bareUri, languageId: "leaddef", version: 1, text: DEF.slice(0, DEF.indexOf("example")) } });
      // A file opened after it is checked, and its examples run, after it (the server's timers and
      // deferred runs keep their order): once the second file's example failure is out, the first
      // file's example run is done.
      const probeUri = pathToFileURL(join(work, "probe.leaddef")).href;
      await client.notify("textDocument/didOpen", { textDocument: { uri: probeUri, languageId: "leaddef", version: 1, text: DEF } });
      await client.diagnostics(probeUri, (p) => p.diagnostics.some((d) => d.code === "LD3005"), since);
      expect(client.published.slice(since).some((p) => p.uri === bareUri)).toBe(true);
      expect(client.published.slice(since).filter((p) => p.uri === bareUri).flatMap(hintsOf)).toEqual([]);
      await client.request("shutdown", null);
      const exited = new Promise<number | null>((r) => client.proc.once("exit", (code) => r(code)));
      await client.notify("exit", null);
      expect(await exited).toBe(0);
      expect(client.stderr).toBe("");
    } finally {
      if (client.proc.exitCode === null) client.proc.kill();
      rmSync(work, { recursive: true, force: true });
    }
  }, 30_000);
});
