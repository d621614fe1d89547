/**
 * Proves the explorer's own mechanics: limits fail loudly and name themselves, symmetry reduction only
 * merges process renamings (same verdicts, fewer states), and the dense renaming of generations keeps
 * unbounded refreshes finite.
 */
import { describe, expect, it } from "vitest";
import { makeConfig } from "../../model/config.js";
import { initialData, normalized } from "../../model/data.js";
import { explore, LimitExceeded } from "../../proofs/explorer.js";

describe("explorer", () => {
  it("fails loudly when the state limit is hit", () => {
    const config = makeConfig({ variant: "guarded", processes: 3 });
    expect(() => explore(config, { limits: { statesMax: 100 } })).toThrow(LimitExceeded);
    expect(() => explore(config, { limits: { statesMax: 100 } })).toThrow(/statesMax \(100\)/);
  });

  it("fails loudly when the depth limit is hit", () => {
    const config = makeConfig({ variant: "locked", processes: 2 });
    expect(() => explore(config, { limits: { depthMax: 5 } })).toThrow(/depthMax \(5\)/);
  });

  it("symmetry reduction keeps every verdict and shrinks the space", () => {
    const config = makeConfig({ variant: "guarded", processes: 3, faults: ["crash"] });
    const reduced = explore(config);
    const full = explore(config, { symmetry: false });
    expect(reduced.states).toBeLessThan(full.states);
    expect([...reduced.violations.keys()].sort()).toEqual([...full.violations.keys()].sort());
    for (const [invariant, violation] of reduced.violations) {
      expect(violation.length).toBe(full.violations.get(invariant)?.length);
    }
  });

  it("renames generations to their dense rank, keeping order", () => {
    const data = initialData(2);
    data.families[1].current = 9;
    data.disk.snapshot = { accountId: 1, family: 1, generation: 7 };
    const renamed = normalized(data);
    expect(renamed.staleBelow).toBe(1);
    expect(renamed.disk.snapshot.generation).toBe(2);
    expect(renamed.families[1].current).toBe(3);
    expect(data.families[1].current).toBe(9);
  });

  it("rejects bad configurations naming the field", () => {
    expect(() => makeConfig({ variant: "optimistic" })).toThrow(/config\.variant/);
    expect(() => makeConfig({ variant: "locked", processes: 9 })).toThrow(/config\.processes/);
    expect(() => makeConfig({ variant: "locked", faults: ["tornWrite"] })).toThrow(/config\.faults/);
  });
});
