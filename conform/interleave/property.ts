/**
 * fast-check interleavings against one subject and one configuration: `fc.scheduledModelRun` runs random
 * commands while fast-check's scheduler picks which process moves next, with real I/O for every step. A run
 * fails on a divergence from the model, on a rotated-out token reaching the real server, or when stuck.
 * fast-check shrinks the commands but never the schedule; minimise.ts shortens the failing run itself.
 */
import fc from "fast-check";
import { configName, type ModelConfig } from "../../model/config.js";
import { makeStepper } from "../../proofs/step.js";
import { Conductor } from "../conductor.js";
import { Lockstep, type PathStep } from "../lockstep.js";
import { openSession, type Session } from "../session.js";
import type { Subject } from "../subject.js";
import { commandArbitraries } from "./commands.js";
import { InterleavingWorld, type WorldFailure } from "./world.js";

export const RUNS_MAX = 100_000;
export const COMMANDS_PER_RUN_DEFAULT = 10;

export interface InterleavingOptions {
  subject: Subject;
  /** Its `processes` count the callers plus, when `external` is set, one external rotator. */
  config: ModelConfig;
  external?: boolean;
  runs: number;
  seed?: number;
  /** fast-check's replay path (with `seed`) of a reported counterexample. */
  path?: string;
  /** fc.commands' own replay path (printed in the commands as `replayPath`), needed with `path`. */
  replayPath?: string;
  commandsMax?: number;
  /** Default true; false checks conformance only (for designs known to send rotated-out tokens). */
  staleSendFails?: boolean;
  /** Called after each run (shrinking runs included). */
  onRun?: (runsDone: number) => void;
}

export interface InterleavingFailure extends WorldFailure {
  /** The failing run as model events, as it happened. */
  log: PathStep[];
  /** The commands, as fast-check printed them after shrinking. */
  commands: string;
  /** fc.commands' replay path, from `commands` (pass it as `replayPath` with `seed` and `path`). */
  replayPath: string | null;
  /** `fc.schedulerFor` template reproducing the scheduler's picks. */
  schedule: string;
}

export interface InterleavingReport {
  config: string;
  subject: string;
  seed: number;
  runs: number;
  /** fast-check's counterexample path, for `path` with `seed` (null when every run passed). */
  path: string | null;
  failure: InterleavingFailure | null;
  elapsedMs: number;
  /** Whether a rotated-out token reaching the server failed the property (false: conformance only). */
  staleSendsJudged: boolean;
  /** Rotated-out tokens the real server received over all runs (shrinking runs included). */
  staleSends: number;
}

type PropertyInputs = [
  fc.Scheduler,
  Iterable<fc.AsyncCommand<InterleavingWorld, InterleavingWorld, boolean>>,
];

interface FailingRun {
  world: InterleavingWorld;
  commands: string;
  schedule: string;
}

/** What the runs leave behind: fast-check reports a failure's inputs only, so its world is kept here. */
interface RunRecord {
  runsDone: number;
  staleSends: number;
  lastFailing: FailingRun | null;
}

/** The callers beside the optional external rotator; bad options are programmer errors. */
function callersOf(options: InterleavingOptions): number {
  if (!Number.isInteger(options.runs) || options.runs < 1 || options.runs > RUNS_MAX) {
    throw new RangeError(`runs: ${options.runs} is not an integer in [1, ${RUNS_MAX}] (RUNS_MAX)`);
  }
  const callers = options.config.processes - (options.external === true ? 1 : 0);
  if (callers < 1) throw new RangeError("config.processes: no caller left beside the external rotator");
  return callers;
}

function staleSendsJudged(options: InterleavingOptions): boolean {
  return options.staleSendFails ?? true;
}

/** One run: a fresh conductor and world, the scheduled commands, and the world's verdict. */
function interleavingProperty(
  options: InterleavingOptions,
  session: Session,
  callers: number,
  record: RunRecord,
): fc.IAsyncPropertyWithHooks<PropertyInputs> {
  const { subject, config } = options;
  const external = options.external === true;
  const stepper = makeStepper(config);
  let world: InterleavingWorld | null = null;
  const act = async (release: () => Promise<void>) => {
    await release();
    await world?.quiet();
  };
  const commands = fc.commands(commandArbitraries({ config, callers, external }), {
    maxCommands: options.commandsMax ?? COMMANDS_PER_RUN_DEFAULT,
    ...(options.replayPath === undefined ? {} : { replayPath: options.replayPath }),
  });
  return fc.asyncProperty(fc.scheduler({ act }), commands, async (scheduler, run) => {
    const started = await Conductor.start(session, subject, config.processes, config.rules.loginTakesLock);
    try {
      if (!started.ok) throw new Error(`setup: ${started.problem}`);
      const current = new InterleavingWorld(
        new Lockstep(started.conductor, config, stepper),
        scheduler,
        callers,
        staleSendsJudged(options),
      );
      world = current;
      await fc.scheduledModelRun(scheduler, () => ({ model: current, real: current }), run);
      await current.quiet();
      if (current.failure !== null) {
        record.lastFailing = { world: current, commands: String(run), schedule: String(scheduler) };
        throw new Error(`${current.failure.kind}: ${current.failure.message}`);
      }
    } finally {
      record.staleSends += world?.staleSends.length ?? 0;
      world = null;
      await started.conductor.dispose();
      record.runsDone += 1;
      options.onRun?.(record.runsDone);
    }
  });
}

/** The failure fast-check found, from the world of the last failing run; none when every run passed. */
function failureOf(
  details: fc.RunDetails<PropertyInputs>,
  failing: FailingRun | null,
): InterleavingFailure | null {
  const failure =
    details.failed && failing !== null && failing.world.failure !== null
      ? {
          ...failing.world.failure,
          log: failing.world.log,
          commands: failing.commands,
          replayPath: /replayPath="([^"]*)"/.exec(failing.commands)?.[1] ?? null,
          schedule: failing.schedule,
        }
      : null;
  if (details.failed && failure === null) {
    throw new Error(`fast-check failed outside a run's world: ${String(details.errorInstance ?? "unknown")}`);
  }
  return failure;
}

export async function checkInterleavings(options: InterleavingOptions): Promise<InterleavingReport> {
  const callers = callersOf(options);
  const session = await openSession(options.config.server);
  const record: RunRecord = { runsDone: 0, staleSends: 0, lastFailing: null };
  const started = performance.now();
  try {
    const property = interleavingProperty(options, session, callers, record);
    const parameters: fc.Parameters<PropertyInputs> = {
      numRuns: options.runs,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.path === undefined ? {} : { path: options.path }),
    };
    const details = await fc.check(property, parameters);
    return {
      config: configName(options.config),
      subject: options.subject.name,
      seed: details.seed,
      runs: details.numRuns,
      path: details.counterexamplePath ?? null,
      failure: failureOf(details, record.lastFailing),
      elapsedMs: performance.now() - started,
      staleSendsJudged: staleSendsJudged(options),
      staleSends: record.staleSends,
    };
  } finally {
    await session.close();
  }
}
