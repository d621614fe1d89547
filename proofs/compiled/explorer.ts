/**
 * The compiled explorer: the same breadth-first search as the reference (proofs/explorer.ts
 * `exploreReference`), on states packed into bytes (layout.ts) in one arena with an open-addressing index
 * (store.ts).
 *
 * The transition table stays the one source, and nothing is decoded per step: the state being expanded is
 * copied into a vector under a view (view.ts), the table's guards pick the branches on it (events.ts, in
 * step.ts `forEachEnabled`'s order), and a branch's update runs on a second view over a copy of the parent's
 * bytes, which is then renamed (generations.ts, the model's `normalized` on bytes), canonicalised and
 * admitted. A branch without an update only moves its process: its successor is the parent's bytes with one
 * location byte changed. Invariants are the same functions on the same values (proofs/invariants.ts `brokenBy`).
 * Successors are visited in the reference's order and admitted in breadth-first order, so each invariant's
 * first violation is at its smallest depth: counterexamples are shortest.
 */
import { LOCATIONS, type Location, type Signal } from "../../model/branch.js";
import type { ModelConfig } from "../../model/config.js";
import { initialData, type ModelData } from "../../model/data.js";
import { buildTable } from "../../model/table.js";
import type { InvariantName } from "../../model/vocabulary.js";
import {
  DEFAULT_LIMITS,
  type Exploration,
  type ExploreLimits,
  type ExploreOptions,
  LimitExceeded,
  type Violation,
} from "../exploration.js";
import { brokenBy } from "../invariants.js";
import { checkLiveness, goalFlags } from "../liveness.js";
import { canonicalKey, type ExplorerState } from "../state.js";
import { eventLists, makeStepper, type Step } from "../step.js";
import { makeCanonicalizer } from "./canonical.js";
import { CompactEdges } from "./edges.js";
import { type CompiledBranch, type CompiledEvent, compileEvents, forEachEnabledCompiled } from "./events.js";
import { generationPositions, makeGenerationRenamer } from "./generations.js";
import { decodeStep, encodeStep } from "./labels.js";
import { type Layout, makeLayout } from "./layout.js";
import { StateStore } from "./store.js";
import { makeViewFactory, type View, type ViewFactory } from "./view.js";

/** Progress is reported every this many expanded states (a multiple of CLOCK_EVERY_STATES, see below). */
const PROGRESS_EVERY_STATES = 12 * 4096;
/** How often (in expanded states) the wall-clock limit is looked at. */
const CLOCK_EVERY_STATES = 4096;

const LOCATION_INDEX = new Map<Location, number>(LOCATIONS.map((location, index) => [location, index]));

/** The state being expanded: a view over a copy of its bytes, and its locations as names. */
interface Parent {
  view: View;
  words: Uint32Array;
  locations: Location[];
  /** The locations as codes (indices into LOCATIONS). */
  codes: Uint8Array;
  state: ExplorerState;
}

function makeParent(layout: Layout, views: ViewFactory): Parent {
  const words = new Uint32Array(layout.words);
  const view = views(new Uint8Array(words.buffer));
  const locations: Location[] = Array.from({ length: layout.processes }, (): Location => "idle");
  const codes = new Uint8Array(layout.processes);
  return { view, words, locations, codes, state: { locations, data: view.data } };
}

/** Copies the state `id` into the parent's vector and names its locations. */
function loadParent(layout: Layout, store: StateStore, id: number, parent: Parent): void {
  const { arena } = store;
  const { words } = parent;
  for (let word = 0, from = id * layout.words; word < layout.words; word++) {
    words[word] = arena[from + word] as number;
  }
  const bytes = parent.view.bytes;
  for (let process = 0; process < layout.processes; process++) {
    const code = bytes[process * layout.processBytes] as number;
    parent.codes[process] = code;
    parent.locations[process] = LOCATIONS[code] as Location;
  }
}

interface Run {
  config: ModelConfig;
  /** The data the layout and the views are walked from. */
  sample: ModelData;
  limits: ExploreLimits;
  symmetry: boolean;
  layout: Layout;
  store: StateStore;
  edges: CompactEdges;
  violations: Map<InvariantName, Violation>;
  transitions: number;
  liveness: boolean;
}

