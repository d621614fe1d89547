/**
 * A worker thread of the explorer on several threads (parallel.ts). For each level the coordinator sends, it
 * takes chunks of that level's states from the shared cursor, expands them and admits their successors into
 * the shared store (shared-store.ts); then it reports the transitions it took and the invariants it first saw
 * broken. Replies go to the coordinator's port, each followed by a notify on the shared signal, so a
 * coordinator blocked in `Atomics.wait` wakes and reads them synchronously.
 */
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import { type ConfigInput, makeConfig } from "../../model/config.js";
import { initialData } from "../../model/data.js";
import { registerSerializedDesigns } from "../../model/designs/index.js";
import type { InvariantName } from "../../model/vocabulary.js";
import { type ExploreLimits, LimitExceeded, type Violation } from "../exploration.js";
import { SlicesExceeded } from "./collapse.js";
import { CompactEdges } from "./edges.js";
import { makeExpander, type Sink } from "./expander.js";
import type { ForwardEdges } from "./forward-liveness.js";
import { makeLayout } from "./layout.js";
import { NEXT, type SharedBuffers, SharedStore } from "./shared-store.js";
import { STAGE_FLUSH } from "./stage.js";

export interface PartInput {
  /** Registered designs (model/designs/index.ts `serializeDesigns`), so a loaded design is known here too. */
  designs: string;
  config: ConfigInput;
  limits: ExploreLimits;
  symmetry: boolean;
  liveness: boolean;
  buffers: SharedBuffers;
  /** This worker's place among the workers (its slot in `edgeMeter`). */
  index: number;
  /** Per worker, the KiB its edge list holds, so the coordinator counts them against bytesMax. */
  edgeMeter: SharedArrayBuffer;
  port: MessagePort;
  signal: SharedArrayBuffer;
}

export type PartCommand = { type: "level"; depth: number; end: number } | { type: "finish" };

export type PartReply =
  | { type: "ready" }
  | { type: "level"; transitions: number; violations: Violation[] }
  | { type: "finished"; edges: ForwardEdges }
  | { type: "error"; limit: boolean; slices: boolean; message: string };

/** States handed out at a time: large enough that the shared cursor is rarely touched. */
const CHUNK_STATES = 64;

const input = workerData as PartInput;
const signal = new Int32Array(input.signal);
const edgeMeter = new Int32Array(input.edgeMeter);
const KIB = 1024;

function post(message: PartReply, transfer: ArrayBuffer[] = []): void {
  input.port.postMessage(message, transfer);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

function makeWorker() {
  registerSerializedDesigns(input.designs, "explorer worker: designs");
  const config = makeConfig(input.config);
  const sample = initialData(config.processes);
  const layout = makeLayout(sample);
  const store = new SharedStore(input.buffers, input.limits);
  // Each worker takes chunks in increasing order, so its sources increase as CompactEdges needs.
  const edges = new CompactEdges();
  const reported = new Set<InvariantName>();
  let found: Violation[] = [];
  let depth = 0;
  const sink: Sink = {
    successor(parent, step, fault) {
      store.stage(parent, step, fault);
    },
    violation(invariant, parent, event, process) {
      if (reported.has(invariant)) return;
      reported.add(invariant);
      found.push({ invariant, stateIndex: parent, step: { event, process }, length: depth + 1 });
    },
  };
  /** Admits the staged successors (stage.ts), keeping their edges when liveness needs them. */
  function flush(): void {
    const { staged } = store;
    const count = staged.count;
    store.flush(depth + 1);
    if (!input.liveness) return;
    const { parents, targets, faults } = staged;
    for (let row = 0; row < count; row++) {
      edges.add(parents[row] as number, targets[row] as number, faults[row] === 1);
    }
  }
  const expander = makeExpander(config, layout, sample, store, input.symmetry, sink);

  function level(command: { depth: number; end: number }): void {
    depth = command.depth;
    const { control } = store;
    const transitionsBefore = expander.transitions;
    // A rehash may have happened after this thread left the previous level.
    store.refreshIndex();
    for (;;) {
      store.boundary();
      const first = Atomics.add(control, NEXT, CHUNK_STATES);
      if (first >= command.end) break;
      const last = Math.min(command.end, first + CHUNK_STATES);
      for (let id = first; id < last; id++) {
        store.goals[id] = expander.expand(id);
        if (store.staged.count >= STAGE_FLUSH || id + 1 === last) flush();
        store.boundary();
      }
      Atomics.store(edgeMeter, input.index, Math.ceil(edges.bytes() / KIB));
    }
    store.leave();
    const violations = found;
    found = [];
    post({ type: "level", transitions: expander.transitions - transitionsBefore, violations });
  }

  function finish(): void {
    const graph = edges.graph();
    post({ type: "finished", edges: graph }, [
      graph.starts.buffer as ArrayBuffer,
      graph.targets.buffer as ArrayBuffer,
    ]);
  }

  return { level, finish };
}

function fail(error: unknown): void {
  const limit = error instanceof LimitExceeded;
  const message =
    error instanceof Error ? (limit ? error.message : (error.stack ?? error.message)) : String(error);
  post({ type: "error", limit, slices: error instanceof SlicesExceeded, message });
}

let worker: ReturnType<typeof makeWorker> | undefined;
try {
  worker = makeWorker();
  post({ type: "ready" });
} catch (error) {
  fail(error);
}
parentPort?.on("message", (command: PartCommand) => {
  if (worker === undefined) return;
  try {
    if (command.type === "finish") worker.finish();
    else worker.level(command);
  } catch (error) {
    fail(error);
  }
});
