/**
 * Proves what docs/spec.md says about the number of processes, from the pins of a real run
 * (proofs/theorems.json, which test/proofs/theorems.test.ts checks against the explorer): for every design
 * and fault set explored at several N, verdicts and shortest counterexample lengths agree across N, except
 * the one dependence the spec names (locked with a stalled holder and a grace window needs three processes
 * to break NoSupersededSend). A new dependence on N fails here until the spec says so.
 */
import { describe, expect, test } from "vitest";
import { loadPinned } from "../../proofs/run.js";
import { THEOREMS } from "../../proofs/theorems.js";

/** The dependences on N that docs/spec.md ("How many processes") explains: configuration -> invariant. */
const EXPLAINED = new Map([["locked/stall/grace", "NoSupersededSend"]]);

describe("verdicts across N", () => {
  const pinned = loadPinned();
  const groups = new Map<string, Map<number, Record<string, unknown>>>();
  for (const theorem of THEOREMS) {
    if (theorem.name.includes(":")) continue;
    const key = theorem.name.replace(/\/N\d+\//, "/");
    const verdicts = pinned[theorem.name]?.verdicts;
    if (!verdicts) continue;
    if (!groups.has(key)) groups.set(key, new Map());
    groups.get(key)?.set(theorem.config.processes, verdicts);
  }

  // Configurations pinned at one N only (the revoke-on-reuse theorems) have nothing to compare.
  const compared = [...groups.keys()].filter((key) => (groups.get(key)?.size ?? 0) >= 2);

  test("every design's fault sets are explored at two N or more", () => {
    expect(compared.length).toBeGreaterThan(20);
    expect(compared).toContain("guarded/none");
    expect(compared).toContain("locked/stall/grace");
  });

  test.each(compared)("%s: the same verdicts and lengths at every N (bar the explained)", (key) => {
    const byN = [...(groups.get(key) ?? new Map()).entries()].sort(([left], [right]) => left - right);
    const [, smallest] = byN[0] ?? [0, {}];
    for (const [processes, verdicts] of byN.slice(1)) {
      for (const [invariant, verdict] of Object.entries(verdicts)) {
        if (EXPLAINED.get(key) === invariant) {
          expect(verdict, `${key} N=${processes} ${invariant}`).not.toEqual(smallest[invariant]);
          continue;
        }
        expect(verdict, `${key} N=${processes} ${invariant}`).toEqual(smallest[invariant]);
      }
    }
  });
});
