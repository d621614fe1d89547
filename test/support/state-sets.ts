/** The reachable state keys of a configuration, by xstate/graph over the machine and by the explorer. */
import { getAdjacencyMap } from "xstate/graph";
import type { ModelConfig } from "../../model/config.js";
import { allEvents, createAuthMachine } from "../../model/machine.js";
import { explore } from "../../proofs/explorer.js";
import { snapshotKey } from "../../proofs/state.js";

export function reachableBothWays(config: ModelConfig): { viaXState: Set<string>; viaExplorer: Set<string> } {
  const adjacency = getAdjacencyMap(createAuthMachine(config) as never, {
    events: allEvents(config) as never,
    serializeState: snapshotKey as never,
  });
  return {
    viaXState: new Set(Object.keys(adjacency)),
    viaExplorer: new Set(explore(config, { symmetry: false, progress: false }).keys),
  };
}
