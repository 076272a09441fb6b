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
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, createWriteStream } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..");
const extDir = join(root, "vscode-extension");
const artifacts = join(here, "artifacts");
const codeServerBin = join(here, "node_modules", ".bin", "code-server");
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const overallTimeout = Number(process.env.E2E_TIMEOUT_MS ?? 180_000);
const DEAD = "http://127.0.0.1:9"; // nothing listens on the discard port: the gallery is unreachable

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

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", ...options });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

async function waitForHealth(port, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (codeServer.exitCode !== null) throw new Error(`code-server exited with ${codeServer.exitCode}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer /healthz within ${ms} ms`);
}

function stopCodeServer() {
  if (!codeServer || codeServer.exitCode !== null || codeServer.signalCode !== null) return;
  // Started detached, so its PID is also its process group: this ends code-server, its
  // extension host and the language server it spawned, and nothing else.
  try {
    process.kill(-codeServer.pid, "SIGTERM");
  } catch {
    // already gone
  }
  const pid = codeServer.pid;
  setTimeout(() => {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // gone
    }
  }, 3000).unref();
}

async function cleanup() {
  if (context) await context.close().catch(() => undefined);
  stopCodeServer();
  if (runDir && process.env.E2E_KEEP !== "1") {
    await new Promise((r) => setTimeout(r, 500));
    rmSync(runDir, { recursive: true, force: true });
  } else if (runDir) log(`kept ${runDir}`);
}

async function main() {
  if (!existsSync(codeServerBin)) throw new Error("code-server is not installed: run `bash test/vscode/install.sh`");
  if (!existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath}: run \`bash test/vscode/install.sh\``);
  const { chromium } = await import("playwright-core");

  runDir = mkdtempSync(join(tmpdir(), "leaddef-e2e-"));
  const dirs = Object.fromEntries(
    ["user-data", "extensions", "xdg-config", "xdg-data", "xdg-cache", "tmp", "browser", "workspace"].map((d) => {
      mkdirSync(join(runDir, d), { recursive: true });
      return [d, join(runDir, d)];
    }),
  );
  mkdirSync(artifacts, { recursive: true });

  // 1. Bundle and package the extension.
  await timed("build_ms", () => {
    const env = { ...process.env };
    if (process.env.LEADDEF_LSP_SERVER) env.LEADDEF_SERVER_ENTRY = resolve(root, process.env.LEADDEF_LSP_SERVER);
    log(run(process.execPath, [join(extDir, "build.mjs")], { env, cwd: root }).trim());
    if (!existsSync(join(extDir, "dist", "server.js")))
      throw new Error("no server bundle (lsp/main.ts missing?); set LEADDEF_LSP_SERVER=test/mock-lsp/server.mjs to test against the mock");
  });
  const vsix = join(runDir, "leaddef.vsix");
  await timed("package_ms", () =>
    run(join(root, "node_modules", ".bin", "vsce"), ["package", "--no-dependencies", "--allow-missing-repository", "-o", vsix], { cwd: extDir }),
  );
  log(`packaged ${vsix}`);

  // 2. A fresh code-server that cannot reach anything but loopback.
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: dirs["xdg-config"],
    XDG_DATA_HOME: dirs["xdg-data"],
    XDG_CACHE_HOME: dirs["xdg-cache"],
    TMPDIR: dirs.tmp,
    EXTENSIONS_GALLERY: JSON.stringify({
      serviceUrl: `${DEAD}/gallery`,
      itemUrl: `${DEAD}/items`,
      resourceUrlTemplate: `${DEAD}/resource/{publisher}/{name}/{version}/{path}`,
    }),
  };
  delete env.VSCODE_IPC_HOOK_CLI;
  const common = ["--user-data-dir", dirs["user-data"], "--extensions-dir", dirs.extensions];
  await timed("install_extension_ms", () => run(codeServerBin, [...common, "--install-extension", vsix], { env }));
  log("installed the extension");

  mkdirSync(join(dirs["user-data"], "User"), { recursive: true });
  writeFileSync(
    join(dirs["user-data"], "User", "settings.json"),
    JSON.stringify(
      {
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": false,
        "workbench.enableExperiments": false,
        "telemetry.telemetryLevel": "off",
        "update.mode": "none",
        "extensions.autoCheckUpdates": false,
        "extensions.autoUpdate": false,
        "security.workspace.trust.enabled": false,
        "editor.hover.delay": 200,
        "editor.minimap.enabled": false,
        "chat.commandCenter.enabled": false,
        "workbench.secondarySideBar.defaultVisibility": "hidden",
      },
      null,
      2,
    ),
  );
  cpSync(join(root, "test", "editor-fixtures"), dirs.workspace, { recursive: true });

  const port = await freePort();
  const serverLog = createWriteStream(join(runDir, "code-server.log"));
  await timed("code_server_start_ms", async () => {
    codeServer = spawn(
      codeServerBin,
      [
        "--bind-addr", `127.0.0.1:${port}`,
        "--auth", "none",
        "--disable-telemetry",
        "--disable-update-check",
        "--disable-workspace-trust",
        "--disable-getting-started-override",
        ...common,
        dirs.workspace,
      ],
      { env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
    );
    codeServer.stdout.pipe(serverLog);
    codeServer.stderr.pipe(serverLog);
    await waitForHealth(port, 60_000);
  });
  log(`code-server pid ${codeServer.pid} on 127.0.0.1:${port}`);

  // 3. Chromium, loopback only.
  context = await chromium.launchPersistentContext(dirs.browser, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1400, height: 860 },
    // Chromium writes crash-report folders under $XDG_CONFIG_HOME; keep them in the run folder.
    env: { ...process.env, XDG_CONFIG_HOME: dirs["xdg-config"], XDG_CACHE_HOME: dirs["xdg-cache"], TMPDIR: dirs.tmp },
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-breakpad", "--disable-crash-reporter", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-proxy-server",
      "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(String(e)));

  await timed("workbench_load_ms", async () => {
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.workspace)}`);
    await page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
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
