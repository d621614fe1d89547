/**
 * The interleaving checks authrace runs (tests and `authrace verify`): where the proofs say a design holds,
 * RUNS_HOLDING runs must all pass; where they say it fails, the property must fail within RUNS_BOUND runs, by
 * a stale send. Each check names the theorem-like configuration it mirrors.
 */
import { type ConfigInput, type ModelConfig, makeConfig } from "../../model/config.js";

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

function check(
  input: ConfigInput,
  external: boolean,
  expect: InterleavingCheck["expect"],
): InterleavingCheck {
  return {
    config: makeConfig(input),
    external,
    expect,
    runs: expect === "holds" ? RUNS_HOLDING : RUNS_BOUND,
  };
}

export const INTERLEAVING_CHECKS: readonly InterleavingCheck[] = [
  check({ variant: "locked", processes: 3, faults: ["transient", "login", "logout"] }, true, "holds"),
  check(
    { variant: "locked", processes: 3, faults: ["crash", "lostResponse"], server: { graceWindow: true } },
    true,
    "holds",
  ),
  check({ variant: "legacy", processes: 2 }, false, "fails"),
  check({ variant: "guarded", processes: 2 }, false, "fails"),
  check({ variant: "persist-locked", processes: 2 }, false, "fails"),
  check({ variant: "locked", processes: 3, faults: ["crash"] }, true, "fails"),
];
