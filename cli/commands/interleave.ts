/**
 * `authrace interleave (--variant <v> | --impl <spec>) [options]`: fast-check interleavings on a real
 * implementation. Random commands (calls, time passing, an external rotation, the configuration's faults)
 * while fast-check's scheduler picks which process takes its next held port call; every step is checked
 * against the model and no rotated-out token may reach the real server. A failure is minimised on the model,
 * confirmed on the implementation and printed beside the model's shortest counterexample, with the seed,
 * path and schedule that replay it.
 */
import { SingleBar } from "cli-progress";
import { DRIVEN_FAULTS } from "../../conform/configs.js";
import { minimiseFailure } from "../../conform/interleave/minimise.js";
import {
  COMMANDS_PER_RUN_DEFAULT,
  checkInterleavings,
  type InterleavingReport,
  RUNS_MAX,
} from "../../conform/interleave/property.js";
import { formatInterleavingReport } from "../../conform/interleave/report.js";
import { type ModelConfig, makeConfig, PROCESSES_MAX } from "../../model/config.js";
import { VARIANTS } from "../../model/designs/index.js";
import type { Variant } from "../../model/vocabulary.js";
import { type Command, integerFlag, parseCommandArgs, UsageError } from "../command.js";
import { cannotRunJunit, interleaveJunit } from "../conform-junit.js";
import { openSubject } from "../implementation/open.js";
import { resolveSubjectChoice, SUBJECT_SPEC_FORMS } from "../implementation/spec.js";
import { writeJunit } from "../junit.js";

const INTERLEAVE_EXIT = { held: 0, failed: 1, usage: 2 } as const;
const RUNS_DEFAULT = 1_000;
const CALLERS_DEFAULT = 2;
const COMMANDS_MAX = 50;

const usage = `usage: authrace interleave (--variant <v> | --impl <spec>) [options]

fast-check interleavings with real I/O: each run makes random commands (auth(), refreshToken(), a 401
recovery, time passing, the configuration's faults, and with --external a whole refresh by another process)
while fast-check's scheduler picks which process takes its next held port call. Every step is checked against
the model; the property fails on a divergence or when a rotated-out refresh token reaches the real server.

options:
  --variant <v>       ${VARIANTS.join(" | ")} (the reference implementation; the model with --impl cmd:)
  --impl <spec>       ${SUBJECT_SPEC_FORMS}
  --faults a,b        driven faults: ${DRIVEN_FAULTS.join(", ")} (default none)
  --callers N         processes making calls (default ${CALLERS_DEFAULT})
  --external          add a process that refreshes start to end when a command says so
  --grace             the server accepts the previous refresh token once (grace window)
  --revoke            the server revokes the whole family on reuse
  --runs N            property runs (default ${RUNS_DEFAULT}, at most ${RUNS_MAX})
  --commands N        commands per run at most (default ${COMMANDS_PER_RUN_DEFAULT}, at most ${COMMANDS_MAX})
  --seed S            fast-check seed (printed first; random when omitted)
  --path P            with --seed and --replay-path: replay one reported counterexample
  --replay-path R     fc.commands' replay path, printed with the counterexample
  --conformance-only  judge conformance to the model only: a rotated-out token reaching the server (the
                      design's own failure, e.g. locked with crashes) is counted, not a failure, so the
                      runs go on until an implementation bug (a divergence) shows, or all runs conform
  --json              one JSON object
  --junit FILE        also write a JUnit XML report (one test case: this check; the failing run as its text)

A cmd: program is started once first: one that cannot be started, exits or hangs while starting is reported
as that (its exit code and its stderr line), and no run is made.

exit codes: 0 every run held (conformed, with --conformance-only), 1 the property failed (a stale send or a
divergence) or the implementation could not be run, 2 usage`;

/** A program that could not be run: said as that, and as an error case in the JUnit report. */
function cannotRun(subjectName: string, problem: string, junit: string | undefined): number {
  console.error(`authrace interleave: the implementation cannot be run: ${problem}`);
  const written =
    junit === undefined ? null : writeJunit(junit, [cannotRunJunit("interleave", subjectName, problem)]);
  if (written !== null) console.error(`authrace interleave: ${written}`);
  return INTERLEAVE_EXIT.failed;
}

