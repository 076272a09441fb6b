// What a JSON Lines scoring worker does with its piece of bytes must give exactly what scoring the
// piece's text gives: valid UTF-8 is decoded line by line (never as one string), the rest whole
// with its invalid bytes marked. The binder's plain property reads must find own properties only,
// whatever a field is called. And the piece buffers a parallel run reuses stay bounded.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { JsonBinder } from "../compiler/batch/js/binder.js";
import { JsonlChunkScorer } from "../compiler/batch/js/jsonl-scorer.js";
import { resultColumns } from "../compiler/batch/output.js";
import { SpareBuffers } from "../compiler/batch/js/spare-buffers.js";
import { JsonLinesReader } from "../compiler/batch/sources/inputs.js";
import { decodeUtf8 } from "../compiler/batch/sources/utf8.js";
import { compile } from "../compiler/compile.js";
import { parseDateDays } from "../language/literals.js";

const program = compile(`schema {
  a.name: string?
  a.n: number?
  a.when: date?
  a.kind: enum(x, y)?
}
score s {
  +1 when a.name starts with "M"
  +2 when a.n > 1
  +4 when days_since(a.when) < 30
  +8 when a.kind = y
}
mql when s >= 3
`).program!;

const asOf = parseDateDays("2026-11-22");

function scorer(): JsonlChunkScorer {
  return new JsonlChunkScorer(program, "id", asOf, resultColumns(program, "all"), true, "csv");
}

// Lines mixing ASCII, two-, three- and four-byte characters, U+2028, a byte-order mark, CRLF,
// blank and broken lines, so a per-line decode that cut or joined lines wrongly shows.
const name = fc.constantFrom("Müller", "Acme", "東京 KK", "🚀 Rocket", "a\u2028b", "M\r", "\ufeffMx", "");
const line = fc.oneof(
  fc.record({ id: fc.constantFrom("L1", "Lé", "L😀"), a: fc.record({ name, n: fc.constantFrom(1, 2.5, "3", "x", null), when: fc.constantFrom("2026-11-20", "2026-02-30", null), kind: fc.constantFrom("x", "y", "z") }) }).map((o) => JSON.stringify(o)),
  fc.constantFrom("", "   ", "{broken é", "[1]", "\ufeff{\"id\":\"bom\"}", '{"id":"crlf","a":{"name":"Mé"}}\r', '{"id":"u","extra":{"ü":1}}'),
);
const pieceText = fc.tuple(fc.array(line, { maxLength: 40 }), fc.boolean()).map(([lines, trailingNewline]) => lines.join("\n") + (trailingNewline && lines.length ? "\n" : ""));

describe("a worker's JSON Lines piece of bytes", () => {
  it("scores as its text does: rows, rejects, counts, lines, unknown rows", () => {
    fc.assert(
      fc.property(pieceText, (text) => {
        const bytes = new Uint8Array(Buffer.from(text, "utf8"));
        expect(scorer().scorePiece(bytes)).toEqual(scorer().score(text));
      }),
      { numRuns: 300 },
    );
  });

  it("with invalid UTF-8 among valid lines, rejects those lines only, as the marked text does", () => {
    const bytes = Buffer.concat([Buffer.from('{"id":"ok1","a":{"name":"Müller"}}\n{"id":"bad","a":{"name":"'), Buffer.from([0xff, 0xc3]), Buffer.from('"}}\n{"id":"ok2","a":{"n":2}}\n')]);
    const { text, marked } = decodeUtf8(bytes);
    const got = scorer().scorePiece(new Uint8Array(bytes));
    expect(got).toEqual(scorer().score(text, undefined, marked));
    expect(got.rejects.map((r) => [r.line, r.problems[0].reason.code])).toEqual([[2, "invalid-utf8"]]);
    expect(got.rows).toBe(3);
  });

  it("a piece whose rows lack ids comes back with its text, for scoring at its turn", () => {
    const text = '{"a":{"name":"Müller"}}\n{"id":"x"}\n';
    const got = scorer().scorePiece(new Uint8Array(Buffer.from(text)));
    expect(got.text).toBe(text);
    expect(got.marked).toBe(false);
  });
});

describe("JsonLinesReader.pushValidUtf8", () => {
  it("gives the lines, line numbers and text push gives, after a carried partial line too", () => {
    const seen = (feed: (r: JsonLinesReader) => void) => {
      const out: unknown[] = [];
      const r = new JsonLinesReader((v, n, t) => out.push([n, v, t]), (n, reason, raw) => out.push([n, reason, raw]));
      feed(r);
      r.end();
      return [out, r.lines];
    };
    const text = '\ufeff{"id":"é"}\n\n{"id":2}\r\n{"x":"😀"}';
    expect(seen((r) => r.pushValidUtf8(Buffer.from(text)))).toEqual(seen((r) => r.push(text)));
    // a carried partial line is joined with the next piece's first line
    expect(seen((r) => (r.push('{"id":'), r.pushValidUtf8(Buffer.from('"é"}\n{"id":3}'))))).toEqual(seen((r) => r.push('{"id":"é"}\n{"id":3}')));
  });
});

