import { performance } from "node:perf_hooks";
import type { CompileResult } from "../compiler/compile.js";
import { runExample, type ExampleOutcome } from "../compiler/runtime/examples.js";
import { reportFromOutcomes, type ExampleReport } from "./features/code-lens.js";

/** How long the document must stay unchanged after its diagnostics before its examples run. */
export const EXAMPLE_DELAY_MS = 250;
/** How long one slice of example runs may hold the event loop before the server reads its messages again. */
export const EXAMPLE_SLICE_MS = 8;

interface Job {
  cancelled: boolean;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Runs documents' examples off the diagnostics path. Running every example of a 5,000-line file
 * took ~90 ms, and the server used to do it in one go right after publishing, so the next
 * keystroke waited behind it (the 100–200 ms freezes). Now a run starts only after the document
 * has been quiet for a moment, runs a few examples per slice of the event loop (giving it back
 * between slices, so requests and edits are read in between), and is cancelled by the next edit.
 *
 * This is Langium's document builder's idea (its phases run with a cancellation token checked
 * between documents, and an edit cancels the build in flight, so validation never delays the
 * next keystroke), with the event loop's `setImmediate` in place of its `interruptAndCheck`.
 */
export class ExampleRuns {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly delayMs = EXAMPLE_DELAY_MS, private readonly sliceMs = EXAMPLE_SLICE_MS) {}

  /**
   * Runs `result`'s examples for `uri` after the delay, replacing any run for `uri` in progress.
   * `done` gets the report when every example has run; nothing is called for a cancelled run.
   */
  start(uri: string, result: CompileResult, asOf: string, done: (report: ExampleReport) => void, failed: (err: unknown) => void): void {
    this.cancel(uri);
    const job: Job = { cancelled: false, timer: undefined };
    this.jobs.set(uri, job);
    const finish = (outcomes: ExampleOutcome[] | undefined) => {
      if (this.jobs.get(uri) === job) this.jobs.delete(uri);
      done(reportFromOutcomes(result, outcomes));
    };
    job.timer = setTimeout(() => {
      if (job.cancelled) return;
      try {
        // Lowering to a program happens here, once per compilation, off the diagnostics path.
        const program = result.program;
        if (!program) return finish(undefined);
        const examples = program.ir.examples;
        const outcomes: ExampleOutcome[] = [];
        const slice = () => {
          if (job.cancelled) return;
          try {
            const until = performance.now() + this.sliceMs;
            // At least one example per slice, so a run always moves on.
            do outcomes.push(runExample(program, examples[outcomes.length], asOf));
            while (outcomes.length < examples.length && performance.now() < until);
          } catch {
            // As `exampleReport` does: a run that throws shows no outcomes rather than wrong ones.
            return finish(undefined);
          }
          if (outcomes.length < examples.length) setImmediate(slice);
          else finish(outcomes);
        };
        if (examples.length === 0) finish(outcomes);
        else setImmediate(slice);
      } catch (err) {
        if (this.jobs.get(uri) === job) this.jobs.delete(uri);
        failed(err);
      }
    }, this.delayMs);
    job.timer.unref?.();
  }

  /** Stops the run for `uri`, if any: an edit makes its results stale. */
  cancel(uri: string): void {
    const job = this.jobs.get(uri);
    if (!job) return;
    job.cancelled = true;
    clearTimeout(job.timer);
    this.jobs.delete(uri);
  }

  /** Whether examples are waiting to run or running for `uri`. */
  pending(uri: string): boolean {
    return this.jobs.has(uri);
  }
}
