/**
 * The theorems: named configurations, each explored exhaustively and checked against every invariant.
 * Expected verdicts and pinned state counts live in theorems.json (written by `authrace verify --update`
 * from a real run, then reviewed); `authrace verify` fails when a run disagrees with them.
 */
import { type ConfigInput, configName, type ModelConfig, makeConfig } from "../model/config.js";
import { type Fault, type InvariantName, VARIANTS, type Variant } from "../model/vocabulary.js";

export interface Theorem {
  /** Unique, stable: the configuration's name (e.g. `locked/N3/crash/grace`), prefixed by a story if any. */
  name: string;
  /** One line: what this configuration asks. */
  question: string;
  config: ModelConfig;
  /** Runs in `npm test` (small) or only in `npm run verify` (everything). */
  tier: "test" | "verify";
}

/** The seed's story and the two races left after it, each isolated on two processes. */
const STORIES: { story: string; question: string; input: Omit<ConfigInput, "variant"> }[] = [
  {
    story: "seed",
    question: "B cached R0, A refreshes to completion, then B is asked (PR #15357's story).",
    input: { processes: 2, calls: ["callAuth"], overlap: false },
  },
  {
    story: "simultaneous",
    question: "Both processes stale and asked at once (race R1).",
    input: { processes: 2, calls: ["callAuth"] },
  },
  {
    story: "recovery",
    question: "Only 401 recovery runs: Reload, then RefreshToken with the cached token (race R3).",
    input: { processes: 2, calls: ["callUnauthorized"] },
  },
];

const COMMON_FAULTS: Fault[] = ["crash", "lostResponse", "transient", "login", "logout"];

function faultSets(variant: Variant): Fault[][] {
  const own: Fault[] = variant === "legacy" || variant === "guarded" ? ["tornWrite"] : ["stall"];
  return [[], ...[...COMMON_FAULTS, ...own].map((fault) => [fault])];
}

/** N per variant: `locked` is small enough for N = 4 under every fault; the others stop at 3. */
function processCounts(variant: Variant): number[] {
  return variant === "locked" ? [2, 3, 4] : [2, 3];
}

function build(): Theorem[] {
  const theorems: Theorem[] = [];
  for (const { story, question, input } of STORIES) {
    for (const variant of VARIANTS) {
      const config = makeConfig({ ...input, variant });
      theorems.push({ name: `${story}:${configName(config)}`, question, config, tier: "test" });
    }
  }
  for (const variant of VARIANTS) {
    for (const faults of faultSets(variant)) {
      for (const processes of processCounts(variant)) {
        const config = makeConfig({ variant, processes, faults });
        const question =
          faults.length === 0 ? "Every interleaving, no faults." : `Every interleaving with ${faults[0]}.`;
        theorems.push({
          name: configName(config),
          question,
          config,
          tier: processes === 2 ? "test" : "verify",
        });
      }
    }
  }
  // A grace window of the previous token closes what no client-side lock can: a rotation whose save is lost.
  for (const faults of [["crash"], ["lostResponse"], ["stall"]] as Fault[][]) {
    for (const processes of processCounts("locked")) {
      const config = makeConfig({ variant: "locked", processes, faults, server: { graceWindow: true } });
      const question = `${faults[0]} with a server grace window for the previous token.`;
      theorems.push({
        name: configName(config),
        question,
        config,
        tier: processes === 2 ? "test" : "verify",
      });
    }
  }
  // A server that revokes the family on reuse turns the remaining race into a logout of every process.
  for (const variant of ["guarded", "locked"] as const) {
    const config = makeConfig({ variant, processes: 2, server: { revokeFamilyOnReuse: true } });
    theorems.push({
      name: configName(config),
      question: "The server revokes the family on reuse.",
      config,
      tier: "test",
    });
  }
  return theorems;
}

export const THEOREMS: readonly Theorem[] = build();

export function findTheorem(name: string): Theorem | undefined {
  return THEOREMS.find((theorem) => theorem.name === name);
}

/** What theorems.json pins for one theorem. */
export interface PinnedTheorem {
  states: number;
  transitions: number;
  /** Per invariant: "holds", or the length of the shortest counterexample. */
  verdicts: Record<InvariantName, "holds" | { violated: number }>;
}

export type PinnedTheorems = Record<string, PinnedTheorem>;
