/**
 * Expanding one packed state: every enabled step of every process and of the world, each successor built in
 * the store's scratch vector and handed to a sink. The one-thread explorer (explorer.ts) and each worker of
 * the explorer on several threads (parallel.ts) expand alike; they differ only in where a successor goes.
 *
 * The steps come from the table's closures as learned (learned.ts): per process, then the world, in step.ts
 * `forEachEnabled`'s order, each as the bytes it writes and the invariants it breaks. A successor is the
 * parent's vector with those bytes written, renamed (generations.ts, the model's `normalized` on bytes), its
 * process moved, and canonicalised.
 */
import type { ModelConfig } from "../../model/config.js";
import type { ModelData } from "../../model/data.js";
import type { EventName, InvariantName } from "../../model/vocabulary.js";
import { makeCanonicalizer } from "./canonical.js";
import { generationPositions, makeGenerationRenamer } from "./generations.js";
import type { Layout } from "./layout.js";
import { LearnedSteps } from "./learned.js";
import {
  FAULT,
  RENAMES,
  STEP_CODE,
  STEP_EVENT,
  STEP_FLAGS,
  STEP_HEADER,
  STEP_PROCESS,
  STEP_TARGET,
} from "./step-records.js";

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

export interface Expander {
  /** Expands the stored state `id` (an index into `store`), returning its goal flags (proofs/liveness.ts). */
  expand(id: number): number;
  /** Transitions taken so far (every enabled step counts, whatever its successor). */
  transitions: number;
  /** The learned closures (for their figures). */
  readonly learned: LearnedSteps;
}

export function makeExpander(
  config: ModelConfig,
  layout: Layout,
  sample: ModelData,
  store: VectorStore,
  symmetry: boolean,
  sink: Sink,
): Expander {
  const generations = generationPositions(layout, sample);
  const learned = new LearnedSteps(config, layout, sample, generations);
  const canonicalize = makeCanonicalizer(layout);
  const renameGenerations = makeGenerationRenamer(generations);
  const { words, processBytes, processes } = layout;
  const parentWords = new Uint32Array(words);
  const parentBytes = new Uint8Array(parentWords.buffer);
  const vector = store.scratch;
  const bytes = store.scratchBytes;
  let current = 0;

  const { records } = learned;
  /** Takes the steps of the leaf at `offset` (step-records.ts) out of the parent. */
  const take = (offset: number): void => {
    // Locals, not the closure's: V8 then checks the arrays once, not in every iteration of the copy.
    const steps = records.words;
    const from = parentWords;
    const to = vector;
    const out = bytes;
    const size = words;
    let at = offset;
    const count = steps[at++] as number;
    for (let index = 0; index < count; index++) {
      expander.transitions++;
      const process = steps[at + STEP_PROCESS] as number;
      const target = steps[at + STEP_TARGET] as number;
      const flags = steps[at + STEP_FLAGS] as number;
      const event = steps[at + STEP_EVENT] as number;
      const code = steps[at + STEP_CODE] as number;
      at += STEP_HEADER;
      for (let word = 0; word < size; word++) to[word] = from[word] as number;
      const writes = steps[at++] as number;
      for (let write = 0; write < writes; write++) {
        const packed = steps[at++] as number;
        out[packed >>> 8] = packed & 255;
      }
      const violations = steps[at++] as number;
      for (let violation = 0; violation < violations; violation++) {
        const invariant = records.invariants[steps[at++] as number] as InvariantName;
        sink.violation(invariant, current, records.events[event] as EventName, process);
      }
      if ((flags & RENAMES) !== 0) renameGenerations(out);
      if (target >= 0) out[process * processBytes] = target;
      if (symmetry) canonicalize(to);
      sink.successor(current, code, (flags & FAULT) !== 0);
    }
  };

  const expander: Expander = {
    transitions: 0,
    learned,
    expand(id) {
      current = id;
      store.load(id, parentWords);
      for (let process = 0; process < processes; process++) take(learned.stepsOf(process, parentBytes));
      take(learned.stepsOf(-1, parentBytes));
      return learned.goalsOf(parentBytes);
    },
  };
  return expander;
}
