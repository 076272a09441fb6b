// The language server on event streams: completion of streams, filters and event fields inside
// `where`, hover, go to definition and rename of streams and event fields.
import { describe, expect, it } from "vitest";
import { compile } from "../compiler/compile.js";
import { complete } from "../lsp/features/completion.js";
import { definition } from "../lsp/features/definition.js";
import { hover } from "../lsp/features/hover.js";
import { rename, type TextEdit } from "../lsp/features/rename.js";
import { documentSymbols } from "../lsp/features/symbols.js";

const MARK = "<|>";
const BASE = `schema {
  company.size: integer?
}

# Marketing activity, from the automation export.
events activity {
  type: enum(email_click, page_view, demo_request)
  occurred: date
  url: string?
}

criterion clicked when count(activity where type = email_click within 30 days) >= 1
score engagement {
  +5 per activity where type = page_view and url contains "pricing" decay 50% every 30 days
}
mql when clicked or engagement >= 10
`;

function at(marked: string) {
  const offset = marked.indexOf(MARK);
  const text = marked.replace(MARK, "");
  return { result: compile(text), offset, text };
}

const labels = (marked: string) => {
  const { result, offset } = at(marked);
  return complete(result, offset).items.map((i) => i.label);
};

function applied(text: string, edits: TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.span.start - a.span.start)) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}

describe("completion", () => {
  it("offers the streams after `count(` and `per`, then `where` and `within`", () => {
    expect(labels(`${BASE}criterion x when count(<|>`)).toEqual(["activity"]);
    expect(labels(`${BASE}criterion x when count(activity <|>`)).toEqual(["where", "within"]);
    expect(labels(BASE.replace("+5 per activity where", "+5 per <|>"))).toEqual(["activity"]);
  });

  it("inside `where`, the event's fields come first and their members follow `=`", () => {
    const inside = labels(`${BASE}criterion x when count(activity where <|>`);
    expect(inside.slice(0, 3).sort()).toEqual(["occurred", "type", "url"]);
    expect(inside).toContain("company");
    expect(labels(`${BASE}criterion x when count(activity where type = <|>`)).toEqual(["email_click", "page_view", "demo_request"]);
    expect(labels(`${BASE}criterion x when count(activity where type in [<|>`)).toEqual(["email_click", "page_view", "demo_request"]);
    // After the query is closed, the lead's names again.
    expect(labels(`${BASE}criterion x when count(activity where type = page_view) >= 1 and <|>`)).not.toContain("url");
  });

  it("inside an event stream's block, types after the colon; an `events` snippet at the margin", () => {
    expect(labels(BASE.replace("  url: string?", "  url: <|>"))).toContain("string");
    expect(labels(`${BASE}\n<|>`)).toContain("events");
  });
});

describe("hover, definition, rename, outline", () => {
  it("hover on an event field inside `where` shows its type; on a stream, its doc", () => {
    const { result, offset } = at(BASE.replace("where type = email_click", "where ty<|>pe = email_click"));
    expect(hover(result, offset)?.markdown).toMatch(/type/);
    expect(hover(result, offset)?.markdown).toMatch(/email_click/);
    expect(hover(result, offset)?.markdown).toContain("A field of each `activity` event, required: an event without it rejects its lead.");
    const s = at(BASE.replace("count(activity", "count(act<|>ivity"));
    expect(hover(s.result, s.offset)?.markdown).toContain("Marketing activity, from the automation export.");
    expect(hover(s.result, s.offset)?.markdown).toContain("(stream)");
  });

  it("go to definition from an event field and a stream name", () => {
    const f = at(BASE.replace("and url contains", "and u<|>rl contains"));
    const d = definition(f.result, f.offset)!;
    expect(f.text.slice(d.span.start, d.span.end)).toBe("url");
    expect(d.span.start).toBe(f.text.indexOf("url: string?"));
    const s = at(BASE.replace("count(activity", "count(act<|>ivity"));
    const ds = definition(s.result, s.offset)!;
    expect(ds.span.start).toBe(s.text.indexOf("activity {"));
  });

  it("renames an event field everywhere it is used, and a stream with its uses", () => {
    const f = at(BASE.replace("where type = email_click", "where ty<|>pe = email_click"));
    const r = rename(f.result, f.offset, "kind");
    expect("error" in r ? r.error : "").toBe("");
    const out = applied(f.text, (r as { edits: TextEdit[] }).edits);
    expect(out).toContain("  kind: enum(");
    expect(out).toContain("where kind = email_click");
    expect(out).toContain("where kind = page_view");
    expect(compile(out).diagnostics).toEqual([]);
    const s = at(BASE.replace("count(activity", "count(act<|>ivity"));
    const rs = rename(s.result, s.offset, "touches");
    const out2 = applied(s.text, (rs as { edits: TextEdit[] }).edits);
    expect(out2).toContain("events touches {");
    expect(out2).toContain("+5 per touches where");
    expect(compile(out2).diagnostics).toEqual([]);
  });

  it("an event field's enum member: definition and rename stay in the stream, even beside a schema field of the same name", () => {
    // the schema has a `type` of its own with a member of the same name
    const base = BASE.replace("company.size: integer?", "company.size: integer?\n  type: enum(page_view, other)?").replace("mql when clicked", "criterion typed when type = page_view\nmql when typed or clicked");
    const m = at(base.replace("where type = page_view", "where type = page_<|>view"));
    const d = definition(m.result, m.offset)!;
    expect(d.span.start).toBe(m.text.indexOf("page_view", m.text.indexOf("events activity")));
    const r = rename(m.result, m.offset, "pricing_view");
    expect("error" in r ? r.error : "").toBe("");
    const out = applied(m.text, (r as { edits: TextEdit[] }).edits);
    expect(out).toContain("type: enum(email_click, pricing_view, demo_request)");
    expect(out).toContain("where type = pricing_view and url");
    // the schema's own member and its use are untouched
    expect(out).toContain("type: enum(page_view, other)?");
    expect(out).toContain("criterion typed when type = page_view");
    expect(compile(out).diagnostics).toEqual([]);
  });

  it("the outline lists the stream with its fields", () => {
    const symbols = documentSymbols(compile(BASE));
    const stream = symbols.find((s) => s.name === "activity")!;
    expect(stream.kind).toBe("stream");
    expect(stream.children!.map((c) => c.name)).toEqual(["type", "occurred", "url"]);
  });
});
