// The built CLI as a process: help, exit codes, output formats, batch runs with their
// accounting, explain and build, and hostile inputs that must end in diagnostics, not crashes.
// Needs `npx tsc -p .` (npm test builds first).
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileFile } from "../compiler/compile.js";
import { csvToParquet } from "./support/parquet.js";
import { CLI } from "./support/cli.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const examples = join(root, "examples");
const AS_OF = "2026-11-22";
const tmp = mkdtempSync(join(tmpdir(), "leaddef-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Run { code: number | null; signal: string | null; stdout: string; stderr: string }

/** Runs the CLI; kills it after `timeout` ms, so a hang fails the test instead of stalling it. */
function cli(args: string[], options: { input?: string | Buffer; cwd?: string; timeout?: number } = {}): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd ?? root, env: { ...process.env, NO_COLOR: "1" } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b) => out.push(b));
    child.stderr.on("data", (b) => err.push(b));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeout ?? 30_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") });
    });
    child.stdin.end(options.input ?? "");
  });
}

/** Exited by itself with `code`, without a stack trace. */
function exited(r: Run, code: number): void {
  expect(r.signal, `killed: ${r.stderr}`).toBeNull();
  expect(r.code, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(code);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at .+:\d+:\d+/);
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error("build first: npm run build");
});

describe.concurrent("help and exit codes", () => {
  it("top-level help documents the exit codes", async () => {
    const r = await cli(["--help"]);
    exited(r, 0);
    expect(r.stdout).toContain("Exit codes: 0 success; 1 problems found");
    expect(r.stdout).toContain("2 usage or I/O error");
    for (const command of ["check", "test", "fmt", "run", "explain", "build", "lsp"]) expect(r.stdout).toContain(`${command} `);
  });

  it.each(["check", "test", "fmt", "run", "explain", "build", "lsp"])("%s --help", async (command) => {
    const r = await cli([command, "--help"]);
    exited(r, 0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: leaddef ${command} `));
  });

  it.each([
    [["frobnicate"]],
    [["check"]],
    [["check", "--format", "xml", "examples/acme.leaddef"]],
    [["run", "examples/acme.leaddef"]],
    [["run", "examples/acme.leaddef", "--input", "examples/leads.csv", "--as-of", "2026-02-30"]],
    [["explain", "examples/acme.leaddef", "--input", "examples/leads.csv", "--id", "NO-SUCH-ID"]],
  ])("usage error %j exits 2", async (args) => {
    const r = await cli(args);
    exited(r, 2);
    expect(r.stderr.length).toBeGreaterThan(0);
  });

  it("--version", async () => {
    const r = await cli(["--version"]);
    exited(r, 0);
    // One home for the version: the root package.json.
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version);
  });
});

describe("lsp", () => {
  it("`leaddef lsp --stdio` starts the language server, which answers initialize", async () => {
    const child = spawn(process.execPath, [CLI, "lsp", "--stdio"], { cwd: root, stdio: ["pipe", "pipe", "pipe"] });
    try {
      const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { processId: null, rootUri: null, capabilities: {} } });
      child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      const answer = await new Promise<string>((resolveAnswer, reject) => {
        let out = "";
        let err = "";
        const timer = setTimeout(() => reject(new Error(`no answer; stderr: ${err}`)), 30_000);
        child.stderr.on("data", (b) => (err += b));
        child.stdout.on("data", (b) => {
          out += b;
          if (out.includes("serverInfo")) {
            clearTimeout(timer);
            resolveAnswer(out);
          }
        });
        child.on("close", (code) => reject(new Error(`exited ${code}; stderr: ${err}`)));
      });
      expect(answer).toContain('"name":"leaddef"');
    } finally {
      child.kill();
    }
  });
});

describe.concurrent("check", () => {
  const bad = "test/fixtures/diagnostics/LD1001-unknown-field.leaddef";
  const warn = "test/fixtures/diagnostics/LD2001-unused-criterion.leaddef";

  it("exit 0 on clean files, 1 on errors; --deny-warnings makes warnings fail", async () => {
    exited(await cli(["check", "examples/acme.leaddef", "examples/smb.leaddef", "examples/scoring.leaddef", "examples/common.leaddef"]), 0);
    const r = await cli(["check", bad]);
    exited(r, 1);
    expect(r.stdout).toContain(`${bad}:5:22: error LD1001: unknown field \`company.revenue\``);
    expect(r.stdout).toContain("= help: did you mean `company.revenue_usd`?");
    expect(r.stderr).toContain("1 file checked: 1 error, 0 warnings");
    exited(await cli(["check", warn]), 0);
    exited(await cli(["check", "--deny-warnings", warn]), 1);
  });

  it("the summary starts its own line even when the last diagnostic ends with help and no fix", async () => {
    const file = join(tmp, "help-last.leaddef");
    writeFileSync(file, "schema {\n  contact.role: enum(champion, influencer)\n}\ncriterion x when contact.role = zzzzzzzz\ncriterion y when contact.role = qqqqqqqqqqq\ncriterion z when contact.role = wwwwwwwwwwww\nmql when x and y and z\n");
    const r = await cli(["check", file]);
    exited(r, 1);
    const lines = `${r.stdout}${r.stderr}`.split("\n");
    expect(lines.slice(-3)).toEqual(["  = help: the members are `champion`, `influencer`", "1 file checked: 3 errors, 0 warnings", ""]);
  });

  it("--format json is valid JSON with 1-based ranges", async () => {
    const r = await cli(["check", "--format", "json", bad, warn]);
    exited(r, 1);
    const list = JSON.parse(r.stdout);
    expect(list).toEqual([
      expect.objectContaining({ file: bad, code: "LD1001", severity: "error", range: { start: { line: 5, column: 22 }, end: { line: 5, column: 37 } }, suggestion: { message: "change to `company.revenue_usd`", replacement: "company.revenue_usd" } }),
      expect.objectContaining({ file: warn, code: "LD2001", severity: "warning" }),
    ]);
  });

  it("--format sarif is SARIF 2.1.0 with a rule per catalog code", async () => {
    const r = await cli(["check", "--format", "sarif", bad]);
    exited(r, 1);
    const sarif = JSON.parse(r.stdout);
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    expect(sarif.runs).toHaveLength(1);
    const run = sarif.runs[0];
    expect(run.tool.driver.name).toBe("leaddef");
    expect(run.tool.driver.rules.map((x: { id: string }) => x.id)).toContain("LD1001");
    expect(run.results).toEqual([{
      ruleId: "LD1001",
      level: "error",
      message: { text: expect.stringContaining("unknown field `company.revenue`") },
      locations: [{ physicalLocation: { artifactLocation: { uri: bad }, region: { startLine: 5, startColumn: 22, endLine: 5, endColumn: 37 } } }],
    }]);
  });

  it("--format github writes workflow commands", async () => {
    const r = await cli(["check", "--format", "github", bad, warn]);
    exited(r, 1);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(new RegExp(`^::error file=${bad.replace(/\./g, "\\.")},line=5,col=22,endLine=5,endColumn=37,title=LD1001::unknown field`));
    expect(lines[1]).toMatch(/^::warning file=.*LD2001-unused-criterion\.leaddef,line=6,col=11,.*title=LD2001::criterion `urgent` is never used/);
  });
});

