// `leaddef report` in a real headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core): the page renders its charts, logs no error, asks the network for nothing,
// and its numbers — read from the DOM — are `run`'s numbers on the same file. Skipped when
// Chromium is absent unless LEADDEF_REQUIRE_BROWSER=1 (CI installs it: see .ci/run).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "./support/cli.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const CHROMIUM = "/usr/bin/chromium";
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser && process.env.LEADDEF_REQUIRE_BROWSER === "1") throw new Error(`${CHROMIUM} is required (LEADDEF_REQUIRE_BROWSER=1)`);
const tmp = mkdtempSync(join(tmpdir(), "leaddef-report-"));
const AS_OF = "2026-11-22";

/** `run`'s funnel table (`stage leads share reached`) as stage → leads, and its row accounting. */
function runNumbers(summary: string): { stages: Record<string, number>; read: number; written: number; rejected: number } {
  const stages: Record<string, number> = {};
  for (const m of summary.matchAll(/^(\S+)\s+(\d+)\s+[\d.]+%/gm)) stages[m[1]] = Number(m[2]);
  const acc = /rows read (\d+) = written (\d+) \+ rejected (\d+)/.exec(summary)!;
  return { stages, read: Number(acc[1]), written: Number(acc[2]), rejected: Number(acc[3]) };
}

type Context = import("playwright-core").BrowserContext;
let browser: Context | undefined;

