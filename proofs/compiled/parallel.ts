/**
 * The compiled explorer on several threads: worker threads (part-worker.ts) expand the states of one depth
 * at a time, taking chunks of it from a shared cursor, and admit the successors into one store they all share
 * (shared-store.ts: growable SharedArrayBuffers, a lock-free index). Nothing is copied between threads.
 *
 * The coordinator stays synchronous, so `explore` keeps one signature whatever the number of workers: it
 * blocks in `Atomics.wait` on a shared signal and reads the workers' replies with `receiveMessageOnPort`.
 * A level is one depth: every state of depth d is expanded before any of depth d + 1, so every violation is
 * found at its smallest depth and ids stay in breadth-first order, as on one thread. States, transitions,
 * depth and every counterexample's length are the one-thread explorer's (test/proofs/parallel.test.ts); the
 * order of ids within a depth depends on the threads' timing, so which of several shortest counterexamples is
 * reported may differ from run to run. Verdicts never do.
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import { configJson, type ModelConfig } from "../../model/config.js";
import { initialData } from "../../model/data.js";
import { serializeDesigns } from "../../model/designs/index.js";
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
import { keyShape, SlicesExceeded } from "./collapse.js";
import { addLivenessViolations, encodeInitial, keyOfStored } from "./exploration-ends.js";
import type { ForwardEdges } from "./forward-liveness.js";
import { decodeStep, encodeStep } from "./labels.js";
import { makeLayout } from "./layout.js";
import type { PartCommand, PartInput, PartReply } from "./part-worker.js";
import { bytesMaxMessage, capacityOf } from "./reserve.js";
import { createSharedBuffers, NEXT, SharedStore } from "./shared-store.js";

export const WORKERS_MAX = 8;
/** How often the coordinator wakes to report progress and look at the clock while the workers run. */
const WAKE_MS = 250;
/** A worker that has not started within this long is taken as failed (its module did not load). */
const START_SECONDS_MAX = 60;

/** Under vitest the sources are TypeScript; the worker always runs the built file (dist/). */
function workerUrl(): URL {
  const here = import.meta.url;
  return here.endsWith(".ts")
    ? new URL("../../dist/proofs/compiled/part-worker.js", here)
    : new URL("./part-worker.js", here);
}

class Workers {
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));

  /** Per worker, the KiB its edge list holds (part-worker.ts keeps it up to date). */
  private readonly edgeMeter: Int32Array;

  constructor(
    readonly count: number,
    input: Omit<PartInput, "port" | "signal" | "index" | "edgeMeter">,
  ) {
    this.edgeMeter = new Int32Array(new SharedArrayBuffer(count * 4));
    for (let index = 0; index < count; index++) {
      const { port1, port2 } = new MessageChannel();
      const data: PartInput = {
        ...input,
        index,
        edgeMeter: this.edgeMeter.buffer as SharedArrayBuffer,
        port: port2,
        signal: this.signal.buffer as SharedArrayBuffer,
      };
      const worker = new Worker(workerUrl(), { workerData: data, transferList: [port2] });
      worker.unref();
      this.workers.push(worker);
      this.ports.push(port1);
    }
  }

  /** One reply of `type` from every worker, in worker order; `onWake` runs whenever the wait wakes. */
  collect<T extends PartReply["type"]>(type: T, onWake: () => void): Extract<PartReply, { type: T }>[] {
    const replies: (PartReply | undefined)[] = new Array(this.count).fill(undefined);
    let left = this.count;
    while (left > 0) {
      const seen = Atomics.load(this.signal, 0);
      for (let index = 0; index < this.count; index++) {
        const received = receiveMessageOnPort(this.ports[index] as MessagePort);
        if (received === undefined) continue;
        const reply = received.message as PartReply;
        if (reply.type === "error") {
          if (reply.slices) throw new SlicesExceeded(reply.message);
          throw reply.limit
            ? new LimitExceeded(reply.message)
            : new Error(`explorer worker ${index + 1}: ${reply.message}`);
        }
        if (reply.type !== type || replies[index] !== undefined) {
          throw new Error(`explorer worker ${index + 1}: expected '${type}', got '${reply.type}'`);
        }
        replies[index] = reply;
        left--;
      }
      if (left > 0) {
        onWake();
        Atomics.wait(this.signal, 0, seen, WAKE_MS);
      }
    }
    return replies as Extract<PartReply, { type: T }>[];
  }

  /** Bytes the workers' edge lists hold now. */
  edgeBytes(): number {
    let kib = 0;
    for (let index = 0; index < this.count; index++) kib += Atomics.load(this.edgeMeter, index);
    return kib * 1024;
  }

  send(command: PartCommand): void {
    for (const worker of this.workers) worker.postMessage(command);
  }

  close(): void {
    for (const worker of this.workers) void worker.terminate();
    for (const port of this.ports) port.close();
  }
}

