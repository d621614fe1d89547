/** Plain-text rendering of a Codex run: one block per scenario, phase by phase. Tokens appear redacted. */
import type { CodexBinary } from "./fetch.js";
import { CODEX_SCENARIOS } from "./scenarios/index.js";
import { describePosts } from "./scenarios/phases.js";
import type { PhaseResult, ScenarioResult } from "./scenarios/types.js";
import { variantForVersion } from "./versions.js";

const PHASE_COLUMN = 32;
const POSTS_COLUMN = 44;

export function describeBinary(binary: CodexBinary): string {
  const variant = variantForVersion(binary.version);
  const mirrors = variant
    ? `mirrors variant ${variant}`
    : "maps to no variant yet (0.140-0.170 not observed)";
  const source = binary.fromCache ? "from the cache" : "downloaded";
  const lines = [
    `codex ${binary.version.text}: ${binary.reportedVersion}, ${source} (${binary.binaryPath}); ${mirrors}`,
  ];
  for (const note of binary.notes) lines.push(`  note: ${note}`);
  return lines.join("\n");
}

function describePhase(phase: PhaseResult): string {
  const stale = phase.posts.filter((post) => post.staleSend).length;
  const posts = `POSTs: ${describePosts(phase.posts)}${stale > 0 ? ` (${stale} stale)` : ""}`;
  const replies = phase.replies
    .map((reply) => `${reply.process}.${reply.verb}() -> ${reply.answer}`)
    .join("; ");
  return `  ${phase.name.padEnd(PHASE_COLUMN)} ${posts.padEnd(POSTS_COLUMN)} ${replies}`.trimEnd();
}

/** `as the model expects` / `DIFFERS from the model` / `no model verdict`. */
export function agreement(result: ScenarioResult): "matches" | "differs" | "no-expectation" | "failed" {
  if (result.verdict === null) return "failed";
  if (result.expected === null) return "no-expectation";
  return result.verdict === result.expected ? "matches" : "differs";
}

export function describeResult(result: ScenarioResult): string {
  const lines = [`${result.scenario}: ${CODEX_SCENARIOS[result.scenario].summary}`];
  for (const phase of result.phases) lines.push(describePhase(phase));
  const model = result.variant
    ? `model (${result.variant}) expects ${result.expected}`
    : "no model variant for this version";
  if (result.status === "failed") {
    lines.push(`  FAILED: ${result.failure}`);
    if (result.logs) lines.push(`  logs kept in ${result.logs}`);
    lines.push(`  ${model}`);
  } else {
    const verdictLine = `POSTs ${result.posts}, stale sends ${result.staleSends}: NoStaleRefreshSent ${result.verdict}`;
    const match =
      agreement(result) === "differs"
        ? "DIFFERS from the model"
        : agreement(result) === "matches"
          ? "as the model expects"
          : "";
    lines.push(`  ${verdictLine}; ${model}${match ? `: ${match}` : ""}`);
  }
  lines.push(`  (${(result.durationMs / 1000).toFixed(1)} s; ${result.network})`);
  return lines.join("\n");
}
