/**
 * Exhaustive breadth-first exploration of one configuration.
 *
 * Every reachable state is visited once (canonical keys, symmetry over identical processes), so the first
 * violation of each invariant is found at its smallest depth: counterexamples are shortest. Limits on states
 * and depth fail loudly. Liveness (NoDeadlock, Converges) is checked on the complete graph afterwards.
 *
 * `explore` runs the compiled explorer (proofs/compiled/: states packed into typed arrays). The interpretive
 * explorer below, `exploreReference`, keeps one object and one string key per state; it stays as the
 * reference the compiled one is checked against (test/proofs/compiled.test.ts).
 */
import type { ModelConfig } from "../model/config.js";
import type { InvariantName } from "../model/vocabulary.js";
import { SlicesExceeded } from "./compiled/collapse.js";
import { exploreCompiled } from "./compiled/explorer.js";
import { exploreParallel, WORKERS_MAX } from "./compiled/parallel.js";
import {
  DEFAULT_LIMITS,
  type Exploration,
  type ExploreLimits,
  type ExploreOptions,
  LimitExceeded,
  type StepLabel,
  type Violation,
} from "./exploration.js";
import { brokenBy } from "./invariants.js";
import { checkLiveness, type EdgeList, goalFlags, makeEdgeList } from "./liveness.js";
import { canonicalKey, type ExplorerState, initialState, permute } from "./state.js";
import { makeStepper, type Stepper } from "./step.js";

export { WORKERS_MAX } from "./compiled/parallel.js";
export {
  DEFAULT_LIMITS,
  type Exploration,
  type ExploreLimits,
  type ExploreOptions,
  LimitExceeded,
  type Progress,
  type StepLabel,
  type Violation,
} from "./exploration.js";

/**
 * Explores one configuration with the compiled explorer, on `options.workers` threads (default 1), with
 * states collapsed unless `options.collapse` says otherwise (ExploreOptions): when collapse was not asked
 * for and the distinct process records pass the slice table, the configuration is explored again with whole
 * vectors, and the answer says which (`collapsed`).
 */
export function explore(config: ModelConfig, options: ExploreOptions = {}): Exploration {
  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1 || workers > WORKERS_MAX) {
    throw new RangeError(`workers: ${workers} is not an integer in [1, ${WORKERS_MAX}]`);
  }
  const run = (collapse: boolean) =>
    workers > 1
      ? exploreParallel(config, { ...options, workers, collapse })
      : exploreCompiled(config, { ...options, collapse });
  if (options.collapse !== undefined) return run(options.collapse);
  try {
    return run(true);
  } catch (error) {
    if (!(error instanceof SlicesExceeded)) throw error;
    return run(false);
  }
}

const PROGRESS_EVERY_STATES = 50_000;

/** The states found so far, each with its key, parent, depth and goal flags, in breadth-first order. */
class Visited {
  private readonly index = new Map<string, number>();
  /** The frontier: a state's representative is dropped once it is expanded (traces replay from the keys). */
  readonly states: (ExplorerState | undefined)[] = [];
  readonly keys: string[] = [];
  readonly parentSteps: (StepLabel | null)[] = [];
  goals = new Uint8Array(1024);
  parents = new Int32Array(1024);
  depths = new Int32Array(1024);

  constructor(
    private readonly config: ModelConfig,
    private readonly limits: ExploreLimits,
    private readonly symmetry: boolean,
  ) {}

