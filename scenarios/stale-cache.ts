/**
 * stale-cache: the seed's reproduction (PR #15357), its first regression test ("stale cached auth with newer
 * same-account auth already on disk"). A process answers from a cache another process has made obsolete.
 *
 *   1. auth.json holds R0. B starts, then A; both load R0 into their caches.
 *      Already-stale fixture (default): `last_refresh` 9 days old, stale for every variant; B is not asked yet.
 *      "Stale after W" fixture (a Codex app-server, which would refresh a stale file at startup): B is asked
 *      once while R0 is fresh (`B caches (fresh)`, no POST), then the run waits until R0 is stale.
 *   2. A is asked auth(): stale -> POST R0 -> 200, the server rotates to R1; A saves R1.
 *   3. B is asked auth(): its cached R0 is stale.
 *      legacy POSTs its cached R0 with no reload -> 401 refresh_token_reused (a stale send) and returns the
 *      stale R0. The guarded designs: the guarded reload sees R1 on disk ("Changed") and returns it with
 *      no POST. locked: the re-read under the lock sees R1, fresh -> adopts it with no POST.
 *   4. Option askAgain: B is asked once more. legacy POSTs the dead R0 again (once per call); the others
 *      answer R1 from their cache.
 *
 * Two variants keep these steps and change only what the endpoint does from step 3 on (`afterRotation`, a fault
 * queued for every later refresh):
 * Both always ask B again (step 4), so that a run shows the repetition.
 * - stale-cache-expired: PR #15357's second regression test, "the same scenario even when the refresh endpoint
 *   would fail if called": every refresh is answered 401 `refresh_token_expired`. A fixed client never calls
 *   it and returns R1 from disk; legacy calls it, gets a permanent error, and still returns its stale R0.
 * - stale-cache-unreachable: the issue's own symptom, "Failed to refresh token: error sending request for url":
 *   every refresh has its connection reset before any answer (nothing rotates). legacy logs that transient
 *   network error and sends the dead R0 again on every call; a fixed client never calls.
 */
import { SCENARIO_LIMITS } from "./limits.js";
import { askEachAgain, askOne, askPhase, type Scenario, startInOrder, untilStale } from "./steps.js";
import type { ScenarioName } from "./types.js";

interface StaleCacheVariant {
  name: Extract<ScenarioName, "stale-cache" | "stale-cache-expired" | "stale-cache-unreachable">;
  summary: string;
  /** Queued for every refresh after A's (up to SCENARIO_LIMITS.refusedRefreshesMax); null: none. */
  afterRotation: "status-401-expired" | "reset-without-rotate" | null;
}

function staleCacheScenario({ name, summary, afterRotation }: StaleCacheVariant): Scenario {
  return {
    name,
    summary,
    // With a failing endpoint, B is always asked again: legacy meets the failure once per call, for ever.
    ...(afterRotation === null ? {} : { options: { askAgain: true } }),
    serverOptions: () => ({}),
    logOrder: ["B", "A"],
    async run(run) {
      const started = await startInOrder(run, ["B", "A"]);
      if (!started.ok) return started;
      const { processes } = started;
      if (run.options.staleAfterMs !== null) {
        const cached = await askPhase(
          run,
          { name: "B caches (fresh)", step: "cache-fresh", actors: ["B"] },
          processes,
        );
        if (!cached.ok) return cached;
      }
      const stale = await untilStale(run, "the start of B and A and B's first auth()");
      if (!stale.ok) return stale;
      const askedA = await askOne(run, "A refreshes (stale)", "A", processes);
      if (!askedA.ok) return askedA;
      if (afterRotation !== null) {
        run.world.server.injectFault({ kind: afterRotation, count: SCENARIO_LIMITS.refusedRefreshesMax });
      }
      const askedB = await askOne(run, "B asked", "B", processes);
      if (!askedB.ok) return askedB;
      const again = await askEachAgain(run, ["B"], processes);
      if (!again.ok) return again;
      return { ok: true, observations: { A: askedA.observation, B: askedB.observation } };
    },
  };
}

export const staleCache = staleCacheScenario({
  name: "stale-cache",
  summary: "B caches stale R0; A refreshes (R0 -> R1); then B is asked",
  afterRotation: null,
});

export const staleCacheExpired = staleCacheScenario({
  name: "stale-cache-expired",
  summary: "stale-cache, then every refresh is answered 401 refresh_token_expired",
  afterRotation: "status-401-expired",
});

export const staleCacheUnreachable = staleCacheScenario({
  name: "stale-cache-unreachable",
  summary: "stale-cache, then every refresh has its connection reset (error sending request)",
  afterRotation: "reset-without-rotate",
});
