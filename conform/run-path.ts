/**
 * Runs one path of model events on the implementation through the conductor, stepping the model alongside,
 * and fails at the first step where the two disagree: the implementation could not take the step, a
 * projection differs, a call returned the wrong kind of outcome, or the server judged a POST differently.
 */
import type { ModelConfig } from "../model/config.js";
import { initialData, type ModelData } from "../model/data.js";
import type { EventName } from "../model/vocabulary.js";
import type { ExplorerState } from "../proofs/state.js";
import { makeStepper, type Step, type Stepper } from "../proofs/step.js";
import { processName } from "../proofs/trace.js";
import type { RequestRecord, Verdict } from "../server/types.js";
import { Conductor, type StepReport } from "./conductor.js";
import { type Difference, firstDifference, projectModel } from "./projection.js";
import type { Session } from "./session.js";
import type { Subject } from "./subject.js";

/** One model event: which process (-1: the world) takes which event. */
export interface PathStep {
  event: EventName;
  process: number;
}

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

function initialState(config: ModelConfig): ExplorerState {
  return {
    locations: Array.from({ length: config.processes }, () => "idle" as const),
    data: initialData(config.processes),
  };
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
}

export async function runPath(context: PathContext, path: readonly PathStep[]): Promise<PathOutcome> {
  const { session, subject, config } = context;
  const stepper = context.stepper ?? makeStepper(config);
  const covered: string[] = [];
  const started = await Conductor.start(session, subject, config.processes);
  const { conductor } = started;
  const outcome = (divergence: Divergence | null, stepsRun: number): PathOutcome => ({
    divergence,
    stepsRun,
    covered,
    records: [...conductor.recorded()],
  });
  try {
    if (!started.ok) return outcome({ step: 0, event: null, actor: "setup", message: started.problem }, 0);
    let state = initialState(config);
    const initial = await compareState(conductor, state, config);
    if (initial) return outcome({ step: 0, event: null, actor: "initial state", ...initial }, 0);
    const failing = new Array<boolean>(config.processes).fill(false);
    for (const [index, pathStep] of path.entries()) {
      const number = index + 1;
      const actor = processName(pathStep.process);
      const diverged = (found: Omit<Divergence, "step" | "event" | "actor">) =>
        outcome({ step: number, event: pathStep.event, actor, ...found }, number);
      const modelStep = stepper
        .successors(state)
        .find((candidate) => candidate.event === pathStep.event && candidate.process === pathStep.process);
      if (!modelStep)
        throw new Error(`path step ${number}: ${pathStep.event} of ${actor} is not enabled in the model`);
      const key = transitionKey(stepper, state, modelStep);
      const process = pathStep.process;
      if (process >= 0 && state.locations[process] === "idle") failing[process] = false;
      if (process >= 0 && modelStep.branch.fails) failing[process] = true;
      const report = await conductor.step(pathStep.event, process, planFor(path, index));
      if (report.problem !== null) return diverged({ message: report.problem });
      const verdictProblem = checkVerdict(report, state.data, pathStep, config.server.graceWindow);
      if (verdictProblem) return diverged({ message: verdictProblem });
      const returned = state.locations[process] !== "idle" && state.locations[process] !== "down";
      if (process >= 0 && returned && modelStep.next.locations[process] === "idle") {
        const callProblem = checkCallOutcome(conductor, process, failing[process] === true);
        if (callProblem) return diverged({ message: callProblem });
      }
      state = modelStep.next;
      const difference = await compareState(conductor, state, config);
      if (difference) return diverged(difference);
      covered.push(key);
    }
    return outcome(null, path.length);
  } finally {
    await conductor.dispose();
  }
}

async function compareState(conductor: Conductor, state: ExplorerState, config: ModelConfig) {
  const observed = await conductor.observe();
  if (observed.problem !== null) return { message: observed.problem };
  const difference = firstDifference(projectModel(state, config), observed.projection);
  if (difference === null) return null;
  const show = (value: unknown) => JSON.stringify(value);
  return {
    message: `${difference.field}: model ${show(difference.model)}, implementation ${show(difference.implementation)}`,
    difference,
  };
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