describe.concurrent("test, fmt, explain, build", () => {
  it("test examples/*.leaddef: every example passes", async () => {
    const r = await cli(["test", "--as-of", AS_OF, "examples/acme.leaddef", "examples/smb.leaddef", "examples/scoring.leaddef", "examples/common.leaddef"]);
    exited(r, 0);
    const total = ["acme", "smb", "scoring"].reduce((n, f) => n + compileFile(join(examples, `${f}.leaddef`)).program!.ir.examples.length, 0);
    expect(r.stdout.trim().split("\n").pop()).toBe(`${total} passed, 0 failed`);
    expect(r.stdout.match(/^✓ /gm)).toHaveLength(total);
  });

  it("test: a failing example exits 1 and says why", async () => {
    const file = join(tmp, "failing.leaddef");
    writeFileSync(file, "schema {\n  a.n: number\n}\nmql when a.n > 5\nexample \"too small\" {\n  a.n = 3\n  expect stage mql\n}\nexample \"big\" {\n  a.n = 6\n  expect stage mql\n}\n");
    const r = await cli(["test", file]);
    exited(r, 1);
    expect(r.stdout).toContain("expected stage mql, got none");
    expect(r.stdout.trim().split("\n").pop()).toBe("1 passed, 1 failed");
  });

  it("fmt --check: 1 on an unformatted file, 0 once formatted; fmt - formats standard input", async () => {
    const file = join(tmp, "messy.leaddef");
    writeFileSync(file, "schema{ a.n:number }\nmql   when a.n>5\n");
    const check1 = await cli(["fmt", "--check", file]);
    exited(check1, 1);
    expect(check1.stdout).toContain("not formatted");
    expect(readFileSync(file, "utf8")).toBe("schema{ a.n:number }\nmql   when a.n>5\n"); // --check changes nothing
    exited(await cli(["fmt", file]), 0);
    expect(readFileSync(file, "utf8")).toBe("schema {\n  a.n: number\n}\nmql when a.n > 5\n");
    exited(await cli(["fmt", "--check", file]), 0);
    const stdin = await cli(["fmt", "-"], { input: "mql   when a.n>5\n" });
    exited(stdin, 0);
    expect(stdin.stdout).toBe("mql when a.n > 5\n");
    const broken = await cli(["fmt", "--check", "test/fixtures/diagnostics/LD0002-syntax-error.leaddef"]);
    exited(broken, 1);
    expect(broken.stderr).toContain("cannot format a file with syntax errors");
  });

  it("explain --lead shows the stage, scores and each part with its values", async () => {
    const lead = { company: { industry: "telecom", employees: 9000 }, contact: { seniority: "vp" } };
    const r = await cli(["explain", "examples/acme.leaddef", "--as-of", AS_OF, "--lead", JSON.stringify(lead)]);
    exited(r, 0);
    expect(r.stdout).toMatch(/^stage: none {3}\(as of 2026-11-22\)/);
    expect(r.stdout).toContain("score priority: ");
    expect(r.stdout).toContain("✓ contact.seniority >= manager    [contact.seniority = \"vp\"]");
    const json = await cli(["explain", "examples/acme.leaddef", "--as-of", AS_OF, "--json", "--lead", JSON.stringify(lead)]);
    exited(json, 0);
    const x = JSON.parse(json.stdout);
    const program = compileFile(join(examples, "acme.leaddef")).program!;
    expect(x).toEqual(JSON.parse(JSON.stringify(program.explain(lead, { asOf: AS_OF }))));
  });

  it("explain --input --id finds the lead in CSV and in JSONL", async () => {
    const csv = await cli(["explain", "examples/acme.leaddef", "--as-of", AS_OF, "--json", "--input", "examples/leads.csv", "--id", "L000001"]);
    const jsonl = await cli(["explain", "examples/acme.leaddef", "--as-of", AS_OF, "--json", "--input", "examples/leads.jsonl", "--id", "L000001"]);
    exited(csv, 0);
    exited(jsonl, 0);
    expect(JSON.parse(csv.stdout)).toEqual(JSON.parse(jsonl.stdout));
    const run = await cli(["run", "examples/acme.leaddef", "--input", "examples/leads.csv", "--as-of", AS_OF, "--no-progress"]);
    const row = run.stdout.split("\n").find((l) => l.startsWith("L000001,"))!;
    expect(row).toBe(`L000001,${JSON.parse(csv.stdout).stage},${JSON.parse(csv.stdout).scores.priority}`);
  });

  it("explain of a lead the readers refuse exits 1 and names the field", async () => {
    const r = await cli(["explain", "examples/acme.leaddef", "--as-of", AS_OF, "--lead", JSON.stringify({ company: { employees: "many" } })]);
    exited(r, 1);
    expect(r.stderr).toContain("company.employees");
  });

  it("build --target js writes a module that scores like the compiler", async () => {
    const out = join(tmp, "acme.mjs");
    exited(await cli(["build", "examples/acme.leaddef", "--target", "js", "-o", out]), 0);
    const mod = (await import(pathToFileURL(out).href)) as { evaluate(l: object, o: { asOf: string }): unknown; stages: string[] };
    const program = compileFile(join(examples, "acme.leaddef")).program!;
    expect(mod.stages).toEqual(program.stages);
    const leads = readFileSync(join(examples, "leads.jsonl"), "utf8").trim().split("\n").slice(0, 200).map((l) => JSON.parse(l));
    for (const lead of leads) {
      let a: unknown;
      let b: unknown;
      try { a = program.evaluate(lead, { asOf: AS_OF }); } catch (e) { a = (e as Error).message; }
      try { b = mod.evaluate(lead, { asOf: AS_OF }); } catch (e) { b = (e as Error).message; }
      expect(b).toEqual(a);
    }
    const stdout = await cli(["build", "examples/acme.leaddef"]);
    exited(stdout, 0);
    expect(stdout.stdout).toBe(readFileSync(out, "utf8"));
    exited(await cli(["build", "test/fixtures/diagnostics/LD1001-unknown-field.leaddef"]), 1);
  });
});

