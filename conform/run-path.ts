/**
 * Runs one path of model events on the implementation through the conductor, stepping the model alongside,
 * and fails at the first step where the two disagree: the implementation could not take the step, a
 * projection differs, a call returned the wrong kind of outcome, or the server judged a POST differently.
 */

import { processName } from "../common/names.js";
import type { ModelConfig } from "../model/config.js";
import type { EventName } from "../model/vocabulary.js";
import { makeStepper, type Stepper } from "../proofs/step.js";
import type { RequestRecord } from "../server/types.js";
import { Conductor } from "./conductor.js";
import { Lockstep, type PathStep } from "./lockstep.js";
import type { Difference } from "./projection.js";
import type { Session } from "./session.js";
import type { Subject } from "./subject.js";

export interface Divergence {
  /** 1-based step of the path; 0 is the initial state. */
  step: number;
  event: EventName | null;
  actor: string;
  /** What went wrong, in one line. */
  message: string;
  difference?: Difference;
}

export interface PathOutcome {
  divergence: Divergence | null;
  /** Steps taken on the implementation (the divergent one included). */
  stepsRun: number;
  /** Transition keys (see transitionKey) the path took and the implementation matched. */
  covered: string[];
  /** Every token request the real server decided, in order. */
  records: RequestRecord[];
}

/** A POST the real server rejected as already rotated out (or from a revoked family): the key measure. */
export function isRealStaleSend(record: RequestRecord): boolean {
  return (
    record.verdict === "reused" ||
    record.verdict === "revoked" ||
    (record.verdict === "fault" && record.staleSend)
  );
}

function planFor(path: readonly PathStep[], index: number) {
  const step = path[index] as PathStep;
  if (step.event !== "sendRefresh") return {};
  const next = path.slice(index + 1).find((later) => later.process === step.process);
  return { loseResponse: next?.event === "loseResponse" };
}

export interface PathContext {
  session: Session;
  subject: Subject;
  config: ModelConfig;
  /** Reused across paths of one configuration. */
  stepper?: Stepper;
  /**
   * Called after the initial comparison (number 0, step null) and after every step, the divergent one
   * included (then `diverged` is set and it is the last call), with the conductor to look at the real world
   * (its slots, CODEX_HOME, server) before moving on.
   */
  onStep?: (seen: StepSeen) => void | Promise<void>;
}

export interface StepSeen {
  number: number;
  step: PathStep | null;
  /** Token requests the server decided during the step. */
  records: RequestRecord[];
  conductor: Conductor;
  /** The implementation did not follow the model at this step (the last call); the world is as it left it. */
  diverged: boolean;
}

export async function runPath(context: PathContext, path: readonly PathStep[]): Promise<PathOutcome> {
  const { session, subject, config } = context;
  const stepper = context.stepper ?? makeStepper(config);
  const covered: string[] = [];
  const started = await Conductor.start(session, subject, config.processes, config.rules.loginTakesLock);
  const { conductor } = started;
  const outcome = (divergence: Divergence | null, stepsRun: number): PathOutcome => ({
    divergence,
    stepsRun,
    covered,
    records: [...conductor.recorded()],
  });
  try {
    if (!started.ok) return outcome({ step: 0, event: null, actor: "setup", message: started.problem }, 0);
    const lockstep = new Lockstep(conductor, config, stepper);
    const initial = await lockstep.compare();
    if (initial) {
      await context.onStep?.({ number: 0, step: null, records: [], conductor, diverged: true });
      return outcome({ step: 0, event: null, actor: "initial state", ...initial }, 0);
    }
    await context.onStep?.({ number: 0, step: null, records: [], conductor, diverged: false });
    for (const [index, pathStep] of path.entries()) {
      const number = index + 1;
      const recordsBefore = conductor.recorded().length;
      const taken = await lockstep.take(pathStep, planFor(path, index));
      if (taken.kind === "not-enabled") {
        throw new Error(
          `path step ${number}: ${pathStep.event} of ${processName(pathStep.process)} is not enabled in the model`,
        );
      }
      if (taken.kind === "diverged") {
        const { message, difference } = taken;
        const found = { step: number, event: pathStep.event, actor: processName(pathStep.process), message };
        const records = conductor.recorded().slice(recordsBefore);
        await context.onStep?.({ number, step: pathStep, records, conductor, diverged: true });
        return outcome(difference ? { ...found, difference } : found, number);
      }
      covered.push(taken.key);
      await context.onStep?.({ number, step: pathStep, records: taken.records, conductor, diverged: false });
    }
    return outcome(null, path.length);
  } finally {
    await conductor.dispose();
  }
}
