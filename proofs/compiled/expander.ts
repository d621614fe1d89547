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
import type { InvariantName } from "../../model/vocabulary.js";
import { makeCanonicalizer } from "./canonical.js";
import { generationPositions, makeGenerationRenamer } from "./generations.js";
import type { Layout } from "./layout.js";
import { type LearnedStep, LearnedSteps } from "./learned.js";

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
  violation(invariant: InvariantName, parent: number, event: LearnedStep["event"], process: number): void;
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

  const take = (steps: LearnedStep[]): void => {
    for (let index = 0; index < steps.length; index++) {
      const step = steps[index] as LearnedStep;
      expander.transitions++;
      for (let word = 0; word < words; word++) vector[word] = parentWords[word] as number;
      const writes = step.writes;
      for (let at = 0; at < writes.length; at += 2) bytes[writes[at] as number] = writes[at + 1] as number;
      const violations = step.violations;
      for (let at = 0; at < violations.length; at++) {
        sink.violation(violations[at] as InvariantName, current, step.event, step.process);
      }
      if (step.renames) renameGenerations(bytes);
      if (step.target >= 0) bytes[step.process * processBytes] = step.target;
      if (symmetry) canonicalize(vector);
      sink.successor(current, step.code, step.fault);
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