function parseInterleaveFlags(argv: string[]) {
  return parseCommandArgs({
    args: argv,
    options: {
      variant: { type: "string" },
      impl: { type: "string" },
      faults: { type: "string" },
      callers: { type: "string" },
      external: { type: "boolean", default: false },
      grace: { type: "boolean", default: false },
      revoke: { type: "boolean", default: false },
      runs: { type: "string" },
      commands: { type: "string" },
      seed: { type: "string" },
      path: { type: "string" },
      "replay-path": { type: "string" },
      "conformance-only": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      junit: { type: "string" },
    },
  }).values;
}

type InterleaveFlags = ReturnType<typeof parseInterleaveFlags>;

/** The configuration to run: the subject's variant, the callers (plus the rotator), faults and server. */
function configOf(variant: Variant, values: InterleaveFlags): { config: ModelConfig; external: boolean } {
  const faults = (values.faults ?? "").split(",").filter((fault) => fault !== "");
  for (const fault of faults) {
    if (!(DRIVEN_FAULTS as readonly string[]).includes(fault)) {
      throw new UsageError(`--faults: '${fault}' is not driven here (driven: ${DRIVEN_FAULTS.join(", ")})`);
    }
  }
  const callers = integerFlag("--callers", values.callers, 1, PROCESSES_MAX - 1) ?? CALLERS_DEFAULT;
  const external = values.external === true;
  try {
    const config = makeConfig({
      variant,
      processes: callers + (external ? 1 : 0),
      faults,
      server: { graceWindow: values.grace === true, revokeFamilyOnReuse: values.revoke === true },
    });
    return { config, external };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function printReport(
  report: InterleavingReport,
  minimised: Awaited<ReturnType<typeof minimiseFailure>> | null,
  json: boolean,
): void {
  if (!json) {
    console.log(formatInterleavingReport(report, minimised));
    return;
  }
  console.log(
    JSON.stringify({
      ...report,
      minimised: minimised && {
        path: minimised.path,
        confirmed: minimised.confirmed,
        problem: minimised.problem,
        shortest:
          minimised.shortest?.steps.map((step) => ({ event: step.event, process: step.process })) ?? null,
      },
    }),
  );
}

async function run(argv: string[]): Promise<number> {
  const values = parseInterleaveFlags(argv);
  const choice = resolveSubjectChoice(values);
  const opened = await openSubject(choice);
  if (!opened.ok) {
    console.error(`authrace interleave: ${opened.message}`);
    return INTERLEAVE_EXIT.failed;
  }
  const { subject } = opened;
  const problem = (await subject.preflight?.()) ?? null;
  if (problem !== null) return cannotRun(subject.name, problem, values.junit);
  const { config, external } = configOf(subject.variant, values);
  if (values.path !== undefined && values.seed === undefined) throw new UsageError("--path needs --seed");
  const runs = integerFlag("--runs", values.runs, 1, RUNS_MAX) ?? RUNS_DEFAULT;
  const seed =
    integerFlag("--seed", values.seed, -(2 ** 31), 2 ** 31 - 1) ?? Math.floor(Math.random() * 2 ** 31);
  if (!values.json) console.log(`seed ${seed}`);
  const bar =
    process.stderr.isTTY && !values.json ? new SingleBar({ format: "interleave {bar} {value} runs" }) : null;
  bar?.start(runs, 0);
  const report = await checkInterleavings({
    subject,
    config,
    external,
    runs,
    seed,
    commandsMax: integerFlag("--commands", values.commands, 1, COMMANDS_MAX) ?? COMMANDS_PER_RUN_DEFAULT,
    ...(values.path === undefined ? {} : { path: values.path }),
    ...(values["replay-path"] === undefined ? {} : { replayPath: values["replay-path"] }),
    staleSendFails: values["conformance-only"] !== true,
    onRun: (done) => bar?.update(Math.min(done, runs)),
  });
  bar?.stop();
  const minimised =
    report.failure?.kind === "staleSend" ? await minimiseFailure(subject, config, report.failure.log) : null;
  printReport(report, minimised, values.json === true);
  if (values.junit !== undefined) {
    const written = writeJunit(values.junit, [
      interleaveJunit(report, formatInterleavingReport(report, minimised)),
    ]);
    if (written !== null) {
      console.error(`authrace interleave: ${written}`);
      return INTERLEAVE_EXIT.failed;
    }
  }
  return report.failure === null ? INTERLEAVE_EXIT.held : INTERLEAVE_EXIT.failed;
}

export const command: Command = {
  name: "interleave",
  summary: "fast-check interleavings of real managers, every step checked against the model",
  usage,
  run,
};
