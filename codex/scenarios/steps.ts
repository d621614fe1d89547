/** Steps shared by the scenarios: starting processes one after another, and stopping on a failed reply. */
import { CODEX_LIMITS } from "../limits.js";
import { sleep } from "./phases.js";
import type { PhaseResult, ScenarioOutcome, ScenarioProcess, ScenarioWorld } from "./types.js";

export type Started = { ok: true; processes: ScenarioProcess[] } | { ok: false; problem: string };

/**
 * Starts the named processes in order, each once the previous one answered `initialize`, plus a short gap:
 * two app-servers initialising one fresh CODEX_HOME at the same moment can crash on its sqlite state
 * (seen on 0.139), and that race is not the one under test.
 */
export async function startInOrder(world: ScenarioWorld, names: readonly string[]): Promise<Started> {
  const processes: ScenarioProcess[] = [];
  for (const [index, name] of names.entries()) {
    if (index > 0) await sleep(CODEX_LIMITS.startGapMs);
    const started = await world.startProcess(name);
    if (!started.ok) return { ok: false, problem: started.problem };
    processes.push(started.process);
  }
  return { ok: true, processes };
}

/** The first failed reply of a phase, as the reason the scenario stopped. */
export function failedReply(phase: PhaseResult): string | null {
  const failed = phase.replies.find((reply) => !reply.ok);
  return failed ? `${failed.process}.${failed.verb}() in phase '${phase.name}': ${failed.answer}` : null;
}

export function failed(phases: PhaseResult[], failure: string): ScenarioOutcome {
  return { status: "failed", phases, failure };
}

export function completed(phases: PhaseResult[]): ScenarioOutcome {
  return { status: "completed", phases, failure: null };
}
