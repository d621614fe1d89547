import { processName } from "../common/names.js";
import type { ModelData } from "../model/data.js";
import type { EventName, InvariantName } from "../model/vocabulary.js";
import type { Exploration, StepLabel, Violation } from "./explorer.js";
import { canonicalKey, type ExplorerState, initialState } from "./state.js";
import { makeStepper, type Step } from "./step.js";

export interface TraceStep {
  /** 1-based. */
  number: number;
  event: EventName;
  /** "A", "B", ... or "world". */
  actor: string;
  /** Index of the acting process; -1 for the world. */
  process: number;
  /** The branch taken, as the table words it. */
  label: string;
  fault: boolean;
  before: ExplorerState;
  after: ExplorerState;
  /** Data right after the step, before generations were renamed (same names as `before`). */
  raw: ModelData;
}

export interface Trace {
  invariant: InvariantName;
  config: Exploration["config"];
  steps: TraceStep[];
  /** For a progress violation: the state from which the goal is unreachable without faults. */
  stuckAt: ExplorerState | null;
}

function pathTo(exploration: Exploration, stateIndex: number): number[] {
  const path: number[] = [];
  for (let id = stateIndex; id > 0; id = exploration.parents[id] as number) path.push(id);
  return path.reverse();
}

/** Replays one step given on a representative onto the concrete state `order` maps it to. */
function replayOne(
  exploration: Exploration,
  concrete: ExplorerState,
  want: StepLabel,
  wantKey: string | null,
): Step {
  const { order } = canonicalKey(concrete, exploration.symmetry);
  const process = want.process < 0 ? -1 : (order[want.process] as number);
  const candidates = exploration.stepper
    .successors(concrete)
    .filter((step) => step.event === want.event && step.process === process);
  const match = candidates.find(
    (step) => wantKey === null || canonicalKey(step.next, exploration.symmetry).key === wantKey,
  );
  if (!match)
    throw new Error(`trace replay: ${want.event} of ${processName(process)} not found (explorer bug)`);
  return match;
}

function traceStep(number: number, before: ExplorerState, step: Step): TraceStep {
  return {
    number,
    event: step.event,
    actor: processName(step.process),
    process: step.process,
    label: step.branch.label,
    fault: step.fault,
    before,
    after: step.next,
    raw: step.raw,
  };
}

export function traceOf(exploration: Exploration, violation: Violation): Trace {
  let concrete = initialState(exploration.config.processes);
  const steps: TraceStep[] = [];
  const record = (step: Step) => {
    steps.push(traceStep(steps.length + 1, concrete, step));
    concrete = step.next;
  };
  for (const id of pathTo(exploration, violation.stateIndex)) {
    const step = exploration.parentStep(id);
    if (!step) throw new Error(`trace replay: state ${id} has no parent step (explorer bug)`);
    record(replayOne(exploration, concrete, step, exploration.keyOf(id)));
  }
  const stuckAt = violation.step === null ? concrete : null;
  if (violation.step) record(replayOne(exploration, concrete, violation.step, null));
  return { invariant: violation.invariant, config: exploration.config, steps, stuckAt };
}

/**
 * The trace of a given path of (event, process) steps on the model, for paths that did not come from the
 * explorer (a fast-check run, a minimised schedule). Throws when a step is not enabled.
 */
export function traceOfPath(
  config: Exploration["config"],
  path: readonly { event: EventName; process: number }[],
  invariant: InvariantName,
): Trace {
  const stepper = makeStepper(config);
  let concrete = initialState(config.processes);
  const steps: TraceStep[] = [];
  for (const want of path) {
    const step = stepper.successor(concrete, want.event, want.process);
    if (!step) throw new Error(`trace of path: ${want.event} of ${processName(want.process)} is not enabled`);
    steps.push(traceStep(steps.length + 1, concrete, step));
    concrete = step.next;
  }
  return { invariant, config, steps, stuckAt: null };
}
