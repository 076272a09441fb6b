// Formatter: input → expected goldens for every construct, idempotence on the examples, and
// property tests: random valid programs in random layouts keep their meaning and settle in
// one pass; random token soup and random bytes never throw anywhere.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compile } from "../compiler/compile.js";
import { format } from "../language/formatter.js";
import { parseFile } from "../language/parse.js";
import { tokenize } from "../language/tokens.js";
import { generateCase, rng } from "./support/random-program.js";

const here = dirname(fileURLToPath(import.meta.url));
const examplesDir = resolve(here, "..", "examples");

/** The AST without ids and spans: what the file means, not where it sits. */
function shape(text: string): unknown {
  const parsed = parseFile("x.leaddef", text);
  return JSON.parse(JSON.stringify(parsed.ast, (k, v) => (k === "id" || k === "span" ? undefined : v)));
}

function check(input: string, expected: string): void {
  const result = format(input);
  expect(result.error).toBeUndefined();
  expect(result.text).toBe(expected);
  expect(result.changed).toBe(input !== expected);
  expect(format(result.text).text).toBe(result.text);
  expect(shape(result.text)).toEqual(shape(input));
}

const S = "schema {\n  a.n: number\n  a.s: string\n  a.b: boolean\n  a.d: date\n  a.e: enum(x, y)\n  a.l: list(string)\n}\n";

