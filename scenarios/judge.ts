/**
 * A finished run next to its expectation (expectations.ts), as both `authrace scenario` and `authrace codex` report it: which of
 * the four outcomes it is, and its text. Pure: the run is over.
 */
import { type Attempted, formatBinaryFailures } from "./attempts.js";
import { checkExpectation } from "./expectations.js";
import { formatPhases, formatScenarioLog, formatScenarioSummary } from "./format.js";
import type { ScenarioName, ScenarioRunResult } from "./types.js";

/** matches / differs: the run finished and was checked; no-expectation: the implementation mirrors no variant. */
export type Agreement = "matches" | "differs" | "no-expectation" | "failed";

export interface JudgedRun {
  scenario: ScenarioName;
  result: ScenarioRunResult;
  /** Every difference from the variant's expectation; null when the run failed or has no expectation. */
  mismatches: string[] | null;
  agreement: Agreement;
  /** How many runs it took and what crashed in the others (scenarios/attempts.ts); absent: run once. */
  attempts?: Omit<Attempted<unknown>, "result">;
}

export function judgeRun(result: ScenarioRunResult): JudgedRun {
  if (!result.ok) return { scenario: result.failure.scenario, result, mismatches: null, agreement: "failed" };
  const { scenario, variant } = result.report;
  if (variant === null) return { scenario, result, mismatches: null, agreement: "no-expectation" };
  const mismatches = checkExpectation(result.report, variant);
  return { scenario, result, mismatches, agreement: mismatches.length === 0 ? "matches" : "differs" };
}

/**
 * The seed's log shape (request lines, then each process's cached_before / cached_after / returned; left out
 * with `log: false`), the phases, then the verdict next to the expectation. A failed run: why it failed.
 */
export function formatJudgedRun(judged: JudgedRun, options: { log: boolean }): string {
  const { result } = judged;
  const crashes = judged.attempts === undefined ? "" : formatBinaryFailures(judged.attempts);
  if (!result.ok) {
    const { scenario, implementation, message } = result.failure;
    if (judged.attempts?.binaryFailed) return `${scenario} on ${implementation}: ${crashes}`;
    return [`${scenario} on ${implementation} FAILED: ${message}`, crashes].filter(Boolean).join("\n");
  }
  const parts = [
    formatPhases(result.report),
    formatScenarioSummary(result.report, judged.mismatches),
    crashes,
  ];
  if (options.log) parts.unshift(formatScenarioLog(result.report));
  return parts.filter((part) => part !== "").join("\n\n");
}
