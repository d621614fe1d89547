/**
 * stale-cache: the seed's reproduction (PR #15357). A process answers from a cache another process has made
 * obsolete.
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
 */
import { askEachAgain, askOne, askPhase, type Scenario, startInOrder, untilStale } from "./steps.js";

export const staleCache: Scenario = {
  name: "stale-cache",
  summary: "B caches stale R0; A refreshes (R0 -> R1); then B is asked",
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
    const askedB = await askOne(run, "B asked", "B", processes);
    if (!askedB.ok) return askedB;
    const again = await askEachAgain(run, ["B"], processes);
    if (!again.ok) return again;
    return { ok: true, observations: { A: askedA.observation, B: askedB.observation } };
  },
};
