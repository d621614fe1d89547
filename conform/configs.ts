/**
 * The configurations conformance runs, per variant, at N = 2. Faults the conductor cannot drive in one
 * process are left out and say why: `stall` (proper-lockfile keeps one registry per process, keyed by path,
 * so a reclaimed lock's old holder would release the new holder's lock) and `tornWrite` (an in-place write is
 * one port call; its two halves cannot be held apart without a test-only branch in the implementation).
 */
import { type ConfigInput, type ModelConfig, makeConfig } from "../model/config.js";
import { requireDesign } from "../model/designs/index.js";
import type { CheckInput } from "../model/designs/types.js";
import type { Fault, Variant } from "../model/vocabulary.js";

export const DRIVEN_FAULTS = [
  "crash",
  "lostResponse",
  "transient",
  "login",
  "relogin",
  "logout",
] as const satisfies readonly Fault[];

export const UNDRIVEN_FAULTS: Record<Exclude<Fault, (typeof DRIVEN_FAULTS)[number]>, string> = {
  stall:
    "proper-lockfile's lock registry is per process: one process cannot host a holder whose lock was reclaimed",
  tornWrite:
    "an in-place write is one port call; holding its two halves apart would need a branch in the implementation",
};

export const CONFORMANCE_PROCESSES = 2;
/** Bounded simple paths run per configuration in the test suite and in verify, beside the shortest paths. */
export const SIMPLE_PATHS_CHECKED = 20;

export type ConformanceTier = "test" | "verify";

function inputs(variant: Variant, tier: ConformanceTier): ConfigInput[] {
  const design = requireDesign(variant);
  const at = (input: CheckInput): ConfigInput => ({
    variant,
    processes: CONFORMANCE_PROCESSES,
    faults: [],
    server: {},
    ...input,
  });
  const list: ConfigInput[] = [at({}), at({ server: { revokeFamilyOnReuse: true } })];
  const logins: readonly Fault[] = ["login", "relogin"];
  for (const fault of DRIVEN_FAULTS) if (!logins.includes(fault)) list.push(at({ faults: [fault] }));
  // Login configurations of designs whose lock does not keep logins out have 9-12 k states at N = 2, whose
  // xstate/graph traversal alone takes over a minute: those run in the verify tier only.
  if (tier === "verify" || design.checks.conformLoginInTestTier) {
    for (const fault of logins) list.push(at({ faults: [fault] }));
  }
  for (const extra of design.checks.conformanceExtra) list.push(at(extra));
  return list;
}

export function conformanceConfigs(variant: Variant, tier: ConformanceTier): ModelConfig[] {
  return inputs(variant, tier).map(makeConfig);
}

/** A configuration conformance can drive, or the reason it cannot. */
export function drivable(config: ModelConfig): string | null {
  for (const fault of config.faults) {
    if (fault in UNDRIVEN_FAULTS)
      return `fault '${fault}': ${UNDRIVEN_FAULTS[fault as keyof typeof UNDRIVEN_FAULTS]}`;
  }
  return null;
}
