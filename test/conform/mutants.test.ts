/**
 * Every implementation mutant (model/mutants.ts: one rule of its base design broken on purpose) is killed
 * twice: conformance to the base design's model diverges, and a fast-check interleaving run fails (by a
 * divergence, or by a rotated-out token where the base design never sends one).
 */
import { describe, expect, test } from "vitest";
import { killMutant } from "../../conform/mutants.js";
import { mutantNames } from "../../model/designs/index.js";

const TIMEOUT_MS = 120_000;

describe("implementation mutants die", () => {
  for (const mutant of mutantNames()) {
    test(
      mutant,
      async () => {
        const kills = await killMutant(mutant);
        const story = JSON.stringify(kills, null, 2);
        expect(kills.conformance.config, story).not.toBeNull();
        expect(kills.fastCheck.config, story).not.toBeNull();
      },
      TIMEOUT_MS,
    );
  }
});
