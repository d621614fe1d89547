/**
 * simultaneous: two processes find the same token stale at the same moment (race R1 of codex-auth.md,
 * still present after PR #15357).
 *
 *   1. auth.json holds R0 with `last_refresh` 9 days old. A starts, then B; both cache R0.
 *   2. Both are asked auth() at once (both commands written before either reply is awaited). The server
 *      decides each POST on arrival but answers only after SCENARIO_LIMITS.simultaneousResponseDelayMs.
 *   3. legacy POSTs the cached R0 straight away; guarded and persist-locked re-read auth.json first, but
 *      nobody has saved yet, so both see R0 unchanged and POST it: the first rotates (200), the second is
 *      401 refresh_token_reused, a stale send. persist-locked's lock comes after the POST and cannot help.
 *      The loser returns its stale R0 (guarded/persist-locked: poisoned, which Codex reports as null).
 *   4. locked: the winner holds the cross-process lock from re-read to save; the other waits, then reads R1
 *      under the lock, fresh -> adopts it with no POST. One POST; both return R1.
 */

import { SCENARIO_LIMITS } from "./limits.js";
import { askAuthTogether } from "./observe.js";
import { type Scenario, startInOrder } from "./steps.js";

export const simultaneous: Scenario = {
  name: "simultaneous",
  summary: `A and B both stale, asked at once; the server answers after ${SCENARIO_LIMITS.simultaneousResponseDelayMs} ms`,
  serverOptions: { responseDelayMs: SCENARIO_LIMITS.simultaneousResponseDelayMs },
  logOrder: ["A", "B"],
  async run(world) {
    const started = await startInOrder(world, ["A", "B"]);
    if (!started.ok) return started;
    const asked = await askAuthTogether(started.processes);
    if (!asked.ok) return asked;
    const [a, b] = asked.observations;
    if (a === undefined || b === undefined) throw new Error("simultaneous: an observation is missing");
    return { ok: true, observations: { A: a, B: b } };
  },
};
