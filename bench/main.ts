/**
 * `npm run bench`: prints figures, asserts nothing (wall-clock times are never test verdicts).
 *
 * 1. Each theorem's exploration: states, transitions, wall time, states/s, with the target beside it
 *    (the full theorems of the unlocked and the mkdir-locked design at N = 3: under 10 s each).
 * 2. Time to the seed's counterexample (legacy, 2 processes, sequential auth()): median of SEED_RUNS runs.
 * 3. The explorer against a breadth-first search stepping the XState machine with `transition()`: same
 *    states and transitions (a differential check), states/s of each, and the ratio (target: >= 10x).
 *
 * 4. The real implementation against the model (bench/conformance.ts): conformance paths/s, fast-check runs/s,
 *    time to find guarded's race, the mutation table, and the 8 x 200 stress acceptance runs.
 *
 * 5. Load (bench/load.ts): 32 x 200 and 64 x 100 stress runs per design of LOAD_DESIGNS (the mkdir-locked one; new designs
 *    join that list): stale sends, calls/s, each driver's measured peak memory.
 * 6. cmd: programs (bench/remote.ts): the reference driver and the Python example as cmd: programs, paths/s
 *    and the whole test tier's time.
 *
 * 6. The compiled explorer (bench/compiled.ts): guarded at N = 4, 5 (and 6), the explorer part of verify, the
 *    speed-up over the interpretive reference.
 *
 * `--all` runs every theorem and a larger comparison (several minutes). `--only <section>` runs one section:
 * explorer (1-3), compiled (with N = 6), conformance, remote, interleavings, mutants, stress, load. The
 * default runs them all (several minutes).
 */

import { parseArgs } from "node:util";
import { configName, type ModelConfig, makeConfig } from "../model/config.js";
import { explore } from "../proofs/explorer.js";
import { THEOREMS, type Theorem } from "../proofs/theorems.js";
import { benchCompiled } from "./compiled.js";
import { benchConformance, benchInterleavings, benchMutants, benchStress } from "./conformance.js";
import { MKDIR_LOCKED, POSTS_CACHED, RELOADS_UNLOCKED } from "./designs.js";
import { benchLoad } from "./load.js";
import { benchRemote } from "./remote.js";
import { formatCount, formatSeconds, median, table, timed } from "./stats.js";
import { xstateSearch } from "./xstate-bfs.js";

const SEED_RUNS = 20;
const SEED_TARGET_MS = 100;
const THEOREM_TARGET_SECONDS = 10;
const RATIO_TARGET = 10;

/** The default subset: N = 3 of the unlocked and mkdir-locked designs, none and crash; the latter at N = 4. */
function defaultTheorems(): Theorem[] {
  return THEOREMS.filter((theorem) => {
    const { variant, processes, faults, server } = theorem.config;
    if (variant === MKDIR_LOCKED && processes === 4) return true;
    if (server.graceWindow || server.revokeFamilyOnReuse || theorem.name.includes(":")) return false;
    const noneOrCrash = faults.length === 0 || (faults.length === 1 && faults[0] === "crash");
    return processes === 3 && (variant === RELOADS_UNLOCKED || variant === MKDIR_LOCKED) && noneOrCrash;
  });
}

/** Only those N = 3 theorems have a time target. */
function targetOf(theorem: Theorem): number | null {
  const { variant, processes } = theorem.config;
  return processes === 3 && (variant === RELOADS_UNLOCKED || variant === MKDIR_LOCKED)
    ? THEOREM_TARGET_SECONDS
    : null;
}

function verdictMark(met: boolean): string {
  return met ? "ok" : "MISSED";
}

function benchTheorems(theorems: readonly Theorem[]): string {
  const rows = theorems.map((theorem) => {
    const exploration = explore(theorem.config);
    const target = targetOf(theorem);
    const met = target === null ? "" : verdictMark(exploration.seconds < target);
    return [
      theorem.name,
      formatCount(exploration.states),
      formatCount(exploration.transitions),
      formatSeconds(exploration.seconds),
      formatCount(exploration.states / exploration.seconds),
      target === null ? "" : `< ${target} s`,
      met,
    ];
  });
  return table(["theorem", "states", "transitions", "wall", "states/s", "target", ""], rows);
}

