// End-to-end test of the leaddef VS Code extension in the real VS Code (code-server 4.100.3 =
// VS Code 1.100.3), driven by Debian's Chromium through playwright-core. Offline and loopback
// only. Run `bash test/vscode/install.sh` once, then `node test/vscode/e2e.mjs`.
//
// It bundles and packages the extension (.vsix), installs it into a fresh code-server, opens a
// copy of test/editor-fixtures/ (broken.leaddef and good.leaddef import common.leaddef) and
// asserts that:
//   1. the Problems panel shows the unknown-field diagnostic,
//   2. Ctrl+Space after `company.` offers the schema's fields (`industry`, ...),
//   3. hovering a field shows its type,
//   4. `leaddef: Run examples in this file` from the palette reaches the server and writes to
//      the "leaddef" output channel,
//   5. `leaddef: Explain a lead…` on good.leaddef runs the bundled CLI in the extension host.
// Screenshots go to test/vscode/artifacts/; extension.png is copied to docs/images/ for the
// README. Exits non-zero on any failed assertion; the whole run is bounded by E2E_TIMEOUT_MS.
//
// Environment:
//   LEADDEF_LSP_SERVER=path   bundle this server entry instead of lsp/main.ts (e.g. the mock
//                             test/mock-lsp/server.mjs)
//   E2E_KEEP=1                keep the run's temp folder (logs, user data) for debugging
//   E2E_TIMEOUT_MS            overall limit, default 180000
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  bundleExtension, installExtension, launchBrowser, makeRunDirs, missingEditor, openWorkbench, packageVsix, root, startCodeServer, stopCodeServer, writeSettings,
} from "./harness.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const artifacts = join(here, "artifacts");
const overallTimeout = Number(process.env.E2E_TIMEOUT_MS ?? 180_000);

const t0 = Date.now();
const timings = {};
const results = [];
let codeServer; // the child process we start; killed by its PID (process group) at the end
let context; // playwright browser context
let runDir;

