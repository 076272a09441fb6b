// The real-editor setup shared by test/vscode/e2e.mjs (the extension's end-to-end test) and
// bench/vscode-typing.mjs (typing latency): package the extension, install it into a fresh
// code-server (VS Code 1.100.3) that reaches nothing but loopback, start it on 127.0.0.1 and drive
// it with Debian's Chromium through playwright-core. `bash test/vscode/install.sh` installs both.
import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
/** The repository's root folder. */
export const root = resolve(here, "..", "..");
const extDir = join(root, "vscode-extension");
/** code-server as install.sh puts it. */
export const codeServerBin = join(here, "node_modules", ".bin", "code-server");
/** Debian's Chromium unless CHROMIUM_PATH says otherwise. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const DEAD = "http://127.0.0.1:9"; // nothing listens on the discard port: the gallery is unreachable

/** Why the real editor cannot run here (code-server or Chromium missing), or undefined when it can. */
export function missingEditor() {
  if (!existsSync(codeServerBin)) return "code-server is not installed: run `bash test/vscode/install.sh`";
  if (!existsSync(chromiumPath)) return `no Chromium at ${chromiumPath}: run \`bash test/vscode/install.sh\``;
  return undefined;
}

/** Runs a command to completion; throws with its output when it fails. */
export function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", ...options });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/**
 * A fresh temp folder for one run, with the sub-folders code-server and Chromium write to (user
 * data, extensions, XDG folders, TMPDIR, the browser profile, the workspace). The caller removes it.
 */
export function makeRunDirs(prefix) {
  const runDir = mkdtempSync(join(tmpdir(), prefix));
  const dirs = Object.fromEntries(
    ["user-data", "extensions", "xdg-config", "xdg-data", "xdg-cache", "tmp", "browser", "workspace"].map((d) => {
      mkdirSync(join(runDir, d), { recursive: true });
      return [d, join(runDir, d)];
    }),
  );
  return { runDir, dirs };
}

/**
 * Bundles the extension and its language server (vscode-extension/build.mjs; `serverEntry` bundles
 * another server, e.g. a mock). Returns the build's output.
 */
export function bundleExtension({ serverEntry } = {}) {
  const env = { ...process.env };
  if (serverEntry) env.LEADDEF_SERVER_ENTRY = resolve(root, serverEntry);
  const built = run(process.execPath, [join(extDir, "build.mjs")], { env, cwd: root }).trim();
  if (!existsSync(join(extDir, "dist", "server.js")))
    throw new Error("no server bundle (lsp/main.ts missing?); set LEADDEF_LSP_SERVER=test/mock-lsp/server.mjs to test against the mock");
  return built;
}

/** Packages the bundled extension as `outDir`/leaddef.vsix and returns that path. */
export function packageVsix(outDir) {
  const vsix = join(outDir, "leaddef.vsix");
  run(join(root, "node_modules", ".bin", "vsce"), ["package", "--no-dependencies", "--allow-missing-repository", "-o", vsix], { cwd: extDir });
  return vsix;
}

/** code-server's environment: its own XDG folders and TMPDIR, and an unreachable extension gallery. */
function codeServerEnv(dirs) {
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
  return env;
}

const commonArgs = (dirs) => ["--user-data-dir", dirs["user-data"], "--extensions-dir", dirs.extensions];

/** Installs the .vsix into the run's fresh extensions folder. */
export function installExtension(dirs, vsix) {
  run(codeServerBin, [...commonArgs(dirs), "--install-extension", vsix], { env: codeServerEnv(dirs) });
}

/** The user settings every run starts from: no telemetry, updates, tips or minimap; `extra` on top. */
export function writeSettings(dirs, extra = {}) {
  mkdirSync(join(dirs["user-data"], "User"), { recursive: true });
  const settings = {
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
    ...extra,
  };
  writeFileSync(join(dirs["user-data"], "User", "settings.json"), JSON.stringify(settings, null, 2));
}

/** A port nothing listens on right now, on 127.0.0.1. */
export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

async function waitForHealth(child, port, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}`);
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

/**
 * Starts code-server on 127.0.0.1 (no auth, telemetry, update check or workspace trust) opening
 * `dirs.workspace`, logging to `logPath`, and waits until it answers /healthz. It is started
 * detached, so its PID is its process group: `stopCodeServer` ends it, its extension host and the
 * language server, and nothing else. Returns `{ child, port }`.
 */
export async function startCodeServer(dirs, logPath) {
  const port = await freePort();
  const serverLog = createWriteStream(logPath);
  const child = spawn(
    codeServerBin,
    [
      "--bind-addr", `127.0.0.1:${port}`,
      "--auth", "none",
      "--disable-telemetry",
      "--disable-update-check",
      "--disable-workspace-trust",
      "--disable-getting-started-override",
      ...commonArgs(dirs),
      dirs.workspace,
    ],
    { env: codeServerEnv(dirs), detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout.pipe(serverLog);
  child.stderr.pipe(serverLog);
  await waitForHealth(child, port, 60_000);
  return { child, port };
}

/** Ends the code-server started by `startCodeServer` (its process group: TERM, then KILL after 3 s). */
export function stopCodeServer(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    // already gone
  }
  const pid = child.pid;
  setTimeout(() => {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // gone
    }
  }, 3000).unref();
}

/** Headless Chromium with its profile in the run folder, resolving nothing but 127.0.0.1. */
export async function launchBrowser(dirs, { viewport = { width: 1400, height: 860 } } = {}) {
  const { chromium } = await import("playwright-core");
  return chromium.launchPersistentContext(dirs.browser, {
    executablePath: chromiumPath,
    headless: true,
    viewport,
    // Chromium writes crash-report folders under $XDG_CONFIG_HOME; keep them in the run folder.
    env: { ...process.env, XDG_CONFIG_HOME: dirs["xdg-config"], XDG_CACHE_HOME: dirs["xdg-cache"], TMPDIR: dirs.tmp },
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-breakpad", "--disable-crash-reporter", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-proxy-server",
      "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ],
  });
}

/** Loads the workbench on `folder` and waits until it is on screen. */
export async function openWorkbench(page, port, folder) {
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`);
  await page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
}
