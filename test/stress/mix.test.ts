/**
 * Proves that a mix of implementations asks for what its most demanding member asks for: the largest start gap
 * and the longest "stale after" fixture (so a Codex member does not refresh R0 while it starts), and that it
 * hands on every member's crashes (scenarios/attempts.ts retries on them). Pure: no process is started.
 */
import { describe, expect, it } from "vitest";
import { type ProcessFactory, referenceImplementation } from "../../scenarios/index.js";
import { mixImplementations } from "../../stress/mix.js";

/** A member that starts nothing (spawn is never called here) and asks for a fixture and a gap, as Codex does. */
function member(crashes: string[]): ProcessFactory {
  return {
    name: "codex-like",
    variant: null,
    scenarioOptions: { staleAfterMs: 6_000, startGapMs: 300 },
    spawn: () => Promise.reject(new Error("not started in this test")),
    takeBinaryFailures: () =>
      crashes
        .splice(0)
        .map((process) => ({ process, stage: "start", stderrLine: "boom", message: "exit 1" })),
  };
}

describe("mixImplementations", () => {
  it("takes the largest start gap and the longest stale-after fixture of its members", () => {
    const mix = mixImplementations([referenceImplementation("locked"), member([])]);
    expect(mix.scenarioOptions).toEqual({ staleAfterMs: 6_000, startGapMs: 300 });
    const plain = mixImplementations([referenceImplementation("locked"), referenceImplementation("flocked")]);
    expect(plain.scenarioOptions).toEqual({});
  });

  it("hands on each member's crashes once", () => {
    const crashes = ["P2", "P4"];
    const mix = mixImplementations([referenceImplementation("locked"), member(crashes)]);
    expect(mix.takeBinaryFailures?.().map((failure) => failure.process)).toEqual(["P2", "P4"]);
    expect(mix.takeBinaryFailures?.()).toEqual([]);
  });
});
