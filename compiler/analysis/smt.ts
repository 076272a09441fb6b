/**
 * The SMT solver: Z3 compiled to WebAssembly (the `z3-solver` package), driven with SMT-LIB
 * text. Loaded on first use (its start takes a moment and threads), so nothing else in the CLI
 * pays for it. One solver per process; queries run one after another.
 */

export type SatResult =
  | { status: "sat"; values: Map<string, Sexp> }
  | { status: "unsat" }
  | { status: "unknown"; reason: string };

export type Sexp = string | Sexp[];

export interface Solver {
  /** Starts a session: declarations, definitions and assertions every query shares. */
  reset(script: string[]): Promise<void>;
  /** Whether `term` can hold with the session's assertions; on sat, reads `names` from the model. */
  check(term: string, names: string[]): Promise<SatResult>;
  close(): void;
}

// The parts of z3-solver's low-level API used here (the package's own types need its context generics).
type Ptr = number;
interface Z3Api {
  mk_config(): Ptr;
  mk_context(cfg: Ptr): Ptr;
  del_config(cfg: Ptr): void;
  del_context(ctx: Ptr): void;
  mk_params(ctx: Ptr): Ptr;
  params_inc_ref(ctx: Ptr, p: Ptr): void;
  params_set_uint(ctx: Ptr, p: Ptr, k: Ptr, v: number): void;
  mk_string_symbol(ctx: Ptr, s: string): Ptr;
  mk_solver(ctx: Ptr): Ptr;
  solver_inc_ref(ctx: Ptr, s: Ptr): void;
  solver_dec_ref(ctx: Ptr, s: Ptr): void;
  solver_set_params(ctx: Ptr, s: Ptr, p: Ptr): void;
  solver_push(ctx: Ptr, s: Ptr): void;
  solver_pop(ctx: Ptr, s: Ptr, n: number): void;
  solver_assert(ctx: Ptr, s: Ptr, a: Ptr): void;
  solver_check(ctx: Ptr, s: Ptr): Promise<number>;
  solver_get_model(ctx: Ptr, s: Ptr): Ptr;
  solver_get_reason_unknown(ctx: Ptr, s: Ptr): string;
  model_inc_ref(ctx: Ptr, m: Ptr): void;
  model_to_string(ctx: Ptr, m: Ptr): string;
  parse_smtlib2_string(ctx: Ptr, text: string, sortNames: Ptr[], sorts: Ptr[], declNames: Ptr[], decls: Ptr[]): Ptr;
  ast_vector_inc_ref(ctx: Ptr, v: Ptr): void;
  ast_vector_size(ctx: Ptr, v: Ptr): number;
  ast_vector_get(ctx: Ptr, v: Ptr, i: number): Ptr;
}
/** The part of Emscripten's thread pool the shutdown touches (z3-built.js, `PThread`). */
interface EmscriptenThreads {
  runningWorkers: Array<{ onmessage: (event: unknown) => void }>;
  unusedWorkers: Array<{ onmessage: (event: unknown) => void }>;
  terminateAllThreads(): void;
}
interface Z3Module {
  init(): Promise<{ Z3: Z3Api; em: { PThread?: EmscriptenThreads } }>;
}

/** Milliseconds one query may take before the answer is "unknown". */
export const QUERY_TIMEOUT_MS = 20_000;

type Loaded = Awaited<ReturnType<Z3Module["init"]>>;
/** Z3 starts once per process (a second or so); each comparison gets its own context. */
let loaded: Promise<Loaded> | undefined;

async function loadZ3(): Promise<Loaded> {
  const z3 = (await import("z3-solver")) as unknown as Z3Module;
  return z3.init();
}

/**
 * Stops Z3's WebAssembly threads, which would otherwise keep the process alive; call once when
 * done with every solver. Emscripten swaps each stopped worker's message handler for one that
 * writes "received \"cleanupThread\" command from terminated worker" straight to file
 * descriptor 2 (not through `console.error`) whenever a message the worker sent before it stopped
 * arrives late, as happens on a busy machine. Those messages mean nothing once every thread is
 * stopped, so each worker's handler is replaced by one that drops them.
 */
export async function shutdownSolvers(): Promise<void> {
  if (!loaded) return;
  const pending = loaded;
  loaded = undefined;
  let em: Loaded["em"];
  try {
    ({ em } = await pending);
  } catch {
    return;
  }
  const threads = em.PThread;
  if (!threads) return;
  const workers = [...threads.runningWorkers, ...threads.unusedWorkers];
  threads.terminateAllThreads();
  for (const worker of workers) worker.onmessage = () => {};
}

/**
 * Starts Z3; throws when the package is not installed or does not start. Text is parsed with
 * the synchronous parser and only `check` runs on Z3's thread: the asynchronous
 * eval_smtlib2_string of z3-solver 4.15 reads its text after the call returns and then
 * sometimes sees other bytes.
 */
