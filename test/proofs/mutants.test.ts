/**
 * Proves that the explorer kills every mutant (model/mutants.ts): in its kill configuration
 * (proofs/mutants.ts) the mutant violates the named invariant with exactly the shortest counterexample
 * pinned in proofs/mutants.json, while the base design holds that invariant in the same configuration (the
 * control). Also proves that mutant configurations are validated and named, that counterexamples replay on
 * mutant tables, and that the XState machine, built from the same table, reaches exactly the explorer's
 * states with a mutant too.
 */

import { describe, expect, it } from "vitest";
import { type ConfigInput, configName, makeConfig } from "../../model/config.js";
import { mutantNames, requireMutant } from "../../model/designs/index.js";
import { explore } from "../../proofs/explorer.js";
import { loadMutantPins, MUTANT_KILLS, runMutantKill } from "../../proofs/mutants.js";
import { traceOf } from "../../proofs/trace.js";
import { reachableBothWays } from "../support/state-sets.js";

const pinned = loadMutantPins();

describe("the explorer kills every mutant", () => {
  it("has one kill per mutant, each on its base design", () => {
    expect(MUTANT_KILLS.map((kill) => kill.mutant).sort()).toEqual([...mutantNames()].sort());
    for (const kill of MUTANT_KILLS) {
      expect(kill.config.variant).toBe(requireMutant(kill.mutant).base.name);
      expect(kill.control.variant).toBe(requireMutant(kill.mutant).base.name);
      expect(kill.control.mutant).toBeUndefined();
      expect(configName(kill.config).endsWith(`/mutant:${kill.mutant}`)).toBe(true);
    }
  });

  for (const kill of MUTANT_KILLS) {
    it(`${kill.mutant}: ${kill.invariant} on ${configName(kill.config)}, held by the control`, () => {
      const result = runMutantKill(kill, pinned);
      const pin = pinned[result.config]?.verdicts[kill.invariant];
      expect(pin).toMatchObject({ violated: expect.any(Number) });
      expect(result.killedInSteps).toBe(pin === undefined || pin === "holds" ? null : pin.violated);
      expect(result.controlHolds).toBe(true);
      expect(pinned[result.control]?.verdicts[kill.invariant]).toBe("holds");
      expect(result.mismatches).toEqual([]);
    });
  }
});

describe("mutant counterexamples", () => {
  it("replay on the mutant's table at the pinned length", () => {
    for (const kill of MUTANT_KILLS.filter((candidate) => candidate.mutant !== "no-account-check")) {
      const exploration = explore(kill.config);
      const violation = exploration.violations.get(kill.invariant);
      if (violation === undefined) throw new Error(`${kill.mutant} survived`);
      expect(traceOf(exploration, violation).steps.length).toBe(violation.length);
    }
  });

  it("no-account-check needs a stalled holder and two logins: the holder adopts B, then overwrites B's new login", () => {
    const kill = MUTANT_KILLS.find((candidate) => candidate.mutant === "no-account-check");
    if (kill === undefined) throw new Error("no kill for no-account-check");
    const exploration = explore(kill.config);
    const violation = exploration.violations.get(kill.invariant);
    if (violation === undefined) throw new Error("no-account-check survived");
    const events = traceOf(exploration, violation).steps.map((step) => step.event);
    expect(events.filter((event) => event === "login")).toHaveLength(2);
    expect(events).toContain("expireLock");
    expect(events.at(-1)).toBe("writeDisk");
    // With one login (any N up to 3) the mutant breaks nothing: adopting another account is no violation.
    const oneLogin = explore(
      makeConfig({ variant: "locked", faults: ["login"], mutant: "no-account-check" }),
    );
    expect(oneLogin.violations.size).toBe(0);
  });
});

describe("mutant configurations", () => {
  it("reject a mutant of another design or an unknown one, naming config.mutant", () => {
    expect(() => makeConfig({ variant: "guarded", mutant: "no-reread-after-lock" })).toThrow(
      /config\.mutant: 'no-reread-after-lock' is a mutant of 'locked', not of 'guarded'/,
    );
    expect(() => makeConfig({ variant: "locked", mutant: "optimistic" })).toThrow(/config\.mutant: unknown/);
  });

  it("admit tornWrite only for a mutant that writes in place", () => {
    expect(makeConfig({ variant: "locked", faults: ["tornWrite"], mutant: "save-in-place" }).faults).toEqual([
      "tornWrite",
    ]);
    expect(() =>
      makeConfig({ variant: "locked", faults: ["tornWrite"], mutant: "unlock-before-save" }),
    ).toThrow(/config\.faults/);
  });

  it("leave a configuration without a mutant exactly as it was", () => {
    const config = makeConfig({ variant: "locked" });
    expect("mutant" in config).toBe(false);
    expect(configName(config)).toBe("locked/N2/none");
  });
});

/** Small configurations that exercise each mutant's edit (kill configurations, or smaller for the big one). */
const MACHINE_CONFIGS: ConfigInput[] = [
  { variant: "locked", faults: ["login"], mutant: "no-account-check" },
  { variant: "guarded", calls: ["callAuth"], overlap: false, mutant: "reload-without-compare" },
  { variant: "locked", calls: ["callAuth"], mutant: "unlock-before-save" },
  { variant: "locked", mutant: "no-reread-after-lock" },
  { variant: "locked", faults: ["crash", "tornWrite"], mutant: "save-in-place" },
  { variant: "guarded", calls: ["callAuth"], mutant: "poison-never-cleared" },
];

describe("the XState machine gets mutants from the same table", () => {
  for (const input of MACHINE_CONFIGS) {
    const config = makeConfig({ processes: 2, ...input });
    it(`${configName(config)}: same reachable states as the explorer`, () => {
      const { viaXState, viaExplorer } = reachableBothWays(config);
      expect([...viaXState].filter((key) => !viaExplorer.has(key))).toEqual([]);
      expect([...viaExplorer].filter((key) => !viaXState.has(key))).toEqual([]);
    });
  }
});
