/**
 * Proves two things a stress run does for implementations shaped like Codex app-server. (1) When replies never
 * report a refresh failure (app-server answers with the cache, or null), the run still logs in again after a
 * revocation: it checks after any call during which the server answered 401. Shown on the real reference
 * driver whose replies are stripped of every failure, the way codex/driver.ts's adapter reports app-server's.
 * (2) An implementation that refreshes a stale auth.json while it starts asks for a "stale after" fixture, which
 * stays fresh longer the more processes start.
 */
import { expect, test } from "vitest";
import type { DriverProcess } from "../../impl/driver/client.js";
import type { DriverReply } from "../../impl/driver/protocol.js";
import { type ProcessFactory, referenceImplementation } from "../../scenarios/index.js";
import { runStress, STRESS_DEFAULTS, STRESS_LIMITS } from "../../stress/index.js";
import { freshFixtureMs } from "../../stress/world.js";

/** The reply as app-server would give it: no error, no refresh error, the cache or nothing. */
function hidingFailures(reply: DriverReply): DriverReply {
  return { id: reply.id ?? 0, ok: true, auth: reply.auth, trace: [] };
}

function silentFailures(factory: ProcessFactory): ProcessFactory {
  return {
    name: `${factory.name} (failures hidden)`,
    variant: factory.variant,
    async spawn(request) {
      const started = await factory.spawn(request);
      if (!started.ok) return started;
      const process: DriverProcess = started.driver;
      const hide = (call: () => Promise<DriverReply>) => async () => hidingFailures(await call());
      return {
        ok: true,
        driver: {
          name: process.name,
          auth: hide(() => process.auth()),
          refresh: hide(() => process.refresh()),
          unauthorized: hide(() => process.unauthorized()),
          cached: hide(() => process.cached()),
          exit: () => process.exit(),
          kill: () => process.kill(),
        },
      };
    },
  };
}

test("replies that hide every failure: the 401s alone lead to a new login", async () => {
  const result = await runStress(silentFailures(referenceImplementation("guarded")), {
    ...STRESS_DEFAULTS,
    processes: 4,
    calls: 2,
    seed: 5,
    delayMaxMs: 0,
    serverDelayMs: 300,
  });
  if (!result.ok) throw new Error(result.problem);
  const { report } = result;
  expect(report.failedCalls).toEqual({});
  expect(report.refreshErrors).toEqual({});
  expect(report.familiesRevoked).toBeGreaterThanOrEqual(1);
  expect(report.relogins).toBeGreaterThanOrEqual(1);
});

test("a stale-after fixture stays fresh through every start", () => {
  const reference = referenceImplementation("guarded");
  expect(freshFixtureMs(reference, 8)).toBeNull();
  const codexLike: ProcessFactory = { ...reference, scenarioOptions: { staleAfterMs: 6_000 } };
  expect(freshFixtureMs(codexLike, 2)).toBe(6_000);
  expect(freshFixtureMs(codexLike, 8)).toBe(6_000 + 6 * STRESS_LIMITS.startAllowanceMs);
});
