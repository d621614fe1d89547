/**
 * Expanding one packed state: every enabled step of every process and of the world, each successor built in
 * the store's scratch vector and handed to a sink. The one-thread explorer (explorer.ts) and each worker of
 * the explorer on several threads (parallel.ts) expand alike; they differ only in where a successor goes.
 *
 * The state being expanded is copied into a vector under a view (view.ts), the table's guards pick the
 * branches on it (events.ts, in step.ts `forEachEnabled`'s order), and a branch's update runs on a second
 * view over a copy of the parent's bytes, which is then renamed (generations.ts, the model's `normalized` on
 * bytes) and canonicalised. A branch without an update only moves its process: its successor is the parent's
 * bytes with one location byte changed. Invariants are the same functions on the same values
 * (proofs/invariants.ts `brokenBy`).
 */
import { LOCATIONS, type Location, type Signal } from "../../model/branch.js";
import type { ModelConfig } from "../../model/config.js";
import type { ModelData } from "../../model/data.js";
import { buildTable } from "../../model/table.js";
import type { EventName, InvariantName } from "../../model/vocabulary.js";
import { brokenBy } from "../invariants.js";
import { goalFlags } from "../liveness.js";
import type { ExplorerState } from "../state.js";
import { eventLists, type Step } from "../step.js";
import { makeCanonicalizer } from "./canonical.js";
import { type CompiledBranch, type CompiledEvent, compileEvents, forEachEnabledCompiled } from "./events.js";
import { generationPositions, makeGenerationRenamer } from "./generations.js";
import type { Layout } from "./layout.js";
import { makeViewFactory, type View } from "./view.js";

/** What the expander needs of a store: a stored state's vector, and the vector a successor is built in. */
export interface VectorStore {
  /** Writes the whole vector of stored state `id` into `vector`. */
  load(id: number, vector: Uint32Array): void;
  readonly scratch: Uint32Array;
  readonly scratchBytes: Uint8Array;
}

/** Where the successors of the state being expanded go. */
export interface Sink {
  /** The successor is in the store's scratch vector, canonical; `step` codes its event and process. */
  successor(parent: number, step: number, fault: boolean): void;
  /** The step `event` by `process` out of state `parent` breaks `invariant`. */
  violation(invariant: InvariantName, parent: number, event: EventName, process: number): void;
}

/** The state being expanded: a view over a copy of its bytes, and its locations as names. */
interface Parent {
  view: View;
  words: Uint32Array;
  locations: Location[];
  /** The locations as codes (indices into LOCATIONS). */
  codes: Uint8Array;
  state: ExplorerState;
}

export interface Expander {
  /** Expands the stored state `id` (an index into `store`), returning its goal flags (proofs/liveness.ts). */
  expand(id: number): number;
  /** Transitions taken so far (every enabled step counts, whatever its successor). */
  transitions: number;
}

/** Calls that may not overlap ask whether every process is idle or down: here, in the state being expanded. */
function othersIdle(locations: readonly Location[]) {
  return () => locations.every((location) => location === "idle" || location === "down");
}

export function makeExpander(
  config: ModelConfig,
  layout: Layout,
  sample: ModelData,
  store: VectorStore,
  symmetry: boolean,
  sink: Sink,
): Expander {
  // One factory for both views: records of one shape share accessors, so V8 sees one map for them.
  const views = makeViewFactory(layout, sample);
  const parentWords = new Uint32Array(layout.words);
  const parentView = views(new Uint8Array(parentWords.buffer));
  const locations: Location[] = Array.from({ length: layout.processes }, (): Location => "idle");
  const parent: Parent = {
    view: parentView,
    words: parentWords,
    locations,
    codes: new Uint8Array(layout.processes),
    state: { locations, data: parentView.data },
  };
  const events = compileEvents(eventLists(buildTable(config, othersIdle(parent.locations))));
  const canonicalize = makeCanonicalizer(layout);
  // The successor is built in the store's scratch vector, through a view of its own.
  const work = views(store.scratchBytes);
  const renameGenerations = makeGenerationRenamer(generationPositions(layout, sample));
  const { words, processBytes, processes } = layout;
  const vector = store.scratch;
  const bytes = store.scratchBytes;
  const grace = config.server.graceWindow;
  const step = {
    event: "callAuth",
    process: 0,
    branch: undefined,
    fault: false,
    signal: undefined,
  } as unknown as Step;
  step.next = parent.state;
  let current = 0;

  const visit = (process: number, compiled: CompiledEvent, codes: CompiledBranch): void => {
    expander.transitions++;
    const { branch } = codes;
    const { event } = compiled;
    for (let word = 0; word < words; word++) vector[word] = parentWords[word] as number;
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
    for (const invariant of brokenBy(parent.state, step)) sink.violation(invariant, current, event, process);
    if (branch.update) renameGenerations(bytes);
    if (process >= 0 && codes.target >= 0) bytes[process * processBytes] = codes.target;
    if (symmetry) canonicalize(vector);
    sink.successor(current, compiled.code + process + 1, codes.fault);
  };

  const expander: Expander = {
    transitions: 0,
    expand(id) {
      current = id;
      store.load(id, parentWords);
      const parentBytes = parent.view.bytes;
      for (let process = 0; process < processes; process++) {
        const code = parentBytes[process * processBytes] as number;
        parent.codes[process] = code;
        locations[process] = LOCATIONS[code] as Location;
      }
      const goals = goalFlags(parent.state, grace);
      forEachEnabledCompiled(events, parent.codes, parent.view.data, visit);
      return goals;
    },
  };
  return expander;
}
