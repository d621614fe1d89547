/**
 * Proves that the reference factory, the implementation the scenarios run by default, names itself after its
 * variant and carries it (reports print the name; expectations follow the variant). That a Codex binary plugs
 * in as well needs no test: codex/implementation.ts declares `CodexImplementation extends ProcessFactory`, so
 * the type checker refuses any drift between the two shapes.
 */
import { expect, test } from "vitest";
import { VARIANTS } from "../../model/designs/index.js";
import { referenceImplementation } from "../../scenarios/index.js";

test("the reference factory is named reference:<variant> and carries its variant", () => {
  for (const variant of VARIANTS) {
    expect(referenceImplementation(variant)).toMatchObject({ name: `reference:${variant}`, variant });
  }
});