describe("JsonBinder reads own properties only, whatever a field is called", () => {
  const named = compile(`schema {
  a.constructor: number?
  length: integer?
  toString.x: string?
  b.valueOf: boolean?
  c.d: number?
  e.__proto__: number?
}
mql when c.d > 1
`).program!;

  /** The rule written out: own properties along the path, else the flat dotted key. */
  function reference(obj: Record<string, unknown>, segments: string[], path: string): unknown {
    let v: unknown = obj;
    for (const s of segments) v = v !== null && typeof v === "object" && Object.hasOwn(v, s) ? (v as Record<string, unknown>)[s] : undefined;
    if (v !== undefined && v !== null) return v;
    return Object.hasOwn(obj, path) ? obj[path] : undefined;
  }

  it("inherited names (constructor, length, valueOf, __proto__) read as missing unless the row has them", () => {
    const rows = [
      "{}",
      '{"a":{},"b":{},"toString":{},"c":{},"e":{}}',
      '{"a":[],"toString":[1],"c":"text","length":"x"}',
      '{"a":{"constructor":5},"length":3,"toString":{"x":"t"},"b":{"valueOf":true},"c":{"d":2},"e":{"__proto__":7}}',
      '{"a.constructor":6,"c.d":3,"toString.x":"flat","e.__proto__":8}',
      '{"a":{"constructor":null},"a.constructor":9,"c":{"d":null},"c.d":4}',
    ];
    for (const text of rows) {
      const obj = JSON.parse(text) as Record<string, unknown>;
      // The same values under flat keys of an object that inherits nothing: read one way only.
      const flat = Object.create(null) as Record<string, unknown>;
      for (const f of named.fields) {
        const raw = reference(obj, f.segments, f.path);
        if (raw !== undefined) flat[f.path] = raw;
      }
      const got: unknown[] = [];
      const want: unknown[] = [];
      expect(new JsonBinder(named.fields, "id", Infinity).bind(obj, 1, 1, got), text).toEqual(new JsonBinder(named.fields, "id", Infinity).bind(flat, 1, 1, want));
      expect(got, text).toEqual(want);
    }
  });
});

describe("JsonBinder finds each field as the plain rule does", () => {
  const shapes = compile(`schema {
  a.b: number?
  a.c.d: number?
  e: number?
  a.constructor: number?
  x.y: number?
  rev: number? from "Annual Revenue"
}
mql when e > 1
`).program!;

  function reference(obj: Record<string, unknown>, f: (typeof shapes.fields)[number]): unknown {
    if (f.column !== f.path) return Object.hasOwn(obj, f.column) ? obj[f.column] : undefined;
    let v: unknown = obj;
    for (const s of f.segments) v = v !== null && typeof v === "object" && Object.hasOwn(v, s) ? (v as Record<string, unknown>)[s] : undefined;
    if (v !== undefined && v !== null) return v;
    return Object.hasOwn(obj, f.path) ? obj[f.path] : undefined;
  }

  const key = fc.constantFrom("a", "b", "c", "d", "e", "x", "y", "a.b", "a.c.d", "a.c", "x.y", "constructor", "a.constructor", "Annual Revenue", "rev", "z");
  const leaf = fc.oneof(fc.integer({ min: -3, max: 9 }), fc.constant(null), fc.constantFrom("5", "x"), fc.constant([1]));
  const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({ v: fc.oneof({ depthSize: "small" }, leaf, fc.dictionary(key, tie("v"), { maxKeys: 4 })) })).v;
  const row = fc.dictionary(key, value, { maxKeys: 6 });

  it("nested paths, flat dotted keys, both, arrays and nulls on the way, bound keys; under a noting limit and past it", () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 6 }), fc.constantFrom(0, 1, Infinity), (rows, limit) => {
        const binder = new JsonBinder(shapes.fields, "id", limit);
        for (const r of rows) {
          const obj = JSON.parse(JSON.stringify(r)) as Record<string, unknown>;
          const flat = Object.create(null) as Record<string, unknown>;
          for (const f of shapes.fields) {
            const raw = reference(obj, f);
            if (raw !== undefined) flat[f.column] = raw;
          }
          const got: unknown[] = [];
          const want: unknown[] = [];
          expect(binder.bind(obj, 1, 1, got)).toEqual(new JsonBinder(shapes.fields, "id", 0).bind(flat, 1, 1, want));
          expect(got).toEqual(want);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("SpareBuffers", () => {
  it("gives back a kept buffer large enough, else a new one with room to spare", () => {
    const spares = new SpareBuffers(2);
    const small = new ArrayBuffer(10);
    const large = new ArrayBuffer(100);
    spares.keep(small);
    spares.keep(large);
    expect(spares.take(50)).toBe(large);
    const fresh = spares.take(50);
    expect(fresh).not.toBe(small);
    expect(fresh.byteLength).toBeGreaterThanOrEqual(50);
    expect(spares.take(5)).toBe(small);
  });

  it("keeps at most its limit", () => {
    const spares = new SpareBuffers(1);
    const first = new ArrayBuffer(8);
    spares.keep(first);
    spares.keep(new ArrayBuffer(8));
    expect(spares.take(8)).toBe(first);
    expect(spares.take(8)).not.toBe(first);
  });
});
