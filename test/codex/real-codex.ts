/**
 * Shared set-up of the tests that run real Codex binaries: fetch (cached in .cache/codex) before the
 * tests, and fail, not skip, when the binary cannot be had, unless AUTHRACE_SKIP_CODEX=1 says to skip.
 */
import { beforeAll } from "vitest";
import { type CodexBinary, fetchCodex } from "../../codex/fetch.js";
import { CODEX_LIMITS } from "../../codex/limits.js";
import { describePosts } from "../../codex/scenarios/phases.js";
import type { ScenarioResult } from "../../codex/scenarios/types.js";

export const SKIP_REAL_CODEX = process.env.AUTHRACE_SKIP_CODEX === "1";

/** A first download may take minutes; a cached one well under a second. */
const FETCH_TIMEOUT_MS = CODEX_LIMITS.npmPackTimeoutMs * CODEX_LIMITS.downloadAttemptsMax;

/** Registers the fetch; the returned function gives the binary inside tests. */
export function useRealCodex(version: string): () => CodexBinary {
  let binary: CodexBinary | undefined;
  beforeAll(async () => {
    const fetched = await fetchCodex(version);
    if (!fetched.ok) {
      throw new Error(
        `Codex ${version} cannot be had (${fetched.failure.kind}): ${fetched.failure.message}. ` +
          "Set AUTHRACE_SKIP_CODEX=1 to skip the real-binary tests.",
      );
    }
    binary = fetched.binary;
  }, FETCH_TIMEOUT_MS);
  return () => {
    if (!binary) throw new Error(`Codex ${version} was not fetched`);
    return binary;
  };
}

/** `R0 200, R0 401 refresh_token_reused` for the whole run, startup included. */
export function postSequence(result: ScenarioResult): string {
  return describePosts(result.phases.flatMap((phase) => phase.posts));
}

export function phase(result: ScenarioResult, name: string) {
  const found = result.phases.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no phase '${name}' in ${result.phases.map((p) => p.name).join(", ")}`);
  return found;
}

/** A failed run's message in the assertion output, so a crash reads as a crash. */
export function completedOrExplain(result: ScenarioResult): string {
  return result.status === "completed" ? "completed" : `failed: ${result.failure} (logs: ${result.logs})`;
}
