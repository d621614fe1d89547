/**
 * simultaneous: two processes find the same token stale at the same moment (race R1 of codex-auth.md).
 *
 *   1. A and B start and load R0 (fresh). The token turns stale.
 *   2. Both auth() at once. Each reloads auth.json (still R0: nobody has saved yet) and POSTs R0. The
 *      server answers after ~1 s, so the second POST arrives before the first answer is saved: one 200
 *      (R0 -> R1), one 401 refresh_token_reused, a stale send on every variant but `locked`.
 *   3. Both auth() again. legacy: the loser still holds R0 and POSTs it again; guarded: the loser was
 *      poisoned (authToken null) and now adopts R1 from auth.json without a POST.
 */
import { ask, PhaseRecorder, sleep } from "./phases.js";
import { completed, failed, failedReply, startInOrder } from "./steps.js";
import type { ScenarioOutcome, ScenarioWorld } from "./types.js";

const STALE_AFTER_SECONDS = 5;
const STALE_MARGIN_MS = 500;
/** Long enough that the second POST lands before the first answer is saved. */
const RESPONSE_DELAY_MS = 1_000;

export const simultaneous = {
  name: "simultaneous" as const,
  summary: "A and B both stale, asked at the same moment; the server answers after 1 s",
  serverOptions: { accessTokenStyle: "opaque" as const, responseDelayMs: RESPONSE_DELAY_MS },
  async run(world: ScenarioWorld): Promise<ScenarioOutcome> {
    const recorder = new PhaseRecorder(world.server);
    const fixture = await world.writeFixture(STALE_AFTER_SECONDS);
    if (!fixture.ok) return failed([], fixture.problem);
    const started = await startInOrder(world, ["A", "B"]);
    await recorder.phase("startup", ["A", "B"], async () => []);
    if (!started.ok) return failed(recorder.phases, started.problem);
    const [a, b] = started.processes;
    if (!a || !b) throw new Error("simultaneous: startInOrder returned fewer processes than asked");
    if (Date.now() >= fixture.staleAtMs) {
      return failed(recorder.phases, "setup too slow: the token turned stale during startup");
    }
    await sleep(fixture.staleAtMs + STALE_MARGIN_MS - Date.now());
    const together = await recorder.phase("A and B asked together (stale)", ["A", "B"], () =>
      Promise.all([ask(a, "auth"), ask(b, "auth")]),
    );
    const failure = failedReply(together);
    if (failure) return failed(recorder.phases, failure);
    for (const process of [a, b]) {
      const phase = await recorder.phase(`${process.name} asked again`, [process.name], async () => [
        await ask(process, "auth"),
      ]);
      const again = failedReply(phase);
      if (again) return failed(recorder.phases, again);
    }
    return completed(recorder.phases);
  },
};