interface Search {
  violations: Map<InvariantName, Violation>;
  transitions: number;
  depth: number;
  complete: boolean;
}

/** Level after level until one adds no state; the violations first seen, in worker order per level. */
function search(
  workers: Workers,
  store: SharedStore,
  options: ExploreOptions,
  limits: ExploreLimits,
  started: number,
): Search {
  const violations = new Map<InvariantName, Violation>();
  let transitions = 0;
  let depth = 0;
  const onWake = () => {
    const seconds = (performance.now() - started) / 1000;
    if (seconds > limits.secondsMax) {
      throw new LimitExceeded(
        `explorer: secondsMax (${limits.secondsMax}) reached for this configuration ` +
          `(${store.count} states stored, depth ${depth}, ${transitions} transitions before it)`,
      );
    }
    const bytes = store.bytes() + workers.edgeBytes();
    if (bytes > limits.bytesMax) {
      const held =
        `${bytes} bytes held: states, index and the workers' edges; ` +
        `${store.count} states stored, depth ${depth}`;
      throw new LimitExceeded(bytesMaxMessage(limits, held, options.collapse === true));
    }
    options.onProgress?.({ states: store.count, transitions, depth, seconds, bytes });
  };
  for (let start = 0; ; depth++) {
    const end = store.count;
    if (end === start) return { violations, transitions, depth: depth - 1, complete: true };
    Atomics.store(store.control, NEXT, start);
    SharedStore.setActive(store.control, workers.count);
    workers.send({ type: "level", depth, end });
    for (const reply of workers.collect("level", onWake)) {
      transitions += reply.transitions;
      for (const violation of reply.violations) {
        if (!violations.has(violation.invariant)) violations.set(violation.invariant, violation);
      }
    }
    start = end;
    if (options.stopAtFirstViolation && violations.size > 0) {
      return { violations, transitions, depth: store.depths[store.count - 1] as number, complete: false };
    }
  }
}

export function exploreParallel(
  config: ModelConfig,
  options: ExploreOptions & { workers: number },
): Exploration {
  const count = options.workers;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const symmetry = options.symmetry ?? true;
  const liveness = options.progress ?? true;
  const started = performance.now();
  const layout = makeLayout(initialData(config.processes));
  const shape = keyShape(layout, options.collapse ?? false);
  const buffers = createSharedBuffers(shape, capacityOf(shape.keyWords, limits), limits.slicesMax);
  const store = new SharedStore(buffers, limits);
  encodeInitial(config, layout, store, symmetry);
  store.admit(-1, encodeStep(null, -1), 0);
  const workers = new Workers(count, {
    designs: serializeDesigns(),
    config: configJson(config),
    limits,
    symmetry,
    liveness,
    buffers,
  });
  let found: Search;
  let edges: { edges: ForwardEdges }[];
  try {
    const startBy = performance.now() + START_SECONDS_MAX * 1000;
    workers.collect("ready", () => {
      if (performance.now() > startBy)
        throw new Error(`explorer: a worker did not start in ${START_SECONDS_MAX} s`);
    });
    found = search(workers, store, options, limits, started);
    workers.send({ type: "finish" });
    edges = workers.collect("finished", () => {});
  } finally {
    workers.close();
  }
  const states = store.count;
  const violations = found.violations;
  if (found.complete && liveness) {
    const parts = edges.map((part) => part.edges);
    addLivenessViolations(store.goals.subarray(0, states), parts, store.depths, violations);
  }
  const edgeBytes = edges.reduce(
    (sum, part) => sum + part.edges.starts.byteLength + part.edges.targets.byteLength,
    0,
  );
  return {
    config,
    states,
    transitions: found.transitions,
    depth: found.depth,
    seconds: (performance.now() - started) / 1000,
    violations,
    parents: store.parents.subarray(0, states),
    depths: store.depths.subarray(0, states),
    parentStep: (id) => decodeStep(store.steps[id] as number),
    keyOf: (id) => keyOfStored(layout, store.stateBytes(id), symmetry),
    bytesPerState: states > 0 ? (store.bytes() + edgeBytes) / states : 0,
    collapsed: shape.collapse,
    stepper: makeStepper(config),
    symmetry,
    complete: found.complete,
  };
}
