/**
 * The interleaving checks authrace runs (tests and `authrace verify`), read from each design's record
 * (`checks.interleavings`). The expectation is the model's own verdict on NoStaleRefreshSent for the same
 * configuration: where it holds, RUNS_HOLDING runs must all pass; where it is violated, the property must
 * fail within RUNS_BOUND runs, by a stale send. Checks that must hold come first.
 */
import { type ModelConfig, makeConfig } from "../../model/config.js";
import { builtInDesigns, type Design } from "../../model/designs/index.js";
import { modelHolds } from "../../proofs/verdict.js";

export const RUNS_HOLDING = 1_000;
/** Measured: the unlocked designs fail in 1-10 runs, locked with crashes in tens of runs. */
export const RUNS_BOUND = 1_000;

export interface InterleavingCheck {
  config: ModelConfig;
  /** A third process refreshes start to end when a command says so. */
  external: boolean;
  expect: "holds" | "fails";
  runs: number;
}

/** The checks of these designs, from their records; the model decides what each must show. */
export function interleavingChecks(designs: readonly Design[]): InterleavingCheck[] {
  const checks = designs.flatMap((design) =>
    design.checks.interleavings.map(({ external, ...input }): InterleavingCheck => {
      const config = makeConfig({ ...input, variant: design.name });
      const expect = modelHolds(config, "NoStaleRefreshSent") ? "holds" : "fails";
      return { config, external, expect, runs: expect === "holds" ? RUNS_HOLDING : RUNS_BOUND };
    }),
  );
  return [
    ...checks.filter((check) => check.expect === "holds"),
    ...checks.filter((check) => check.expect === "fails"),
  ];
}

let builtIn: readonly InterleavingCheck[] | undefined;

/** The built-in designs' checks (explored on first use). */
export function builtInInterleavingChecks(): readonly InterleavingCheck[] {
  builtIn ??= interleavingChecks(builtInDesigns());
  return builtIn;
}
