/**
 * Conformance of one implementation to one model configuration: every generated path runs on the
 * implementation through the conductor; the report counts paths, steps, divergences and transition coverage.
 */
import { configName, type ModelConfig } from "../model/config.js";
import { makeStepper } from "../proofs/step.js";
import type { PathStep } from "./lockstep.js";
import { definedTransitions, modelPaths, type PathOptions, type PathSet } from "./paths.js";
import { type Divergence, runPath } from "./run-path.js";
import { openSession } from "./session.js";
import type { Subject } from "./subject.js";

/** Divergences kept per configuration; the run stops at this many (one usually explains the rest). */
export const DIVERGENCES_KEPT_MAX = 5;

export interface Coverage {
  /** Transitions the machine defines (per region). */
  defined: number;
  /** Of those, enabled in some reachable state. */
  reachable: number;
  /** Of those, taken by a path that ran on the implementation. */
  covered: number;
  /** Reachable but not taken (empty at 100%). */
  missing: string[];
}

export interface ConformanceReport {
  config: string;
  implementation: string;
  states: number;
  paths: { generated: number; run: number; shortest: number; extended: number; simple: number };
  steps: number;
  divergences: { path: PathStep[]; divergence: Divergence }[];
  coverage: Coverage;
  /** Generating the paths (xstate/graph) and running them. */
  generationMs: number;
  executionMs: number;
}

/**
 * Paths run this many at a time, each lane with its own token server, clock and run folders. Inside a path
 * every step is still strictly ordered; lanes only overlap the waiting of independent paths.
 */
export const LANES_DEFAULT = 8;
export const LANES_MAX = 16;

export interface ConformOptions extends PathOptions {
  lanes?: number;
  /** Stop once this many paths diverged (default DIVERGENCES_KEPT_MAX). */
  divergencesMax?: number;
  /** Called after every path. */
  onPath?: (done: number, total: number) => void;
}

/** What running a list of paths found. */
export interface PathRunTally {
  run: number;
  steps: number;
  covered: string[];
  found: { index: number; path: PathStep[]; divergence: Divergence }[];
}

export interface RunPathsOptions {
  lanes?: number;
  divergencesMax?: number;
  onPath?: (done: number) => void;
}

/** Runs the given paths (with their indices in the full list) in lanes; stops early at `divergencesMax`. */
export async function runPaths(
  subject: Subject,
  config: ModelConfig,
  paths: readonly { index: number; path: PathStep[] }[],
  options: RunPathsOptions = {},
): Promise<PathRunTally> {
  const lanes = options.lanes ?? LANES_DEFAULT;
  if (!Number.isInteger(lanes) || lanes < 1 || lanes > LANES_MAX) {
    throw new RangeError(`lanes: ${lanes} is not an integer in [1, ${LANES_MAX}] (LANES_MAX)`);
  }
  const divergencesMax = options.divergencesMax ?? DIVERGENCES_KEPT_MAX;
  const stepper = makeStepper(config);
  const covered = new Set<string>();
  const tally: PathRunTally = { run: 0, steps: 0, covered: [], found: [] };
  let next = 0;
  const lane = async () => {
    const session = await openSession(config.server);
    try {
      while (next < paths.length && tally.found.length < divergencesMax) {
        const { index, path } = paths[next++] as { index: number; path: PathStep[] };
        const outcome = await runPath({ session, subject, config, stepper }, path);
        tally.run += 1;
        tally.steps += outcome.stepsRun;
        for (const key of outcome.covered) covered.add(key);
        if (outcome.divergence) tally.found.push({ index, path, divergence: outcome.divergence });
        options.onPath?.(tally.run);
      }
    } finally {
      await session.close();
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, paths.length) }, lane));
  tally.covered = [...covered];
  return tally;
}

/** The report of a configuration from its path set and the tallies of whoever ran the paths. */
export function reportOf(
  subjectName: string,
  set: PathSet,
  tallies: readonly PathRunTally[],
  timing: { generationMs: number; executionMs: number },
  divergencesMax = DIVERGENCES_KEPT_MAX,
): ConformanceReport {
  const covered = new Set(tallies.flatMap((tally) => tally.covered));
  // Lanes already running finish their paths, so a few more than asked may have diverged: keep the first.
  const divergences = tallies
    .flatMap((tally) => tally.found)
    .sort((left, right) => left.index - right.index)
    .slice(0, divergencesMax)
    .map(({ path, divergence }) => ({ path, divergence }));
  const reachable = new Set(set.reachable);
  return {
    config: configName(set.config),
    implementation: subjectName,
    states: set.states,
    paths: {
      generated: set.paths.length,
      run: tallies.reduce((sum, tally) => sum + tally.run, 0),
      ...set.counts,
    },
    steps: tallies.reduce((sum, tally) => sum + tally.steps, 0),
    divergences,
    coverage: {
      defined: definedTransitions(set.config).length,
      reachable: reachable.size,
      covered: [...covered].filter((key) => reachable.has(key)).length,
      missing: set.reachable.filter((key) => !covered.has(key)),
    },
    ...timing,
  };
}

export async function conformConfig(
  subject: Subject,
  config: ModelConfig,
  options: ConformOptions = {},
): Promise<ConformanceReport> {
  const generationStarted = performance.now();
  const set = modelPaths(config, options);
  const generationMs = performance.now() - generationStarted;
  const executionStarted = performance.now();
  const tally = await runPaths(
    subject,
    config,
    set.paths.map((path, index) => ({ index, path })),
    {
      ...(options.lanes === undefined ? {} : { lanes: options.lanes }),
      ...(options.divergencesMax === undefined ? {} : { divergencesMax: options.divergencesMax }),
      onPath: (done) => options.onPath?.(done, set.paths.length),
    },
  );
  const executionMs = performance.now() - executionStarted;
  return reportOf(subject.name, set, [tally], { generationMs, executionMs }, options.divergencesMax);
}
