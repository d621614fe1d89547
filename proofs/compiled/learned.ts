/**
 * The table's closures, learned as decision trees over the packed bytes (decision-trees.ts): what a process
 * (or the world) may do in a state depends on a few of its bytes only, and the same few values recur in
 * millions of states.
 *
 * A process's steps out of a state are everything `forEachEnabledOf` does for it: the guards tried in order,
 * the enabled branches' updates, and the invariants each step breaks (proofs/invariants.ts `brokenBy`). The
 * first time, they run on views (view.ts) with this object as their tracer (`traceWith`): it notes every
 * byte of the state they read, in the order read, and keeps each step as the bytes it writes, with their
 * values. The bytes read are a path: each node tests one byte, and the leaf holds the steps (as Int32
 * records, step-records.ts). Any later state that agrees on those bytes walks the same path to the same leaf,
 * and no closure runs. A state's goal flags (proofs/liveness.ts `goalFlags`) are learned the same way.
 *
 * Why a leaf fits every state that reaches it: the closures are deterministic functions of the bytes they
 * read (they keep no state of their own). Two states that agree on the first byte read make the code read
 * the same second byte; agreeing on it, the same third; and so on, to the same result. A byte the step itself
 * wrote before reading it is not a dependency, and a byte read twice is tested once. Reading too much only
 * lengthens a path; reading too little would be unsound, so every field of a view reports its reads,
 * and so do the locations (not data) the table and the goals ask about. A step's writes are kept whether or
 * not they changed the byte, since in another state the same write may. A tree that contradicts itself (a
 * path asking another byte than the node it meets) means a closure is not deterministic: the explorer stops,
 * naming whose steps they were.
 *
 * Generations are renamed after a step that wrote one, on the whole vector (generations.ts); a leaf holds the
 * writes before renaming. A step that wrote none keeps its parent's ranks, which are dense by induction: the
 * initial state is (exploration-ends.ts `encodeInitial` checks), and every step that wrote a rank is renamed.
 *
 * The trees and the paths they hold are bounded; past a bound they are dropped and learned again, which costs
 * time and changes no answer.
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
import { DecisionTrees, TreeContradiction } from "./decision-trees.js";
import {
  type CompiledBranch,
  type CompiledEvent,
  type CompiledEvents,
  compileEvents,
  forEachEnabledOf,
  forEachWorldEnabled,
} from "./events.js";
import type { Layout } from "./layout.js";
import { StepRecords } from "./step-records.js";
import { makeViewFactory, type Tracer, traceWith } from "./view.js";

/** One step out of a state, as bytes: what the expander applies to a copy of the parent. */
export interface LearnedStep {
  event: EventName;
  /** The process taking it, -1 for the world. */
  process: number;
  /** labels.ts `encodeStep` of the event and process. */
  code: number;
  fault: boolean;
  /** The location code the process moves to, -1 when it stays. */
  target: number;
  /** The step wrote a generation: its successor's generations are renamed. */
  renames: boolean;
  /** The bytes the update wrote, as (position, value) pairs, before renaming. */
  writes: Int32Array;
  /** The invariants the step breaks. */
  violations: InvariantName[];
}

/**
 * Paths kept at once; past it, or past the trees' or the records' own bound (64 MiB each), everything learned
 * is dropped and learned again.
 */
export const PATHS_MAX = 1 << 18;
/** Root 0: the goal flags; root 1: the world's steps (process -1); root 2 + p: process p's. */
const GOALS = 0;
const WORLD = 1;

function rootOf(process: number): number {
  return WORLD + 1 + process;
}

const NOT_IDLE = new Set<Location>(
  LOCATIONS.filter((location) => location !== "idle" && location !== "down"),
);

