/**
 * Proves, on the real Codex 0.117.0 binary (the first release with PR #15357) and the real token server:
 * - stale-cache holds: B's stale auth() reloads auth.json, adopts R1 and sends nothing (one POST in all).
 * - simultaneous is still violated (race R1): both reload R0 before either saves, so R0 is POSTed twice
 *   (200, then 401 refresh_token_reused); the loser is poisoned (authToken null) and its next call adopts
 *   at-R1 from disk with no POST. Both as the model's `guarded` variant says.
 * - without a network namespace (config.toml alone keeping it on loopback) stale-cache gives the same.
 */
import { describe, expect, it } from "vitest";
import { runCodexScenario } from "../../codex/scenarios/index.js";
import { completedOrExplain, phase, postSequence, SKIP_REAL_CODEX, useRealCodex } from "./real-codex.js";

describe.skipIf(SKIP_REAL_CODEX)("real Codex 0.117.0 (guarded)", () => {
  const binary = useRealCodex("0.117.0");

  it("stale-cache: B adopts R1 from disk, one POST in all", async () => {
    const result = await runCodexScenario(binary(), "stale-cache");
    expect(completedOrExplain(result)).toBe("completed");
    expect(postSequence(result)).toBe("R0 200");
    expect(phase(result, "B asked").replies[0]?.answer).toBe("at-R1");
    expect(phase(result, "B asked again").replies[0]?.answer).toBe("at-R1");
    expect(result).toMatchObject({ staleSends: 0, verdict: "holds", variant: "guarded", expected: "holds" });
  });

  it("simultaneous: R0 POSTed twice, the loser poisoned, then at-R1 without a POST", async () => {
    const result = await runCodexScenario(binary(), "simultaneous");
    expect(completedOrExplain(result)).toBe("completed");
    expect(postSequence(result)).toBe("R0 200, R0 401 refresh_token_reused");
    const together = phase(result, "A and B asked together (stale)");
    expect(together.replies.map((reply) => reply.answer).sort()).toEqual(["at-R1", "null (poisoned)"]);
    const loser = together.replies.find((reply) => reply.token === null)?.process;
    const again = phase(result, `${loser} asked again`);
    expect(again.posts).toEqual([]);
    expect(again.replies[0]?.answer).toBe("at-R1");
    expect(result).toMatchObject({ staleSends: 1, verdict: "violated", expected: "violated" });
  });

  it("stale-cache holds the same without a network namespace", async () => {
    const result = await runCodexScenario(binary(), "stale-cache", { network: "loopback-config" });
    expect(completedOrExplain(result)).toBe("completed");
    expect(result.network).toContain("config.toml only");
    expect(postSequence(result)).toBe("R0 200");
  });
});
