/**
 * Shortening a failing fast-check run. fast-check shrinks the commands but never the schedule, so the run's
 * own event log is minimised on the model: drop one step at a time while the rest is still a path the model
 * enables and still sends a rotated-out token; then the short path is run on the real implementation to
 * confirm it, and set beside the model's shortest counterexample for the same configuration.
 */
import type { ModelConfig } from "../../model/config.js";
import { explore, LimitExceeded } from "../../proofs/explorer.js";
import { brokenBy } from "../../proofs/invariants.js";
import { initialState } from "../../proofs/state.js";
import { makeStepper, type Stepper } from "../../proofs/step.js";
import { type Trace, traceOf, traceOfPath } from "../../proofs/trace.js";
import type { PathStep } from "../lockstep.js";
import { isRealStaleSend, runPath } from "../run-path.js";
import { openSession } from "../session.js";
import type { Subject } from "../subject.js";

/** Candidate paths tried while minimising (each is a model replay, microseconds). */
const MINIMISE_CANDIDATES_MAX = 20_000;
/** States the explorer may visit for the shortest counterexample beside a minimised run. */
export const SHORTEST_STATES_MAX = 2_000_000;

/** The path up to its first rotated-out send, or null when it is not a model path or sends none. */
function staleSendPrefix(
  stepper: Stepper,
  config: ModelConfig,
  path: readonly PathStep[],
): PathStep[] | null {
  let state = initialState(config.processes);
  for (const [index, want] of path.entries()) {
    const step = stepper.successor(state, want.event, want.process);
    if (!step) return null;
    if (brokenBy(state, step).includes("NoStaleRefreshSent")) return path.slice(0, index + 1);
    state = step.next;
  }
  return null;
}

/** Greedy one-step removal to a fixpoint: every single step left is needed. */
function minimiseOnModel(config: ModelConfig, log: readonly PathStep[]): PathStep[] | null {
  const stepper = makeStepper(config);
  let current = staleSendPrefix(stepper, config, log);
  if (current === null) return null;
  let candidates = 0;
  let shrunk = true;
  while (shrunk && candidates < MINIMISE_CANDIDATES_MAX) {
    shrunk = false;
    for (let index = current.length - 1; index >= 0 && candidates < MINIMISE_CANDIDATES_MAX; index--) {
      candidates += 1;
      const shorter = staleSendPrefix(stepper, config, [
        ...current.slice(0, index),
        ...current.slice(index + 1),
      ]);
      if (shorter !== null && shorter.length < current.length) {
        current = shorter;
        shrunk = true;
      }
    }
  }
  return current;
}

export interface Minimised {
  path: PathStep[];
  trace: Trace;
  /** The short path ran on the real implementation: the server rejected a rotated-out token at its end. */
  confirmed: boolean;
  /** Why not, when not confirmed. */
  problem: string | null;
  /** The explorer's shortest NoStaleRefreshSent counterexample for the configuration (null past the limit). */
  shortest: Trace | null;
}

export async function minimiseFailure(
  subject: Subject,
  config: ModelConfig,
  log: readonly PathStep[],
): Promise<Minimised | null> {
  const path = minimiseOnModel(config, log);
  if (path === null) return null;
  const session = await openSession(config.server);
  let problem: string | null = null;
  try {
    const outcome = await runPath({ session, subject, config }, path);
    if (outcome.divergence)
      problem = `diverged at step ${outcome.divergence.step}: ${outcome.divergence.message}`;
    else if (!outcome.records.some(isRealStaleSend)) problem = "the real server saw no rotated-out token";
  } finally {
    await session.close();
  }
  return {
    path,
    trace: traceOfPath(config, path, "NoStaleRefreshSent"),
    confirmed: problem === null,
    problem,
    shortest: shortestTrace(config),
  };
}

function shortestTrace(config: ModelConfig): Trace | null {
  try {
    const exploration = explore(config, { limits: { statesMax: SHORTEST_STATES_MAX } });
    const violation = exploration.violations.get("NoStaleRefreshSent");
    return violation ? traceOf(exploration, violation) : null;
  } catch (error) {
    // Too big to explore here: the minimised run stands alone.
    if (error instanceof LimitExceeded) return null;
    throw error;
  }
}
