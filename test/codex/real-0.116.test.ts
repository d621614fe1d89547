/**
 * Proves, on the real Codex 0.116.0 binary (the last release before PR #15357) and the real token server,
 * that its proactive auth() POSTs the cached refresh token with no disk reload:
 * - stale-cache: after A rotated R0 -> R1, B returns the stale at-R0 and re-sends the dead R0 on every
 *   call (R0 200, R0 401, R0 401): NoStaleRefreshSent violated, as the model's `legacy` variant says.
 * - simultaneous: R0 200 and R0 401; the loser keeps at-R0 (no poisoning) and re-sends R0 when asked again.
 */
import { describe, expect, it } from "vitest";
import { runCodexScenario } from "../../codex/scenarios/index.js";
import { describePosts } from "../../codex/scenarios/phases.js";
import { completedOrExplain, phase, postSequence, SKIP_REAL_CODEX, useRealCodex } from "./real-codex.js";

describe.skipIf(SKIP_REAL_CODEX)("real Codex 0.116.0 (legacy)", () => {
  const binary = useRealCodex("0.116.0");

  it("stale-cache: B re-sends the rotated-out R0 on every call", async () => {
    const result = await runCodexScenario(binary(), "stale-cache");
    expect(completedOrExplain(result)).toBe("completed");
    expect(postSequence(result)).toBe("R0 200, R0 401 refresh_token_reused, R0 401 refresh_token_reused");
    expect(phase(result, "B caches (fresh)").replies[0]?.answer).toBe("at-R0");
    expect(phase(result, "A refreshes (stale)").replies[0]?.answer).toBe("at-R1");
    for (const name of ["B asked", "B asked again"]) {
      expect(phase(result, name).posts).toMatchObject([{ token: "R0", status: 401, staleSend: true }]);
      expect(phase(result, name).replies[0]?.answer).toBe("at-R0");
    }
    expect(result).toMatchObject({
      staleSends: 2,
      verdict: "violated",
      variant: "legacy",
      expected: "violated",
    });
  });

  it("simultaneous: two POSTs of R0; the loser keeps at-R0 and re-sends R0", async () => {
    const result = await runCodexScenario(binary(), "simultaneous");
    expect(completedOrExplain(result)).toBe("completed");
    const together = phase(result, "A and B asked together (stale)");
    expect(describePosts(together.posts)).toBe("R0 200, R0 401 refresh_token_reused");
    const answers = together.replies.map((reply) => reply.answer).sort();
    expect(answers).toEqual(["at-R0", "at-R1"]);
    const loser = together.replies.find((reply) => reply.answer === "at-R0")?.process;
    const again = phase(result, `${loser} asked again`);
    expect(again.posts).toMatchObject([{ token: "R0", status: 401, staleSend: true }]);
    expect(again.replies[0]?.answer).toBe("at-R0");
    expect(result).toMatchObject({ staleSends: 2, verdict: "violated", expected: "violated" });
  });
});