describe("goldens", () => {
  it.each<[string, string, string]>([
    ["empty file", "", ""],
    ["only blank lines", "\n\n\n", ""],
    ["import", `import    "common.leaddef"\n`, `import "common.leaddef"\n`],
    [
      "schema: types, optional, enum and list spacing",
      "schema{\n      a.n:number?\n a.e : enum( x,y ,z )\n a.l:list( string )?\n}\n",
      "schema {\n  a.n: number?\n  a.e: enum(x, y, z)\n  a.l: list(string)?\n}\n",
    ],
    ["schema on one line", "schema { a.n: number a.s: string }\n", "schema {\n  a.n: number\n  a.s: string\n}\n"],
    [
      "criterion with operators tightened and spaced",
      `${S}criterion  c   when a.n>=100M and a.s contains"x"or a.e in[x,y]and a.l contains "sap"\n`,
      `${S}criterion c when a.n >= 100M and a.s contains "x" or a.e in [x, y] and a.l contains "sap"\n`,
    ],
    [
      "negative numbers, unary minus and subtraction",
      `${S}criterion c when a.n > -5 and - a.n < 3 - -2 and a.n*-1 = -(a.n)\n`,
      `${S}criterion c when a.n > -5 and -a.n < 3 - -2 and a.n * -1 = -(a.n)\n`,
    ],
    [
      "days_since, starts with, not in, is missing, at least",
      `${S}criterion c when days_since( a.d )<=30 and a.s starts  with "52" and a.e not  in [x] and a.n is  missing and at least 1 of[a.b,a.n>1]\n`,
      `${S}criterion c when days_since(a.d) <= 30 and a.s starts with "52" and a.e not in [x] and a.n is missing and at least 1 of [a.b, a.n > 1]\n`,
    ],
    ["ends with", `${S}criterion c when a.s ends   with "@x.com"\n`, `${S}criterion c when a.s ends with "@x.com"\n`],
    ["not and parentheses", `${S}criterion c when not(a.b)and not a.b\n`, `${S}criterion c when not (a.b) and not a.b\n`],
    [
      "multi-line condition with comments inside",
      `${S}mql when a.b   # why\n      # own line inside\n   and a.n > 1\n        or a.s = "x"\n`,
      `${S}mql when a.b  # why\n  # own line inside\n  and a.n > 1\n  or a.s = "x"\n`,
    ],
    [
      "continuation inside brackets indents per open bracket",
      `${S}mql when at least 1 of [a.b,\na.n > 1,\n (a.n < 0\n or a.b)]\n`,
      `${S}mql when at least 1 of [a.b,\n    a.n > 1,\n    (a.n < 0\n      or a.b)]\n`,
    ],
    [
      "score lines with + and -, cap and floor, comments in the block",
      `${S}score fit{\n# about\n+20 when a.b\n    -10   when a.s contains "intern"   # trailing\n  +0.5 when a.n * 2 -\n 3 > 0\ncap 100\n floor -10\n}\n`,
      `${S}score fit {\n  # about\n  +20 when a.b\n  -10 when a.s contains "intern"  # trailing\n  +0.5 when a.n * 2 -\n    3 > 0\n  cap 100\n  floor -10\n}\n`,
    ],
    [
      "a grade laid out like a score block, comments kept",
      `${S}grade fit_grade{\n# big first\nA when a.n>=1000   # trailing\n   B   when a.n >= 200 and\n a.b\nelse    C }\nmql when fit_grade in[A,B]\n`,
      `${S}grade fit_grade {\n  # big first\n  A when a.n >= 1000  # trailing\n  B when a.n >= 200 and\n    a.b\n  else C\n}\nmql when fit_grade in [A, B]\n`,
    ],
    [
      "disqualify and the new expectations",
      `${S}disqualify   when a.s ends with "@x.com"   because   "competitor"\nmql when a.b\nexample "e" {\na.s = "q@x.com"\nexpect stage   disqualified\n  expect reason   "competitor" }\n`,
      `${S}disqualify when a.s ends with "@x.com" because "competitor"\nmql when a.b\nexample "e" {\n  a.s = "q@x.com"\n  expect stage disqualified\n  expect reason "competitor"\n}\n`,
    ],
    [
      "stages",
      `${S}mql   when a.b\nsal when mql   and a.n>1\n`,
      `${S}mql when a.b\nsal when mql and a.n > 1\n`,
    ],
    [
      "example block with every kind of line",
      `${S}mql when a.b\nscore f { +1 when a.b }\nexample "x \\"q\\""{\na.n=-5\na.s = "s"\n a.l=["a","b"]\na.e=x\na.d=2026-01-02\nas  of 2026-11-22\nexpect stage mql\nexpect score f = -1\nexpect not mql\nexpect mql\n}\n`,
      `${S}mql when a.b\nscore f {\n  +1 when a.b\n}\nexample "x \\"q\\"" {\n  a.n = -5\n  a.s = "s"\n  a.l = ["a", "b"]\n  a.e = x\n  a.d = 2026-01-02\n  as of 2026-11-22\n  expect stage mql\n  expect score f = -1\n  expect not mql\n  expect mql\n}\n`,
    ],
    [
      "blank lines collapse to one; none at the start or end",
      `\n\n# head\n\n\n\n${S}\n\n\nmql when a.b\n\n\n`,
      `# head\n\n${S}\nmql when a.b\n`,
    ],
    [
      "blank lines inside blocks collapse too",
      "schema {\n  a.n: number\n\n\n\n  a.s: string\n}\n",
      "schema {\n  a.n: number\n\n  a.s: string\n}\n",
    ],
    [
      "trailing comments on consecutive lines line up",
      "schema {\n  a.n: number # one\n  a.longer_name: string    # two\n  a.x: date\n}\n",
      "schema {\n  a.n: number            # one\n  a.longer_name: string  # two\n  a.x: date\n}\n",
    ],
    [
      "comment after an opening brace, own-line comments in blocks and at the end",
      "schema { # fields\n# first\na.n: number\n  # last\n}\n# the end\n",
      "schema {\n  # fields\n  # first\n  a.n: number\n  # last\n}\n# the end\n",
    ],
    ["CRLF line endings become LF", "schema {\r\n  a.n: number\r\n}\r\n", "schema {\n  a.n: number\n}\n"],
    ["keywords after a dot stay names", "schema {\n  engagement . score: number\n}\n", "schema {\n  engagement.score: number\n}\n"],
  ])("%s", (_name, input, expected) => check(input, expected));

  it("refuses a file with syntax errors and returns it unchanged", () => {
    const input = `${S}criterion c when a.n >\n`;
    const result = format(input);
    expect(result.error).toMatch(/syntax errors/);
    expect(result.text).toBe(input);
    expect(result.changed).toBe(false);
  });

  it("formats a file with type errors (only syntax matters)", () => {
    check("criterion c when nope  >  1\n", "criterion c when nope > 1\n");
  });
});

describe("the examples", () => {
  const files = readdirSync(examplesDir).filter((f) => f.endsWith(".leaddef"));
  it.each(files)("%s formats idempotently and keeps its meaning and every comment", (file) => {
    const text = readFileSync(join(examplesDir, file), "utf8");
    const once = format(text);
    expect(once.error).toBeUndefined();
    expect(format(once.text).text).toBe(once.text);
    expect(shape(once.text)).toEqual(shape(text));
    const comments = (t: string) => tokenize(t).comments.map((c) => c.image.trimEnd());
    expect(comments(once.text)).toEqual(comments(text));
    // and the compiled program is the same
    const a = compile(text, { path: join(examplesDir, file) });
    const b = compile(once.text, { path: join(examplesDir, file) });
    expect(b.program?.factorySource).toBe(a.program?.factorySource);
  });
});

