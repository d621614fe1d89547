// Proves a stress run on real processes (the reference driver, one AuthManager per OS process) against the real
// loopback token server with family revocation on: a small `locked` run sends no rotated-out refresh token,
// and a small `guarded` run whose processes all refresh the stale R0 at once (no pauses, the server holding its
// answers 300 ms so no save lands before every POST is out) sends stale ones, revokes the family, and logs in
// again. Counts only; wall-clock times are never asserted.
import { expect, test } from "vitest";
import { referenceImplementation } from "../../scenarios/index.js";
import { runStress, STRESS_DEFAULTS } from "../../stress/index.js";

test("locked, 4 processes x 10 calls: no stale send, every call answered", async () => {
  const result = await runStress(referenceImplementation("locked"), {
    ...STRESS_DEFAULTS,
    processes: 4,
    calls: 10,
    seed: 11,
  });
  if (!result.ok) throw new Error(result.problem);
  const { report } = result;
  expect(report.problems).toEqual([]);
  expect(report.calls).toBe(40);
  expect(report.staleSends).toBe(0);
  expect(report.familiesRevoked).toBe(0);
  expect(report.posts).toBeGreaterThanOrEqual(1);
  expect(report.rotations).toBe(report.posts);
  expect(report.unauthorizedByCode).toEqual({});
});

test("guarded, 4 processes refreshing R0 at once: stale sends, a revoked family, a new login", async () => {
  const result = await runStress(referenceImplementation("guarded"), {
    ...STRESS_DEFAULTS,
    processes: 4,
    calls: 2,
    seed: 5,
    delayMaxMs: 0,
    serverDelayMs: 300,
  });
  if (!result.ok) throw new Error(result.problem);
  const { report } = result;
  expect(report.problems).toEqual([]);
  expect(report.calls).toBe(8);
  // Every process reloaded R0 before any save, and POSTed it: one rotation, three reuses.
  expect(report.staleSends).toBeGreaterThanOrEqual(3);
  expect(report.unauthorizedByCode.refresh_token_reused).toBeGreaterThanOrEqual(1);
  expect(report.familiesRevoked).toBeGreaterThanOrEqual(1);
  expect(report.relogins).toBeGreaterThanOrEqual(1);
  // Each loser's first call reported its 401 (reused, or invalidated once the family was revoked): as a failed
  // refresh/unauthorized, or as an auth() that logged it and returned its cache.
  const permanent = [...Object.entries(report.failedCalls), ...Object.entries(report.refreshErrors)]
    .filter(([key]) => key.startsWith("permanent/"))
    .reduce((sum, [, count]) => sum + count, 0);
  expect(permanent).toBeGreaterThanOrEqual(3);
});
