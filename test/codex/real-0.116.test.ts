/**
 * Proves, on the real Codex 0.116.0 binary (the last release before PR #15357) and the real token server,
 * run through the one scenario runner, that its proactive auth() POSTs the cached refresh token with no
 * disk reload:
 * - stale-cache: after A rotated R0 -> R1, B returns the stale at-R0 and re-sends the dead R0 on every
 *   call (R0 200, R0 401, R0 401): NoStaleRefreshSent violated, as the model's `legacy` variant says.
 * - simultaneous: R0 200 and R0 401; the loser keeps at-R0 (no poisoning) and re-sends R0 when asked again.
 * Both match the `legacy` rows of scenarios/expectations.ts exactly.
 */
import { describe, expect, it } from "vitest";
import { checkExpectation, expectedVerdict } from "../../scenarios/index.js";
import { answer, phase, postSequence, runOnCodex, SKIP_REAL_CODEX, useRealCodex } from "./real-codex.js";

describe.skipIf(SKIP_REAL_CODEX)("real Codex 0.116.0 (legacy)", () => {
  const codex = useRealCodex("0.116.0");

  it("stale-cache: B re-sends the rotated-out R0 on every call", async () => {
    const report = await runOnCodex(codex(), "stale-cache");
    expect(postSequence(report)).toBe("R0 200, R0 401 refresh_token_reused, R0 401 refresh_token_reused");
    expect(phase(report, "startup").posts).toEqual([]);
    expect(answer(phase(report, "B caches (fresh)").replies[0])).toBe("at-R0");
    expect(answer(phase(report, "A refreshes (stale)").replies[0])).toBe("at-R1");
    for (const name of ["B asked", "B asked again"]) {
      expect(phase(report, name).posts).toMatchObject([{ generation: 0, status: 401, staleSend: true }]);
      expect(answer(phase(report, name).replies[0])).toBe("at-R0");
    }
    expect(report).toMatchObject({ staleSends: 2, verdict: "violated", variant: "legacy" });
    expect(report.processes.B.returned).toMatchObject({ shown: "at-R0", kind: "stale" });
    expect(expectedVerdict("stale-cache", report.variant)).toBe("violated");
    expect(checkExpectation(report, "legacy")).toEqual([]);
  });

  it("simultaneous: two POSTs of R0; the loser keeps at-R0 and re-sends R0", async () => {
    const report = await runOnCodex(codex(), "simultaneous");
    const together = phase(report, "A and B asked together (stale)");
    expect(postSequence(together)).toBe("R0 200, R0 401 refresh_token_reused");
    expect(together.replies.map(answer).sort()).toEqual(["at-R0", "at-R1"]);
    const loser = together.replies.find((reply) => answer(reply) === "at-R0")?.process;
    const again = phase(report, `${loser} asked again`);
    expect(again.posts).toMatchObject([{ generation: 0, status: 401, staleSend: true }]);
    expect(answer(again.replies[0])).toBe("at-R0");
    expect(report).toMatchObject({ staleSends: 2, verdict: "violated" });
    expect(expectedVerdict("simultaneous", report.variant)).toBe("violated");
    expect(checkExpectation(report, "legacy")).toEqual([]);
  });
});
