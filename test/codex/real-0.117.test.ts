/**
 * Proves, on the real Codex 0.117.0 binary (the first release with PR #15357) and the real token server,
 * run through the one scenario runner:
 * - stale-cache holds: B's stale auth() reloads auth.json, adopts R1 and sends nothing (one POST in all).
 * - simultaneous is still violated (race R1): both reload R0 before either saves, so R0 is POSTed twice
 *   (200, then 401 refresh_token_reused); the loser is poisoned (authToken null) and its next call adopts
 *   at-R1 from disk with no POST. Both match the `guarded` rows of scenarios/expectations.ts exactly.
 * - without a network namespace (config.toml alone keeping it on loopback) stale-cache gives the same.
 */
import { describe, expect, it } from "vitest";
import { checkExpectation, expectedVerdict } from "../../scenarios/index.js";
import { answer, phase, postSequence, runOnCodex, SKIP_REAL_CODEX, useRealCodex } from "./real-codex.js";

describe.skipIf(SKIP_REAL_CODEX)("real Codex 0.117.0 (guarded)", () => {
  const codex = useRealCodex("0.117.0");
  const codexWithoutNamespace = useRealCodex("0.117.0", { network: "loopback-config" });

  it("stale-cache: B adopts R1 from disk, one POST in all", async () => {
    const report = await runOnCodex(codex(), "stale-cache");
    expect(postSequence(report)).toBe("R0 200");
    expect(answer(phase(report, "B asked").replies[0])).toBe("at-R1");
    expect(answer(phase(report, "B asked again").replies[0])).toBe("at-R1");
    expect(report).toMatchObject({ staleSends: 0, verdict: "holds", variant: "guarded" });
    expect(expectedVerdict("stale-cache", report.variant)).toBe("holds");
    expect(checkExpectation(report, "guarded")).toEqual([]);
  });

  it("simultaneous: R0 POSTed twice, the loser poisoned, then at-R1 without a POST", async () => {
    const report = await runOnCodex(codex(), "simultaneous");
    expect(postSequence(report)).toBe("R0 200, R0 401 refresh_token_reused");
    const together = phase(report, "A and B asked together (stale)");
    expect(together.replies.map(answer).sort()).toEqual(["at-R1", "null (poisoned)"]);
    const loser = together.replies.find((reply) => reply.returned.shown === null)?.process;
    const again = phase(report, `${loser} asked again`);
    expect(again.posts).toEqual([]);
    expect(answer(again.replies[0])).toBe("at-R1");
    expect(report).toMatchObject({ staleSends: 1, verdict: "violated" });
    expect(expectedVerdict("simultaneous", report.variant)).toBe("violated");
    expect(checkExpectation(report, "guarded")).toEqual([]);
  });

  it("stale-cache holds the same without a network namespace", async () => {
    expect(codexWithoutNamespace().network).toContain("config.toml only");
    const report = await runOnCodex(codexWithoutNamespace(), "stale-cache");
    expect(postSequence(report)).toBe("R0 200");
  });
});
