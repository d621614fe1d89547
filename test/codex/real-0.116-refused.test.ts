/**
 * Proves, on the real Codex 0.116.0 binary (the last release before PR #15357), the seed's second regression test
 * and its original symptom, once A has rotated R0 -> R1 and the endpoint fails every later refresh:
 * - stale-cache-expired (every refresh answered 401 refresh_token_expired): B still POSTs its cached R0 on every
 *   call, gets the permanent error, and keeps returning the stale at-R0;
 * - stale-cache-unreachable (every refresh's connection reset before an answer, nothing rotates): B POSTs R0 on
 *   every call and logs, once per call, the line `ERROR codex_core::auth: Failed to refresh token: error
 *   sending request for url (...)`, still returning at-R0.
 * Both match the `legacy` rows of scenarios/expectations.ts (the model's seed-story verdict, with the answer the
 * endpoint gives a stale send).
 */
import { describe, expect, it } from "vitest";
import { checkExpectation, runScenario } from "../../scenarios/index.js";
import { answer, phase, postSequence, SKIP_REAL_CODEX, stderrLogReader, useRealCodex } from "./real-codex.js";

describe.skipIf(SKIP_REAL_CODEX)("real Codex 0.116.0 (legacy) against an endpoint that fails", () => {
  const codex = useRealCodex("0.116.0");

  it("stale-cache-expired: B POSTs the dead R0 on every call, gets 401 expired, keeps at-R0", async () => {
    const result = await runScenario("stale-cache-expired", codex());
    if (!result.ok) throw new Error(result.failure.message);
    const { report } = result;
    expect(postSequence(report)).toBe("R0 200, R0 401 refresh_token_expired, R0 401 refresh_token_expired");
    for (const name of ["B asked", "B asked again"]) {
      expect(phase(report, name).posts).toMatchObject([{ generation: 0, staleSend: true, verdict: "fault" }]);
      expect(answer(phase(report, name).replies[0])).toBe("at-R0");
    }
    expect(report).toMatchObject({ staleSends: 2, verdict: "violated" });
    expect(checkExpectation(report, "legacy")).toEqual([]);
  });

  it("stale-cache-unreachable: B logs 'error sending request for url' on every call, keeps at-R0", async () => {
    const { observer, log } = stderrLogReader("B");
    const result = await runScenario("stale-cache-unreachable", codex(), { observer });
    if (!result.ok) throw new Error(result.failure.message);
    const { report } = result;
    expect(postSequence(report)).toBe("R0 200, R0 dropped, R0 dropped");
    expect(answer(phase(report, "B asked again").replies[0])).toBe("at-R0");
    expect(report).toMatchObject({ staleSends: 2, verdict: "violated" });
    expect(checkExpectation(report, "legacy")).toEqual([]);
    const symptom =
      /ERROR codex_core::auth: Failed to refresh token: error sending request for url \(http:\/\/127\.0\.0\.1:\d+\/oauth\/token\)/g;
    expect(log().match(symptom)).toHaveLength(2);
  });
});
