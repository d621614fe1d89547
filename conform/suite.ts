/**
 * Conformance of one implementation to one model configuration: every generated path runs on the
 * implementation through the conductor; the report counts paths, steps, divergences and transition coverage.
 */
import { configName, type ModelConfig } from "../model/config.js";
import { makeStepper } from "../proofs/step.js";
import { definedTransitions, modelPaths, type PathOptions } from "./paths.js";
import { type Divergence, type PathStep, runPath } from "./run-path.js";
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
export const LANES_DEFAULT = 4;
export const LANES_MAX = 16;

export interface ConformOptions extends PathOptions {
  lanes?: number;
  /** Stop once this many paths diverged (default DIVERGENCES_KEPT_MAX). */
  divergencesMax?: number;
  /** Called after every path. */
  onPath?: (done: number, total: number) => void;
}

export async function conformConfig(
  subject: Subject,
  config: ModelConfig,
  options: ConformOptions = {},
): Promise<ConformanceReport> {
  const generationStarted = performance.now();
  const set = modelPaths(config, options);
  const generationMs = performance.now() - generationStarted;
  const stepper = makeStepper(config);
  const lanes = options.lanes ?? LANES_DEFAULT;
  if (!Number.isInteger(lanes) || lanes < 1 || lanes > LANES_MAX) {
    throw new RangeError(`lanes: ${lanes} is not an integer in [1, ${LANES_MAX}] (LANES_MAX)`);
  }
  const divergencesMax = options.divergencesMax ?? DIVERGENCES_KEPT_MAX;
  const covered = new Set<string>();
  const found: { index: number; path: PathStep[]; divergence: Divergence }[] = [];
  let steps = 0;
  let run = 0;
  let next = 0;
  const executionStarted = performance.now();
  const lane = async () => {
    const session = await openSession(config.server);
    try {
      while (next < set.paths.length && found.length < divergencesMax) {
        const index = next++;
        const path = set.paths[index] as PathStep[];
        const outcome = await runPath({ session, subject, config, stepper }, path);
        run += 1;
        steps += outcome.stepsRun;
        for (const key of outcome.covered) covered.add(key);
        if (outcome.divergence) found.push({ index, path, divergence: outcome.divergence });
        options.onPath?.(run, set.paths.length);
      }
    } finally {
      await session.close();
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, set.paths.length) }, lane));
  const executionMs = performance.now() - executionStarted;
  // Lanes already running finish their paths, so a few more than asked may have diverged: keep the first.
  const divergences = found
    .sort((left, right) => left.index - right.index)
    .slice(0, divergencesMax)
    .map(({ path, divergence }) => ({ path, divergence }));
  const reachable = new Set(set.reachable);
  const missing = set.reachable.filter((key) => !covered.has(key));
  return {
    config: configName(config),
    implementation: subject.name,
    states: set.states,
    paths: { generated: set.paths.length, run, ...set.counts },
    steps,
    divergences,
    coverage: {
      defined: definedTransitions(config).length,
      reachable: reachable.size,
      covered: [...covered].filter((key) => reachable.has(key)).length,
      missing,
    },
    generationMs,
    executionMs,
  };
}