export async function openSolver(): Promise<Solver> {
  loaded ??= loadZ3();
  let Z3: Z3Api;
  try {
    ({ Z3 } = await loaded);
  } catch (e) {
    loaded = undefined;
    throw e;
  }
  const cfg = Z3.mk_config();
  const ctx = Z3.mk_context(cfg);
  Z3.del_config(cfg);
  let solver: Ptr | undefined;
  // declarations and definitions, repeated before each query's term so the parser knows them
  let preamble = "";
  const parse = (text: string): Ptr[] => {
    let vector: Ptr;
    try {
      vector = Z3.parse_smtlib2_string(ctx, text, [], [], [], []);
    } catch (e) {
      throw new Error(`internal: the solver refused the encoding: ${(e as Error).message}`);
    }
    Z3.ast_vector_inc_ref(ctx, vector);
    return Array.from({ length: Z3.ast_vector_size(ctx, vector) }, (_, i) => Z3.ast_vector_get(ctx, vector, i));
  };
  return {
    async reset(script) {
      if (solver !== undefined) Z3.solver_dec_ref(ctx, solver);
      solver = Z3.mk_solver(ctx);
      Z3.solver_inc_ref(ctx, solver);
      const params = Z3.mk_params(ctx);
      Z3.params_inc_ref(ctx, params);
      Z3.params_set_uint(ctx, params, Z3.mk_string_symbol(ctx, "timeout"), QUERY_TIMEOUT_MS);
      Z3.solver_set_params(ctx, solver, params);
      preamble = script.filter((l) => !l.startsWith("(assert")).join("\n");
      for (const a of parse(script.join("\n"))) Z3.solver_assert(ctx, solver, a);
    },
    async check(term, names) {
      if (solver === undefined) throw new Error("internal: check before reset");
      const s = solver;
      // one session, a scope per query: what the solver learnt about the shared part is kept
      Z3.solver_push(ctx, s);
      try {
        for (const a of parse(`${preamble}\n(assert ${term})`)) Z3.solver_assert(ctx, s, a);
        const status = await Z3.solver_check(ctx, s);
        if (status === -1) return { status: "unsat" };
        if (status !== 1) return { status: "unknown", reason: Z3.solver_get_reason_unknown(ctx, s) };
        const model = Z3.solver_get_model(ctx, s);
        Z3.model_inc_ref(ctx, model);
        const printed = Z3.model_to_string(ctx, model);
        return { status: "sat", values: modelValues(printed, names) };
      } finally {
        Z3.solver_pop(ctx, s, 1);
      }
    },
    close() {
      if (solver !== undefined) Z3.solver_dec_ref(ctx, solver);
      Z3.del_context(ctx);
    },
  };
}

/**
 * The constants' values in a model as Z3's model_to_string prints it (`p0 -> false`, one per
 * line; a value may continue on the next lines). A constant the model leaves out plays no part
 * in any assertion; it gets no entry.
 */
function modelValues(text: string, names: string[]): Map<string, Sexp> {
  const wanted = new Set(names);
  const entries: [string, string][] = [];
  for (const line of text.split("\n")) {
    const m = /^(\S+) -> (.*)$/.exec(line);
    if (m) entries.push([m[1], m[2]]);
    else if (entries.length) entries[entries.length - 1][1] += `\n${line}`;
  }
  const values = new Map<string, Sexp>();
  for (const [name, value] of entries) if (wanted.has(name)) values.set(name, parseSexp(value));
  return values;
}

/** Parses one s-expression; string literals keep their quotes (decode with smtStringValue). */
export function parseSexp(text: string): Sexp {
  let i = 0;
  const skip = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const one = (): Sexp => {
    skip();
    if (text[i] === "(") {
      i++;
      const list: Sexp[] = [];
      for (skip(); text[i] !== ")"; skip()) {
        if (i >= text.length) throw new Error("internal: unbalanced solver output");
        list.push(one());
      }
      i++;
      return list;
    }
    if (text[i] === '"') {
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw new Error("internal: unterminated string in solver output");
        if (text[j] === '"') {
          if (text[j + 1] === '"') j += 2;
          else break;
        } else j++;
      }
      const atom = text.slice(i, j + 1);
      i = j + 1;
      return atom;
    }
    const start = i;
    while (i < text.length && !/[\s()]/.test(text[i])) i++;
    return text.slice(start, i);
  };
  return one();
}

/** A string literal from the solver: `""` is a quote, `\u{…}` a code point. */
export function smtStringValue(atom: string): string {
  const body = atom.slice(1, -1).replace(/""/g, '"');
  return body.replace(/\\u\{([0-9a-fA-F]+)\}|\\u([0-9a-fA-F]{4})/g, (_, a: string | undefined, b: string | undefined) => String.fromCodePoint(parseInt(a ?? b!, 16)));
}

/** An Int or Real value from the solver (`5`, `(- 5)`, `2.5`, `(/ 1.0 3.0)`) as a JavaScript number. */
export function smtNumberValue(v: Sexp): number {
  if (typeof v === "string") return Number(v);
  if (v[0] === "-" && v.length === 2) return -smtNumberValue(v[1]);
  if (v[0] === "/" && v.length === 3) return smtNumberValue(v[1]) / smtNumberValue(v[2]);
  throw new Error(`internal: not a number in the model: ${JSON.stringify(v)}`);
}
