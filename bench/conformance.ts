/**
 * Figures for the real implementation against the model, printed, never asserted:
 * - conformance: model paths run on ref:<variant> per second, N = 2 (target: at least 200 paths/s), for the
 *   shortest path to every state and for the maximal paths the test suite runs; 1 and 8 lanes in one thread,
 *   and 8 lanes in each of 2 worker threads;
 * - fast-check: interleaving runs per second (locked, 2 callers and an external rotator);
 * - time to find guarded's race with fast-check: median over seeds;
 * - the mutation table: each implementation mutant's kill by conformance and by fast-check;
 * - stress: the 8 x 200 acceptance runs on real OS processes.
 */

import { checkInterleavings } from "../conform/interleave/property.js";
import { killMutant } from "../conform/mutants.js";
import { conformInWorkers } from "../conform/parallel.js";
import { inProcessSubject } from "../conform/subject.js";
import { conformConfig } from "../conform/suite.js";
import { referenceAuthImplementation } from "../impl/plugin/index.js";
import { makeConfig } from "../model/config.js";
import { mutantNames, VARIANTS } from "../model/designs/index.js";
import { formatStressAcceptance, runStressAcceptance } from "../stress/index.js";
import { MKDIR_LOCKED, RELOADS_UNLOCKED } from "./designs.js";
import { formatCount, median, table } from "./stats.js";

const PATHS_TARGET_PER_SECOND = 200;
const RACE_SEEDS = 11;
const INTERLEAVING_RUNS = 300;

export async function benchConformance(): Promise<string> {
  const rows: string[][] = [];
  const configs = [
    ...VARIANTS.map((variant) => makeConfig({ variant, processes: 2 })),
    // A bigger path set, where worker threads pay for their start-up.
    makeConfig({ variant: RELOADS_UNLOCKED, processes: 2, faults: ["crash"] }),
  ];
  for (const config of configs) {
    const { variant } = config;
    const subject = inProcessSubject(referenceAuthImplementation(variant));
    for (const [mode, everyState] of [
      ["every state", true],
      ["maximal", false],
    ] as const) {
      // fs-ext's flock addon cannot load in worker threads: a flock design is measured on the main thread.
      const runs = [[1, 1], [8, 1], ...(config.rules.lockKind === "flock" ? [] : [[8, 2]])] as const;
      for (const [lanes, workers] of runs) {
        const report =
          workers === 1
            ? await conformConfig(subject, config, { everyState, lanes })
            : await conformInWorkers({ variant }, subject.name, config, { everyState, lanes, workers });
        const seconds = report.executionMs / 1000;
        const pathsPerSecond = report.paths.run / seconds;
        rows.push([
          report.config,
          mode,
          `${lanes} x ${workers}`,
          String(report.paths.run),
          (report.steps / report.paths.run).toFixed(1),
          report.divergences.length === 0 ? "conforms" : `${report.divergences.length} divergences`,
          formatCount(pathsPerSecond),
          formatCount(report.steps / seconds),
          pathsPerSecond >= PATHS_TARGET_PER_SECOND ? "ok" : "MISSED",
        ]);
      }
    }
  }
  return table(
    [
      "conformance",
      "paths",
      "lanes",
      "run",
      "steps/path",
      "verdict",
      "paths/s",
      "steps/s",
      `>= ${PATHS_TARGET_PER_SECOND}/s`,
    ],
    rows,
  );
}

export async function benchInterleavings(): Promise<string> {
  const locked = makeConfig({ variant: MKDIR_LOCKED, processes: 3, faults: ["login", "logout"] });
  const subject = inProcessSubject(referenceAuthImplementation(MKDIR_LOCKED));
  const held = await checkInterleavings({ subject, config: locked, external: true, runs: INTERLEAVING_RUNS });
  const guarded = makeConfig({ variant: RELOADS_UNLOCKED, processes: 2 });
  const guardedSubject = inProcessSubject(referenceAuthImplementation(RELOADS_UNLOCKED));
  const finds: { milliseconds: number; runs: number }[] = [];
  for (let seed = 1; seed <= RACE_SEEDS; seed++) {
    const started = performance.now();
    const report = await checkInterleavings({ subject: guardedSubject, config: guarded, runs: 1_000, seed });
    // fc.check returns after shrinking, so the time includes it (the printed line says so).
    const elapsed = report.failure === null ? Number.NaN : performance.now() - started;
    finds.push({ milliseconds: elapsed, runs: report.runs });
  }
  const found = finds.filter((find) => !Number.isNaN(find.milliseconds));
  return [
    `fast-check, ${held.config} (2 callers, external rotator): ${held.failure === null ? "held" : "FAILED"} ` +
      `${held.runs} runs in ${(held.elapsedMs / 1000).toFixed(1)} s = ${(held.runs / (held.elapsedMs / 1000)).toFixed(1)} runs/s`,
    `fast-check finds guarded's race (guarded/N2/none) with ${found.length}/${RACE_SEEDS} seeds: ` +
      `median ${median(found.map((find) => find.milliseconds)).toFixed(0)} ms including shrinking, ` +
      `median ${median(found.map((find) => find.runs))} runs (max ${Math.max(...found.map((find) => find.runs))})`,
  ].join("\n");
}

export async function benchMutants(): Promise<string> {
  const rows: string[][] = [];
  for (const mutant of mutantNames()) {
    const kills = await killMutant(mutant);
    const cell = (kill: typeof kills.conformance, unit: string) =>
      kill.config === null
        ? `SURVIVED (${kill.detail})`
        : `${kill.config}, ${kill.effort} ${unit}, ${kill.elapsedMs.toFixed(0)} ms`;
    rows.push([
      mutant,
      cell(kills.conformance, "paths"),
      cell(kills.fastCheck, "runs"),
      kills.conformance.detail,
    ]);
  }
  return table(["mutant", "conformance kill", "fast-check kill", "first divergence"], rows);
}

export async function benchStress(): Promise<string> {
  return formatStressAcceptance(await runStressAcceptance());
}
