/**
 * Proves, on the real Codex 0.117.0 binary (the first release with PR #15357), the fix's second regression test:
 * once A has rotated R0 -> R1 and the endpoint would fail every later refresh (401 refresh_token_expired, or the
 * connection reset before an answer), B never calls it. Its guarded reload finds R1 on disk ("Skipping token
 * refresh because auth changed after guarded reload") and returns at-R1: one POST in the whole run, and B's log
 * has no "Failed to refresh token" line. Both match the `guarded` rows of scenarios/expectations.ts.
 */
import { describe, expect, it } from "vitest";
import { checkExpectation, runScenario } from "../../scenarios/index.js";
import { answer, phase, postSequence, SKIP_REAL_CODEX, stderrLogReader, useRealCodex } from "./real-codex.js";

describe.skipIf(SKIP_REAL_CODEX)("real Codex 0.117.0 (guarded) against an endpoint that fails", () => {
  const codex = useRealCodex("0.117.0");

  it.each(["stale-cache-expired", "stale-cache-unreachable"] as const)(
    "%s: B never calls the endpoint and returns at-R1 from disk",
    async (scenario) => {
      const { observer, log } = stderrLogReader("B");
      const result = await runScenario(scenario, codex(), { observer });
      if (!result.ok) throw new Error(result.failure.message);
      const { report } = result;
      expect(postSequence(report)).toBe("R0 200");
      for (const name of ["B asked", "B asked again"]) {
        expect(answer(phase(report, name).replies[0])).toBe("at-R1");
      }
      expect(report).toMatchObject({ staleSends: 0, verdict: "holds" });
      expect(checkExpectation(report, "guarded")).toEqual([]);
      expect(log()).toMatch(/Skipping token refresh because auth changed after guarded reload/);
      expect(log()).not.toMatch(/Failed to refresh token/);
    },
  );
});
