/**
 * What an exploration of one configuration returns, its options and limits: shared by the compiled explorer
 * (proofs/compiled/, the one `explore` runs) and the interpretive reference (proofs/explorer.ts
 * `exploreReference`), so either answers every caller the same way.
 */
import type { ModelConfig } from "../model/config.js";
import type { EventName, InvariantName } from "../model/vocabulary.js";
import type { Stepper } from "./step.js";

export interface ExploreLimits {
  statesMax: number;
  depthMax: number;
  /** Bytes the explorer's own arrays may take (states, index, links, edges); compiled explorer only. */
  bytesMax: number;
  /** Wall-clock seconds for the whole exploration; compiled explorer only. */
  secondsMax: number;
  /**
   * Distinct process records a collapsed store holds (proofs/compiled/collapse.ts), at most SLICES_MAX.
   */
  slicesMax: number;
}

/** The most distinct process records a collapsed store may hold: it stores each as a 16-bit id. */
export const SLICES_MAX = 65_535;

export const DEFAULT_LIMITS: ExploreLimits = {
  statesMax: 5_000_000,
  depthMax: 400,
  bytesMax: Number.POSITIVE_INFINITY,
  secondsMax: Number.POSITIVE_INFINITY,
  slicesMax: SLICES_MAX,
};

export class LimitExceeded extends Error {
  override name = "LimitExceeded";
}

export interface Progress {
  states: number;
  transitions: number;
  depth: number;
  seconds: number;
  /** Bytes held by the explorer's arrays (0 when the explorer does not count them). */
  bytes?: number;
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
  /**
   * Worker threads for the compiled explorer (1, the default: none, the search runs on this thread). Above
   * one, they share the store and take each breadth-first level in chunks (proofs/compiled/parallel.ts); the
   * answers are the same.
   */
  workers?: number;
  /**
   * Store states collapsed (proofs/compiled/collapse.ts): about 40% less memory a state at N = 5, a fifth
   * less at N = 2, in about the same time; the answers are the same. Unset, the default: collapsed, and
   * explored again with whole vectors if more than `limits.slicesMax` distinct process records turn up. True:
   * collapsed, and past that bound the exploration stops (SlicesExceeded). False: whole vectors.
   */
  collapse?: boolean;
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
  /** Per state: parent index (-1 for the initial state); the step from the parent is `parentStep`. */
  parents: Int32Array;
  depths: Int32Array;
  /** The step from a state's parent into it (null for the initial state); replayed by trace.ts. */
  parentStep(id: number): StepLabel | null;
  /** A state's canonical key (proofs/state.ts `canonicalKey`), the same whichever explorer stored it. */
  keyOf(id: number): string;
  /** Bytes the explorer's arrays took per stored state (0 where not counted). */
  bytesPerState: number;
  /** States were stored collapsed (collapse.ts). */
  collapsed: boolean;
  stepper: Stepper;
  symmetry: boolean;
  complete: boolean;
}