  /** The state's index, admitting it first when it is new; a limit reached throws LimitExceeded. */
  admit(state: ExplorerState, parent: number, step: StepLabel | null): number {
    const { limits } = this;
    const canonical = canonicalKey(state, this.symmetry);
    const known = this.index.get(canonical.key);
    if (known !== undefined) return known;
    const id = this.states.length;
    if (id >= limits.statesMax) {
      throw new LimitExceeded(`explorer: statesMax (${limits.statesMax}) reached for this configuration`);
    }
    if (id >= this.parents.length) {
      this.parents = grow(this.parents);
      this.depths = grow(this.depths);
      this.goals = growBytes(this.goals);
    }
    this.index.set(canonical.key, id);
    const representative = permute(state, canonical.order);
    this.states.push(representative);
    this.goals[id] = goalFlags(representative, this.config.server.graceWindow);
    this.keys.push(canonical.key);
    this.parents[id] = parent;
    this.depths[id] = parent < 0 ? 0 : (this.depths[parent] as number) + 1;
    this.parentSteps.push(step);
    if ((this.depths[id] as number) > limits.depthMax) {
      throw new LimitExceeded(`explorer: depthMax (${limits.depthMax}) reached for this configuration`);
    }
    return id;
  }

  depthOf(id: number): number {
    return this.depths[id] as number;
  }
}

interface Expansion {
  violations: Map<InvariantName, Violation>;
  edges: EdgeList;
  transitions: number;
  /** Every reachable state was expanded (not stopped at a first violation). */
  complete: boolean;
}

/** Expands every admitted state in order, admitting successors; safety violations are kept first-found. */
function expandAll(visited: Visited, stepper: Stepper, options: ExploreOptions, started: number): Expansion {
  const violations = new Map<InvariantName, Violation>();
  const edges: EdgeList = makeEdgeList();
  let transitions = 0;
  let stopped = false;
  for (let cursor = 0; cursor < visited.states.length && !stopped; cursor++) {
    const state = visited.states[cursor] as ExplorerState;
    visited.states[cursor] = undefined;
    for (const step of stepper.successors(state)) {
      transitions++;
      const label = { event: step.event, process: step.process };
      for (const invariant of brokenBy(state, step)) {
        if (!violations.has(invariant)) {
          violations.set(invariant, {
            invariant,
            stateIndex: cursor,
            step: label,
            length: visited.depthOf(cursor) + 1,
          });
        }
      }
      const target = visited.admit(step.next, cursor, label);
      edges.add(cursor, target, step.fault);
    }
    if (options.stopAtFirstViolation && violations.size > 0) stopped = true;
    if (options.onProgress && cursor % PROGRESS_EVERY_STATES === 0) {
      options.onProgress({
        states: visited.states.length,
        transitions,
        depth: visited.depthOf(cursor),
        seconds: (performance.now() - started) / 1000,
      });
    }
  }
  return { violations, edges, transitions, complete: !stopped };
}

/** The interpretive reference: one object and one string key per state. */
export function exploreReference(config: ModelConfig, options: ExploreOptions = {}): Exploration {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const symmetry = options.symmetry ?? true;
  const stepper = makeStepper(config);
  const started = performance.now();
  const visited = new Visited(config, limits, symmetry);
  visited.admit(initialState(config.processes), -1, null);
  const { violations, edges, transitions, complete } = expandAll(visited, stepper, options, started);
  const count = visited.states.length;
  if (complete && (options.progress ?? true)) {
    for (const violation of checkLiveness(visited.goals.subarray(0, count), edges)) {
      violations.set(violation.invariant, { ...violation, length: visited.depthOf(violation.stateIndex) });
    }
  }
  let depth = 0;
  for (let id = 0; id < count; id++) depth = Math.max(depth, visited.depthOf(id));
  return {
    config,
    states: count,
    transitions,
    depth,
    seconds: (performance.now() - started) / 1000,
    violations,
    parents: visited.parents.subarray(0, count),
    parentStep: (id) => visited.parentSteps[id] ?? null,
    depths: visited.depths.subarray(0, count),
    keyOf: (id) => visited.keys[id] as string,
    bytesPerState: 0,
    collapsed: false,
    stepper,
    symmetry,
    complete,
  };
}

function growBytes(array: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const bigger = new Uint8Array(array.length * 2);
  bigger.set(array);
  return bigger;
}

function grow(array: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(array.length * 2);
  bigger.set(array);
  return bigger;
}
