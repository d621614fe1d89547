/**
 * The compiled explorer's figures (issue #12's targets), printed, never asserted:
 * - guarded without faults at N = 4, 5 and 6 (N = 6 only with --all or --only compiled, within a time and
 *   memory budget: a run that hits it prints the limit instead of figures): states, transitions, wall and
 *   CPU seconds (the median of COMPILED_RUNS runs), states per CPU second, bytes per state, and the speed-up
 *   over the interpretive reference (`exploreReference`, run once) where it is run (N = 4 always, N = 5
 *   with --all);
 * - the explorer part of `npm run verify`: every theorem and every mutant kill with its control.
 * Targets: >= 1 M states/s on guarded N = 5 on one core, N = 5 complete in < 2 s, N = 6 in < 60 s within
 * 4 GB, the explorer part of verify in < 10 s. On a shared machine the CPU seconds (process.cpuUsage) say
 * more than the wall clock; ratios compare two runs of one bench.
 */

import { configName, type ModelConfig, makeConfig } from "../model/config.js";
import {
  type Exploration,
  type ExploreOptions,
  explore,
  exploreReference,
  LimitExceeded,
} from "../proofs/explorer.js";
import { MUTANT_KILLS } from "../proofs/mutants.js";
import { THEOREMS } from "../proofs/theorems.js";
import { RELOADS_UNLOCKED } from "./designs.js";
import { formatCount, formatSeconds, table } from "./stats.js";

const MEBIBYTE = 1024 * 1024;
const N6_BYTES_MAX = 4 * 1024 * MEBIBYTE;
const N6_STATES_MAX = 100_000_000;
/** The bench's budget for N = 6 (the target is 60 s; past this the row says which limit stopped it). */
const N6_SECONDS_MAX = 240;
/** Runs of the compiled explorer per row; the row shows the run with the median CPU time. */
const COMPILED_RUNS = 3;

interface Measured {
  exploration: Exploration;
  wallSeconds: number;
  cpuSeconds: number;
}

function measure(run: () => Exploration): Measured {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const exploration = run();
  const used = process.cpuUsage(cpu);
  return {
    exploration,
    wallSeconds: (performance.now() - started) / 1000,
    cpuSeconds: (used.user + used.system) / 1e6,
  };
}

/** The run with the median CPU time of `runs` runs (other agents share the CPU: the median is the honest one). */
function medianOf(runs: number, run: () => Exploration): Measured {
  const measured = Array.from({ length: runs }, () => measure(run));
  measured.sort((left, right) => left.cpuSeconds - right.cpuSeconds);
  return measured[Math.floor(runs / 2)] as Measured;
}

function row(config: ModelConfig, compiled: Measured, reference: Measured | null, target: string): string[] {
  const { states, transitions, bytesPerState } = compiled.exploration;
  return [
    configName(config),
    formatCount(states),
    formatCount(transitions),
    formatSeconds(compiled.wallSeconds),
    formatSeconds(compiled.cpuSeconds),
    formatCount(states / compiled.cpuSeconds),
    formatCount(bytesPerState),
    reference ? `${(reference.cpuSeconds / compiled.cpuSeconds).toFixed(1)}x` : "",
    reference ? `${(reference.wallSeconds / compiled.wallSeconds).toFixed(1)}x` : "",
    target,
  ];
}

function guardedRows(all: boolean): string[][] {
  const rows: string[][] = [];
  const sizes: {
    processes: number;
    runs: number;
    reference: boolean;
    options: ExploreOptions;
    target: string;
  }[] = [
    { processes: 4, runs: COMPILED_RUNS, reference: true, options: {}, target: "" },
    {
      processes: 5,
      runs: all ? COMPILED_RUNS : 1,
      reference: all,
      options: {},
      target: ">= 1 M st/s, < 2 s",
    },
  ];
  if (all) {
    const limits = { statesMax: N6_STATES_MAX, bytesMax: N6_BYTES_MAX, secondsMax: N6_SECONDS_MAX };
    sizes.push({ processes: 6, runs: 1, reference: false, options: { limits }, target: "< 60 s, < 4 GB" });
  }
  for (const { processes, runs, reference, options, target } of sizes) {
    const config = makeConfig({ variant: RELOADS_UNLOCKED, processes });
    try {
      const compiled = medianOf(runs, () => explore(config, options));
      const interpreted = reference ? measure(() => exploreReference(config, options)) : null;
      rows.push(row(config, compiled, interpreted, target));
    } catch (error) {
      if (!(error instanceof LimitExceeded)) throw error;
      rows.push([configName(config), `stopped: ${error.message}`, "", "", "", "", "", "", "", target]);
    }
  }
  return rows;
}

/** Every exploration `verify` runs: the theorems, then each mutant kill and its control. */
function verifyConfigs(): ModelConfig[] {
  return [
    ...THEOREMS.map((theorem) => theorem.config),
    ...MUTANT_KILLS.flatMap((kill) => [kill.config, kill.control]),
  ];
}

function verifyRow(all: boolean): string[][] {
  const configs = verifyConfigs();
  const runAll = (explorer: typeof explore) => () => {
    let states = 0;
    let transitions = 0;
    for (const config of configs) {
      const exploration = explorer(config);
      states += exploration.states;
      transitions += exploration.transitions;
    }
    return { states, transitions };
  };
  const timedAll = (explorer: typeof explore) => {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const totals = runAll(explorer)();
    const used = process.cpuUsage(cpu);
    return {
      ...totals,
      wallSeconds: (performance.now() - started) / 1000,
      cpuSeconds: (used.user + used.system) / 1e6,
    };
  };
  const compiled = timedAll(explore);
  const reference = all ? timedAll(exploreReference) : null;
  return [
    [
      `verify's explorer part (${configs.length} explorations)`,
      formatCount(compiled.states),
      formatCount(compiled.transitions),
      formatSeconds(compiled.wallSeconds),
      formatSeconds(compiled.cpuSeconds),
      formatCount(compiled.states / compiled.cpuSeconds),
      "",
      reference ? `${(reference.cpuSeconds / compiled.cpuSeconds).toFixed(1)}x` : "",
      reference ? `${(reference.wallSeconds / compiled.wallSeconds).toFixed(1)}x` : "",
      "< 10 s",
    ],
  ];
}

export function benchCompiled(all: boolean): string {
  const rows = [...guardedRows(all), ...verifyRow(all)];
  return table(
    [
      "compiled explorer",
      "states",
      "transitions",
      "wall",
      "cpu (median)",
      "states/cpu-s",
      "bytes/state",
      "vs reference (cpu)",
      "(wall)",
      "target",
    ],
    rows,
  );
}
