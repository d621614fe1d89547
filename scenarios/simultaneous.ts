/**
 * simultaneous: two processes find the same token stale at the same moment (race R1 of codex-auth.md,
 * still present after PR #15357).
 *
 *   1. auth.json holds R0. A starts, then B; both cache R0. Already-stale fixture: `last_refresh` 9 days old.
 *      "Stale after W" fixture: both start on a fresh R0 and the run waits until it is stale.
 *   2. Both are asked auth() at once (both commands written before either reply is awaited). The server
 *      decides each POST on arrival but answers only after `raceResponseDelayMs`.
 *   3. legacy POSTs the cached R0 straight away; the guarded designs re-read auth.json first, but
 *      nobody has saved yet, so both see R0 unchanged and POST it: the first rotates (200), the second is
 *      401 refresh_token_reused, a stale send. A lock around the save only comes after the POST: no help.
 *      The loser returns its stale R0 (poisoned where the design poisons, which Codex reports as null).
 *   4. locked: the winner holds the cross-process lock from re-read to save; the other waits, then reads R1
 *      under the lock, fresh -> adopts it with no POST. One POST; both return R1.
 *   5. Option askAgain: A, then B, asked once more. legacy: the loser still holds R0 and POSTs it again;
 *      guarded designs: the poisoned loser's reload adopts R1 from auth.json with no POST.
 */
import type { DriverProcess } from "../impl/driver/client.js";
import {
  askEachAgain,
  askPhase,
  type Scenario,
  type ScenarioRun,
  type StepsResult,
  startInOrder,
  untilStale,
} from "./steps.js";
import type { ProcessName } from "./types.js";

export const simultaneous: Scenario = {
  name: "simultaneous",
  summary: "A and B both stale, asked at once; the server holds its answers back",
  serverOptions: (options) => ({ responseDelayMs: options.raceResponseDelayMs }),
  logOrder: ["A", "B"],
  async run(run) {
    const started = await startInOrder(run, ["A", "B"]);
    if (!started.ok) return started;
    return askBothWhenStale(run, started.processes, "the start of A and B");
  },
};

/**
 * Steps 2-5 of simultaneous, shared with two-managers: once the token is stale, A and B are asked at once, then
 * (askAgain) each once more.
 */
export async function askBothWhenStale(
  run: ScenarioRun,
  processes: Record<ProcessName, DriverProcess>,
  freshSteps: string,
): Promise<StepsResult> {
  const stale = await untilStale(run, freshSteps);
  if (!stale.ok) return stale;
  const plan = { name: "A and B asked together (stale)", step: "ask", actors: ["A", "B"] } as const;
  const asked = await askPhase(run, plan, processes);
  if (!asked.ok) return asked;
  const [a, b] = asked.observations;
  if (a === undefined || b === undefined) throw new Error(`${run.world.root}: an observation is missing`);
  const again = await askEachAgain(run, ["A", "B"], processes);
  if (!again.ok) return again;
  return { ok: true, observations: { A: a, B: b } };
}
