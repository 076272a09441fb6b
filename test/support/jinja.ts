// The minimal Jinja subset a leaddef dbt model uses, to render it for a test run without dbt:
// config(), source(), ref(), var() with the run-date default, and the `{{ "{" }}` escape. Any
// other tag — above all one that user text could have opened — is an error, so a model that
// renders here has no Jinja but ours.

export interface JinjaContext {
  source(source: string, table: string): string;
  ref(model: string): string;
  vars: Record<string, string>;
  /** `YYYY-MM-DD` of the run start (what `run_started_at.strftime("%Y-%m-%d")` gives). */
  runDate: string;
}

const STR = String.raw`'((?:[^'\\]|\\.)*)'`;
const unescape = (s: string) => s.replace(/\\(.)/g, "$1");

/** `text` rendered; throws on any tag outside the subset. */
export function renderJinja(text: string, ctx: JinjaContext): string {
  let out = "";
  let i = 0;
  for (;;) {
    const open = text.slice(i).search(/\{[{%#]/);
    if (open < 0) return out + text.slice(i);
    const at = i + open;
    out += text.slice(i, at);
    if (text[at + 1] !== "{") throw new Error(`unsupported Jinja tag at ${at}: ${text.slice(at, at + 40)}`);
    const close = text.indexOf("}}", at + 2);
    if (close < 0) throw new Error(`unclosed Jinja expression at ${at}`);
    out += expression(text.slice(at + 2, close).trim(), ctx);
    i = close + 2;
  }
}

function expression(e: string, ctx: JinjaContext): string {
  let m: RegExpExecArray | null;
  if (e === '"{"') return "{";
  if (/^config\(materialized='(view|table)'\)$/.test(e)) return "";
  if ((m = new RegExp(`^source\\(${STR}, ${STR}\\)$`).exec(e))) return ctx.source(unescape(m[1]), unescape(m[2]));
  if ((m = new RegExp(`^ref\\(${STR}\\)$`).exec(e))) return ctx.ref(unescape(m[1]));
  if ((m = new RegExp(`^var\\(${STR}, run_started_at\\.strftime\\("%Y-%m-%d"\\)\\)$`).exec(e))) return ctx.vars[unescape(m[1])] ?? ctx.runDate;
  throw new Error(`unsupported Jinja expression: {{ ${e} }}`);
}
