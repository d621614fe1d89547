/**
 * The choices of a stress run, made in advance from the seed: per process, which call to make and how long to
 * pause before it. Pure: the same settings give the same plan, so a printed seed replays every choice. The
 * operating system's interleaving of the processes is not a choice and does not replay (docs/stress.md).
 */
import { Random, streamSeed } from "../common/random.js";

/** The driver commands a stress run makes (docs/driver-protocol.md). */
export const STRESS_CALLS = ["auth", "refresh", "unauthorized"] as const;
export type StressCall = (typeof STRESS_CALLS)[number];

/**
 * How often each call is drawn, relative. auth() is what an API request does first and refreshes only a stale
 * cache; refresh and unauthorized (a 401 from the API) force a refresh, where processes race.
 */
export const CALL_WEIGHTS: Readonly<Record<StressCall, number>> = { auth: 2, refresh: 1, unauthorized: 1 };

export interface PlannedCall {
  call: StressCall;
  /** Pause before the call, after the previous reply. */
  delayMs: number;
}

export interface PlanSettings {
  seed: number;
  processes: number;
  calls: number;
  delayMaxMs: number;
}

function drawCall(random: Random): StressCall {
  const total = STRESS_CALLS.reduce((sum, call) => sum + CALL_WEIGHTS[call], 0);
  let ticket = random.below(total);
  for (const call of STRESS_CALLS) {
    ticket -= CALL_WEIGHTS[call];
    if (ticket < 0) return call;
  }
  throw new Error("drawCall: weights do not cover the ticket");
}

/**
 * One list of `calls` planned calls per process. Each process draws from a stream of its own, so a process's
 * plan does not change when `processes` does, and a shorter run's plan is a prefix of a longer one's.
 */
export function planCalls(settings: PlanSettings): PlannedCall[][] {
  return Array.from({ length: settings.processes }, (_, index) => {
    const random = new Random(streamSeed(settings.seed, index));
    return Array.from({ length: settings.calls }, () => {
      const call = drawCall(random);
      return { call, delayMs: random.below(settings.delayMaxMs + 1) };
    });
  });
}
