/**
 * The recovery scenario on a real Codex binary (race R3): `codex exec` against a loopback model API that holds
 * its requests and answers 401, while the harness rotates the token as another process would. Import from here.
 *
 *   const judged = judgeRecovery(await runRecovery({ name: "codex:0.117.0", binaryPath, variant: "guarded" }));
 *   console.log(formatJudgedRecovery(judged));
 */
import type { Agreement } from "../../scenarios/index.js";
import { type RecoveryExpectation, recoveryExpectation } from "../../scenarios/index.js";
import { formatRecovery } from "./format.js";
import { checkRecovery } from "./report.js";
import type { RecoveryRunResult, RecoveryTarget } from "./run.js";

export { EXEC_PROMPT } from "./exec-process.js";
export { RECOVERY_SUMMARY, type RecoveryJson, recoveryJson } from "./format.js";
export { type ApiRequestRecord, MODEL_API_LIMITS, type ModelApi, startModelApi } from "./model-api.js";
export {
  checkRecovery,
  type RecoveryPhase,
  type RecoveryPost,
  type RecoveryReport,
  staleSendsOf,
} from "./report.js";
export { RECOVERY_LIMITS, type RecoveryRunResult, type RecoveryTarget, runRecovery } from "./run.js";

export interface JudgedRecovery {
  result: RecoveryRunResult;
  /** The model's verdict for the design; null when the binary is judged by none. */
  expected: RecoveryExpectation | null;
  mismatches: string[] | null;
  agreement: Agreement;
}

export function judgeRecovery(
  result: RecoveryRunResult,
  target: Pick<RecoveryTarget, "variant">,
): JudgedRecovery {
  const expected = target.variant === null ? null : recoveryExpectation(target.variant);
  if (!result.ok) return { result, expected, mismatches: null, agreement: "failed" };
  if (expected === null) return { result, expected, mismatches: null, agreement: "no-expectation" };
  const mismatches = checkRecovery(result.report, expected);
  return { result, expected, mismatches, agreement: mismatches.length === 0 ? "matches" : "differs" };
}

export function formatJudgedRecovery(judged: JudgedRecovery): string {
  if (!judged.result.ok) return `recovery FAILED: ${judged.result.message}`;
  return formatRecovery(judged.result.report, judged.expected, judged.mismatches);
}
