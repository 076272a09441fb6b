import { formatDateDays } from "../../language/literals.js";
import type { IrExample } from "../ir.js";
import type { Explanation, LeadResult, Program } from "./program.js";

/**
 * One expectation of an example that did not hold, as data: which kind, what was expected and
 * what the lead got. compiler/app/render.ts is the one place that turns it into English, for the
 * CLI, the language server's diagnostics and its code lenses alike.
 */
export type ExampleFailure =
  /** `expect stage NAME`: the lead reached another stage (`none` for no stage). */
  | { kind: "stage"; line: number; expected: string; actual: string }
  /** `expect score NAME = N`: the score came out different. */
  | { kind: "score"; line: number; name: string; expected: number; actual: number | undefined }
  /** `expect NAME` / `expect not NAME`: a criterion or stage held when it should not, or the reverse. */
  | { kind: "flag"; line: number; name: string; expected: boolean; actual: boolean }
  /** `expect reason "…"`: the lead was disqualified for another reason (`actual`), or not at all (undefined; `stage` is its stage). */
  | { kind: "reason"; line: number; expected: string; actual: string | undefined; stage: string }
  /** `expect GRADE = L`: the grade gave another letter. */
  | { kind: "grade"; line: number; name: string; expected: string; actual: string | undefined };

export interface ExampleOutcome {
  title: string;
  line: number;
  passed: boolean;
  asOf: string;
  result: LeadResult | undefined;
  failures: ExampleFailure[];
  /** Present for failing examples: why the lead got what it got. */
  explanation?: Explanation;
  /** A value in the example the evaluator refused (should not happen after checking). */
  error?: string;
}

/**
 * Runs a program's `example` blocks. Each example's lead is exactly its assignments (every
 * other field missing); its `as of` wins over `defaultAsOf`.
 */
export function runExamples(program: Program, defaultAsOf: string): ExampleOutcome[] {
  return program.ir.examples.map((example) => runExample(program, example, defaultAsOf));
}

/** Runs one of a program's examples (the editor's per-example "▶ run" lens). */
export function runExample(program: Program, example: IrExample, defaultAsOf: string): ExampleOutcome {
  const asOf = example.asOf !== undefined ? formatDateDays(example.asOf) : defaultAsOf;
  const lead = { ...example.values };
  let result: LeadResult;
  try {
    result = program.evaluate(lead, { asOf });
  } catch (e) {
    return { title: example.title, line: example.line, passed: false, asOf, result: undefined, failures: [], error: (e as Error).message };
  }
  const failures: ExampleFailure[] = [];
  if (example.expectStage !== undefined && result.stage !== example.expectStage) {
    failures.push({ kind: "stage", line: example.line, expected: example.expectStage, actual: result.stage });
  }
  for (const s of example.expectScores) {
    const actual = result.scores[s.name];
    if (!sameNumber(actual, s.value)) failures.push({ kind: "score", line: s.line, name: s.name, expected: s.value, actual });
  }
  if (example.expectReason && result.reason !== example.expectReason.reason) {
    failures.push({ kind: "reason", line: example.expectReason.line, expected: example.expectReason.reason, actual: result.reason, stage: result.stage });
  }
  for (const g of example.expectGrades) {
    const actual = result.grades?.[g.name];
    if (actual !== g.letter) failures.push({ kind: "grade", line: g.line, name: g.name, expected: g.letter, actual });
  }
  let explanation: Explanation | undefined;
  if (example.expectFlags.length > 0 || failures.length > 0) explanation = program.explain(lead, { asOf });
  for (const f of example.expectFlags) {
    const list = f.kind === "stage" ? explanation!.stages : explanation!.criteria;
    const holds = list.find((d) => d.name === f.name)?.holds ?? false;
    if (holds !== f.value) failures.push({ kind: "flag", line: f.line, name: f.name, expected: f.value, actual: holds });
  }
  const passed = failures.length === 0;
  return { title: example.title, line: example.line, passed, asOf, result, failures, ...(passed ? {} : { explanation }) };
}

/** Scores are sums of decimal weights; compare them as a person reading the file would. */
function sameNumber(a: number | undefined, b: number): boolean {
  return a !== undefined && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
}