function log(msg) {
  console.log(`[e2e ${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);
}

async function timed(name, fn) {
  const s = Date.now();
  try {
    return await fn();
  } finally {
    timings[name] = Date.now() - s;
  }
}

function check(name, ok, detail) {
  results.push({ name, ok, detail });
  log(`${ok ? "PASS" : "FAIL"} ${name}${detail ? ` — ${detail}` : ""}`);
}

async function cleanup() {
  if (context) await context.close().catch(() => undefined);
  stopCodeServer(codeServer);
  if (runDir && process.env.E2E_KEEP !== "1") {
    await new Promise((r) => setTimeout(r, 500));
    rmSync(runDir, { recursive: true, force: true });
  } else if (runDir) log(`kept ${runDir}`);
}

async function main() {
  const missing = missingEditor();
  if (missing) throw new Error(missing);

  let dirs;
  ({ runDir, dirs } = makeRunDirs("leaddef-e2e-"));
  mkdirSync(artifacts, { recursive: true });

  // 1. Bundle and package the extension.
  await timed("build_ms", () => log(bundleExtension({ serverEntry: process.env.LEADDEF_LSP_SERVER })));
  const vsix = await timed("package_ms", () => packageVsix(runDir));
  log(`packaged ${vsix}`);

  // 2. A fresh code-server that cannot reach anything but loopback.
  await timed("install_extension_ms", () => installExtension(dirs, vsix));
  log("installed the extension");
  writeSettings(dirs);
  cpSync(join(root, "test", "editor-fixtures"), dirs.workspace, { recursive: true });

  let port;
  await timed("code_server_start_ms", async () => {
    ({ child: codeServer, port } = await startCodeServer(dirs, join(runDir, "code-server.log")));
  });
  log(`code-server pid ${codeServer.pid} on 127.0.0.1:${port}`);

  // 3. Chromium, loopback only.
  context = await launchBrowser(dirs);
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(String(e)));

  await timed("workbench_load_ms", async () => {
    await openWorkbench(page, port, dirs.workspace);
  });
  log("workbench loaded");

  // Open broken.leaddef from the explorer (quick open as a fallback).
  await timed("open_file_ms", async () => {
    const row = page.locator(".explorer-folders-view .monaco-list-row", { hasText: "broken.leaddef" });
    try {
      await row.first().waitFor({ timeout: 20_000 });
      await row.first().click();
    } catch {
      await page.keyboard.press("Control+P");
      await page.keyboard.type("broken.leaddef");
      await page.keyboard.press("Enter");
    }
    await page.locator(".monaco-editor .view-lines", { hasText: "criterion" }).first().waitFor({ timeout: 20_000 });
  });
  log("opened broken.leaddef");
  const editor = page.locator(".editor-instance .monaco-editor").first();

  // A. Diagnostics: a squiggle in the editor, then the Problems panel.
  await timed("diagnostic_ms", async () => {
    let squiggle = false;
    try {
      await editor.locator(".squiggly-error").first().waitFor({ timeout: 45_000 });
      squiggle = true;
    } catch {
      // reported below
    }
    check("editor shows an error squiggle", squiggle);
    await editor.locator(".view-lines").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("Control+Shift+M");
    const panel = page.locator(".markers-panel");
    let text = "";
    try {
      await panel.locator(".monaco-list-row", { hasText: "unknown field" }).first().waitFor({ timeout: 20_000 });
      text = (await panel.innerText()).replace(/\s+/g, " ");
    } catch {
      text = (await panel.innerText().catch(() => "")).replace(/\s+/g, " ");
    }
    check("Problems panel shows the unknown-field diagnostic", /unknown field/.test(text) && /company\.industy/.test(text), text.slice(0, 200));
    check("the diagnostic has an LD code", /LD\d{4}/.test(text), (text.match(/LD\d{4}/) ?? [""])[0]);
  });

  // B. Completion after `company.` on a new last line.
  await timed("completion_ms", async () => {
    await editor.locator(".view-lines").click();
    await page.keyboard.press("Control+End");
    await page.keyboard.press("Enter");
    await page.keyboard.type("sal when company.", { delay: 20 });
    await page.waitForTimeout(300);
    await page.keyboard.press("Control+Space");
    const widget = page.locator(".suggest-widget.visible");
    let labels = [];
    try {
      await widget.locator(".monaco-list-row", { hasText: "industry" }).first().waitFor({ timeout: 20_000 });
    } catch {
      // reported below
    }
    labels = await widget.locator(".monaco-list-row .label-name").allInnerTexts().catch(() => []);
    check("Ctrl+Space after `company.` offers `industry`", labels.includes("industry"), labels.join(", "));
    check("completion is schema-aware (no contact.* fields)", labels.length > 0 && !labels.includes("seniority"), labels.join(", "));
    await page.screenshot({ path: join(artifacts, "completion.png") });
    await page.keyboard.press("Escape");
  });

  // C. Hover over `employees` in `company.employees`.
  await timed("hover_ms", async () => {
    const token = editor.locator(".view-lines span span", { hasText: /^employees$/ }).first();
    let text = "";
    for (let attempt = 0; attempt < 3 && !/integer/.test(text); attempt++) {
      await page.mouse.move(0, 0);
      await token.hover();
      try {
        const hover = page.locator(".monaco-hover:visible", { hasText: "employees" }).first();
        await hover.waitFor({ timeout: 10_000 });
        text = await hover.innerText();
      } catch {
        // try again
      }
    }
    check("hover over `company.employees` shows its type", /integer/.test(text), text.replace(/\s+/g, " ").slice(0, 120));
    await page.screenshot({ path: join(artifacts, "extension.png") });
  });

  // D. A contributed command from the palette writes to the "leaddef" output channel.
  await timed("command_ms", async () => {
    await editor.locator(".view-lines").click();
    await page.keyboard.press("F1");
    await page.locator(".quick-input-widget input").waitFor({ timeout: 10_000 });
    await page.keyboard.type("leaddef: Run examples in this file", { delay: 10 });
    const item = page.locator(".quick-input-list .monaco-list-row", { hasText: "Run examples in this file" }).first();
    let listed = false;
    try {
      await item.waitFor({ timeout: 10_000 });
      listed = true;
    } catch {
      // reported below
    }
    check("command palette lists `leaddef: Run examples in this file`", listed);
    if (!listed) return;
    await page.keyboard.press("Enter");
    let text = "";
    try {
      const out = page.locator(".output-view .view-lines", { hasText: "examples in broken.leaddef" }).first();
      await out.waitFor({ timeout: 30_000 });
      text = await out.innerText();
    } catch {
      text = await page.locator(".output-view").innerText().catch(() => "");
    }
    text = text.replace(/\s+/g, " "); // Monaco renders spaces as U+00A0
    check("`Run examples` writes its result to the leaddef output channel", /examples in broken\.leaddef/.test(text), text.slice(0, 160));
    await page.screenshot({ path: join(artifacts, "run-examples.png") });
  });

  // E. A command that runs the bundled CLI (dist/cli.mjs) in the extension host: Explain a
  // lead, on good.leaddef (the CLI refuses files with errors).
  await timed("explain_ms", async () => {
    await page.keyboard.press("Control+P");
    await page.locator(".quick-input-widget input").waitFor({ timeout: 10_000 });
    await page.keyboard.type("good.leaddef", { delay: 10 });
    await page.locator(".quick-input-list .monaco-list-row", { hasText: "good.leaddef" }).first().waitFor({ timeout: 10_000 });
    await page.keyboard.press("Enter");
    await page.locator(".tab.active", { hasText: "good.leaddef" }).waitFor({ timeout: 10_000 });
    await page.keyboard.press("F1");
    await page.locator(".quick-input-widget input").waitFor({ timeout: 10_000 });
    await page.keyboard.type("leaddef: Explain a lead", { delay: 10 });
    await page.locator(".quick-input-list .monaco-list-row", { hasText: "Explain a lead" }).first().waitFor({ timeout: 10_000 });
    await page.keyboard.press("Enter");
    await page.waitForTimeout(300);
    await page.keyboard.type('{"company.industry": "telecom", "company.employees": 800, "engagement.score": 70}');
    await page.keyboard.press("Enter");
    let text = "";
    try {
      const out = page.locator(".output-view .view-lines", { hasText: "stage: mql" }).first();
      await out.waitFor({ timeout: 30_000 });
      text = await out.innerText();
    } catch {
      text = await page.locator(".output-view").innerText().catch(() => "");
    }
    text = text.replace(/\s+/g, " ");
    check("`Explain a lead…` runs the bundled CLI and shows the stage", /stage: mql/.test(text), text.slice(0, 160));
    await page.screenshot({ path: join(artifacts, "explain.png") });
  });

  if (pageErrors.length) log(`page errors (not failures): ${pageErrors.slice(0, 3).join(" | ")}`);
  const docsImages = join(root, "docs", "images");
  mkdirSync(docsImages, { recursive: true });
  copyFileSync(join(artifacts, "extension.png"), join(docsImages, "vscode-extension.png"));
  const extLog = readFileSync(join(runDir, "code-server.log"), "utf8");
  writeFileSync(join(artifacts, "code-server.log"), extLog);
}

const watchdog = setTimeout(async () => {
  log(`FAIL: the run took longer than ${overallTimeout} ms`);
  await cleanup();
  process.exit(2);
}, overallTimeout);

let failed = false;
try {
  await main();
} catch (err) {
  failed = true;
  log(`ERROR ${err?.stack ?? err}`);
} finally {
  clearTimeout(watchdog);
  await cleanup();
}
timings.total_ms = Date.now() - t0;
const bad = results.filter((r) => !r.ok);
const summary = { ok: !failed && bad.length === 0 && results.length > 0, results, timings };
mkdirSync(artifacts, { recursive: true });
writeFileSync(join(artifacts, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
log(`${results.length - bad.length}/${results.length} checks passed; timings ${JSON.stringify(timings)}`);
process.exit(summary.ok ? 0 : 1);