export class LearnedSteps implements Tracer {
  /** Paths learned so far (each ran the closures once). */
  learned = 0;
  /** Times the trees passed a bound and were dropped. */
  drops = 0;
  /** Paths the trees hold now. */
  private paths = 0;
  private readonly trees: DecisionTrees;
  /** The leaves' steps (step-records.ts); the expander reads them in place. */
  readonly records = new StepRecords();
  private readonly events: CompiledEvents;
  private readonly parentBytes: Uint8Array;
  private readonly workBytes: Uint8Array;
  private readonly parentData: ModelData;
  private readonly workData: ModelData;
  private readonly settleWork: () => void;
  private readonly parentState: ExplorerState;
  private readonly step: Step;
  /** Per byte: the learning pass that read it, and the step that wrote it (stamps, never cleared). */
  private readonly readIn: Uint32Array;
  private readonly writtenIn: Uint32Array;
  private pass = 0;
  private stepStamp = 0;
  /** The bytes read in this pass, in order, each once. */
  private readonly path: number[] = [];
  /** The bytes the step being learned wrote, each once. */
  private readonly writes: number[] = [];
  private steps: LearnedStep[] = [];

  /** Per byte: 1 when it holds a generation (generations.ts `generationPositions`). */
  private readonly isGeneration: Uint8Array;

  constructor(
    private readonly config: ModelConfig,
    private readonly layout: Layout,
    sample: ModelData,
    generations: Int32Array,
    /** Paths kept at once (a test keeps one, so that every answer is a fresh run of the closures). */
    private readonly pathsMax = PATHS_MAX,
  ) {
    this.isGeneration = new Uint8Array(layout.stride);
    for (const position of generations) this.isGeneration[position] = 1;
    const views = makeViewFactory(layout, sample);
    const parent = views(new Uint8Array(layout.stride));
    const work = views(new Uint8Array(layout.stride));
    this.parentBytes = parent.bytes;
    this.workBytes = work.bytes;
    this.parentData = parent.data;
    this.workData = work.data;
    this.settleWork = work.settle;
    this.readIn = new Uint32Array(layout.stride);
    this.writtenIn = new Uint32Array(layout.stride);
    this.trees = new DecisionTrees(rootOf(layout.processes));
    const locations = this.tracedLocations();
    this.parentState = { locations, data: this.parentData };
    const othersIdle = () => !locations.some((location) => NOT_IDLE.has(location));
    this.events = compileEvents(eventLists(buildTable(config, othersIdle)));
    this.step = { next: this.parentState } as Step;
  }

  /** The goal flags of the state `bytes`. */
  goalsOf(bytes: Uint8Array): number {
    const flags = this.trees.find(GOALS, bytes);
    return flags >= 0 ? flags : this.learnGoals(bytes);
  }

  /** The steps of `process` (-1: the world) out of the state `bytes`: their offset in `records.words`. */
  stepsOf(process: number, bytes: Uint8Array): number {
    const leaf = this.trees.find(rootOf(process), bytes);
    return leaf >= 0 ? leaf : this.learnSteps(process, bytes);
  }

  read(bytes: Uint8Array, position: number): void {
    if (bytes === this.workBytes && this.writtenIn[position] === this.stepStamp) return;
    if (this.readIn[position] === this.pass) return;
    this.readIn[position] = this.pass;
    this.path.push(position);
  }

  wrote(bytes: Uint8Array, position: number): void {
    if (bytes !== this.workBytes) {
      throw new Error(
        `compiled learned: a guard wrote ${this.layout.fieldNames[position]}; guards must not write`,
      );
    }
    if (this.writtenIn[position] === this.stepStamp) return;
    this.writtenIn[position] = this.stepStamp;
    this.writes.push(position);
  }

  /** The processes' locations, as names, each read reported (they are bytes of the state, not data). */
  private tracedLocations(): Location[] {
    const processes = this.layout.processes;
    const isIndex = (key: string | symbol) =>
      typeof key === "string" && /^\d+$/.test(key) && Number(key) < processes;
    return new Proxy([] as Location[], {
      has: (target, key) => isIndex(key) || Reflect.has(target, key),
      get: (target, key) => {
        if (key === "length") return processes;
        if (isIndex(key)) return this.locationOf(Number(key));
        return Reflect.get(target, key);
      },
    });
  }

