/**
 * Proves race R1 on real OS processes: two driver processes, both holding a stale R0, are asked auth() at
 * the same moment while the real token server holds its answers back. legacy, guarded, persist-locked: two
 * POSTs of the same R0, one rotates (200) and one is rejected 401 refresh_token_reused (a stale send), and
 * the loser returns the stale R0 (poisoned from guarded on, as Codex 0.117+ does). locked: one POST, and
 * both processes return the rotated R1. No process and no temporary directory outlives a run.
 */
import { beforeAll, describe, expect, test } from "vitest";
import { PROCESS_NAMES, type ScenarioReport } from "../../scenarios/index.js";
import { expectR0SentTwice, runReference, useTemporaryParent } from "./helpers.js";

const parent = useTemporaryParent();

function returnedKinds(report: ScenarioReport): string[] {
  return PROCESS_NAMES.map((name) => report.processes[name].returned.kind).sort();
}

describe.each([
  { variant: "legacy", loserPoisoned: false },
  { variant: "guarded", loserPoisoned: true },
  { variant: "persist-locked", loserPoisoned: true },
] as const)("$variant: both POST R0", ({ variant, loserPoisoned }) => {
  let report: ScenarioReport;
  beforeAll(async () => {
    report = await runReference("simultaneous", variant, parent);
  });

  test("two POSTs of the same R0: one 200, one 401 refresh_token_reused, one stale send", () => {
    expectR0SentTwice(report);
  });

  test(`the winner returns R1; the loser returns the stale R0${loserPoisoned ? ", poisoned" : ""}`, () => {
    expect(returnedKinds(report)).toEqual(["rotated", "stale"]);
    const loser = PROCESS_NAMES.map((name) => report.processes[name]).find(
      (process) => process.returned.kind === "stale",
    );
    expect(loser?.returned.shown).toBe(report.posts[0]?.refreshToken);
    expect(loser?.poisoned).toBe(loserPoisoned);
    expect(loser?.error).toMatch(/refresh_token_reused/);
  });
});

describe("locked: one POST, both return the rotated token", () => {
  let report: ScenarioReport;
  beforeAll(async () => {
    report = await runReference("simultaneous", "locked", parent);
  });

  test("one POST (R0 -> 200), no stale send", () => {
    expect(report.posts).toEqual([
      expect.objectContaining({ generation: 0, status: 200, code: null, staleSend: false }),
    ]);
    expect(report.staleSends).toBe(0);
    expect(report.verdict).toBe("holds");
  });

  test("A and B both started with R0 and both return R1", () => {
    const { A, B } = report.processes;
    for (const process of [A, B]) {
      expect(process.cachedBefore).toMatchObject({ generation: 0, kind: "stale" });
      expect(process.returned).toMatchObject({ generation: 1, kind: "rotated" });
      expect(process.error).toBeNull();
    }
    expect(B.returned.shown).toBe(A.returned.shown);
  });
});
