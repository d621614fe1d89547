/**
 * The compiled explorer: the same breadth-first search as the reference (proofs/explorer.ts
 * `exploreReference`), on states packed into bytes (layout.ts) in one arena with an open-addressing index
 * (store.ts).
 *
 * The transition table stays the one source: each state is decoded into one reused data record, the
 * table's guards pick the branches (step.ts `forEachEnabled`, the enumeration the reference uses), and a
 * branch's update runs on a copy (model/data.ts `cloneData`, `normalized`) that is encoded straight back.
 * A branch without an update only moves its process: its successor is the parent's bytes with one location
 * byte changed. Invariants are the same functions on the same values (proofs/invariants.ts `brokenBy`).
 * Successors are visited in the reference's order and admitted in breadth-first order, so each invariant's
 * first violation is at its smallest depth: counterexamples are shortest.
 */
import { type Branch, LOCATIONS, type Location, type Signal } from "../../model/branch.js";
import type { ModelConfig } from "../../model/config.js";
import { initialData, type ModelData, normalized } from "../../model/data.js";
import { buildTable } from "../../model/table.js";
import type { EventName, InvariantName } from "../../model/vocabulary.js";
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
import { eventLists, forEachEnabled, makeStepper, type Step } from "../step.js";
import { makeCanonicalizer } from "./canonical.js";
import { CompactEdges } from "./edges.js";
import { decodeStep, encodeStep } from "./labels.js";
import { type Layout, makeLayout } from "./layout.js";
import { StateStore } from "./store.js";

/** Progress is reported every this many expanded states (a multiple of CLOCK_EVERY_STATES, see below). */
const PROGRESS_EVERY_STATES = 12 * 4096;
/** How often (in expanded states) the wall-clock limit is looked at. */
const CLOCK_EVERY_STATES = 4096;

const LOCATION_INDEX = new Map<Location, number>(LOCATIONS.map((location, index) => [location, index]));

/** One state being expanded: its decoded form, reused for every state. */
interface Scratch {
  data: ModelData;
  codes: Uint8Array;
  locations: Location[];
  before: ExplorerState;
}

function makeScratch(layout: Layout): Scratch {
  const data = layout.blank();
  const locations: Location[] = Array.from({ length: layout.processes }, (): Location => "idle");
  return { data, codes: new Uint8Array(layout.processes), locations, before: { locations, data } };
}

function decodeInto(layout: Layout, store: StateStore, id: number, scratch: Scratch): void {
  layout.decode(store.arenaBytes, id * layout.stride, scratch.data, scratch.codes);
  for (let process = 0; process < layout.processes; process++) {
    scratch.locations[process] = LOCATIONS[scratch.codes[process] as number] as Location;
  }
}

interface Run {
  config: ModelConfig;
  limits: ExploreLimits;
  symmetry: boolean;
  layout: Layout;
  store: StateStore;
  edges: CompactEdges;
  violations: Map<InvariantName, Violation>;
  transitions: number;
  liveness: boolean;
}

/** What the hot loop needs of a branch, looked up once per branch object instead of per step. */
interface BranchCodes {
  /** The target location's index, or -1 when the process stays. */
  target: number;
  fault: boolean;
}

function codesOf(known: Map<Branch, BranchCodes>, branch: Branch): BranchCodes {
  let codes = known.get(branch);
  if (codes === undefined) {
    const target = branch.target === undefined ? -1 : (LOCATION_INDEX.get(branch.target) as number);
    codes = { target, fault: branch.fault === true };
    known.set(branch, codes);
  }
  return codes;
}

/** The visitor every enabled step of the state at `cursor` goes through. */
function makeVisitor(run: Run, scratch: Scratch, cursor: { id: number }) {
  const { layout, store, edges, violations, symmetry } = run;
  const canonicalize = makeCanonicalizer(layout);
  const work = layout.workspace();
  const known = new Map<Branch, BranchCodes>();
  const { words, processBytes } = layout;
  // Edges serve liveness only; without it they are not kept (a large share of the memory).
  const keepEdges = run.liveness;
  const step = {
    event: "callAuth",
    process: 0,
    branch: undefined,
    fault: false,
    signal: undefined,
  } as unknown as Step;
  step.next = scratch.before;
  return (process: number, event: EventName, branch: Branch): void => {
    run.transitions++;
    const id = cursor.id;
    const codes = codesOf(known, branch);
    // An update runs on the workspace, reloaded from the parent's bytes (no copy allocated per step).
    let raw = scratch.data;
    let signal: Signal | undefined;
    if (branch.update) {
      work.load(store.arenaBytes, id * layout.stride);
      raw = work.data;
      signal = branch.update(raw, process);
    }
    step.event = event;
    step.process = process;
    step.branch = branch;
    step.fault = codes.fault;
    step.signal = signal;
    step.raw = raw;
    for (const invariant of brokenBy(scratch.before, step)) {
      if (!violations.has(invariant)) {
        const length = (store.depths[id] as number) + 1;
        violations.set(invariant, { invariant, stateIndex: id, step: { event, process }, length });
      }
    }
    if (branch.update) layout.encode(normalized(raw), scratch.codes, store.scratchBytes);
    else {
      const { arena, scratch: vector } = store;
      for (let word = 0, from = id * words; word < words; word++) vector[word] = arena[from + word] as number;
    }
    if (process >= 0 && codes.target >= 0) store.scratchBytes[process * processBytes] = codes.target;
    if (symmetry) canonicalize(store.scratchBytes);
    const target = store.admit(id, encodeStep(event, process));
    if (keepEdges) edges.add(id, target, codes.fault);
  };
}

function expandAll(run: Run, options: ExploreOptions, started: number): boolean {
  const { config, layout, store, limits } = run;
  const scratch = makeScratch(layout);
  const events = eventLists(buildTable(config, othersIdle(scratch.locations)));
  const cursor = { id: 0 };
  const visit = makeVisitor(run, scratch, cursor);
  const grace = config.server.graceWindow;
  for (; cursor.id < store.count; cursor.id++) {
    const id = cursor.id;
    decodeInto(layout, store, id, scratch);
    store.goals[id] = goalFlags(scratch.before, grace);
    forEachEnabled(events, scratch.locations, scratch.data, visit);
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
  const layout = makeLayout(initialData(config.processes));
  const store = new StateStore(layout.words, limits);
  const run: Run = {
    config,
    limits,
    symmetry,
    layout,
    store,
    edges: new CompactEdges(),
    violations: new Map(),
    transitions: 0,
    liveness: options.progress ?? true,
  };
  const initial = makeScratch(layout);
  initial.data = initialData(config.processes);
  layout.encode(initial.data, initial.codes.fill(LOCATION_INDEX.get("idle") as number), store.scratchBytes);
  if (symmetry) makeCanonicalizer(layout)(store.scratchBytes);
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
  const scratch = makeScratch(layout);
  decodeInto(layout, store, id, scratch);
  return { locations: [...scratch.locations], data: scratch.data };
}
