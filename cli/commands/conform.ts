/**
 * `authrace conform (--variant <v> | --impl <spec>) [--faults a,b] [--tier test|verify] ...`: model-based
 * conformance from the command line. Every xstate/graph path of each configuration runs on the
 * implementation through held ports (conform/suite.ts); prints each configuration's report (paths, divergences,
 * transition coverage) and one final line, or one JSON object. Exit 0 only when every configuration conforms
 * and every reachable transition was taken.
 */
import { SingleBar } from "cli-progress";
import { processName } from "../../common/names.js";
import {
  CONFORMANCE_PROCESSES,
  type ConformanceTier,
  conformanceConfigs,
  DRIVEN_FAULTS,
  drivable,
  SIMPLE_PATHS_CHECKED,
  UNDRIVEN_FAULTS,
} from "../../conform/configs.js";
import type { PathStep } from "../../conform/lockstep.js";
import { conformInWorkers, WORKERS_MAX } from "../../conform/parallel.js";
import { PathLimitError } from "../../conform/paths.js";
import { formatConformanceReport } from "../../conform/report.js";
import type { Subject } from "../../conform/subject.js";
import type { SubjectChoice } from "../../conform/subject-choice.js";
import { type ConformanceReport, conformConfig, LANES_DEFAULT, LANES_MAX } from "../../conform/suite.js";
import {
  configName,
  type ModelConfig,
  makeConfig,
  PROCESSES_MAX,
  PROCESSES_MIN,
} from "../../model/config.js";
import { VARIANTS } from "../../model/designs/index.js";
import { type Command, integerFlag, parseCommandArgs, UsageError } from "../command.js";
import { cannotRunJunit, conformJunit } from "../conform-junit.js";
import { openSubject } from "../implementation/open.js";
import { resolveSubjectChoice, SUBJECT_SPEC_FORMS } from "../implementation/spec.js";
import { writeJunit } from "../junit.js";

const CONFORM_EXIT = { conforms: 0, differs: 1, usage: 2 } as const;

/** Simple paths per configuration at most (xstate/graph's simple paths grow combinatorially). */
const SIMPLE_PATHS_MAX = 10_000;

/** Divergences printed per configuration in text (they usually share one cause); --json has every one kept. */
const DIVERGENCES_SHOWN = 1;

/** Configurations with at least this many paths get a live bar (when stderr is a terminal). */
const PROGRESS_PATHS_MIN = 50;

const usage = `usage: authrace conform --variant <variant> [options]
       authrace conform --impl <spec> [options]

Model-based conformance: xstate/graph generates paths through the model of one configuration (the shortest
path to every state, plus a path through every transition those miss); each path runs on the implementation,
N managers sharing one real auth.json, a real loopback token server and real locks, every port call held and
released in the model's order. After each step the real world is compared with the model. Prints per
configuration the paths run, transition coverage and the first divergence (its path, numbered; --json has
every one kept), then one line.

options:
  --variant <v>        ${VARIANTS.join(" | ")}: the reference implementation
                       (as --impl ref:<v>); next to --impl cmd: the model the program claims (required there)
  --impl <spec>        ${SUBJECT_SPEC_FORMS}
                       mutant: is checked against its base design's model (it must diverge);
                       module: against the variant it exports; codex: is refused (its port calls cannot
                       be held; use authrace scenario / stress)
  --faults <a,b>       one configuration with these faults instead of the list:
                       ${DRIVEN_FAULTS.join(", ")} or 'none'
                       (${Object.keys(UNDRIVEN_FAULTS).join(" and ")} cannot be driven in one process)
  --tier test|verify   the list of configurations: test (default: no faults, revoke on reuse, one per
                       driven fault, and the design record's checks.conformanceExtra) or verify (adds login
                       where the record keeps it out of the test tier: 9-12 k states, minutes of paths)
  --processes <N>      processes per configuration, ${PROCESSES_MIN}..${PROCESSES_MAX} (default ${CONFORMANCE_PROCESSES})
  --simple-paths <N>   also run up to N bounded simple paths per configuration (seeded random walks over
                       xstate/graph's adjacency map, no state twice; default ${SIMPLE_PATHS_CHECKED}, at most ${SIMPLE_PATHS_MAX})
  --lanes <K>          paths run K at a time, each lane with its own server and clock
                       (default ${LANES_DEFAULT}, at most ${LANES_MAX})
  --workers <W>        worker threads sharing the paths, each with its own lanes (default 1; one thread
                       keeps one core busy, so W = cores runs fastest), at most ${WORKERS_MAX}
  --covering           run only a covering subset of the shortest and extended paths: greedily the path
                       taking the most transitions not yet taken, until every reachable one is (for slow
                       subjects such as cmd: programs; states are no longer all visited)
  --json               one JSON object on stdout instead of text
  --junit FILE         also write a JUnit XML report: one test case per configuration, a divergence or
                       missing coverage as its failure (the report with the numbered path as the text)

A cmd: program is started once before any path: one that cannot be started, exits or hangs while
starting, or has no held mode is reported as that (its exit code and its stderr line), and no path runs.

exit status: 0 every configuration conforms and every reachable transition was taken; 1 a divergence,
coverage below 100%, or the implementation could not be opened or run; 2 usage.

examples: authrace conform --variant locked
          authrace conform --variant locked --faults crash
          authrace conform --impl mutant:save-in-place
          authrace conform --impl 'cmd:node my-driver.js' --variant locked --covering
          authrace conform --impl 'cmd:python3 examples/python/authrace_driver.py' --variant locked`;

