/**
 * The kill list: for each mutant (model/mutants.ts), the smallest configuration found in which the explorer
 * finds it violating an invariant that its base design holds in the same configuration (the control).
 * "Smallest": N = 2, the fewest faults and the smallest fault budget, then the fewest states; found by
 * exploring the stories, every single fault and every pair of faults at N = 2 (with and without a grace
 * window), and budgets of 2 where nothing smaller killed. docs/mutation.md has the table.
 *
 * State counts and verdicts of both configurations are pinned in proofs/mutants.json, in theorems.json's
 * format and with its helpers; `updateMutantPins()` re-pins from a real run (review the diff).
 */
import {
  type ConfigInput,
  configName,
  faultObstacle,
  type ModelConfig,
  makeConfig,
} from "../model/config.js";
import { builtInDesigns, type MutantName, requireMutant } from "../model/designs/index.js";
import type { Fault, InvariantName } from "../model/vocabulary.js";
import type { ExploreOptions } from "./explorer.js";
import { loadPinned, type Row, runTheorem, savePinned } from "./run.js";
import { sourcePath } from "./source-tree.js";
import type { PinnedTheorem, PinnedTheorems, Theorem } from "./theorems.js";

export interface MutantKill {
  mutant: MutantName;
  /** The invariant the mutant violates here and its base design holds. */
  invariant: InvariantName;
  /** One line: the story of the counterexample. */
  story: string;
  /** The killing configuration, mutant included. */
  config: ModelConfig;
  /** The same configuration for the base design (faults the base does not admit dropped). */
  control: ModelConfig;
}

type KillInput = Omit<ConfigInput, "variant" | "mutant">;

const SEED: KillInput = { processes: 2, calls: ["callAuth"], overlap: false };
const SIMULTANEOUS: KillInput = { processes: 2, calls: ["callAuth"] };

const KILLS: { mutant: MutantName; invariant: InvariantName; story: string; input: KillInput }[] = [
  {
    mutant: "no-account-check",
    invariant: "DiskNeverRegresses",
    story:
      "A stalls holding the lock; B's login; A adopts B's token and redeems it; B logs in again; A saves the older B token over the new login.",
    // Nothing smaller kills it: adopting another account's snapshot breaks no invariant by itself (see
    // docs/mutation.md). It takes a holder whose lock expired, and two logins to account B.
    input: { processes: 2, faults: ["login", "stall"], faultsMax: 2 },
  },
  {
    mutant: "reload-without-compare",
    invariant: "NoStaleRefreshSent",
    story: "The seed's story: A refreshes to R1 and saves it; B's reload ignores the change and POSTs R0.",
    input: SEED,
  },
  {
    mutant: "unlock-before-save",
    invariant: "NoStaleRefreshSent",
    story:
      "A redeems R0 and releases the lock before saving R1; B takes the lock, re-reads R0 and POSTs it. (The seed's sequential calls cannot kill it: B starts only once A has saved.)",
    input: SIMULTANEOUS,
  },
  {
    mutant: "no-reread-after-lock",
    invariant: "NoStaleRefreshSent",
    story: "The seed's story: A refreshes to R1 and saves it; B takes the lock and POSTs its cached R0.",
    input: SEED,
  },
  {
    mutant: "save-in-place",
    invariant: "NoSpuriousLogout",
    story:
      "A crashes halfway through its in-place save; once its lock goes stale B reads the torn auth.json and is told it is logged out.",
    // Without a grace window the base design already fails NoSpuriousLogout under crash (a lost save).
    input: { processes: 2, faults: ["crash", "tornWrite"], server: { graceWindow: true } },
  },
  {
    mutant: "flock-released-before-save",
    invariant: "NoStaleRefreshSent",
    story:
      "A redeems R0 and drops its flock before saving R1; B takes the flock, re-reads R0 and POSTs it. (As unlock-before-save: the seed's sequential calls cannot kill it.)",
    input: SIMULTANEOUS,
  },
  {
    mutant: "flock-without-reread",
    invariant: "NoStaleRefreshSent",
    story: "The seed's story: A refreshes to R1 and saves it; B takes the flock and POSTs its cached R0.",
    input: SEED,
  },
  {
    mutant: "poison-never-cleared",
    invariant: "Converges",
    story:
      "A and B both POST R0; the loser is poisoned, and adopting A's R1 no longer clears it: it fails fast forever.",
    input: SIMULTANEOUS,
  },
];

function build(): MutantKill[] {
  return KILLS.map(({ mutant, invariant, story, input }) => {
    const base = requireMutant(mutant).base;
    // A fault the design does not admit (tornWrite on an atomic writer) is dropped from the control.
    const controlFaults = (input.faults ?? []).filter(
      (fault) => faultObstacle(fault as Fault, base.rules) === null,
    );
    return {
      mutant,
      invariant,
      story,
      config: makeConfig({ ...input, variant: base.name, mutant }),
      control: makeConfig({ ...input, variant: base.name, faults: controlFaults }),
    };
  });
}