/** The visitor every enabled step of the expanded state goes through. */
function makeVisitor(run: Run, parent: Parent, views: ViewFactory, cursor: { id: number }) {
  const { layout, store, edges, violations, symmetry } = run;
  const canonicalize = makeCanonicalizer(layout);
  // The successor is built in the store's scratch vector, through a view of its own.
  const work = views(store.scratchBytes);
  const renameGenerations = makeGenerationRenamer(generationPositions(layout, run.sample));
  const { words, processBytes } = layout;
  const from = parent.words;
  const vector = store.scratch;
  const bytes = store.scratchBytes;
  // Edges serve liveness only; without it they are not kept (a large share of the memory).
  const keepEdges = run.liveness;
  const step = {
    event: "callAuth",
    process: 0,
    branch: undefined,
    fault: false,
    signal: undefined,
  } as unknown as Step;
  step.next = parent.state;
  return (process: number, compiled: CompiledEvent, codes: CompiledBranch): void => {
    run.transitions++;
    const id = cursor.id;
    const { branch } = codes;
    const { event } = compiled;
    for (let word = 0; word < words; word++) vector[word] = from[word] as number;
    // An update runs on the successor's view; a branch without one only moves its process.
    let signal: Signal | undefined;
    if (branch.update) {
      signal = branch.update(work.data, process);
      work.settle();
    }
    step.event = event;
    step.process = process;
    step.branch = branch;
    step.fault = codes.fault;
    step.signal = signal;
    step.raw = branch.update ? work.data : parent.view.data;
    for (const invariant of brokenBy(parent.state, step)) {
      if (!violations.has(invariant)) {
        const length = (store.depths[id] as number) + 1;
        violations.set(invariant, { invariant, stateIndex: id, step: { event, process }, length });
      }
    }
    if (branch.update) renameGenerations(bytes);
    if (process >= 0 && codes.target >= 0) bytes[process * processBytes] = codes.target;
    if (symmetry) canonicalize(vector);
    const target = store.admit(id, compiled.code + process + 1);
    if (keepEdges) edges.add(id, target, codes.fault);
  };
}

function expandAll(run: Run, options: ExploreOptions, started: number): boolean {
  const { config, layout, store, limits } = run;
  // One factory for both views: records of one shape share accessors, so V8 sees one map for them.
  const views = makeViewFactory(layout, run.sample);
  const parent = makeParent(layout, views);
  const events = compileEvents(eventLists(buildTable(config, othersIdle(parent.locations))));
  const cursor = { id: 0 };
  const visit = makeVisitor(run, parent, views, cursor);
  const grace = config.server.graceWindow;
  for (; cursor.id < store.count; cursor.id++) {
    const id = cursor.id;
    loadParent(layout, store, id, parent);
    store.goals[id] = goalFlags(parent.state, grace);
    forEachEnabledCompiled(events, parent.codes, parent.view.data, visit);
    if (options.stopAtFirstViolation && run.violations.size > 0) return false;
    if (id % CLOCK_EVERY_STATES === 0) {
      const seconds = (performance.now() - started) / 1000;
      if (seconds > limits.secondsMax) {
        throw new LimitExceeded(
          `explorer: secondsMax (${limits.secondsMax}) reached for this configuration ` +
            `(${store.count} states stored, depth ${store.depths[id]}, ${run.transitions} transitions)`,
        );
      }
      store.externalBytes = run.edges.bytes();
      store.checkBytes();
      if (options.onProgress && id % PROGRESS_EVERY_STATES === 0) {
        const depth = store.depths[id] as number;
        options.onProgress({
          states: store.count,
          transitions: run.transitions,
          depth,
          seconds,
          bytes: store.bytes(),
        });
      }
    }
  }
  return true;
}

/** Calls that may not overlap ask whether every process is idle or down: here, in the state being expanded. */
function othersIdle(locations: readonly Location[]) {
  return () => locations.every((location) => location === "idle" || location === "down");
}

export function exploreCompiled(config: ModelConfig, options: ExploreOptions = {}): Exploration {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const symmetry = options.symmetry ?? true;
  const started = performance.now();
  const sample = initialData(config.processes);
  const layout = makeLayout(sample);
  const store = new StateStore(layout.words, limits);
  const run: Run = {
    config,
    sample,
    limits,
    symmetry,
    layout,
    store,
    edges: new CompactEdges(),
    violations: new Map(),
    transitions: 0,
    liveness: options.progress ?? true,
  };
  const idle = new Uint8Array(layout.processes).fill(LOCATION_INDEX.get("idle") as number);
  layout.encode(initialData(config.processes), idle, store.scratchBytes);
  if (symmetry) makeCanonicalizer(layout)(store.scratch);
  store.admit(-1, encodeStep(null, -1));
  const complete = expandAll(run, options, started);
  const count = store.count;
  if (complete && run.liveness) {
    for (const violation of checkLiveness(store.goals.subarray(0, count), run.edges)) {
      const length = store.depths[violation.stateIndex] as number;
      run.violations.set(violation.invariant, { ...violation, length });
    }
  }
  let depth = 0;
  for (let id = 0; id < count; id++) depth = Math.max(depth, store.depths[id] as number);
  store.externalBytes = run.edges.bytes();
  const bytesPerState = count > 0 ? store.bytes() / count : 0;
  return {
    config,
    states: count,
    transitions: run.transitions,
    depth,
    seconds: (performance.now() - started) / 1000,
    violations: run.violations,
    parents: store.parents.subarray(0, count),
    depths: store.depths.subarray(0, count),
    parentStep: (id) => decodeStep(store.steps[id] as number),
    keyOf: (id) => canonicalKey(stateOf(layout, store, id), symmetry).key,
    bytesPerState,
    stepper: makeStepper(config),
    symmetry,
    complete,
  };
}

/** A stored state as a fresh object (for keys and traces, never in the hot loop). */
function stateOf(layout: Layout, store: StateStore, id: number): ExplorerState {
  const data = layout.blank();
  const codes = new Uint8Array(layout.processes);
  layout.decode(store.arenaBytes, id * layout.stride, data, codes);
  return { locations: [...codes].map((code) => LOCATIONS[code] as Location), data };
}