function benchSeed(): string {
  const config = makeConfig({ variant: POSTS_CACHED, processes: 2, calls: ["callAuth"], overlap: false });
  const runs = Array.from({ length: SEED_RUNS }, () =>
    timed(() => explore(config, { stopAtFirstViolation: true })),
  );
  const found = runs[0]?.result.violations.get("NoStaleRefreshSent");
  const milliseconds = runs.map((run) => run.milliseconds);
  const middle = median(milliseconds);
  return [
    `seed counterexample (${configName(config)}, stopAtFirstViolation), ${SEED_RUNS} runs:`,
    `  median ${middle.toFixed(2)} ms (min ${Math.min(...milliseconds).toFixed(2)}, max ${Math.max(...milliseconds).toFixed(2)})` +
      `, target < ${SEED_TARGET_MS} ms: ${verdictMark(middle < SEED_TARGET_MS)}`,
    `  ${found ? `NoStaleRefreshSent violated in ${found.length} steps` : "NO COUNTEREXAMPLE FOUND"}, ` +
      `${runs[0]?.result.states} states visited`,
  ].join("\n");
}

interface Comparison {
  config: ModelConfig;
  repetitions: number;
}

function benchComparison(comparisons: readonly Comparison[]): string {
  const rows = comparisons.map(({ config, repetitions }) => {
    const explorerRuns = Array.from({ length: Math.max(3, repetitions) }, () =>
      explore(config, { symmetry: false, progress: false }),
    );
    const xstateRuns = Array.from({ length: repetitions }, () => xstateSearch(config));
    const reference = explorerRuns[0];
    const other = xstateRuns[0];
    const same =
      reference && other && reference.states === other.states && reference.transitions === other.transitions;
    const explorerRate = median(explorerRuns.map((run) => run.states / run.seconds));
    const xstateRate = median(xstateRuns.map((run) => run.states / run.seconds));
    return [
      configName(config),
      formatCount(reference?.states ?? 0),
      same ? "yes" : `NO (xstate ${other?.states} states, ${other?.transitions} transitions)`,
      `${explorerRuns.length}/${xstateRuns.length}`,
      formatCount(explorerRate),
      formatCount(xstateRate),
      `${(explorerRate / xstateRate).toFixed(1)}x`,
      verdictMark(explorerRate / xstateRate >= RATIO_TARGET),
    ];
  });
  return table(
    [
      "configuration (no symmetry)",
      "states",
      "same graph",
      "runs",
      "explorer st/s",
      "xstate st/s",
      "ratio",
      `>= ${RATIO_TARGET}x`,
    ],
    rows,
  );
}

function warmUp(): void {
  // One small exploration first, so the first measured row does not pay for JIT compilation.
  explore(makeConfig({ variant: RELOADS_UNLOCKED, processes: 2, faults: ["crash"] }));
}

const SECTIONS = [
  "explorer",
  "compiled",
  "conformance",
  "remote",
  "interleavings",
  "mutants",
  "stress",
  "load",
] as const;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { all: { type: "boolean", default: false }, only: { type: "string" } },
    strict: true,
  });
  const all = values.all === true;
  const only = values.only;
  if (only !== undefined && !(SECTIONS as readonly string[]).includes(only)) {
    console.error(`bench: --only must be one of ${SECTIONS.join(", ")}`);
    return 2;
  }
  const wanted = (section: (typeof SECTIONS)[number]) => only === undefined || only === section;
  const comparisons: Comparison[] = [
    { config: makeConfig({ variant: RELOADS_UNLOCKED, processes: 2, faults: ["crash"] }), repetitions: 3 },
    {
      config: makeConfig({ variant: MKDIR_LOCKED, processes: 3, faults: ["crash"] }),
      repetitions: all ? 3 : 1,
    },
  ];
  if (all)
    comparisons.push({
      config: makeConfig({ variant: RELOADS_UNLOCKED, processes: 3, faults: ["crash"] }),
      repetitions: 1,
    });
  console.log(`authrace bench (Node ${process.versions.node}${all ? ", --all" : ""})\n`);
  if (wanted("explorer")) {
    warmUp();
    console.log(benchTheorems(all ? THEOREMS : defaultTheorems()));
    console.log(`\n${benchSeed()}\n`);
    console.log(benchComparison(comparisons));
  }
  if (wanted("compiled")) {
    console.log(`\n${benchCompiled({ large: all || only === "compiled", all })}`);
  }
  if (wanted("conformance")) console.log(`\n${await benchConformance()}`);
  if (wanted("remote")) console.log(`\n${await benchRemote()}`);
  if (wanted("interleavings")) console.log(`\n${await benchInterleavings()}`);
  if (wanted("mutants")) console.log(`\n${await benchMutants()}`);
  if (wanted("stress")) console.log(`\n${await benchStress()}`);
  if (wanted("load")) console.log(`\n${await benchLoad()}`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