  private locationOf(process: number): Location {
    const position = process * this.layout.processBytes;
    this.read(this.parentBytes, position);
    return LOCATIONS[this.parentBytes[position] as number] as Location;
  }

  /** Runs `learn` on traced views over a copy of `bytes`, noting the bytes it reads. */
  private trace(bytes: Uint8Array, learn: () => void): void {
    this.learned++;
    this.parentBytes.set(bytes);
    this.pass++;
    this.path.length = 0;
    traceWith(this);
    try {
      learn();
    } finally {
      traceWith(null);
    }
  }

  private learnGoals(bytes: Uint8Array): number {
    let flags = 0;
    this.trace(bytes, () => {
      flags = goalFlags(this.parentState, this.config.server.graceWindow);
    });
    return this.keep(GOALS, bytes, () => flags);
  }

  private learnSteps(process: number, bytes: Uint8Array): number {
    const steps: LearnedStep[] = [];
    this.steps = steps;
    this.trace(bytes, () => {
      if (process < 0) forEachWorldEnabled(this.events, this.parentData, this.visit);
      else {
        const location = LOCATIONS.indexOf(this.locationOf(process));
        forEachEnabledOf(this.events, process, location, this.parentData, this.visit);
      }
    });
    return this.keep(rootOf(process), bytes, () => this.records.append(steps));
  }

  /**
   * Adds the path just traced to `root`'s tree, ending in a leaf of the payload `payloadOf` gives (the goal
   * flags, or the steps appended to the records), and returns it. Drops everything learned first when the
   * path does not fit.
   */
  private keep(root: number, bytes: Uint8Array, payloadOf: () => number): number {
    try {
      if (this.paths >= this.pathsMax) this.drop();
      let payload = payloadOf();
      if (payload < 0 || !this.trees.insert(root, this.path, bytes, payload)) {
        this.drop();
        payload = payloadOf();
        if (payload < 0 || !this.trees.insert(root, this.path, bytes, payload)) {
          throw new Error(
            `compiled learned: a path of ${this.path.length} bytes does not fit the trees' bound`,
          );
        }
      }
      this.paths++;
      return payload;
    } catch (error) {
      if (!(error instanceof TreeContradiction)) throw error;
      throw this.contradiction(error);
    }
  }

  private drop(): void {
    this.trees.clear();
    this.records.clear();
    this.paths = 0;
    this.drops++;
  }

  private contradiction(error: TreeContradiction): Error {
    const whose =
      error.root === GOALS
        ? "the goal flags"
        : error.root === WORLD
          ? "the world's steps"
          : `process ${error.root - rootOf(0)}'s steps`;
    const name = (position: number) => (position < 0 ? "no further byte" : this.layout.fieldNames[position]);
    return new Error(
      `compiled learned: ${whose} read ${name(error.now)} where an earlier state with the same values read ` +
        `${name(error.known)}: a guard, update or invariant is not a deterministic function of the state`,
    );
  }

  private readonly visit = (process: number, compiled: CompiledEvent, codes: CompiledBranch): void => {
    const { parentBytes, workBytes } = this;
    this.stepStamp++;
    workBytes.set(parentBytes);
    this.writes.length = 0;
    const { branch } = codes;
    let signal: Signal | undefined;
    if (branch.update) {
      signal = branch.update(this.workData, process);
      this.settleWork();
    }
    const writes: number[] = [];
    let renames = false;
    for (const position of this.writes) {
      writes.push(position, workBytes[position] as number);
      if (this.isGeneration[position] === 1) renames = true;
    }
    const step = this.step;
    step.event = compiled.event;
    step.process = process;
    step.branch = branch;
    step.fault = codes.fault;
    step.signal = signal;
    step.raw = branch.update ? this.workData : this.parentData;
    this.steps.push({
      event: compiled.event,
      process,
      code: compiled.code + process + 1,
      fault: codes.fault,
      target: process >= 0 ? codes.target : -1,
      renames,
      writes: Int32Array.from(writes),
      violations: brokenBy(this.parentState, step),
    });
  };
}
