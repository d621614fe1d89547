/**
 * The model and the implementation taking one step together: the model's step is found (it must be
 * enabled), the conductor takes it on the implementation, and the two are compared. Path runs, replays and
 * fast-check interleavings all step through here.
 */

import { processName } from "../common/names.js";
import type { ModelConfig } from "../model/config.js";
import type { ModelData } from "../model/data.js";
import type { EventName } from "../model/vocabulary.js";
import { type ExplorerState, initialState } from "../proofs/state.js";
import type { Step, Stepper } from "../proofs/step.js";
import type { RequestRecord, Verdict } from "../server/types.js";
import type { Conductor, StepPlan, StepReport } from "./conductor.js";
import { type Difference, firstDifference, projectModel } from "./projection.js";

/** One model event: which process (-1: the world) takes which event. */
export interface PathStep {
  event: EventName;
  process: number;
}

export type TakeResult =
  | { kind: "taken"; modelStep: Step; before: ExplorerState; key: string; records: RequestRecord[] }
  | { kind: "not-enabled" }
  | { kind: "diverged"; message: string; difference?: Difference };

export class Lockstep {
  state: ExplorerState;
  /** Per process: a step of its current call has said the call will report a failure. */
  private readonly failing: boolean[];

  constructor(
    readonly conductor: Conductor,
    readonly config: ModelConfig,
    readonly stepper: Stepper,
  ) {
    this.state = initialState(config.processes);
    this.failing = new Array<boolean>(config.processes).fill(false);
  }

  /** The model's step for this event, or undefined when the model does not enable it now. */
  modelStep(want: PathStep): Step | undefined {
    return this.stepper.successor(this.state, want.event, want.process);
  }

  async take(want: PathStep, plan: StepPlan = {}): Promise<TakeResult> {
    const before = this.state;
    const modelStep = this.modelStep(want);
    if (!modelStep) return { kind: "not-enabled" };
    const key = transitionKey(this.stepper, before, modelStep);
    const { process } = want;
    if (process >= 0 && before.locations[process] === "idle") this.failing[process] = false;
    if (process >= 0 && modelStep.branch.fails) this.failing[process] = true;
    const report = await this.conductor.step(want.event, process, plan);
    if (report.problem !== null) return { kind: "diverged", message: report.problem };
    const verdictProblem = checkVerdict(report, before.data, want, this.config.server.graceWindow);
    if (verdictProblem) return { kind: "diverged", message: verdictProblem };
    const returned = before.locations[process] !== "idle" && before.locations[process] !== "down";
    if (process >= 0 && returned && modelStep.next.locations[process] === "idle") {
      const callProblem = checkCallOutcome(this.conductor, process, this.failing[process] === true);
      if (callProblem) return { kind: "diverged", message: callProblem };
    }
    this.state = modelStep.next;
    const difference = await this.compare();
    if (difference) return { kind: "diverged", ...difference };
    return { kind: "taken", modelStep, before, key, records: report.records };
  }

  /** Compares the real world with the model's current state. */
  async compare(): Promise<{ message: string; difference?: Difference } | null> {
    const observed = await this.conductor.observe();
    if (observed.problem !== null) return { message: observed.problem };
    const difference = firstDifference(projectModel(this.state, this.config), observed.projection);
    if (difference === null) return null;
    const show = (value: unknown) => JSON.stringify(value);
    return {
      message: `${difference.field}: model ${show(difference.model)}, implementation ${show(difference.implementation)}`,
      difference,
    };
  }
}

/** `A.reload.readDisk#1`, `B.*.crash#0`, `world.login#0`: one branch of the machine, per region. */
export function transitionKey(stepper: Stepper, state: ExplorerState, step: Step): string {
  const { table } = stepper;
  if (step.process < 0) return `world.${step.event}#${table.world[step.event]?.indexOf(step.branch) ?? -1}`;
  const location = state.locations[step.process] as ExplorerState["locations"][number];
  const actor = processName(step.process);
  const own = table.locations[location][step.event]?.indexOf(step.branch) ?? -1;
  if (own >= 0) return `${actor}.${location}.${step.event}#${own}`;
  return `${actor}.*.${step.event}#${table.anywhere[step.event]?.indexOf(step.branch) ?? -1}`;
}

function expectedVerdict(data: ModelData, step: PathStep, graceWindow: boolean): Verdict {
  if (step.event === "serverError") return "fault";
  const cache = data.processes[step.process]?.cache;
  const family = cache ? data.families[cache.family] : undefined;
  if (!cache || !family) return "unknown";
  if (family.revoked) return "revoked";
  if (cache.generation === family.current) return "rotated";
  return graceWindow && cache.generation === family.previous ? "grace" : "reused";
}

function checkCallOutcome(conductor: Conductor, process: number, expectFailure: boolean): string | null {
  const call = conductor.slots[process]?.call;
  if (!call?.settled) return "the model's call returned here, the implementation's is still running";
  if (call.thrown !== undefined) return `${call.event} threw: ${call.thrown.split("\n")[0]}`;
  const result = call.result;
  const failed = result === undefined || !result.ok || result.refreshError !== undefined;
  if (failed === expectFailure) return null;
  const said = result?.ok ? "succeeded" : `failed (${result?.error.kind}: ${result?.error.message})`;
  return `${call.event} ${said}; the model's call ${expectFailure ? "fails" : "succeeds"}`;
}
function checkVerdict(
  report: StepReport,
  before: ModelData,
  step: PathStep,
  graceWindow: boolean,
): string | null {
  const posts = step.event === "sendRefresh" || step.event === "serverError";
  if (!posts) {
    return report.records.length === 0
      ? null
      : `the server got ${report.records.length} token request(s) on ${step.event}`;
  }
  if (report.records.length !== 1)
    return `expected one token request, the server got ${report.records.length}`;
  const verdict = (report.records[0] as RequestRecord).verdict;
  const expected = expectedVerdict(before, step, graceWindow);
  return verdict === expected ? null : `the server judged the POST '${verdict}', the model '${expected}'`;
}
