/**
 * What a scenario is, and the steps the scenarios share: starting processes in order, asking them as one
 * phase, waiting for a "stale after" fixture to turn stale, asking everyone again.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { DriverProcess } from "../impl/driver/client.js";
import type { TokenServerOptions } from "../server/index.js";
import { SCENARIO_LIMITS } from "./limits.js";
import { askAuthTogether, type Observation } from "./observe.js";
import type { ScenarioOptions } from "./options.js";
import type { PhasePlan, PhaseRecorder } from "./phases.js";
import type { ProcessName, ScenarioName } from "./types.js";
import type { World } from "./world.js";

export type Problem = { ok: false; problem: string };

export type StepsResult = { ok: true; observations: Record<ProcessName, Observation> } | Problem;

/** What the steps of one run work with; teardown is the runner's business (world.close()). */
export interface ScenarioRun {
  world: World;
  options: ScenarioOptions;
  phases: PhaseRecorder;
}

export interface Scenario {
  name: ScenarioName;
  /** One line for usage texts and reports. */
  summary: string;
  /**
   * What this scenario needs over DEFAULT_SCENARIO_OPTIONS, under the implementation's and the caller's options
   * (the stale-cache variants with a failing endpoint always ask again: the repetition is their point).
   */
  options?: Partial<ScenarioOptions>;
  /** The token server of this scenario (access tokens are always opaque, see world.ts). */
  serverOptions(options: ScenarioOptions): TokenServerOptions;
  /** Order in which the seed's log prints the processes. */
  logOrder: readonly ProcessName[];
  /**
   * A and B are two managers of one process: only an implementation with `spawnManagers` runs it (the reference
   * driver; not a Codex binary, whose second manager cannot be asked from outside).
   */
  needsManagersInOneProcess?: true;
  run(run: ScenarioRun): Promise<StepsResult>;
}

export type Processes = Partial<Record<ProcessName, DriverProcess>>;
export type Started = { ok: true; processes: Record<ProcessName, DriverProcess> } | Problem;

/**
 * Starts both processes one after another (`startGapMs` apart): each has loaded (cached) auth.json before the
 * next starts. Then closes the `startup` phase, so a refresh at startup is counted there.
 */
export async function startInOrder(
  run: ScenarioRun,
  order: readonly [ProcessName, ProcessName],
): Promise<Started> {
  const processes: Processes = {};
  for (const [index, name] of order.entries()) {
    if (index > 0 && run.options.startGapMs > 0) await sleep(run.options.startGapMs);
    const started = await run.world.start(name);
    if (!started.ok) return started;
    processes[name] = started.process;
  }
  run.phases.record({ name: "startup", step: "startup", actors: [] }, []);
  const { A, B } = processes;
  if (A === undefined || B === undefined)
    throw new Error(`startInOrder: order ${order.join(", ")} misses a process`);
  return { ok: true, processes: { A, B } };
}

export type Asked = { ok: true; observations: Observation[] } | Problem;

/** Asks the phase's actors auth() at once (one actor: just that one), recording the phase. */
export async function askPhase(
  run: ScenarioRun,
  plan: PhasePlan,
  processes: Record<ProcessName, DriverProcess>,
): Promise<Asked> {
  const asked = await askAuthTogether(plan.actors.map((name) => processes[name]));
  if (!asked.ok) return asked;
  run.phases.record(plan, asked.observations);
  return asked;
}

export type AskedOne = { ok: true; observation: Observation } | Problem;

/** `askPhase` for one process, phase step `ask`. */
export async function askOne(
  run: ScenarioRun,
  name: string,
  actor: ProcessName,
  processes: Record<ProcessName, DriverProcess>,
): Promise<AskedOne> {
  const asked = await askPhase(run, { name, step: "ask", actors: [actor] }, processes);
  if (!asked.ok) return asked;
  const [observation] = asked.observations;
  if (observation === undefined) throw new Error("askAuthTogether returned no observation for one process");
  return { ok: true, observation };
}

/**
 * With a "stale after" fixture: fails when `freshSteps` ended after the token turned stale (the set-up was too
 * slow for the fixture, the run would prove nothing), else sleeps until it is stale (plus staleMarginMs).
 * With an already-stale fixture there is nothing to wait for.
 */
export async function untilStale(run: ScenarioRun, freshSteps: string): Promise<{ ok: true } | Problem> {
  const { staleAtMs } = run.world;
  if (staleAtMs === null) return { ok: true };
  const remainingMs = staleAtMs - Date.now();
  if (remainingMs <= 0) {
    const limit = `staleAfterMs ${run.options.staleAfterMs}`;
    return {
      ok: false,
      problem: `set-up too slow: ${freshSteps} ended after the token turned stale (${limit})`,
    };
  }
  await sleep(remainingMs + SCENARIO_LIMITS.staleMarginMs);
  return { ok: true };
}

/** With option askAgain: each process in `order` is asked once more, one phase each (`<name> asked again`). */
export async function askEachAgain(
  run: ScenarioRun,
  order: readonly ProcessName[],
  processes: Record<ProcessName, DriverProcess>,
): Promise<{ ok: true } | Problem> {
  if (!run.options.askAgain) return { ok: true };
  for (const name of order) {
    const asked = await askPhase(
      run,
      { name: `${name} asked again`, step: "ask-again", actors: [name] },
      processes,
    );
    if (!asked.ok) return asked;
  }
  return { ok: true };
}
