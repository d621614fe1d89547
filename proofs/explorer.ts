/**
 * Exhaustive breadth-first exploration of one configuration.
 *
 * Every reachable state is visited once (canonical keys, symmetry over identical processes), so the first
 * violation of each invariant is found at its smallest depth: counterexamples are shortest. Limits on states
 * and depth fail loudly. Liveness (NoDeadlock, Converges) is checked on the complete graph afterwards.
 */
import type { ModelConfig } from "../model/config.js";
import type { EventName, InvariantName } from "../model/vocabulary.js";
import { brokenBy } from "./invariants.js";
import { checkLiveness, type EdgeList, goalFlags, makeEdgeList } from "./liveness.js";
import { canonicalKey, type ExplorerState, initialState, permute } from "./state.js";
import { makeStepper, type Stepper } from "./step.js";

export interface ExploreLimits {
  statesMax: number;
  depthMax: number;
}

export const DEFAULT_LIMITS: ExploreLimits = { statesMax: 5_000_000, depthMax: 400 };

export class LimitExceeded extends Error {
  override name = "LimitExceeded";
}

export interface Progress {
  states: number;
  transitions: number;
  depth: number;
  seconds: number;
}

export interface ExploreOptions {
  limits?: Partial<ExploreLimits>;
  /** Symmetry reduction over identical processes (on by default; off for the differential check). */
  symmetry?: boolean;
  /** Stop at the first violation of any safety invariant (for "time to first counterexample"). */
  stopAtFirstViolation?: boolean;
  /** Check liveness, NoDeadlock and Converges, on the complete graph (on by default; proofs/liveness.ts). */
  progress?: boolean;
  onProgress?: (progress: Progress) => void;
}

/** A step named by its event and acting process (an index into the state it leaves; -1 for the world). */
export interface StepLabel {
  event: EventName;
  process: number;
}

/** Where a violation was found: the state it happened in, or the step out of it. */
export interface Violation {
  invariant: InvariantName;
  stateIndex: number;
  /** The violating step out of `stateIndex` (safety), or null when the state itself is the witness (liveness). */
  step: StepLabel | null;
  /** Steps from the initial state, including the violating one. */
  length: number;
}

export interface Exploration {
  config: ModelConfig;
  states: number;
  transitions: number;
  depth: number;
  seconds: number;
  violations: Map<InvariantName, Violation>;
  /** Per state: parent index, and the step from the parent (replayed by trace.ts). */
  parents: Int32Array;
  parentSteps: (StepLabel | null)[];
  depths: Int32Array;
  keys: string[];
  stepper: Stepper;
  symmetry: boolean;
  complete: boolean;
}

const PROGRESS_EVERY_STATES = 50_000;

export function explore(config: ModelConfig, options: ExploreOptions = {}): Exploration {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const symmetry = options.symmetry ?? true;
  const stepper = makeStepper(config);
  const started = performance.now();
  const index = new Map<string, number>();
  // The frontier: a state's representative is dropped once it is expanded (traces replay from the keys).
  const states: (ExplorerState | undefined)[] = [];
  let goals = new Uint8Array(1024);
  const keys: string[] = [];
  let parents = new Int32Array(1024);
  let depths = new Int32Array(1024);
  const parentSteps: (StepLabel | null)[] = [];
  const violations = new Map<InvariantName, Violation>();
  const edges: EdgeList = makeEdgeList();
  let transitions = 0;

  const admit = (state: ExplorerState, parent: number, step: StepLabel | null) => {
    const canonical = canonicalKey(state, symmetry);
    const known = index.get(canonical.key);
    if (known !== undefined) return known;
    const id = states.length;
    if (id >= limits.statesMax) {
      throw new LimitExceeded(`explorer: statesMax (${limits.statesMax}) reached for this configuration`);
    }
    if (id >= parents.length) {
      parents = grow(parents);
      depths = grow(depths);
      goals = growBytes(goals);
    }
    index.set(canonical.key, id);
    const representative = permute(state, canonical.order);
    states.push(representative);
    goals[id] = goalFlags(representative, config.server.graceWindow);
    keys.push(canonical.key);
    parents[id] = parent;
    depths[id] = parent < 0 ? 0 : (depths[parent] as number) + 1;
    parentSteps.push(step);
    if ((depths[id] as number) > limits.depthMax) {
      throw new LimitExceeded(`explorer: depthMax (${limits.depthMax}) reached for this configuration`);
    }
    return id;
  };

  admit(initialState(config.processes), -1, null);
  let stopped = false;
  for (let cursor = 0; cursor < states.length && !stopped; cursor++) {
    const state = states[cursor] as ExplorerState;
    states[cursor] = undefined;
    for (const step of stepper.successors(state)) {
      transitions++;
      const label = { event: step.event, process: step.process };
      for (const invariant of brokenBy(state, step)) {
        if (!violations.has(invariant)) {
          violations.set(invariant, {
            invariant,
            stateIndex: cursor,
            step: label,
            length: (depths[cursor] as number) + 1,
          });
        }
      }
      const target = admit(step.next, cursor, label);
      edges.add(cursor, target, step.fault);
    }
    if (options.stopAtFirstViolation && violations.size > 0) stopped = true;
    if (options.onProgress && cursor % PROGRESS_EVERY_STATES === 0) {
      options.onProgress({
        states: states.length,
        transitions,
        depth: depths[cursor] as number,
        seconds: (performance.now() - started) / 1000,
      });
    }
  }
  const complete = !stopped;
  if (complete && (options.progress ?? true)) {
    for (const violation of checkLiveness(goals.subarray(0, states.length), edges)) {
      violations.set(violation.invariant, { ...violation, length: depths[violation.stateIndex] as number });
    }
  }
  let depth = 0;
  for (let id = 0; id < states.length; id++) depth = Math.max(depth, depths[id] as number);
  return {
    config,
    states: states.length,
    transitions,
    depth,
    seconds: (performance.now() - started) / 1000,
    violations,
    parents: parents.subarray(0, states.length),
    parentSteps,
    depths: depths.subarray(0, states.length),
    keys,
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
