/**
 * Proves that the scenarios are generic over the implementation: the reference factory names itself after
 * its variant, and codex/implementation.ts's `CodexImplementation` already is a `ProcessFactory` (checked by
 * the type checker: `npm run typecheck` fails if the two shapes drift apart).
 */
import { expect, test } from "vitest";
import type { CodexImplementation } from "../../codex/implementation.js";
import { VARIANTS } from "../../model/designs/index.js";
import { type ProcessFactory, referenceImplementation } from "../../scenarios/index.js";

test("the reference factory is named reference:<variant> and carries its variant", () => {
  for (const variant of VARIANTS) {
    expect(referenceImplementation(variant)).toMatchObject({ name: `reference:${variant}`, variant });
  }
});

test("a Codex binary plugs in as a ProcessFactory", () => {
  const codexIsAFactory: CodexImplementation extends ProcessFactory ? true : false = true;
  expect(codexIsAFactory).toBe(true);
});
