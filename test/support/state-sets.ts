/**
 * The reachable states of a configuration, by xstate/graph over the machine and by the explorer. XState's
 * traversal keys states its own, naive way: the whole snapshot (every region's location and the full
 * context) serialised as JSON, no symmetry. So a field the explorer's compact key forgot would show up as
 * two naive states with one compact key, and the two sets would not match.
 */
import { getAdjacencyMap } from "xstate/graph";
import type { ModelConfig } from "../../model/config.js";
import { allEvents, createAuthMachine } from "../../model/machine.js";
import { type Exploration, explore } from "../../proofs/explorer.js";
import { snapshotKey } from "../../proofs/state.js";

interface Snapshot {
  value: unknown;
  context: unknown;
}

/** The naive key: everything in the snapshot, as JSON. */
export function naiveKey(snapshot: Snapshot): string {
  return JSON.stringify({ value: snapshot.value, context: snapshot.context });
}

export interface ReachableStates {
  /** xstate/graph's states under the naive key. */
  naive: Set<string>;
  /** The same states under the explorer's compact key (snapshotKey). */
  viaXState: Set<string>;
  /** The explorer's states (symmetry off). */
  viaExplorer: Set<string>;
}

/** Every state's canonical key. */
export function keysOf(exploration: Exploration): Set<string> {
  return new Set(Array.from({ length: exploration.states }, (_, id) => exploration.keyOf(id)));
}

export function reachableBothWays(config: ModelConfig): ReachableStates {
  const adjacency = getAdjacencyMap(createAuthMachine(config) as never, {
    events: allEvents(config) as never,
    serializeState: naiveKey as never,
  }) as unknown as Record<string, { state: Snapshot }>;
  return {
    naive: new Set(Object.keys(adjacency)),
    viaXState: new Set(Object.values(adjacency).map(({ state }) => snapshotKey(state))),
    viaExplorer: keysOf(explore(config, { symmetry: false, progress: false })),
  };
}
