/**
 * stale-cache: the seed's reproduction (PR #15357). A process answers from a cache another process has made
 * obsolete.
 *
 *   1. auth.json holds R0 with `last_refresh` 9 days old: stale for every variant.
 *   2. B starts and loads R0 into its cache; it is not asked yet.
 *   3. A starts and is asked auth(): stale -> POST R0 -> 200, the server rotates to R1; A saves R1.
 *   4. B is asked auth(): its cached R0 is stale.
 *      legacy POSTs its cached R0 with no reload -> 401 refresh_token_reused (a stale send) and returns the
 *      stale R0. guarded, persist-locked: the guarded reload sees R1 on disk ("Changed") and returns it with
 *      no POST. locked: the re-read under the lock sees R1, fresh -> adopts it with no POST.
 */
import { askAuth, type Scenario, startInOrder } from "./steps.js";

export const staleCache: Scenario = {
  name: "stale-cache",
  summary: "B caches stale R0; A refreshes (R0 -> R1); then B is asked",
  serverOptions: {},
  logOrder: ["B", "A"],
  async run(world) {
    const started = await startInOrder(world, ["B", "A"]);
    if (!started.ok) return started;
    const [b, a] = started.processes;
    if (a === undefined || b === undefined) throw new Error("stale-cache: startInOrder lost a process");
    const askedA = await askAuth(a);
    if (!askedA.ok) return askedA;
    const askedB = await askAuth(b);
    if (!askedB.ok) return askedB;
    return { ok: true, observations: { A: askedA.observation, B: askedB.observation } };
  },
};
