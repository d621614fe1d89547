/**
 * Proves that every small theorem (tier "test": N = 2 and the isolated stories) still gives exactly the
 * verdicts, shortest-counterexample lengths and state/transition counts pinned in proofs/theorems.json.
 * `npm run verify` checks the larger ones (N = 3, 4) the same way.
 */
import { describe, expect, it } from "vitest";
import { loadPinned, runTheorem } from "../../proofs/run.js";
import { THEOREMS } from "../../proofs/theorems.js";

const pinned = loadPinned();

describe("pinned theorems", () => {
  it("pins every theorem", () => {
    const unpinned = THEOREMS.filter((theorem) => pinned[theorem.name] === undefined).map(
      (theorem) => theorem.name,
    );
    expect(unpinned).toEqual([]);
  });

  for (const theorem of THEOREMS.filter((candidate) => candidate.tier === "test")) {
    it(theorem.name, () => {
      const result = runTheorem(theorem, pinned[theorem.name]);
      expect(result.pinned).toEqual(pinned[theorem.name]);
      expect(result.rows.flatMap((row) => row.mismatches)).toEqual([]);
    });
  }
});
