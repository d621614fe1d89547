/**
 * What the explorer on one thread (explorer.ts) and on several (parallel.ts) do alike before and after the
 * search: the initial state as packed bytes, a stored state's key, and liveness on the finished graph.
 */
import { LOCATIONS, type Location } from "../../model/branch.js";
import type { ModelConfig } from "../../model/config.js";
import { initialData, normalized } from "../../model/data.js";
import type { InvariantName } from "../../model/vocabulary.js";
import type { Violation } from "../exploration.js";
import { canonicalKey } from "../state.js";
import { makeCanonicalizer } from "./canonical.js";
import type { VectorStore } from "./expander.js";
import { checkLivenessForward, type ForwardEdges } from "./forward-liveness.js";
import type { Layout } from "./layout.js";

const IDLE = LOCATIONS.indexOf("idle");

/** Writes the initial state (every process idle, R0 loaded) into the store's scratch vector, canonical. */
export function encodeInitial(
  config: ModelConfig,
  layout: Layout,
  store: Pick<VectorStore, "scratch" | "scratchBytes">,
  symmetry: boolean,
): void {
  const idle = new Uint8Array(layout.processes).fill(IDLE);
  const initial = initialData(config.processes);
  // A step that writes no generation is not renamed (learned.ts): that needs every state dense, this one too
  // (`normalized` returns its argument when there is nothing to rename).
  if (normalized(initial) !== initial) {
    throw new Error("compiled explorer: the initial state's generations are not dense ranks (model/data.ts)");
  }
  layout.encode(initial, idle, store.scratchBytes);
  if (symmetry) makeCanonicalizer(layout)(store.scratch);
}

/** The canonical key of a stored state, decoded from its bytes (keys and traces, never in the hot loop). */
export function keyOfStored(layout: Layout, bytes: Uint8Array, symmetry: boolean): string {
  const data = layout.blank();
  const codes = new Uint8Array(layout.processes);
  layout.decode(bytes, 0, data, codes);
  const locations = [...codes].map((code) => LOCATIONS[code] as Location);
  return canonicalKey({ locations, data }, symmetry).key;
}

/** NoDeadlock and Converges on the complete graph; a violation's length is its stuck state's depth. */
export function addLivenessViolations(
  goals: Uint8Array,
  parts: readonly ForwardEdges[],
  depths: Int32Array,
  violations: Map<InvariantName, Violation>,
): void {
  for (const violation of checkLivenessForward(goals, parts)) {
    violations.set(violation.invariant, { ...violation, length: depths[violation.stateIndex] as number });
  }
}