beforeAll(async () => {
  if (!haveBrowser) return;
  const { chromium } = await import("playwright-core");
  // A fresh profile directory per run (playwright passes it as --user-data-dir).
  browser = await chromium.launchPersistentContext(join(tmp, "profile"), {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** Opens a report file; every request is routed, and any but the file itself is refused and recorded. */
async function open(file: string) {
  const page = await browser!.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  const url = pathToFileURL(file).href;
  await page.route("**/*", (route) => {
    const u = route.request().url();
    if (u === url) return route.continue();
    requests.push(u);
    return route.abort();
  });
  await page.goto(url);
  return { page, errors, requests };
}

describe.skipIf(!haveBrowser)("leaddef report in headless Chromium", () => {
  it("renders the bundled example's funnel with `run`'s numbers, offline", async () => {
    const out = join(tmp, "acme.html");
    const rep = await cli(["report", "examples/acme.leaddef", "--input", "examples/leads.csv", "--as-of", AS_OF, "-o", out]);
    expect(rep.code, rep.stderr).toBe(0);
    const run = await cli(["run", "examples/acme.leaddef", "--input", "examples/leads.csv", "--as-of", AS_OF, "--output", join(tmp, "out.csv")]);
    expect(run.code, run.stderr).toBe(0);
    const expected = runNumbers(run.stdout);

    const { page, errors, requests } = await open(out);
    // the charts are SVG, drawn: a waterfall, a criteria chart, a histogram per score
    expect(await page.locator("svg#waterfall rect.bar").count()).toBe(Object.keys(expected.stages).length);
    expect(await page.locator("svg#criteria-chart rect").count()).toBeGreaterThan(5);
    expect(await page.locator("section.score svg.histogram").count()).toBe(1);
    const box = await page.locator("svg#waterfall").boundingBox();
    expect(box!.width).toBeGreaterThan(300);

    const fromDom: Record<string, number> = {};
    for (const row of await page.locator("table#stages tr[data-stage]").all()) {
      fromDom[(await row.getAttribute("data-stage"))!] = Number(await row.locator("td[data-count]").getAttribute("data-count"));
    }
    expect(fromDom).toEqual(expected.stages);
    const count = async (field: string) => Number(await page.locator(`[data-field="${field}"]`).getAttribute("data-count"));
    expect(await count("rows-read")).toBe(expected.read);
    expect(await count("rows-scored")).toBe(expected.written);
    expect(await count("rows-rejected")).toBe(expected.rejected);
    // the rejects table adds up to the rejected rows
    const rejectCounts = await page.locator("table#rejects td[data-count]").evaluateAll((tds) => tds.map((td) => Number(td.getAttribute("data-count"))));
    expect(rejectCounts.reduce((a, b) => a + b, 0)).toBe(expected.rejected);
    // held back: leads at mql are the leads `run` puts at mql
    expect(Number(await page.locator('section.held-back[data-stage="sal"]').getAttribute("data-leads"))).toBe(expected.stages.mql);
    expect(await page.locator('[data-param="mql_min"]').textContent()).toBe("mql_min = 60");
    expect(await page.locator('[data-field="as-of"]').textContent()).toBe(AS_OF);

    // outcomes beside the waterfall: per stage, the leads that reached it (run's stages joined
    // by id) that had each outcome (the sample's deal columns), the rate and the lift
    const results = readFileSync(join(tmp, "out.csv"), "utf8").trimEnd().split("\n").slice(1).map((l) => l.split(","));
    const [dataHeader, ...dataLines] = readFileSync(join(root, "examples", "leads.csv"), "utf8").trimEnd().split("\n");
    expect(dataHeader.split(",").slice(-2)).toEqual(["deal.stage", "deal.created"]);
    const had = new Map(dataLines.map((l) => l.split(",")).map((c) => [c[0], { opportunity: c[c.length - 1] !== "", won: c[c.length - 2] === "closed_won" }]));
    const funnel = ["mql", "sal", "sql"];
    for (const name of ["opportunity", "won"] as const) {
      const positives = results.filter(([id]) => had.get(id)![name]).length;
      const base = positives / results.length;
      expect(Number(await page.locator(`span[data-outcome="${name}"]`).getAttribute("data-positives"))).toBe(positives);
      for (const [s, stage] of funnel.entries()) {
        const reached = results.filter(([, st]) => funnel.indexOf(st) >= s);
        const k = reached.filter(([id]) => had.get(id)![name]).length;
        const cell = page.locator(`table#outcomes tr[data-stage="${stage}"] td[data-outcome="${name}"]`);
        expect(await cell.isVisible()).toBe(true);
        expect(Number(await cell.getAttribute("data-reached")), `${name} at ${stage}`).toBe(reached.length);
        expect(Number(await cell.getAttribute("data-positives")), `${name} at ${stage}`).toBe(k);
        expect(Number(await cell.getAttribute("data-rate"))).toBe(k / reached.length);
        expect(Number(await cell.getAttribute("data-lift"))).toBe(k / reached.length / base);
        // and as people read it: the rate and the lift in the next cells
        const shown = await cell.evaluate((td) => [td.nextElementSibling!.textContent, td.nextElementSibling!.nextElementSibling!.textContent]);
        expect(shown).toEqual([`${((100 * k) / reached.length).toFixed(1)}%`, `${(k / reached.length / base).toFixed(2)}×`]);
      }
    }
    expect(await page.locator("table#outcomes tr[data-stage]").count()).toBe(funnel.length);

    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  }, 180_000);

  it("keeps hostile names and values as text: no script runs, no markup is injected", async () => {
    const def = join(tmp, `evil"<b>.leaddef`);
    writeFileSync(def, `schema {
  title: string
  n: number?
}
param code = "<img src=x onerror=alert(2)>"
# <script>window.hacked = true</script>
criterion x_crit when title contains "<script>" and title != code
score s_score {
  +10 when x_crit
}
hot when x_crit and n > 1
`);
    const data = join(tmp, "evil.csv");
    writeFileSync(data, `id,title,n\n1,"<script>window.hacked=1</script>",5\n2,'\"><svg onload=alert(3)>,abc\n`);
    const check = await cli(["check", def]);
    expect(check.code, check.stdout).toBe(0);
    const out = join(tmp, "evil.html");
    const rep = await cli(["report", def, "--input", data, "--as-of", AS_OF, "-o", out, "--param", "code=\"'><script>window.hacked=2</script>"]);
    expect(rep.code, rep.stderr).toBe(0);
    const html = readFileSync(out, "utf8");
    expect(html).not.toMatch(/<script|<img|<svg onload/i);
    const { page, errors, requests } = await open(out);
    expect(await page.evaluate(() => (window as unknown as { hacked?: unknown }).hacked)).toBeUndefined();
    expect(await page.locator("script").count()).toBe(0);
    expect(await page.locator("img").count()).toBe(0);
    // the hostile text is shown as text
    expect(await page.locator("pre").textContent()).toContain("<script>window.hacked = true</script>");
    expect(await page.locator('[data-param="code"]').textContent()).toBe(`code = "'><script>window.hacked=2</script>`);
    expect(await page.locator('[data-field="definition"]').textContent()).toContain('evil"<b>.leaddef');
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  }, 180_000);
});

describe.skipIf(!haveBrowser)("the README's picture", () => {
  it("is a screenshot of the report on the bundled example data (UPDATE_SCREENSHOT=1 rewrites docs/report.png)", async () => {
    const out = join(tmp, "screenshot.html");
    const rep = await cli(["report", "examples/acme.leaddef", "--input", "examples/leads.csv", "--as-of", AS_OF, "-o", out]);
    expect(rep.code, rep.stderr).toBe(0);
    const { page } = await open(out);
    await page.setViewportSize({ width: 1100, height: 1400 });
    const png = await page.screenshot({ fullPage: false });
    expect(png.length).toBeGreaterThan(10_000);
    if (process.env.UPDATE_SCREENSHOT === "1") writeFileSync(join(root, "docs", "report.png"), png);
    expect(existsSync(join(root, "docs", "report.png"))).toBe(true);
    await page.close();
  }, 180_000);
});
