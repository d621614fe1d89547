/**
 * Runs theorems and compares each verdict with what theorems.json pins.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { INVARIANTS, type InvariantName } from "../model/vocabulary.js";
import { type Exploration, type ExploreOptions, explore } from "./explorer.js";
import { sourcePath } from "./source-tree.js";
import type { PinnedTheorem, PinnedTheorems, Theorem } from "./theorems.js";

/** theorems.json sits in the source tree (proofs/), also when running from dist/proofs/. */
export function pinnedPath(): string {
  return sourcePath("proofs", "theorems.json");
}

export function loadPinned(path = pinnedPath()): PinnedTheorems {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as PinnedTheorems;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new Error(`${path}: cannot read pinned theorems: ${(error as Error).message}`);
  }
}

export function savePinned(pinned: PinnedTheorems, path = pinnedPath()): void {
  const sorted = Object.fromEntries(
    Object.entries(pinned).sort(([left], [right]) => left.localeCompare(right)),
  );
  writeFileSync(path, `${JSON.stringify(sorted, null, 2)}\n`);
}

/** A theorem past this many states stops verify (exit 1, naming it); the largest pinned has about 26 M. */
export const THEOREM_STATES_MAX = 30_000_000;

/**
 * Theorems pinned at fewer states than this run on one thread: starting worker threads (about 0.3 s) would
 * cost more than they save.
 */
export const PARALLEL_STATES_MIN = 500_000;

/**
 * Worker threads for a theorem: all of them for a large one (by its pinned size) or one not pinned yet (its
 * size unknown, it may be large), none for a small one.
 */
export function workersFor(pinnedStates: number | undefined, workers: number): number {
  return pinnedStates === undefined || pinnedStates >= PARALLEL_STATES_MIN ? workers : 1;
}

export interface Row {
  theorem: string;
  invariant: InvariantName;
  verdict: "holds" | "violated";
  expected: "holds" | "violated" | "unpinned";
  traceLength: number | null;
  states: number;
  transitions: number;
  /** Every mismatch with the pin: verdict, trace length, state or transition count. */
  mismatches: string[];
}

export interface TheoremResult {
  theorem: Theorem;
  exploration: Exploration;
  rows: Row[];
  pinned: PinnedTheorem;
}

/**
 * What verify keeps of a theorem once its counterexamples are written: the verdicts and the counterexamples
 * as text, not the exploration's arrays (verify runs over a hundred theorems, some of tens of millions of
 * states; keeping every one would hold all of them in memory at once).
 */
export interface TheoremVerdict {
  theorem: Theorem;
  rows: Row[];
  pinned: PinnedTheorem;
  states: number;
  seconds: number;
  /** Every counterexample as numbered steps and in the seed's log shape. */
  stories: string;
}

/** The verdict of a run whose counterexamples are written (`stories`: their text, cli/counterexamples.ts). */
export function verdictOf(result: TheoremResult, stories: string): TheoremVerdict {
  const { exploration } = result;
  return {
    theorem: result.theorem,
    rows: result.rows,
    pinned: result.pinned,
    states: exploration.states,
    seconds: exploration.seconds,
    stories,
  };
}

function pinOf(exploration: Exploration): PinnedTheorem {
  const verdicts = Object.fromEntries(
    INVARIANTS.map((invariant) => {
      const violation = exploration.violations.get(invariant);
      return [invariant, violation ? { violated: violation.length } : "holds"];
    }),
  ) as PinnedTheorem["verdicts"];
  return { states: exploration.states, transitions: exploration.transitions, verdicts };
}

export function runTheorem(
  theorem: Theorem,
  expected: PinnedTheorem | undefined,
  options: ExploreOptions = {},
): TheoremResult {
  const exploration = explore(theorem.config, options);
  const pinned = pinOf(exploration);
  const rows = INVARIANTS.map((invariant): Row => {
    const actual = pinned.verdicts[invariant];
    const want = expected?.verdicts[invariant];
    const mismatches: string[] = [];
    if (expected) {
      if (JSON.stringify(actual) !== JSON.stringify(want)) {
        mismatches.push(`verdict ${JSON.stringify(actual)}, pinned ${JSON.stringify(want)}`);
      }
      if (expected.states !== pinned.states)
        mismatches.push(`states ${pinned.states}, pinned ${expected.states}`);
      if (expected.transitions !== pinned.transitions) {
        mismatches.push(`transitions ${pinned.transitions}, pinned ${expected.transitions}`);
      }
    } else {
      mismatches.push("not pinned in theorems.json (run `authrace verify --update` and review the diff)");
    }
    return {
      theorem: theorem.name,
      invariant,
      verdict: actual === "holds" ? "holds" : "violated",
      expected: want === undefined ? "unpinned" : want === "holds" ? "holds" : "violated",
      traceLength: actual === "holds" ? null : actual.violated,
      states: pinned.states,
      transitions: pinned.transitions,
      mismatches,
    };
  });
  return { theorem, exploration, rows, pinned };
}
