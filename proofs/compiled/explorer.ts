/**
 * The compiled explorer: the same breadth-first search as the reference (proofs/explorer.ts
 * `exploreReference`), on states packed into bytes (layout.ts) in one arena with an open-addressing index
 * (store.ts).
 *
 * The transition table stays the one source, and nothing is decoded per step (expander.ts): each successor
 * is built on views over packed bytes, canonicalised and admitted at once.
 * Successors are visited in the reference's order and admitted in breadth-first order, so each invariant's
 * first violation is at its smallest depth: counterexamples are shortest.
 */
import type { ModelConfig } from "../../model/config.js";
import { initialData } from "../../model/data.js";
import type { InvariantName } from "../../model/vocabulary.js";
import {
  DEFAULT_LIMITS,
  type Exploration,
  type ExploreLimits,
  type ExploreOptions,
  LimitExceeded,
  type Violation,
} from "../exploration.js";
import { makeStepper } from "../step.js";
import { keyShape } from "./collapse.js";
import { CompactEdges } from "./edges.js";
import { type Expander, makeExpander, type Sink } from "./expander.js";
import { addLivenessViolations, encodeInitial, keyOfStored } from "./exploration-ends.js";
import { decodeStep, encodeStep } from "./labels.js";
import { makeLayout } from "./layout.js";
import { STAGE_FLUSH } from "./stage.js";
import { StateStore } from "./store.js";

/** Progress is reported every this many expanded states (a multiple of CLOCK_EVERY_STATES, see below). */
const PROGRESS_EVERY_STATES = 12 * 4096;
/** How often (in expanded states) the wall-clock limit is looked at. */
const CLOCK_EVERY_STATES = 4096;

interface Run {
  config: ModelConfig;
  limits: ExploreLimits;
  store: StateStore;
  edges: CompactEdges;
  violations: Map<InvariantName, Violation>;
  expander: Expander;
  /** Edges are kept for liveness. */
  liveness: boolean;
}

/**
 * The one-core sink: a successor is staged (stage.ts), admitted at the next flush; a violation is kept when it
 * is the invariant's first.
 */
function sequentialSink(store: StateStore, violations: Map<InvariantName, Violation>): Sink {
  return {
    successor(parent, step, fault) {
      store.stage(parent, step, fault);
    },
    violation(invariant, parent, event, process) {
      if (violations.has(invariant)) return;
      const length = (store.depths[parent] as number) + 1;
      violations.set(invariant, { invariant, stateIndex: parent, step: { event, process }, length });
    },
  };
}

/** Admits the staged successors, keeping their edges when liveness needs them. */
function flush(run: Run): void {
  const { store, edges } = run;
  const { staged } = store;
  const count = staged.count;
  store.flush();
  if (!run.liveness) return;
  const { parents, targets, faults } = staged;
  for (let row = 0; row < count; row++) {
    edges.add(parents[row] as number, targets[row] as number, faults[row] === 1);
  }
}

function expandAll(run: Run, options: ExploreOptions, started: number): boolean {
  const { store, limits, expander } = run;
  for (let id = 0; id < store.count; id++) {
    store.goals[id] = expander.expand(id);
    // Flushed before the queue runs dry, so the loop always sees every successor admitted so far.
    if (store.staged.count >= STAGE_FLUSH || id + 1 === store.count) flush(run);
    if (options.stopAtFirstViolation && run.violations.size > 0) {
      flush(run);
      return false;
    }
    if (id % CLOCK_EVERY_STATES === 0) {
      const seconds = (performance.now() - started) / 1000;
      if (seconds > limits.secondsMax) {
        throw new LimitExceeded(
          `explorer: secondsMax (${limits.secondsMax}) reached for this configuration ` +
            `(${store.count} states stored, depth ${store.depths[id]}, ${expander.transitions} transitions)`,
        );
      }
      store.externalBytes = run.edges.bytes();
      store.checkBytes();
      if (options.onProgress && id % PROGRESS_EVERY_STATES === 0) {
        const depth = store.depths[id] as number;
        options.onProgress({
          states: store.count,
          transitions: expander.transitions,
          depth,
          seconds,
          bytes: store.bytes(),
        });
      }
    }
  }
  return true;
}

export function exploreCompiled(config: ModelConfig, options: ExploreOptions = {}): Exploration {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const symmetry = options.symmetry ?? true;
  const started = performance.now();
  const sample = initialData(config.processes);
  const layout = makeLayout(sample);
  const collapsed = options.collapse ?? false;
  const store = new StateStore(keyShape(layout, collapsed), limits);
  const edges = new CompactEdges();
  const violations = new Map<InvariantName, Violation>();
  // Edges serve liveness only; without it they are not kept (a large share of the memory).
  const liveness = options.progress ?? true;
  const sink = sequentialSink(store, violations);
  const expander = makeExpander(config, layout, sample, store, symmetry, sink);
  const run: Run = { config, limits, store, edges, violations, expander, liveness };
  encodeInitial(config, layout, store, symmetry);
  store.admit(-1, encodeStep(null, -1));
  const complete = expandAll(run, options, started);
  const count = store.count;
  if (complete && liveness) {
    addLivenessViolations(store.goals.subarray(0, count), [edges.graph()], store.depths, violations);
  }
  // States are stored in breadth-first order: the last is the deepest.
  const depth = store.depths[count - 1] as number;
  store.externalBytes = run.edges.bytes();
  const bytesPerState = count > 0 ? store.bytes() / count : 0;
  return {
    config,
    states: count,
    transitions: expander.transitions,
    depth,
    seconds: (performance.now() - started) / 1000,
    violations: run.violations,
    parents: store.parents.subarray(0, count),
    depths: store.depths.subarray(0, count),
    parentStep: (id) => decodeStep(store.steps[id] as number),
    keyOf: (id) => keyOfStored(layout, store.stateBytes(id), symmetry),
    bytesPerState,
    collapsed,
    stepper: makeStepper(config),
    symmetry,
    complete,
  };
}
