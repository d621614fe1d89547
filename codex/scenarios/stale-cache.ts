/**
 * stale-cache: a process answers from a cache that another process has since made obsolete.
 *
 *   1. B starts, then A; both load R0 from auth.json. B's auth() returns at-R0 (still fresh, no POST).
 *   2. The token turns stale. A's auth() refreshes: POST R0 -> 200, R1 saved to auth.json.
 *   3. B's auth(): its cache (R0) is stale. legacy POSTs its cached R0 (a stale send, 401 reused) and
 *      returns at-R0; guarded reloads auth.json first, sees R1, and returns at-R1 without a POST.
 *   4. B's auth() again: legacy POSTs R0 again, on every call; guarded answers at-R1 from its cache.
 */
import { ask, PhaseRecorder, sleep } from "./phases.js";
import { completed, failed, failedReply, startInOrder } from "./steps.js";
import type { ReplySummary, ScenarioOutcome, ScenarioProcess, ScenarioWorld } from "./types.js";

/** Time for both startups and B's first answer before the token turns stale. */
const STALE_AFTER_SECONDS = 6;
/** Margin after the staleness instant, for clock granularity. */
const STALE_MARGIN_MS = 500;

type Step = { name: string; actors: string[]; body: () => Promise<ReplySummary[]> };

function steps(a: ScenarioProcess, b: ScenarioProcess, staleAtMs: number): Step[] {
  return [
    { name: "B caches (fresh)", actors: ["B"], body: async () => [await ask(b, "auth")] },
    {
      name: "A refreshes (stale)",
      actors: ["A"],
      body: async () => {
        await sleep(staleAtMs + STALE_MARGIN_MS - Date.now());
        return [await ask(a, "auth")];
      },
    },
    { name: "B asked", actors: ["B"], body: async () => [await ask(b, "auth")] },
    { name: "B asked again", actors: ["B"], body: async () => [await ask(b, "auth")] },
  ];
}

export const staleCache = {
  name: "stale-cache" as const,
  summary: "B caches R0; once stale, A refreshes (R0 -> R1); then B is asked twice",
  serverOptions: { accessTokenStyle: "opaque" as const },
  async run(world: ScenarioWorld): Promise<ScenarioOutcome> {
    const recorder = new PhaseRecorder(world.server);
    const fixture = await world.writeFixture(STALE_AFTER_SECONDS);
    if (!fixture.ok) return failed([], fixture.problem);
    const started = await startInOrder(world, ["B", "A"]);
    await recorder.phase("startup", ["B", "A"], async () => []);
    if (!started.ok) return failed(recorder.phases, started.problem);
    const [b, a] = started.processes;
    if (!a || !b) throw new Error("stale-cache: startInOrder returned fewer processes than asked");
    for (const [index, step] of steps(a, b, fixture.staleAtMs).entries()) {
      const phase = await recorder.phase(step.name, step.actors, step.body);
      const failure = failedReply(phase);
      if (failure) return failed(recorder.phases, failure);
      if (index === 0 && Date.now() >= fixture.staleAtMs) {
        return failed(
          recorder.phases,
          `setup too slow: B cached after the token turned stale (raise STALE_AFTER_SECONDS)`,
        );
      }
    }
    return completed(recorder.phases);
  },
};
