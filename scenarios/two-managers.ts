/**
 * two-managers: the simultaneous race between two auth managers of ONE process (race R2 of codex-auth.md). Codex's
 * app-server builds a second AuthManager on the same CODEX_HOME to load cloud requirements; each manager has its
 * own cache and its own in-process refresh mutex, so the mutex never serialises one manager against the other.
 *
 *   1. auth.json holds R0. One process starts holding managers A and B (`--managers 2`); each loads R0 into its
 *      own cache. Already-stale fixture: `last_refresh` 9 days old.
 *   2. Both managers are asked auth() at once (both commands written before either reply is awaited); the server
 *      decides each POST on arrival but answers only after `raceResponseDelayMs`.
 *   3. Without a cross-process lock held across the refresh (lockScope other than "refresh") both POST R0: the
 *      first rotates, the second is 401 refresh_token_reused, a stale send, exactly as between two processes.
 *   4. With a lock across the refresh, it is taken per manager (each has its own lock instance: a mkdir lock or an
 *      flock on its own open file description), so B waits for A's save, re-reads R1 under the lock and adopts
 *      it: one POST.
 *   5. Option askAgain: A, then B, asked once more, as in simultaneous.
 *
 * Needs an implementation that addresses its managers one by one (ProcessFactory.spawnManagers: the reference
 * driver); a Codex binary's second manager cannot be asked from outside, so the scenario fails there, saying so.
 */
import { askBothWhenStale } from "./simultaneous.js";
import type { Scenario } from "./steps.js";

export const twoManagers: Scenario = {
  name: "two-managers",
  summary: "one process, two auth managers on one CODEX_HOME, both stale, asked at once",
  serverOptions: (options) => ({ responseDelayMs: options.raceResponseDelayMs }),
  logOrder: ["A", "B"],
  needsManagersInOneProcess: true,
  async run(run) {
    const started = await run.world.startManagers(["A", "B"]);
    if (!started.ok) return started;
    const [A, B] = started.processes;
    if (A === undefined || B === undefined) throw new Error("two-managers: a manager handle is missing");
    run.phases.record({ name: "startup", step: "startup", actors: [] }, []);
    return askBothWhenStale(run, { A, B }, "the start of the process holding A and B");
  },
};
