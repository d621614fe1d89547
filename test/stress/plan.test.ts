// Proves the pure parts of a stress run: the plan is a function of the seed alone (same seed, same calls and
// pauses; pinned for seed 1 so a printed seed replays across versions), each process's plan is independent of
// how many processes or calls there are, pauses stay within their bound; the generator refuses a seed outside
// 32 bits; settings outside their bounds are refused naming the limit; re-login is decided by whether auth.json
// holds a revoked family's token; and a report is judged against none / some / any.
import { describe, expect, test } from "vitest";
import { Random } from "../../common/random.js";
import type { FamilyState } from "../../server/index.js";
import {
  CALL_WEIGHTS,
  checkStressSettings,
  holdsRevokedToken,
  judgeStress,
  planCalls,
  STRESS_CALLS,
  STRESS_DEFAULTS,
  STRESS_LIMITS,
  type StressReport,
} from "../../stress/index.js";

describe("planCalls", () => {
  test("seed 1 replays the same calls and pauses (pinned)", () => {
    expect(planCalls({ seed: 1, processes: 2, calls: 4, delayMaxMs: 20 })).toEqual([
      [
        { call: "unauthorized", delayMs: 5 },
        { call: "auth", delayMs: 17 },
        { call: "auth", delayMs: 20 },
        { call: "auth", delayMs: 4 },
      ],
      [
        { call: "refresh", delayMs: 9 },
        { call: "auth", delayMs: 19 },
        { call: "auth", delayMs: 4 },
        { call: "auth", delayMs: 15 },
      ],
    ]);
  });

  test("another seed, another plan", () => {
    const settings = { processes: 2, calls: 20, delayMaxMs: 20 };
    expect(planCalls({ ...settings, seed: 1 })).not.toEqual(planCalls({ ...settings, seed: 2 }));
  });

  test("a process's plan does not depend on the number of processes or calls", () => {
    const small = planCalls({ seed: 9, processes: 2, calls: 5, delayMaxMs: 20 });
    const large = planCalls({ seed: 9, processes: 8, calls: 50, delayMaxMs: 20 });
    expect(large.slice(0, 2).map((plan) => plan.slice(0, 5))).toEqual(small);
  });

  test("pauses stay within [0, delayMaxMs]; the mix follows the weights", () => {
    const calls = planCalls({ seed: 3, processes: 4, calls: 2_000, delayMaxMs: 7 }).flat();
    expect(Math.min(...calls.map((call) => call.delayMs))).toBe(0);
    expect(Math.max(...calls.map((call) => call.delayMs))).toBe(7);
    const total = STRESS_CALLS.reduce((sum, call) => sum + CALL_WEIGHTS[call], 0);
    for (const kind of STRESS_CALLS) {
      const share = calls.filter((call) => call.call === kind).length / calls.length;
      expect(share).toBeCloseTo(CALL_WEIGHTS[kind] / total, 1);
    }
    expect(
      planCalls({ seed: 3, processes: 1, calls: 50, delayMaxMs: 0 })[0]?.every((c) => c.delayMs === 0),
    ).toBe(true);
  });

  test("the generator takes unsigned 32-bit seeds only", () => {
    expect(() => new Random(-1)).toThrow(RangeError);
    expect(() => new Random(2 ** 32)).toThrow(RangeError);
    expect(() => new Random(1.5)).toThrow(RangeError);
    expect(new Random(STRESS_LIMITS.seedMax).nextUint32()).toBeGreaterThanOrEqual(0);
  });
});

test("settings outside their bounds are refused, naming the limit", () => {
  const settings = { ...STRESS_DEFAULTS, seed: 1 };
  expect(checkStressSettings(settings)).toBeNull();
  expect(checkStressSettings({ ...settings, processes: STRESS_LIMITS.processesMax + 1 })).toMatch(
    /processesMax/,
  );
  expect(checkStressSettings({ ...settings, calls: 0 })).toMatch(/calls must be an integer in \[1, /);
  expect(checkStressSettings({ ...settings, delayMaxMs: 0.5 })).toMatch(/delayMaxMs/);
});

describe("holdsRevokedToken", () => {
  const family = (familyId: string, revoked: boolean): FamilyState => ({
    familyId,
    accountId: "acct",
    email: "e",
    userId: "u",
    planType: "plus",
    accessTokenStyle: "jwt",
    generation: 2,
    refreshToken: `${familyId}-R2`,
    accessToken: "at",
    idToken: "id",
    rotatedOut: [`${familyId}-R0`, `${familyId}-R1`],
    revoked,
    revokedBySeq: revoked ? 3 : null,
  });
  const families = [family("f1", true), family("f2", false)];

  test.each([
    ["f1-R2", true],
    ["f1-R0", true],
    ["f2-R2", false],
    ["f2-R1", false],
    ["never-issued", false],
  ])("%s -> %s", (token, expected) => {
    expect(holdsRevokedToken(token, families)).toBe(expected);
  });
});

describe("judgeStress", () => {
  const report = (
    variant: StressReport["variant"],
    staleSends: number,
    problems: string[] = [],
  ): StressReport => ({
    implementation: `reference:${variant}`,
    variant,
    settings: { ...STRESS_DEFAULTS, seed: 1 },
    calls: 10,
    callsByKind: { auth: 5, refresh: 3, unauthorized: 2 },
    posts: 3,
    rotations: 3 - staleSends,
    staleSends,
    unauthorizedByCode: {},
    familiesRevoked: staleSends > 0 ? 1 : 0,
    relogins: 0,
    failedCalls: {},
    refreshErrors: {},
    poisonedReturns: 0,
    lockFailures: {},
    byImplementation: [],
    memory: null,
    elapsedMs: 1,
    callsElapsedMs: 1,
    problems,
  });

  test.each([
    ["locked", 0, "none", "matches"],
    ["locked", 1, "none", "differs"],
    ["guarded", 2, "any", "matches"],
    ["guarded", 0, "any", "matches"],
    ["guarded", 0, "some", "differs"],
    [null, 1, "none", "differs"],
  ] as const)("%s with %i stale sends, expecting %s: %s", (variant, staleSends, expectation, agreement) => {
    expect(judgeStress(report(variant, staleSends), expectation).agreement).toBe(agreement);
  });

  test("a guarded run that missed the race says so without failing", () => {
    expect(judgeStress(report("guarded", 0), "any").summary).toMatch(
      /this run found none, which is not an error/,
    );
  });

  test("a run with problems failed, whatever it counted", () => {
    const judged = judgeStress(report("locked", 0, ["P2.auth(): driver-exited: gone"]), "none");
    expect(judged.agreement).toBe("failed");
    expect(judged.summary).toMatch(/RUN INCOMPLETE: P2\.auth\(\): driver-exited/);
  });
});