function tierOf(text: string | undefined): ConformanceTier {
  if (text === undefined) return "test";
  if (text !== "test" && text !== "verify") throw new UsageError(`--tier: '${text}' is not test or verify`);
  return text;
}

/** `crash,login` -> ["crash", "login"]; `none` -> []. */
function faultsOf(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const faults = text
    .split(",")
    .map((fault) => fault.trim())
    .filter((fault) => fault !== "");
  return faults.length === 1 && faults[0] === "none" ? [] : faults;
}

export interface ConformArguments {
  choice: SubjectChoice;
  faults: string[] | undefined;
  tier: ConformanceTier;
  processes: number | undefined;
  simplePathsMax: number;
  lanes: number;
  workers: number;
  /** Only a covering subset of the shortest and extended paths (every reachable transition still taken). */
  covering: boolean;
  json: boolean;
  /** Where to write a JUnit XML report. */
  junit: string | undefined;
}

/** Pure: argv to arguments; every mistake is a UsageError. */
function parseConformArgs(argv: string[]): ConformArguments {
  const { values } = parseCommandArgs({
    args: argv,
    options: {
      variant: { type: "string" },
      impl: { type: "string" },
      faults: { type: "string" },
      tier: { type: "string" },
      processes: { type: "string" },
      "simple-paths": { type: "string" },
      lanes: { type: "string" },
      workers: { type: "string" },
      covering: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      junit: { type: "string" },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.faults !== undefined && values.tier !== undefined) {
    throw new UsageError("--faults names one configuration, --tier a list of them: give one or the other");
  }
  return {
    choice: resolveSubjectChoice(values),
    faults: faultsOf(values.faults),
    tier: tierOf(values.tier),
    processes: integerFlag("--processes", values.processes, PROCESSES_MIN, PROCESSES_MAX),
    simplePathsMax:
      integerFlag("--simple-paths", values["simple-paths"], 0, SIMPLE_PATHS_MAX) ?? SIMPLE_PATHS_CHECKED,
    lanes: integerFlag("--lanes", values.lanes, 1, LANES_MAX) ?? LANES_DEFAULT,
    workers: integerFlag("--workers", values.workers, 1, WORKERS_MAX) ?? 1,
    covering: values.covering === true,
    json: values.json === true,
    junit: values.junit,
  };
}

/** The configurations to run for the subject's variant; an invalid or undrivable one is a UsageError. */
function selectConfigs(subject: Subject, args: ConformArguments): ModelConfig[] {
  const variant = subject.variant;
  const processes = args.processes ?? CONFORMANCE_PROCESSES;
  let configs: ModelConfig[];
  try {
    configs =
      args.faults === undefined
        ? conformanceConfigs(variant, args.tier).map((config) => makeConfig({ ...config, processes }))
        : [makeConfig({ variant, processes, faults: args.faults })];
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(`--faults/--processes: ${error.message}`);
    throw error;
  }
  for (const config of configs) {
    const reason = drivable(config);
    if (reason !== null) throw new UsageError(`--faults: ${reason}`);
  }
  return configs;
}

/** Conforms, every path ran, and every reachable transition was taken. */
function fullyConforms(report: ConformanceReport): boolean {
  return (
    report.divergences.length === 0 &&
    report.paths.run === report.paths.generated &&
    report.coverage.covered === report.coverage.reachable
  );
}

function summaryLine(subject: Subject, reports: readonly ConformanceReport[]): string {
  const paths = reports.reduce((sum, report) => sum + report.paths.run, 0);
  const steps = reports.reduce((sum, report) => sum + report.steps, 0);
  const divergences = reports.reduce((sum, report) => sum + report.divergences.length, 0);
  const partial = reports.filter((report) => report.coverage.covered < report.coverage.reachable).length;
  const counts = `${reports.length} configuration(s), ${paths} paths, ${steps} steps`;
  if (reports.every(fullyConforms)) {
    return `${subject.name} conforms to the ${subject.variant} model: ${counts}, every reachable transition taken`;
  }
  return `${subject.name} DOES NOT CONFORM to the ${subject.variant} model: ${counts}; ${divergences} divergence(s), coverage below 100% in ${partial} configuration(s)`;
}

function jsonPath(path: readonly PathStep[]) {
  return path.map((step) => ({
    event: step.event,
    process: step.process < 0 ? null : processName(step.process),
  }));
}

function reportJson(report: ConformanceReport) {
  return {
    ...report,
    conforms: fullyConforms(report),
    divergences: report.divergences.map(({ path, divergence }) => ({ path: jsonPath(path), divergence })),
    generationMs: Math.round(report.generationMs),
    executionMs: Math.round(report.executionMs),
  };
}

/** A live bar per configuration on a terminal; nothing otherwise (the report follows each configuration). */
function progressBar(json: boolean) {
  const live = process.stderr.isTTY === true;
  let bar: SingleBar | null = null;
  return {
    onPath(name: string, done: number, total: number) {
      if (!live || total < PROGRESS_PATHS_MIN) return;
      if (bar === null) {
        bar = new SingleBar(
          {
            format: `conform ${name} | {bar} | {value}/{total} paths | {duration}s`,
            stream: process.stderr,
            hideCursor: true,
            clearOnComplete: json,
          },
          undefined,
        );
        bar.start(total, 0);
      }
      bar.update(done);
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}

async function run(argv: string[]): Promise<number> {
  const args = parseConformArgs(argv);
  const opened = await openSubject(args.choice);
  if (!opened.ok) {
    console.error(`authrace conform: cannot open the implementation: ${opened.message}`);
    return CONFORM_EXIT.differs;
  }
  const { subject } = opened;
  const configs = selectConfigs(subject, args);
  const cannotRun = (await subject.preflight?.()) ?? null;
  if (cannotRun !== null) return reportCannotRun(subject, args, cannotRun);
  const reports: ConformanceReport[] = [];
  for (const config of configs) {
    const bar = progressBar(args.json);
    let report: ConformanceReport;
    try {
      const options = {
        lanes: args.lanes,
        simplePathsMax: args.simplePathsMax,
        coveringOnly: args.covering,
        onPath: (done: number, total: number) => bar.onPath(configName(config), done, total),
      };
      // fs-ext's flock addon cannot be loaded in worker threads: a flock design runs its paths here.
      const threads = config.rules.lockKind === "flock" ? 1 : args.workers;
      if (threads < args.workers) {
        console.error(
          `authrace conform: ${configName(config)}: a flock design runs on the main thread (--workers ignored)`,
        );
      }
      report =
        threads > 1
          ? await conformInWorkers(args.choice, subject.name, config, { ...options, workers: threads })
          : await conformConfig(subject, config, options);
    } catch (error) {
      // A limit hit while generating paths (PATH_STATES_MAX) names itself; nothing ran.
      if (!(error instanceof PathLimitError)) throw error;
      console.error(`authrace conform: ${configName(config)}: ${error.message}`);
      return CONFORM_EXIT.differs;
    } finally {
      bar.stop();
    }
    reports.push(report);
    if (!args.json)
      console.log(`${formatConformanceReport(report, { divergencesShown: DIVERGENCES_SHOWN })}\n`);
  }
  const ok = reports.every(fullyConforms);
  if (args.json) {
    const configurations = reports.map(reportJson);
    console.log(
      JSON.stringify({ implementation: subject.name, variant: subject.variant, ok, configurations }, null, 2),
    );
  } else {
    console.log(summaryLine(subject, reports));
  }
  const written =
    args.junit === undefined
      ? null
      : writeJunit(args.junit, [conformJunit(subject.name, reports, fullyConforms)]);
  if (written !== null) {
    console.error(`authrace conform: ${written}`);
    return CONFORM_EXIT.differs;
  }
  return ok ? CONFORM_EXIT.conforms : CONFORM_EXIT.differs;
}

/** A program that could not be run: said as that (not as divergences), in text, JSON and JUnit alike. */
function reportCannotRun(subject: Subject, args: ConformArguments, problem: string): number {
  console.error(`authrace conform: the implementation cannot be run: ${problem}`);
  if (args.json) {
    const value = { implementation: subject.name, variant: subject.variant, ok: false, cannotRun: problem };
    console.log(JSON.stringify(value, null, 2));
  }
  const written =
    args.junit === undefined
      ? null
      : writeJunit(args.junit, [cannotRunJunit("conform", subject.name, problem)]);
  if (written !== null) console.error(`authrace conform: ${written}`);
  return CONFORM_EXIT.differs;
}

export const command: Command = {
  name: "conform",
  summary: "run the model's paths on an implementation step by step; divergences and transition coverage",
  usage,
  run,
};