describe("the test fixtures", () => {
  const dirs = [join(here, "fixtures", "diagnostics"), join(here, "fixtures", "diagnostics", "imports"), join(here, "fixtures", "hostile")];
  const files = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith(".leaddef")).map((f) => join(d, f)));
  it.each(files.map((f) => [f.slice(here.length + 1), f]))("%s: formatted once and for all, or refused for syntax errors", (_name, file) => {
    const text = readFileSync(file, "utf8");
    const once = format(text);
    const syntaxErrors = parseFile(file, text).diagnostics.some((d) => d.code.startsWith("LD0"));
    expect(once.error !== undefined).toBe(syntaxErrors);
    if (once.error) return;
    expect(format(once.text).text).toBe(once.text);
    expect(shape(once.text)).toEqual(shape(text));
  });
});

// ---- random valid programs in random layouts ----

const DECL_KEYWORDS = new Set(["import", "schema", "criterion", "score", "example"]);
const COMMENT_CHARS = "abc XYZ 09 #\"'\\{}[]()+-*/<>=!.,:;?`~$%^&_|—é";

function str(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t")}"`;
}

/** A random valid program: the SQL tests' generator plus example blocks. */
function randomProgram(seed: number): string {
  const c = generateCase(seed, 0);
  const r = rng(seed ^ 0x5eed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const stages = [...c.source.matchAll(/^(\w+) when/gm)].map((m) => m[1]);
  const scores = [...c.source.matchAll(/^score (\w+)/gm)].map((m) => m[1]);
  const examples: string[] = [];
  for (let k = Math.floor(r() * 3); k > 0; k--) {
    const lines = [`example ${str(pick(["plain", "with \"quotes\"", "back\\slash", "tab\there", "new\nline", "#not a comment"]))} {`];
    for (const f of c.fields) {
      if (r() < 0.5) continue;
      const value = {
        number: () => pick(["5", "-2.5", "1.5K", "0", "1_000"]),
        integer: () => pick(["7", "-3", "0"]),
        boolean: () => pick(["true", "false"]),
        string: () => str(pick(["", "a", "x\"y", "c\\d"])),
        date: () => pick(["2026-11-22", "2024-02-29"]),
        enum: () => pick(f.members!),
        list: () => pick(["[]", "[\"a\"]", "[\"a\", \"b\\\"c\"]"]),
      }[f.type]();
      lines.push(`  ${f.path} = ${value}`);
    }
    if (r() < 0.5) lines.push("  as of 2026-11-22");
    lines.push(`  expect stage ${pick([...stages, "none"])}`);
    if (scores.length && r() < 0.5) lines.push(`  expect score ${pick(scores)} = ${pick(["0", "-1", "2.5"])}`);
    if (r() < 0.5) lines.push(`  expect ${r() < 0.5 ? "not " : ""}${pick(stages)}`);
    lines.push("}");
    examples.push(lines.join("\n"));
  }
  return `${c.source}\n${examples.join("\n\n")}\n`;
}

/**
 * The same tokens in a random layout: random spaces, extra line breaks where the grammar allows
 * them, blank lines, trailing and own-line comments. Breaks are never added before `+`/`-` (in
 * a score block that starts a new weighted line), before a declaration keyword (after a `.` it
 * is a name), before `when`, or before a token followed by `when` (that would start a stage).
 */
function relayout(source: string, seed: number): string {
  const r = rng(seed);
  const chance = (p: number) => r() < p;
  const comment = () => `#${Array.from({ length: Math.floor(r() * 12) }, () => COMMENT_CHARS[Math.floor(r() * COMMENT_CHARS.length)]).join("")}`;
  const spaces = () => " ".repeat(1 + Math.floor(r() * 3));
  const { tokens } = tokenize(source);
  let out = "";
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (i > 0) {
      const prev = tokens[i - 1];
      const hadBreak = source.slice(prev.endOffset! + 1, t.startOffset).includes("\n");
      const name = t.tokenType.name;
      // (a stage's name and its `when` must share a line, or the name is not seen as a stage)
      const mayBreak = !(name === "Plus" || name === "Minus" || name === "When" || DECL_KEYWORDS.has(t.image) || tokens[i + 1]?.tokenType.name === "When");
      if (hadBreak || (mayBreak && chance(0.15))) {
        if (chance(0.3)) out += `${spaces()}${comment()}`;
        out += "\n";
        for (let k = Math.floor(r() * 2.4); k > 0; k--) out += chance(0.5) ? `${" ".repeat(Math.floor(r() * 6))}${comment()}\n` : "\n";
        out += " ".repeat(Math.floor(r() * 6));
      } else {
        out += spaces();
      }
    } else if (chance(0.3)) {
      out += `${comment()}\n`;
    }
    out += t.image;
  }
  return `${out}${chance(0.5) ? ` ${comment()}` : ""}${chance(0.5) ? "\n" : ""}`;
}

