/**
 * Proves the explorer on several threads (proofs/compiled/parallel.ts: worker threads sharing one store)
 * answers as the one-thread explorer does: the same set of states (canonical keys), the same state and
 * transition counts and depth, the same violated invariants (safety and liveness) with the same shortest
 * lengths, ids in breadth-first order, and counterexamples that replay step by step on the model
 * (trace.ts checks every state's key on the way). The largest configuration (49 k states) makes the shared
 * index rehash three times while the workers run (it starts with room for 4096 states). And that a design
 * registered in this process is known to the workers, that collapsed states share one slice table across
 * them, and that limits and bad input fail loudly.
 */
import { describe, expect, it } from "vitest";
import { type ConfigInput, makeConfig } from "../../model/config.js";
import { guarded } from "../../model/designs/guarded.js";
import { registerDesign } from "../../model/designs/index.js";
import { type Exploration, explore, LimitExceeded } from "../../proofs/explorer.js";
import { traceOf } from "../../proofs/trace.js";
import { keysOf } from "../support/state-sets.js";

const CONFIGS: ConfigInput[] = [
  // Converges broken at length 4, NoStaleRefreshSent at 6: liveness and safety together (49 k states).
  { variant: "guarded", processes: 3, faults: ["lostResponse"] },
  { variant: "flocked", processes: 3, faults: ["crash"] },
  { variant: "locked", processes: 2, faults: ["login", "logout"], server: { revokeFamilyOnReuse: true } },
  { variant: "legacy", processes: 2, calls: ["callAuth"], overlap: false },
];

function verdicts(exploration: Exploration): [string, number][] {
  return [...exploration.violations.values()]
    .map((violation): [string, number] => [violation.invariant, violation.length])
    .sort(([left], [right]) => left.localeCompare(right));
}

function expectBreadthFirst(exploration: Exploration): void {
  const { parents, depths } = exploration;
  expect(parents[0]).toBe(-1);
  for (let id = 1; id < exploration.states; id++) {
    const parent = parents[id] as number;
    if (parent < 0 || parent >= id || depths[id] !== (depths[parent] as number) + 1) {
      throw new Error(`state ${id}: parent ${parent}, depth ${depths[id]} (parent's ${depths[parent]})`);
    }
    if ((depths[id] as number) < (depths[id - 1] as number)) throw new Error(`state ${id}: depth went down`);
  }
}

describe("the explorer on several threads vs one", () => {
  // Three workers, and collapsed states (collapse.ts: the workers share one slice table, so a slice one
  // adds another finds), on the first configuration only: it is the largest; the others add designs.
  for (const [index, input] of CONFIGS.entries()) {
    const runs =
      index === 0 ? [{ workers: 2 }, { workers: 3 }, { workers: 2, collapse: true }] : [{ workers: 2 }];
    for (const options of runs) {
      const collapsed = options.collapse === true ? ", collapsed" : "";
      it(`${JSON.stringify(input)} on ${options.workers} workers${collapsed}`, () => {
        const config = makeConfig(input);
        const one = explore(config);
        const several = explore(config, options);
        expect(one.states).toBeGreaterThan(20);
        expect(several.states).toBe(one.states);
        expect(several.transitions).toBe(one.transitions);
        expect(several.depth).toBe(one.depth);
        expect(several.complete).toBe(true);
        expect(verdicts(several)).toEqual(verdicts(one));
        expect(keysOf(several)).toEqual(keysOf(one));
        expectBreadthFirst(several);
        // A safety trace ends with the violating step, a liveness one at the stuck state: length steps both.
        for (const violation of several.violations.values()) {
          expect(traceOf(several, violation).steps.length).toBe(violation.length);
        }
      }, 60_000);
    }
  }

  it("a design registered in this process is explored by the workers too", () => {
    const design = registerDesign({
      ...guarded,
      name: "guarded-parallel-probe",
      rules: { ...guarded.rules, poisons: false },
      mutants: [],
      checks: { ...guarded.checks, explained: [] },
    });
    const config = makeConfig({ variant: design.name, processes: 2, calls: ["callAuth"] });
    const several = explore(config, { workers: 2 });
    expect(several.states).toBe(explore(config).states);
    expect(several.violations.has("NoSpuriousLogout")).toBe(false);
  });

  it("stops at the depth of the first safety violation when asked", () => {
    const config = makeConfig({ variant: "guarded", processes: 3, faults: ["lostResponse"] });
    const several = explore(config, { workers: 2, stopAtFirstViolation: true, progress: false });
    expect(several.complete).toBe(false);
    const safety = [...explore(config).violations.values()].filter((violation) => violation.step !== null);
    const first = Math.min(...safety.map((violation) => violation.length));
    expect(several.violations.size).toBeGreaterThan(0);
    for (const violation of several.violations.values()) expect(violation.length).toBe(first);
    expect(several.depth).toBe(first);
  });

  it("limits fail loudly, from inside a worker, and bad worker counts are refused", () => {
    const config = makeConfig({ variant: "guarded", processes: 3 });
    expect(() => explore(config, { workers: 2, limits: { statesMax: 1000 } })).toThrow(LimitExceeded);
    expect(() => explore(config, { workers: 2, limits: { statesMax: 1000 } })).toThrow(/statesMax \(1000\)/);
    expect(() => explore(config, { workers: 0 })).toThrow(/workers: 0 is not an integer in \[1, 8\]/);
    expect(() => explore(config, { workers: 9 })).toThrow(/workers: 9 is not an integer in \[1, 8\]/);
    expect(() => explore(config, { workers: 1.5 })).toThrow(/workers: 1.5/);
  });
});
