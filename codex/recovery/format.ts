/**
 * Text and JSON views of a recovery run: per phase the POSTs (generation, answer, sender), the model request
 * that ended it (with which access token B sent it) and Codex's own auth log lines; then the verdict of
 * NoStaleRefreshSent next to the model's. Every token is already a view (`at-R1`, redacted).
 */
import type { RecoveryExpectation } from "../../scenarios/index.js";
import { describeRecoveryPost, type RecoveryPhase, type RecoveryReport } from "./report.js";

const PHASE_COLUMN = 44;
const POSTS_COLUMN = 62;

export const RECOVERY_SUMMARY =
  "B (codex exec) caches R0; A rotates and saves while B's model requests are held and answered 401: Reload, then RefreshToken (R3)";

function describeNext(phase: RecoveryPhase): string {
  if (phase.step === "end") return "";
  const next = phase.next;
  if (next === null) return "B sent no further model request";
  const answered = next.status === null ? "" : ` -> ${next.status}`;
  return `B's model request ${next.modelSeq} with ${next.accessToken ?? "no token"}${answered}`;
}

function describePhase(phase: RecoveryPhase): string[] {
  const stale = phase.posts.filter((post) => post.staleSend).length;
  const seen = phase.posts.length === 0 ? "none" : phase.posts.map(describeRecoveryPost).join(", ");
  const posts = `POSTs: ${seen}${stale > 0 ? ` (${stale} stale)` : ""}`;
  const head = `  ${phase.name.padEnd(PHASE_COLUMN)} ${posts.padEnd(POSTS_COLUMN)} ${describeNext(phase)}`;
  return [head.trimEnd(), ...phase.authLog.map((line) => `      B logged: ${line}`)];
}

function describeExit(report: RecoveryReport): string {
  const { exit } = report;
  const how = exit.killed
    ? "was killed (it did not exit by itself)"
    : exit.signal
      ? `ended by ${exit.signal}`
      : `exited ${exit.code}`;
  const why = exit.errorLine === "" ? "" : ` after "${exit.errorLine}"`;
  const others = report.requests.filter((request) => !request.model).length;
  return `  B ${how}${why}; ${others} requests to other paths answered 404`;
}

export function formatRecovery(
  report: RecoveryReport,
  expected: RecoveryExpectation | null,
  mismatches: readonly string[] | null,
): string {
  const posts = report.phases.flatMap((phase) => phase.posts).length;
  const lines = [
    `  (${report.network})`,
    ...report.phases.flatMap(describePhase),
    "",
    `recovery on ${report.implementation}: ${posts} POST${posts === 1 ? "" : "s"}, ` +
      `${report.staleSends} stale send${report.staleSends === 1 ? "" : "s"} (B's): NoStaleRefreshSent ${report.verdict}`,
    describeExit(report),
  ];
  if (expected === null || mismatches === null || report.variant === null) {
    lines.push("  no expectation: the implementation mirrors no variant");
    return lines.join("\n");
  }
  lines.push(`  expected for ${report.variant}: ${expected.verdict} (${expected.because})`);
  if (mismatches.length === 0) lines.push("  as expected");
  for (const mismatch of mismatches) lines.push(`  DIFFERS: ${mismatch}`);
  return lines.join("\n");
}

/** The `--json` view: the report as it is (tokens are views already). */
export type RecoveryJson = RecoveryReport;

export function recoveryJson(report: RecoveryReport): RecoveryJson {
  return report;
}