describe("property: random valid programs in random layouts", () => {
  it("format is idempotent, keeps the AST and every comment, and the file still compiles the same", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (programSeed, layoutSeed) => {
        const canonical = randomProgram(programSeed);
        const messy = relayout(canonical, layoutSeed);
        expect(shape(messy)).toEqual(shape(canonical)); // the layout generator itself keeps meaning
        const once = format(messy);
        expect(once.error, messy).toBeUndefined();
        expect(format(once.text).text, messy).toBe(once.text);
        expect(shape(once.text), messy).toEqual(shape(messy));
        const comments = (t: string) => tokenize(t).comments.map((c) => c.image.trimEnd());
        expect(comments(once.text)).toEqual(comments(messy));
        // the layout is canonical: no trailing space, no run of blank lines, two-space indents, one final newline
        const lines = once.text.split("\n");
        expect(once.text.endsWith("\n")).toBe(true);
        expect(lines.filter((l) => /\s$/.test(l))).toEqual([]);
        expect(once.text).not.toMatch(/\n\n\n/);
        expect(lines.filter((l) => /^( )*\t/.test(l) || /^(  )* \S/.test(l))).toEqual([]);
        // and the token stream is exactly the input's
        const images = (t: string) => tokenize(t).tokens.map((x) => x.image);
        expect(images(once.text)).toEqual(images(messy));
      }),
      { numRuns: 80 },
    );
  });
});

// ---- robustness: nothing throws, every span inside the file ----

const VOCAB = [
  "import", "schema", "criterion", "score", "when", "example", "expect", "stage", "as", "of", "cap", "floor", "and", "or",
  "not", "in", "contains", "starts", "with", "at", "least", "is", "missing", "present", "true", "false", "none",
  "a", "a.b", "x.score", "days_since", "enum", "list", "string", "number", "integer", "date", "boolean",
  "{", "}", "(", ")", "[", "]", ",", ".", ":", "?", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/",
  "42", "1.5K", "100Mx", "1__0", "2026-11-20", "2026-02-30", "\"s\"", "\"unterminated", "\"bad \\q\"", "# c", "@", "\u0000", "`", "é", "\n", "\r\n", "\t",
];

function robust(text: string): void {
  const parsed = parseFile("soup.leaddef", text);
  for (const d of parsed.diagnostics) {
    expect(d.span.start).toBeGreaterThanOrEqual(0);
    expect(d.span.end).toBeGreaterThanOrEqual(d.span.start);
    expect(d.span.end).toBeLessThanOrEqual(text.length);
  }
  const result = compile(text, { path: resolve(here, "fixtures", "soup.leaddef") });
  for (const d of result.diagnostics) {
    const fileText = result.analysis.files.get(d.file)!.text;
    expect(d.span.start).toBeGreaterThanOrEqual(0);
    expect(d.span.end).toBeGreaterThanOrEqual(d.span.start);
    expect(d.span.end).toBeLessThanOrEqual(fileText.length);
  }
  const f = format(text);
  if (!f.error) {
    expect(format(f.text).text).toBe(f.text);
    expect(shape(f.text)).toEqual(shape(text));
  }
  if (result.program) {
    // an error-free soup must also run
    expect(() => result.program!.evaluate({}, { asOf: "2026-11-22" })).not.toThrow();
  }
}

describe("property: hostile input never throws", () => {
  it("random token soup", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...VOCAB), fc.constantFrom(" ", "", "\n", "  ")), { maxLength: 80 }), (parts) => {
        robust(parts.map(([t, ws]) => t + ws).join(""));
      }),
      { numRuns: 150 },
    );
  });

  it("token soup built from valid programs (cut, shuffled, duplicated)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 40 }), (seed, cut) => {
        const source = randomProgram(seed);
        const r = rng(seed);
        const tokens = tokenize(source).tokens.map((t) => t.image);
        const soup = tokens.filter(() => r() > cut / 200);
        for (let k = 0; k < 3; k++) {
          const i = Math.floor(r() * soup.length);
          const j = Math.floor(r() * soup.length);
          [soup[i], soup[j]] = [soup[j], soup[i]];
        }
        robust(soup.map((t) => t + (r() < 0.2 ? "\n" : " ")).join(""));
        robust(source.slice(0, Math.floor(r() * source.length)));
      }),
      { numRuns: 60 },
    );
  });

  it("random strings and random bytes", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (text) => robust(text)),
      { numRuns: 150 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => robust(Buffer.from(bytes).toString("utf8"))),
      { numRuns: 150 },
    );
  });
});
