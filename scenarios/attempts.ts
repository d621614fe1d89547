/**
 * A binary's own failure is not a verdict. When a process of the implementation dies by itself (Codex 0.139
 * crashes in about half of two-process starts on a fresh CODEX_HOME: "failed to initialize sqlite state
 * runtime ... already exists"), the run says nothing about the protocol: it is reported as the binary's
 * failure, with the binary's stderr line, and run again from scratch, at most `binaryAttemptsMax` times in
 * all. A run that fails without a crash (a timeout, a set-up problem) is not retried: a hang can be the
 * protocol's own deadlock, and is reported as the run's failure.
 *
 * The factory says what crashed (`ProcessFactory.takeBinaryFailures`); a factory that reports nothing is run
 * once, as before.
 */
import type { ProcessFactory } from "./implementation.js";
import { SCENARIO_LIMITS } from "./limits.js";
import type { BinaryFailure } from "./types.js";

export interface Attempted<R> {
  /** The last attempt's result: a run to judge, or, when every attempt crashed, the last crash's failure. */
  result: R;
  /** Every crash of every attempt, oldest first (empty for a run that went through at once). */
  binaryFailures: BinaryFailure[];
  attempts: number;
  /** Every attempt ended in a crash of the binary: there is no protocol verdict. */
  binaryFailed: boolean;
}

export interface AttemptOptions<R> {
  /** Whether a result is a failed run (a crash only explains a failed run). */
  failed(result: R): boolean;
  /** Default SCENARIO_LIMITS.binaryAttemptsMax. */
  attemptsMax?: number;
  /** Told before each attempt after the first, with the crashes that caused it. */
  onRetry?(attempt: number, failures: readonly BinaryFailure[]): void;
}

/** Runs `run` until it is not a crashed failure, at most `attemptsMax` times. */
export async function attemptRun<R>(
  factory: ProcessFactory,
  run: (attempt: number) => Promise<R>,
  options: AttemptOptions<R>,
): Promise<Attempted<R>> {
  const attemptsMax = options.attemptsMax ?? SCENARIO_LIMITS.binaryAttemptsMax;
  if (!(Number.isInteger(attemptsMax) && attemptsMax >= 1)) {
    throw new RangeError(`attemptRun: attemptsMax must be a positive integer, got ${attemptsMax}`);
  }
  const binaryFailures: BinaryFailure[] = [];
  // Crashes left over from before this run (another run on the same factory) are not this run's.
  factory.takeBinaryFailures?.();
  for (let attempt = 1; ; attempt += 1) {
    const result = await run(attempt);
    const crashes = (factory.takeBinaryFailures?.() ?? []).map((crash) => ({ attempt, ...crash }));
    binaryFailures.push(...crashes);
    const crashed = options.failed(result) && crashes.length > 0;
    if (!crashed) return { result, binaryFailures, attempts: attempt, binaryFailed: false };
    if (attempt >= attemptsMax) return { result, binaryFailures, attempts: attempt, binaryFailed: true };
    options.onRetry?.(attempt + 1, crashes);
  }
}

/** `attempt 1: A crashed at start: <stderr line>`, one line per crash. */
export function describeBinaryFailures(failures: readonly BinaryFailure[]): string[] {
  return failures.map((failure) => {
    const when = failure.stage === "start" ? "at start" : "during a call";
    const why = failure.stderrLine === "" ? failure.message : failure.stderrLine;
    return `attempt ${failure.attempt}: ${failure.process} crashed ${when}: ${why}`;
  });
}

/**
 * The block a report prints under its verdict, or "" when nothing crashed: the crashes, and whether they were
 * retried or left no verdict at all.
 */
export function formatBinaryFailures(attempted: Omit<Attempted<unknown>, "result">): string {
  if (attempted.binaryFailures.length === 0) return "";
  const limit = `binaryAttemptsMax ${SCENARIO_LIMITS.binaryAttemptsMax}`;
  const crashedAttempts = new Set(attempted.binaryFailures.map((failure) => failure.attempt)).size;
  const head = attempted.binaryFailed
    ? `the binary failed in all ${attempted.attempts} attempts (${limit}): no protocol verdict`
    : `the binary failed in ${crashedAttempts} of ${attempted.attempts} attempts (not a verdict; retried, ${limit})`;
  return [head, ...describeBinaryFailures(attempted.binaryFailures).map((line) => `  ${line}`)].join("\n");
}