// ---- batch runs ----

function parseCsv(text: string): string[][] {
  // enough for the CLI's own output: quoted cells may hold commas, quotes and newlines
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") { row.push(cell); cell = ""; } else if (ch === "\n") { row.push(cell); rows.push(row); row = []; cell = ""; } else cell += ch;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

function accounting(summary: string): { read: number; written: number; rejected: number } {
  const m = /rows read (\d+) = written (\d+) \+ rejected (\d+)/.exec(summary);
  expect(m, summary).not.toBeNull();
  return { read: Number(m![1]), written: Number(m![2]), rejected: Number(m![3]) };
}

describe.concurrent("run", () => {
  it("a .parquet file DuckDB cannot read (not Parquet, truncated, corrupt pages) is an input error (exit 1) in DuckDB's words, not an internal error", async () => {
    const source = join(tmp, "leads-source.parquet");
    await csvToParquet("examples/leads.csv", source);
    const good = readFileSync(source);
    // Bytes flipped in the first half (column data, compressed) and in the footer's metadata.
    const corruptPages = Buffer.from(good);
    for (let i = 200; i < good.length / 2; i += 97) corruptPages[i] ^= 0x5a;
    const corruptFooter = Buffer.from(good);
    for (let i = good.length - 400; i < good.length - 8; i += 13) corruptFooter[i] ^= 0x5a;
    const ok = await cli(["run", "examples/acme.leaddef", "--input", source, "--engine", "duckdb", "--output", join(tmp, "source-out.csv"), "--as-of", AS_OF]);
    expect(ok.code, ok.stderr).toBe(0);
    const files: [string, Buffer][] = [["garbage", Buffer.from("id,a\n1,2\n")], ["truncated", good.subarray(0, Math.floor(good.length / 2))], ["pages", corruptPages], ["footer", corruptFooter]];
    for (const [name, bytes] of files) {
      const input = join(tmp, `${name}.parquet`);
      writeFileSync(input, bytes);
      const out = join(tmp, `${name}-out.csv`);
      const r = await cli(["run", "examples/acme.leaddef", "--input", input, "--engine", "duckdb", "--output", out, "--as-of", AS_OF]);
      expect(r.code, `${name}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^leaddef: error: .*${name}\\.parquet: DuckDB cannot read this Parquet file: `));
      expect(r.stderr).not.toMatch(/internal error/);
      expect(existsSync(out)).toBe(false);
    }
  });

  it("-o - writes the results to standard output, not to a file named -", async () => {
    const dir = mkdtempSync(join(tmp, "dash-"));
    const def = resolve("examples/acme.leaddef");
    const leads = resolve("examples/leads.csv");
    for (const engine of ["js", "duckdb"]) {
      const r = await cli(["run", def, "--input", leads, "-o", "-", "--rejects", join(dir, `r-${engine}.csv`), "--engine", engine, "--as-of", AS_OF], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.split("\n")[0]).toBe("id,stage,priority");
      expect(r.stdout.trim().split("\n").length).toBeGreaterThan(900);
      expect(existsSync(join(dir, "-"))).toBe(false);
    }
  });

  it("writing over an input (the export, the definition) is refused before anything is read or written", async () => {
    const dir = join(tmp, "overwrite");
    mkdirSync(dir, { recursive: true });
    const leads = join(dir, "leads.csv");
    const def = join(dir, "acme.leaddef");
    writeFileSync(leads, readFileSync("examples/leads.csv"));
    writeFileSync(def, readFileSync("examples/acme.leaddef"));
    writeFileSync(join(dir, "common.leaddef"), readFileSync("examples/common.leaddef"));
    symlinkSync(leads, join(dir, "link.csv"));
    const before = [readFileSync(leads), readFileSync(def)];
    const cases: [string[], RegExp][] = [
      [["run", def, "--input", leads, "--output", leads], /--output .*leads\.csv is the input file/],
      [["run", def, "--input", leads, "--output", join(dir, "link.csv"), "--engine", "duckdb"], /--output .*link\.csv is the input file/],
      [["run", def, "--input", leads, "--output", join(dir, "out.csv"), "--rejects", `${dir}/./leads.csv`], /--rejects .*leads\.csv is the input file/],
      [["run", def, "--input", leads, "--output", def], /--output .*acme\.leaddef is the input file/],
      [["run", def, "--input", leads, "--output", join(dir, "out.csv"), "--rejects", join(dir, "out.csv")], /--rejects .*out\.csv is also --output .*out\.csv/],
      [["report", def, "--input", leads, "-o", leads], /-o .*leads\.csv is the input file/],
      [["build", def, "--target", "js", "-o", def], /-o .*acme\.leaddef is the input file/],
    ];
    for (const [args, message] of cases) {
      const r = await cli([...args, "--as-of", AS_OF]);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect([readFileSync(leads), readFileSync(def)]).toEqual(before);
  });

  it("an output or rejects file that cannot be created or written is a usage error (exit 2) naming it, in both engines, not a crash", async () => {
    const missing = join(tmp, "no-such-folder");
    for (const engine of ["js", "duckdb"]) {
      for (const where of [["--output", join(missing, "out.csv")], ["--output", join(tmp, `out-${engine}.csv`), "--rejects", join(missing, "rejects.csv")], ["--output", tmp]]) {
        const r = await cli(["run", "examples/acme.leaddef", "--input", "examples/leads.csv", "--engine", engine, "--as-of", AS_OF, ...where]);
        expect(r.code, `${engine} ${where.join(" ")}: ${r.stderr}`).toBe(2);
        expect(r.stderr).toMatch(/^leaddef: (ENOENT|EISDIR): .*(no-such-folder|leaddef-cli-)/);
        expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      }
      // A full disk (Linux's /dev/full fails every write): the same, for results and for rejects.
      expect(existsSync("/dev/full")).toBe(true);
      for (const where of [["--output", "/dev/full"], ["--output", join(tmp, `full-${engine}.csv`), "--rejects", "/dev/full"]]) {
        const r = await cli(["run", "examples/acme.leaddef", "--input", "examples/leads.csv", "--engine", engine, "--as-of", AS_OF, ...where]);
        expect(r.code, `${engine} ${where.join(" ")}: ${r.stderr}`).toBe(2);
        expect(r.stderr).toMatch(/^leaddef: ENOSPC: no space left on device/);
        expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      }
    }
  });

  it("CSV and JSONL give the same results; the funnel and the accounting add up; rejects say line, field, value, reason", async () => {
    const outCsv = join(tmp, "acme.csv");
    const outJsonl = join(tmp, "acme.jsonl");
    const [a, b] = await Promise.all([
      cli(["run", "examples/acme.leaddef", "--input", "examples/leads.csv", "--output", outCsv, "--as-of", AS_OF]),
      cli(["run", "examples/acme.leaddef", "--input", "examples/leads.jsonl", "--output", outJsonl, "--as-of", AS_OF]),
    ]);
    exited(a, 0);
    exited(b, 0);
    for (const r of [a, b]) {
      expect(r.stdout).toMatch(/^stage\s+leads\s+share\s+reached\nnone\s+\d+/);
      for (const stage of ["mql", "sal", "sql"]) expect(r.stdout).toMatch(new RegExp(`\\n${stage}\\s+\\d+\\s+[\\d.]+%`));
    }
    const ca = accounting(a.stdout);
    const cb = accounting(b.stdout);
    expect(ca).toEqual(cb);
    expect(ca.read).toBe(1000);
    expect(ca.read).toBe(ca.written + ca.rejected);
    expect(ca.rejected).toBeGreaterThan(0);
    // the funnel's counts sum to the rows written
    const counts = [...a.stdout.matchAll(/^(none|mql|sal|sql)\s+(\d+)/gm)].map((m) => Number(m[2]));
    expect(counts.reduce((x, y) => x + y, 0)).toBe(ca.written);

    const csvRows = parseCsv(readFileSync(outCsv, "utf8"));
    expect(csvRows[0]).toEqual(["id", "stage", "priority"]);
    const fromCsv = csvRows.slice(1).map(([id, stage, priority]) => ({ id, stage, priority: Number(priority) }));
    const fromJsonl = readFileSync(outJsonl, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(fromCsv).toEqual(fromJsonl);
    expect(fromCsv).toHaveLength(ca.written);

    const rejectsA = parseCsv(readFileSync(`${outCsv}.rejects.csv`, "utf8"));
    const rejectsB = parseCsv(readFileSync(`${outJsonl}.rejects.csv`, "utf8"));
    expect(rejectsA[0]).toEqual(["line", "id", "field", "value", "reason"]);
    expect(rejectsA).toHaveLength(ca.rejected + 1);
    expect(rejectsB).toHaveLength(cb.rejected + 1);
    for (const [line, id, field, , reason] of rejectsA.slice(1)) {
      expect(Number(line)).toBeGreaterThan(1);
      expect(id).toMatch(/^L\d+$/);
      expect(field.length + reason.length).toBeGreaterThan(0);
      expect(reason).not.toBe("");
    }
    // the same leads are rejected for the same field either way; JSONL has no header, so its line is one less
    expect(rejectsB.slice(1).map(([line, id, field]) => [Number(line) + 1, id, field])).toEqual(rejectsA.slice(1).map(([line, id, field]) => [Number(line), id, field]));
    // every input id is either written or rejected, once
    const ids = [...fromCsv.map((r) => r.id), ...rejectsA.slice(1).map((r) => r[1])].sort();
    const inputIds = parseCsv(readFileSync(join(examples, "leads.csv"), "utf8")).slice(1).map((r) => r[0]).sort();
    expect(ids).toEqual(inputIds);
    // the in-process evaluator agrees with the batch path on every written row
    const program = compileFile(join(examples, "acme.leaddef")).program!;
    const byId = new Map(fromJsonl.map((r) => [r.id, r]));
    for (const line of readFileSync(join(examples, "leads.jsonl"), "utf8").trim().split("\n")) {
      const lead = JSON.parse(line);
      const row = byId.get(lead.id);
      if (!row) continue;
      const r = program.evaluate(lead, { asOf: AS_OF });
      expect({ id: lead.id, stage: r.stage, priority: r.scores.priority }).toEqual(row);
    }
  });

  it("run --engine duckdb on input DuckDB reads differently: the CLI says it scored with the JS engine, before the summary", async () => {
    const input = join(tmp, "crlf.jsonl");
    writeFileSync(input, '{"id": "a", "a": {"n": 6}}\r\n{"id": "b", "a": {"n": 3}}\r\n');
    const definition = join(tmp, "crlf.leaddef");
    writeFileSync(definition, "schema {\n  a.n: number\n}\nmql when a.n > 5\n");
    const r = await cli(["run", definition, "--input", input, "--as-of", AS_OF, "--engine", "duckdb"]);
    exited(r, 0);
    expect(r.stderr.split("\n")[0]).toBe("leaddef: the JSON Lines file has carriage returns or U+0001 characters, which DuckDB's line reader splits differently; scoring with the JS engine instead (same results)");
    expect(r.stderr).toContain("(js, ");
    expect(parseCsv(r.stdout)).toEqual([["id", "stage"], ["a", "mql"], ["b", "none"]]);
  });

  it("--columns all adds every criterion and stage flag", async () => {
    const r = await cli(["run", "examples/scoring.leaddef", "--input", "examples/leads.csv", "--as-of", AS_OF, "--columns", "all"]);
    exited(r, 0);
    const rows = parseCsv(r.stdout);
    const program = compileFile(join(examples, "scoring.leaddef")).program!;
    expect(rows[0]).toEqual(["id", "stage", ...program.scores, ...program.criteria, ...program.stages]);
    const stageCol = rows[0].indexOf("stage");
    for (const row of rows.slice(1)) {
      expect(row).toHaveLength(rows[0].length);
      const flags = program.stages.map((s) => row[rows[0].indexOf(s)]);
      for (const f of flags) expect(["true", "false"]).toContain(f);
      const last = program.stages.filter((_, i) => flags[i] === "true").pop() ?? "none";
      expect(row[stageCol]).toBe(last);
    }
    expect(accounting(r.stderr).written).toBe(rows.length - 1);
  });

  it("--fail-on-rejects exits 1 when a row was rejected", async () => {
    const r = await cli(["run", "examples/acme.leaddef", "--input", "examples/leads.csv", "--output", join(tmp, "f.csv"), "--as-of", AS_OF, "--fail-on-rejects"]);
    exited(r, 1);
  });

  it("an adversarial CSV is fully accounted for", async () => {
    const def = join(tmp, "adv.leaddef");
    writeFileSync(def, "schema {\n  name: string?\n  n: integer?\n  flag: boolean?\n  tags: list(string)?\n  kind: enum(a, b)?\n}\nhit when n > 5\n");
    const input = join(tmp, "adv.csv");
    const csv = [
      "\uFEFFid,name,n,flag,tags,kind", // BOM
      '1,"Smith, John",6,yes,"x;y",a', // quoted comma
      '2,"multi\r\nline ""quoted""",1,no,,b', // embedded CRLF and quotes
      "", // empty line: not a row
      "3,plain,abc,true,,a", // bad integer
      "4,ragged,1", // too few cells
      "5,extra,1,true,,a,EXTRA", // too many cells
      "6,,,,,", // every field missing
      '7,"bad kind",2,true,,c', // not an enum member
      '8,"x"y,9,maybe,,a', // not readable as CSV
      '9,"last ""one""",7,1,";;z;",b',
      "10,  spaced  ,07,FALSE,,a",
      "11,x,1.5,true,,a", // not a whole number
      "12,x,3,maybe,,a", // not a boolean
    ].join("\r\n") + "\r\n";
    writeFileSync(input, csv);
    const out = join(tmp, "adv.out.csv");
    const r = await cli(["run", def, "--input", input, "--output", out, "--as-of", AS_OF, "--columns", "all"]);
    exited(r, 0);
    const acc = accounting(r.stdout);
    // 12 records (the empty line is none): every one is written or rejected
    expect(acc).toEqual({ read: 12, written: 5, rejected: 7 });
    const rows = parseCsv(readFileSync(out, "utf8"));
    expect(rows).toEqual([
      ["id", "stage", "hit"],
      ["1", "hit", "true"],
      ["2", "none", "false"],
      ["6", "none", "false"],
      ["9", "hit", "true"],
      ["10", "hit", "true"],
    ]);
    const rejects = parseCsv(readFileSync(`${out}.rejects.csv`, "utf8"));
    // (the raw text of an unreadable record may keep its line ending)
    expect(rejects.slice(1).map(([line, id, field, value]) => [Number(line), id, field, value.trim()])).toEqual([
      [6, "3", "n", "abc"],
      [7, "4", "", ""],
      [8, "5", "", ""],
      [10, "7", "kind", "c"],
      [11, "", "", '8,"x"y,9,maybe,,a'],
      [14, "11", "n", "1.5"],
      [15, "12", "flag", "maybe"],
    ]);
    for (const [, , , , reason] of rejects.slice(1)) expect(reason.length).toBeGreaterThan(5);
  });

  it("a JSON \"\" is a present empty string, a CSV empty cell is missing", async () => {
    const def = join(tmp, "empty-string.leaddef");
    writeFileSync(def, "schema {\n  name: string?\n}\nhas_name when name is present\n");
    writeFileSync(join(tmp, "es.csv"), "id,name\n1,\n2,x\n");
    writeFileSync(join(tmp, "es.jsonl"), '{"id":"1","name":""}\n{"id":"2","name":"x"}\n{"id":"3","name":null}\n{"id":"4"}\n');
    const [csv, jsonl] = await Promise.all(["es.csv", "es.jsonl"].map((f) => cli(["run", def, "--input", join(tmp, f), "--as-of", AS_OF])));
    exited(csv, 0);
    exited(jsonl, 0);
    expect(parseCsv(csv.stdout)).toEqual([["id", "stage"], ["1", "none"], ["2", "has_name"]]);
    expect(parseCsv(jsonl.stdout)).toEqual([["id", "stage"], ["1", "has_name"], ["2", "has_name"], ["3", "none"], ["4", "none"]]);
  });

  it("a reader that goes away early (`| head -1`) ends the run quietly", async () => {
    const script = `"${process.execPath}" "${CLI}" run examples/acme.leaddef --input examples/leads.jsonl --as-of ${AS_OF} --columns all | head -1 > /dev/null; exit \${PIPESTATUS[0]}`;
    const child = spawn("bash", ["-c", script], { cwd: root });
    const err: Buffer[] = [];
    child.stderr.on("data", (b) => err.push(b));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    const [code, signal] = await new Promise<[number | null, string | null]>((r) => child.on("close", (c, s) => r([c, s])));
    clearTimeout(timer);
    expect(signal).toBeNull();
    expect(Buffer.concat(err).toString()).not.toMatch(/EPIPE|\n\s+at /);
    expect(code).toBe(0);
  });

  it("an empty CSV file has no header: refused (exit 1: the file is wrong as a whole), nothing written; an empty JSON Lines file is zero rows", async () => {
    const input = join(tmp, "empty.csv");
    writeFileSync(input, "");
    const r = await cli(["run", "examples/acme.leaddef", "--input", input, "--output", join(tmp, "empty.out.csv"), "--as-of", AS_OF]);
    exited(r, 1);
    expect(r.stderr).toContain("the CSV file has no header row");
    expect(existsSync(join(tmp, "empty.out.csv"))).toBe(false);
    const jsonl = join(tmp, "empty.jsonl");
    writeFileSync(jsonl, "");
    const j = await cli(["run", "examples/acme.leaddef", "--input", jsonl, "--output", join(tmp, "empty.out2.csv"), "--as-of", AS_OF]);
    exited(j, 0);
    expect(accounting(j.stdout)).toEqual({ read: 0, written: 0, rejected: 0 });
  });
});

// ---- hostile files ----

describe.concurrent("hostile definition files end in diagnostics, never a crash or a hang", () => {
  const dir = join(tmp, "hostile");
  mkdirSync(dir, { recursive: true });
  const files: Record<string, string | Buffer> = {
    "garbage.leaddef": Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919 + 13) % 256)),
    "unbalanced.leaddef": "schema {\n  a.n: number\n\ncriterion x when ((a.n > 1]\nmql when x and (\n",
    "nested.leaddef": `schema {\n  a.n: number\n}\nmql when ${"(".repeat(10_000)}a.n > 1${")".repeat(10_000)}\n`,
    "nested-not.leaddef": `schema {\n  a.b: boolean\n}\nmql when ${"not ".repeat(10_000)}a.b\n`,
    "big.leaddef": "criterion broken when (a.n > 1 and\n".repeat(Math.ceil(5_000_000 / 34)),
  };
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);

  it.each([
    ["garbage.leaddef", /LD000[12]/],
    ["unbalanced.leaddef", /LD0002/],
    ["nested.leaddef", /LD0005.*nested more than 100 levels/],
    ["nested-not.leaddef", /LD0005/],
    ["big.leaddef", /LD0007.*more than 100 syntax errors/],
  ])("check %s", async (name, pattern) => {
    const r = await cli(["check", join(dir, name)], { timeout: 60_000 });
    exited(r, 1);
    expect(r.stdout).toMatch(pattern);
    expect(r.stderr).toMatch(/1 file checked: \d+ errors?/);
  });

  it.each([["test"], ["build"], ["run", "--input", "examples/leads.csv"], ["explain", "--lead", "{}"]])("%s on a broken file exits 1 with diagnostics", async (command, ...rest) => {
    const r = await cli([command, join(dir, "unbalanced.leaddef"), ...rest]);
    exited(r, 1);
    expect(r.stdout + r.stderr).toMatch(/LD0002/);
  });

  it("a missing file: check reports LD1009 (1); commands that read it exit 2", async () => {
    const check = await cli(["check", join(dir, "nope.leaddef")]);
    exited(check, 1);
    expect(check.stdout).toMatch(/LD1009: cannot read/);
    const fmt = await cli(["fmt", join(dir, "nope.leaddef")]);
    exited(fmt, 2);
    expect(fmt.stderr).toMatch(/ENOENT|no such file/);
    const run = await cli(["run", "examples/acme.leaddef", "--input", join(dir, "nope.csv")]);
    exited(run, 2);
  });

  it("a directory as input", async () => {
    const check = await cli(["check", dir]);
    exited(check, 1);
    expect(check.stdout).toMatch(/LD1009/);
    exited(await cli(["fmt", dir]), 2);
    exited(await cli(["run", "examples/acme.leaddef", "--input", `${dir}.csv`]), 2);
  });

  it("an empty file is a valid, empty definition (documented): check 0, test 0 passed", async () => {
    const file = join(dir, "empty.leaddef");
    writeFileSync(file, "");
    const check = await cli(["check", file]);
    exited(check, 0);
    expect(check.stderr).toContain("0 errors, 0 warnings");
    const test = await cli(["test", file]);
    exited(test, 0);
    expect(test.stdout.trim()).toBe("0 passed, 0 failed");
  });

  it("garbage bytes on standard input to fmt -", async () => {
    const r = await cli(["fmt", "-"], { input: Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x7b, 0x7b, 0x28]) });
    exited(r, 1);
    expect(r.stderr).toContain("cannot format a file with syntax errors");
  });
});
