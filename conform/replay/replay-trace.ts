/**
 * A counterexample run on a real implementation: the trace's path through runPath (one token server, one
 * run, every port call held), what the real world looked like after each step (observe.ts), and the
 * violation as the real system shows it (evidence.ts).
 */

import type { RequestRecord } from "../../server/types.js";
import { type Divergence, runPath } from "../run-path.js";
import { openSession } from "../session.js";
import type { Subject } from "../subject.js";
import { type ViolationSeen, violationSeen } from "./evidence.js";
import { Observer, observeSteps, type StepObservation } from "./observe.js";
import type { ReplayTrace } from "./trace-file.js";
import type { RealView } from "./views.js";

/** `authrace replay`'s exit statuses; their names are the JSON output's `outcome`. */
export const REPLAY_EXIT = { reproduced: 0, diverged: 1, usage: 2, notDrivable: 3, notObserved: 4 } as const;

export interface ReplayResult {
  implementation: string;
  divergence: Divergence | null;
  stepsRun: number;
  steps: StepObservation[];
  /** Every token request the real server decided, whole tokens (redactRecord before printing). */
  records: RequestRecord[];
  /** After every process loaded auth.json; after the last step seen. */
  initial: RealView | null;
  final: RealView | null;
  /** null when the implementation diverged. */
  violation: ViolationSeen | null;
}

/** Runs the trace's path on the subject (one token server, one run) and says what the real system showed. */
export async function replayTrace(trace: ReplayTrace, subject: Subject): Promise<ReplayResult> {
  const session = await openSession(trace.config.server);
  try {
    const observer = new Observer();
    const context = { session, subject, config: trace.config, onStep: observer.onStep };
    const outcome = await runPath(context, trace.path);
    const run = trace.path.slice(0, outcome.stepsRun);
    const { steps, initial, final } = observeSteps(run, trace.labels, outcome.records, observer.observed);
    return {
      implementation: subject.name,
      divergence: outcome.divergence,
      stepsRun: outcome.stepsRun,
      steps,
      records: outcome.records,
      initial,
      final,
      violation: outcome.divergence === null ? violationSeen(trace.invariant, steps, final) : null,
    };
  } finally {
    await session.close();
  }
}

export function replayExit(result: ReplayResult): number {
  if (result.divergence !== null) return REPLAY_EXIT.diverged;
  return result.violation?.observed ? REPLAY_EXIT.reproduced : REPLAY_EXIT.notObserved;
}

/** The name of an exit status (`reproduced`, `diverged`, ...), as the JSON output's `outcome`. */
export function outcomeName(exit: number): string {
  const names = Object.entries(REPLAY_EXIT).find(([, code]) => code === exit);
  return names?.[0] ?? String(exit);
}