export const MUTANT_KILLS: readonly MutantKill[] = build();

for (const design of builtInDesigns()) {
  for (const { name } of design.mutants) {
    if (!MUTANT_KILLS.some((kill) => kill.mutant === name))
      throw new Error(`proofs/mutants: no kill for ${name}`);
  }
}

function mutantPinsPath(): string {
  return sourcePath("proofs", "mutants.json");
}

export function loadMutantPins(path = mutantPinsPath()): PinnedTheorems {
  return loadPinned(path);
}

export interface MutantKillResult {
  mutant: MutantName;
  /** The killing configuration's name (it ends in `/mutant:<name>`). */
  config: string;
  invariant: InvariantName;
  /** Length of the shortest counterexample; null when the mutant survived (a failure of the kill list). */
  killedInSteps: number | null;
  states: number;
  transitions: number;
  elapsedMs: number;
  /** The control configuration's name, and whether the base design holds the invariant there. */
  control: string;
  controlHolds: boolean;
  controlStates: number;
  controlElapsedMs: number;
  /** Every disagreement of either run with proofs/mutants.json (empty when both match their pins). */
  mismatches: string[];
}

function asTheorem(config: ModelConfig, question: string): Theorem {
  return { name: configName(config), question, config, tier: "test" };
}

function rowOf(rows: readonly Row[], invariant: InvariantName): Row {
  const row = rows.find((candidate) => candidate.invariant === invariant);
  if (row === undefined) throw new Error(`proofs/mutants: no row for ${invariant}`);
  return row;
}

/** Every disagreement of one run with its pin; a missing pin is one disagreement. */
function mismatchesOf(name: string, rows: readonly Row[], pin: PinnedTheorem | undefined): string[] {
  if (pin === undefined)
    return [`${name}: not pinned in proofs/mutants.json (run updateMutantPins, review the diff)`];
  return [...new Set(rows.flatMap((row) => row.mismatches.map((mismatch) => `${name}: ${mismatch}`)))];
}

/** Explores one kill and its control, each compared with its pin (`pinned` null: compare nothing). */
export function runMutantKill(
  kill: MutantKill,
  pinned: PinnedTheorems | null = loadMutantPins(),
  options: ExploreOptions = {},
): MutantKillResult & { pins: PinnedTheorems } {
  const mutant = asTheorem(kill.config, requireMutant(kill.mutant).mutant.breaks);
  const control = asTheorem(kill.control, `control for ${kill.mutant}`);
  const killed = runTheorem(mutant, pinned?.[mutant.name], options);
  const held = runTheorem(control, pinned?.[control.name], options);
  const mismatches =
    pinned === null
      ? []
      : [
          ...mismatchesOf(mutant.name, killed.rows, pinned[mutant.name]),
          ...mismatchesOf(control.name, held.rows, pinned[control.name]),
        ];
  return {
    mutant: kill.mutant,
    config: mutant.name,
    invariant: kill.invariant,
    killedInSteps: rowOf(killed.rows, kill.invariant).traceLength,
    states: killed.pinned.states,
    transitions: killed.pinned.transitions,
    elapsedMs: Math.round(killed.exploration.seconds * 1000),
    control: control.name,
    controlHolds: rowOf(held.rows, kill.invariant).verdict === "holds",
    controlStates: held.pinned.states,
    controlElapsedMs: Math.round(held.exploration.seconds * 1000),
    mismatches,
    pins: { [mutant.name]: killed.pinned, [control.name]: held.pinned },
  };
}

/** Runs every kill from an actual explorer run and compares it with proofs/mutants.json. */
export function runMutantKills(
  pinned: PinnedTheorems | null = loadMutantPins(),
  options: ExploreOptions = {},
): MutantKillResult[] {
  return MUTANT_KILLS.map((kill) => {
    const { pins: _pins, ...result } = runMutantKill(kill, pinned, options);
    return result;
  });
}

/**
 * Re-pins proofs/mutants.json from a real run (then review the diff), e.g. after `npm run build`:
 * `node -e 'import("./dist/proofs/mutants.js").then((m) => console.table(m.updateMutantPins()))'`.
 */
export function updateMutantPins(path = mutantPinsPath()): MutantKillResult[] {
  const pins: PinnedTheorems = {};
  const results = MUTANT_KILLS.map((kill) => {
    const { pins: own, ...result } = runMutantKill(kill, null);
    Object.assign(pins, own);
    return result;
  });
  savePinned(pins, path);
  return results;
}
