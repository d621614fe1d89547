/**
 * The theorems: named configurations, each explored exhaustively and checked against every invariant.
 * Expected verdicts and pinned state counts live in theorems.json (written by `authrace verify --update`
 * from a real run, then reviewed); `authrace verify` fails when a run disagrees with them.
 */
import {
  applicableFaults,
  type ConfigInput,
  configName,
  type ModelConfig,
  makeConfig,
} from "../model/config.js";
import { builtInDesigns, type Design } from "../model/designs/index.js";
import type { ExplainedCounterexample } from "../model/designs/types.js";
import type { Fault, InvariantName } from "../model/vocabulary.js";

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
    question:
      "Only API requests and their 401 recovery run: Reload, the request again, RefreshToken (race R3).",
    input: { processes: 2, calls: ["callUnauthorized"] },
  },
  {
    story: "recovery",
    question: "The same, on an API that checks an access token's exp only (a stateless JWT check).",
    input: { processes: 2, calls: ["callUnauthorized"], server: { apiChecksExpiryOnly: true } },
  },
];

/** Every single fault the design admits (vocabulary.ts FAULT_LIST order), and none. */
function faultSets(design: Design): Fault[][] {
  return [[], ...applicableFaults(design.rules).map((fault) => [fault])];
}

function theorem(config: ModelConfig, question: string, story?: string): Theorem {
  const name = story === undefined ? configName(config) : `${story}:${configName(config)}`;
  return { name, question, config, tier: config.processes === 2 ? "test" : "verify" };
}

/** The theorems of the built-in designs, each read from its record (model/designs/). */
export function theoremsOf(designs: readonly Design[]): Theorem[] {
  const theorems: Theorem[] = [];
  for (const { story, question, input } of STORIES) {
    for (const design of designs)
      theorems.push(theorem(makeConfig({ ...input, variant: design.name }), question, story));
  }
  for (const design of designs) {
    for (const faults of faultSets(design)) {
      for (const processes of design.checks.theoremProcesses) {
        const question =
          faults.length === 0 ? "Every interleaving, no faults." : `Every interleaving with ${faults[0]}.`;
        theorems.push(theorem(makeConfig({ variant: design.name, processes, faults }), question));
      }
    }
  }
  // Beyond the theorems' N, without faults: does a larger N change a fault-free verdict?
  for (const design of designs) {
    for (const processes of design.checks.noFaultProcesses) {
      const config = makeConfig({ variant: design.name, processes });
      theorems.push(theorem(config, "Every interleaving, no faults, at a larger N."));
    }
  }
  // A grace window of the previous token closes what no client-side lock can: a rotation whose save is lost.
  for (const design of designs) {
    for (const faults of design.checks.graceFaults) {
      for (const processes of design.checks.theoremProcesses) {
        const config = makeConfig({ variant: design.name, processes, faults, server: { graceWindow: true } });
        theorems.push(theorem(config, `${faults[0]} with a server grace window for the previous token.`));
      }
    }
  }
  // Every fault the design admits at once: faults that are harmless alone may combine.
  for (const design of designs) {
    for (const { processes, faultsMax, without = [] } of design.checks.faultsTogether) {
      const faults = applicableFaults(design.rules).filter((fault) => !without.includes(fault));
      const config = makeConfig({ variant: design.name, processes, faults, faultsMax });
      const times = faultsMax === 1 ? "" : `, each up to ${faultsMax} times`;
      const but = without.length === 0 ? "" : ` but ${without.join(" and ")}`;
      const question = `Every fault the design admits${but}, together${times}.`;
      theorems.push({ ...theorem(config, question), tier: "verify" });
    }
  }
  // 0.171's login and logout take its flock (seen on the binary: codex/login-lock.ts); the other way shows what
  // that lock buys.
  for (const design of designs) {
    if (!design.checks.loginLockBothWays) continue;
    for (const fault of ["login", "logout"] as const) {
      for (const processes of design.checks.theoremProcesses) {
        const loginTakesLock = !design.rules.loginTakesLock;
        const config = makeConfig({ variant: design.name, processes, faults: [fault], loginTakesLock });
        const how = loginTakesLock ? "takes" : "does not take";
        theorems.push(
          theorem(config, `${fault} by another process that ${how} the lock (0.171's takes it).`),
        );
      }
    }
  }
  // A server that revokes the family on reuse turns the remaining race into a logout of every process.
  for (const design of designs) {
    if (!design.checks.revokeOnReuse) continue;
    const config = makeConfig({ variant: design.name, processes: 2, server: { revokeFamilyOnReuse: true } });
    theorems.push(theorem(config, "The server revokes the family on reuse."));
  }
  return theorems;
}

/** The theorem a design's explained counterexample comes from (its record's `checks.explained`). */
export function explainedTheoremName(design: Design, explained: ExplainedCounterexample): string {
  const story = STORIES.find((entry) => entry.story === explained.story);
  if (explained.story !== undefined && !story) {
    throw new RangeError(
      `design '${design.name}': checks.explained '${explained.id}' names no story '${explained.story}'`,
    );
  }
  const input: ConfigInput = {
    ...(story?.input ?? { processes: 2 }),
    variant: design.name,
    faults: explained.faults ?? [],
    ...(explained.server ? { server: explained.server } : {}),
  };
  return theorem(makeConfig(input), "", explained.story).name;
}

/** A story's configuration for one design (e.g. the seed's, which the stale-cache scenario runs for real). */
export function storyConfig(story: string, variant: string): ModelConfig {
  const found = STORIES.find((entry) => entry.story === story);
  if (!found)
    throw new RangeError(`no story '${story}' (known: ${STORIES.map((entry) => entry.story).join(", ")})`);
  return makeConfig({ ...found.input, variant });
}

function build(): Theorem[] {
  return theoremsOf(builtInDesigns());
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
