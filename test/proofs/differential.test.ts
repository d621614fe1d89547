/**
 * Proves the explorer is faithful to the XState machine: XState's own graph traversal (xstate/graph's
 * getAdjacencyMap over the machine built from the same table, with its own naive key: the whole snapshot
 * as JSON) reaches exactly the state set the explorer reaches with symmetry reduction off, on small
 * configurations covering every design and fault; and the explorer's compact key tells apart every state
 * the naive key tells apart (no field forgotten).
 */

import { describe, expect, it } from "vitest";
import { type ConfigInput, makeConfig } from "../../model/config.js";
import { reachableBothWays } from "../support/state-sets.js";

const CONFIGS: ConfigInput[] = [
  { variant: "legacy", faults: ["tornWrite"], calls: ["callAuth"], overlap: false },
  { variant: "guarded", faults: ["transient"] },
  { variant: "guarded", faults: ["relogin"], calls: ["callUnauthorized"] },
  { variant: "persist-locked", faults: ["crash"] },
  // locked's auth() and refreshToken() are one flow once stale: one of them, with recovery, keeps these small.
  { variant: "locked", faults: ["crash", "stall"], calls: ["callAuth", "callUnauthorized"] },
  {
    variant: "locked",
    faults: ["lostResponse", "login", "logout"],
    calls: ["callRefresh", "callUnauthorized"],
    server: { graceWindow: true },
  },
];

describe("explorer vs xstate/graph", () => {
  for (const input of CONFIGS) {
    const config = makeConfig({ processes: 2, ...input });
    it(`${input.variant} ${JSON.stringify(input.faults ?? [])}: same reachable states`, () => {
      const { naive, viaXState, viaExplorer } = reachableBothWays(config);
      expect(viaExplorer.size).toBeGreaterThan(50);
      expect(viaXState.size, "two naive states share one compact key").toBe(naive.size);
      expect([...viaXState].filter((key) => !viaExplorer.has(key))).toEqual([]);
      expect([...viaExplorer].filter((key) => !viaXState.has(key))).toEqual([]);
    });
  }
});
