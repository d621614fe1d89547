/**
 * `authrace stress (--variant <v> | --impl <spec>) [--processes K] [--calls M] [--seed S] ...`: K real
 * processes on one auth.json and one loopback token server with family revocation on, each making M random
 * calls with random pauses (stress/, docs/stress.md). Prints the seed first, then the counts and the verdict
 * of NoStaleRefreshSent next to the expectation (or one JSON object with --json).
 */
import { randomInt } from "node:crypto";
import { SingleBar } from "cli-progress";
import { VARIANTS } from "../../model/designs/index.js";
import {
  type Attempted,
  attemptRun,
  formatBinaryFailures,
  type ReplyTimeout,
  SCENARIO_LIMITS,
} from "../../scenarios/index.js";
import type { FaultSpec } from "../../server/index.js";
import {
  defaultExpectation,
  formatStressHeader,
  formatStressReport,
  isStaleSendExpectation,
  judgeStress,
  replayCommand,
  runStress,
  SETTING_BOUNDS,
  STALE_SEND_EXPECTATIONS,
  STRESS_DEFAULTS,
  STRESS_LIMITS,
  type StaleSendExpectation,
  type StressAgreement,
  type StressRunResult,
  type StressSettings,
  stressJson,
} from "../../stress/index.js";
import { isMixOfDesigns, mixImplementations } from "../../stress/mix.js";
import { type Command, integerFlag, parseCommandArgs, UsageError } from "../command.js";
import { FAULT_KIND_LIST, faultFlag, faultFlags } from "../fault-flag.js";
import { type OpenedImplementation, openImplementation } from "../implementation/open.js";
import {
  describeSpecKinds,
  type ImplementationChoice,
  parseImplementationSpec,
  resolveImplementation,
  SPEC_KINDS,
} from "../implementation/spec.js";
import { EXIT } from "../real-runs.js";
import { Recording } from "../record.js";
import { replyTimeoutFlag } from "../reply-timeout.js";

const EXIT_FOR: Readonly<Record<StressAgreement, number>> = {
  matches: EXIT.ok,
  failed: EXIT.failed,
  differs: EXIT.differs,
};

/** Runs with at least this many calls in all get a live progress bar (when stderr is a terminal). */
const PROGRESS_CALLS_MIN = 200;

const usage = `usage: authrace stress --variant <variant> [options]
       authrace stress --impl <spec> [options]

Starts K real processes (one auth manager each) on one temporary auth.json holding R0 of a family on the
loopback token server, which mints JWT access tokens that live --token-ttl-seconds and revokes the whole
family when a rotated-out refresh token comes back. Each process makes M calls, each drawn from the seed
(auth 2 : refresh 1 : unauthorized 1) after a pause drawn from [0, --delay-max-ms]. auth() refreshes when its
access token has expired (legacy: when last_refresh is 8 days old); refresh and unauthorized always do. After
a revocation the run logs in again (a fresh family for the same account in auth.json) and goes on, so every
stale send of the run is counted. Details: docs/stress.md.

Prints the seed first (it replays every choice; the OS interleaving is not a choice and does not replay), then
calls made, POSTs, rotations, stale sends, 401s by code, families revoked, failed calls by kind, elapsed.

options:
  --variant <v>               ${VARIANTS.join(" | ")}: the reference implementation, as --impl ref:<v>
  --impl <spec>               ${describeSpecKinds(SPEC_KINDS)}
                              cmd: is split on spaces (no shell) and gets --home <dir> --name <label>;
                              module: runs a module's manager (impl/plugin) in the reference driver;
                              mutant: runs a design with one rule broken, judged as its base design;
                              codex:<path> runs a local Codex binary, judged by --variant's design;
                              repeat it to mix implementations on one auth.json: process P<k> runs the
                              ((k - 1) mod m)-th; stale sends are counted per implementation, and a mix of
                              designs is expected to show anything unless --expect-stale-sends says
  --processes <K>             default ${STRESS_DEFAULTS.processes}, at most ${STRESS_LIMITS.processesMax}
  --calls <M>                 per process; default ${STRESS_DEFAULTS.calls}, at most ${STRESS_LIMITS.callsMax}
  --seed <S>                  0..${STRESS_LIMITS.seedMax}; default a random one (printed)
  --delay-max-ms <D>          longest pause before a call; default ${STRESS_DEFAULTS.delayMaxMs}, at most ${STRESS_LIMITS.delayMaxMs}
  --token-ttl-seconds <T>     access-token lifetime; default ${STRESS_DEFAULTS.tokenTtlSeconds}, at most ${STRESS_LIMITS.tokenTtlSecondsMax}
  --server-delay-ms <X>       the server holds each answer X ms; default ${STRESS_DEFAULTS.serverDelayMs}, at most ${STRESS_LIMITS.serverDelayMsMax}
  --reply-timeout-ms <ms>     each call's reply timeout; default 20000 (SCENARIO_LIMITS.replyTimeoutMs), at
                              most 600000: raise it on a loaded machine (a timeout fails the run naming it)
  --expect-stale-sends <e>    ${STALE_SEND_EXPECTATIONS.join(" | ")}; default: the model's verdict for the design
                              at N = 2: none where it holds NoStaleRefreshSent (and for an implementation
                              that mirrors no design, cmd:), any where it does not (a run that finds none
                              says so)
  --start-gap-ms <G>          pause between starting two processes; default the implementation's (0 for the
                              reference, 300 for a Codex binary); 0 starts all at once, where Codex 0.139
                              crashes about half the time: a run in which the binary crashes by itself is
                              reported as the binary's failure with its stderr line, not judged, and run
                              again, at most ${SCENARIO_LIMITS.binaryAttemptsMax} times in all (binaryAttemptsMax)
  --fault <KIND[:COUNT]>      queue a token-server fault before the first call, taken by the first COUNT
                              refreshes (repeatable, in order): ${FAULT_KIND_LIST}
                              (reset-without-rotate: the issue's "error sending request"; server/README.md)
  --record <file>             write what was observed (every POST, auth.json and lock change, call and
                              answer, with its time) to <file>, for 'authrace validate <file>' (one --impl)
  --json                      one JSON object on stdout instead of text

exit status: 0 the run matches the expectation; 1 the run failed (a process did not start, died or did not
answer, a limit was reached); 2 usage; 3 the run differs from the expectation.

examples: authrace stress --variant locked --processes 8 --calls 200
          authrace stress --variant guarded --seed 1 --expect-stale-sends some
          authrace stress --impl 'cmd:node dist/impl/driver/main.js --variant locked' --calls 50
          authrace stress --impl module:./my-manager.js --json
          authrace stress --impl mutant:no-reread-after-lock --processes 4 --calls 20
          authrace stress --impl ref:locked --impl codex:0.171.0 --processes 4 --calls 30`;

export interface StressArguments {
  /** One, or several to mix (one per --impl, in order). */
  implementations: ImplementationChoice[];
  /** The --impl specs as given (or ref:<variant>), for the replay line. */
  specs: string[];
  settings: Omit<StressSettings, "seed">;
  /** null: draw one. */
  seed: number | null;
  expectation: StaleSendExpectation | null;
  /** --reply-timeout-ms; undefined: DEFAULT_REPLY_TIMEOUT. */
  replyTimeout: ReplyTimeout | undefined;
  /** Overrides the implementation's pause between starts (a Codex release: 300 ms); 0: all at once. */
  startGapMs: number | null;
  /** --record FILE: where the run's observations go (validate/run-file.ts); null: not recorded. */
  record: string | null;
  /** --fault: queued on the token server before the first call, in order. */
  faults: Required<FaultSpec>[];
  json: boolean;
}

const INTEGER = /^\d{1,10}$/;

/** `--processes 8` within its bounds, or a UsageError naming the flag and the limit. */
function integerOption(flag: string, text: string | undefined, key: keyof StressSettings): number | null {
  if (text === undefined) return null;
  const { min, max, limit } = SETTING_BOUNDS[key];
  const value = INTEGER.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new UsageError(`${flag} must be an integer in [${min}, ${max}] (${limit}), got '${text}'`);
  }
  return value;
}

function expectationOf(text: string | undefined): StaleSendExpectation | null {
  if (text === undefined) return null;
  if (!isStaleSendExpectation(text)) {
    throw new UsageError(
      `--expect-stale-sends must be one of ${STALE_SEND_EXPECTATIONS.join(", ")}, got '${text}'`,
    );
  }
  return text;
}

/** The flag of each setting; its value is parsed by `integerOption`, bounded by SETTING_BOUNDS. */
const SETTING_FLAGS = {
  processes: "processes",
  calls: "calls",
  delayMaxMs: "delay-max-ms",
  tokenTtlSeconds: "token-ttl-seconds",
  serverDelayMs: "server-delay-ms",
} as const satisfies Record<keyof typeof STRESS_DEFAULTS, string>;

function settingsOf(values: Readonly<Record<string, unknown>>): StressArguments["settings"] {
  const settings = { ...STRESS_DEFAULTS };
  for (const key of Object.keys(SETTING_FLAGS) as (keyof typeof SETTING_FLAGS)[]) {
    const flag = SETTING_FLAGS[key];
    const value = integerOption(`--${flag}`, values[flag] as string | undefined, key);
    if (value !== null) settings[key] = value;
  }
  return settings;
}

/** One --impl (or --variant) as every command takes it; several --impl: a mix, each spec on its own. */
function implementationsOf(
  variant: string | undefined,
  specs: readonly string[],
  processes: number,
): ImplementationChoice[] {
  if (specs.length <= 1) return [resolveImplementation({ variant, impl: specs[0] }, SPEC_KINDS)];
  if (variant !== undefined) {
    throw new UsageError(
      "--variant and several --impl: name each implementation with --impl (ref:<variant>)",
    );
  }
  if (processes < specs.length) {
    throw new UsageError(
      `--processes ${processes} is fewer than the ${specs.length} implementations mixed (one process each at least)`,
    );
  }
  return specs.map((spec) => parseImplementationSpec(spec, SPEC_KINDS));
}

/** Pure: argv to arguments; every mistake is a UsageError. */
export function parseStressArgs(argv: string[]): StressArguments {
  const { values } = parseCommandArgs({
    args: argv,
    options: {
      variant: { type: "string" },
      impl: { type: "string", multiple: true },
      processes: { type: "string" },
      calls: { type: "string" },
      seed: { type: "string" },
      "delay-max-ms": { type: "string" },
      "token-ttl-seconds": { type: "string" },
      "server-delay-ms": { type: "string" },
      "expect-stale-sends": { type: "string" },
      "reply-timeout-ms": { type: "string" },
      "start-gap-ms": { type: "string" },
      record: { type: "string" },
      fault: { type: "string", multiple: true },
      json: { type: "boolean", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const specs = values.impl ?? [];
  const settings = settingsOf(values);
  // A record is judged by one design's model with one implementation's way of reporting calls.
  if (values.record !== undefined && specs.length > 1) {
    throw new UsageError("--record takes a run of one implementation, not a mix of several --impl");
  }
  return {
    implementations: implementationsOf(values.variant, specs, settings.processes),
    specs: specs.length === 0 ? [`ref:${values.variant}`] : specs,
    settings,
    seed: integerOption("--seed", values.seed, "seed"),
    expectation: expectationOf(values["expect-stale-sends"]),
    replyTimeout: replyTimeoutFlag(values["reply-timeout-ms"]),
    startGapMs: integerFlag("--start-gap-ms", values["start-gap-ms"], 0, SCENARIO_LIMITS.pauseMsMax) ?? null,
    record: values.record ?? null,
    faults: (values.fault ?? []).map(faultFlag),
    json: values.json === true,
  };
}

/** A spec as one shell word, for the replay line. */
function shellWord(text: string): string {
  return /^[\w:./@=+-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/** A live bar on a terminal for runs long enough to want one; nothing otherwise (CI logs get the report). */
function progressBar(total: number, json: boolean): { update(done: number): void; stop(): void } {
  if (process.stderr.isTTY !== true || total < PROGRESS_CALLS_MIN) {
    return { update: () => undefined, stop: () => undefined };
  }
  const bar = new SingleBar(
    {
      format: `stress | {bar} | {value}/{total} calls | {duration}s`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: json,
    },
    undefined,
  );
  bar.start(total, 0);
  return { update: (done) => bar.update(done), stop: () => bar.stop() };
}

/** Opens every implementation of the run; null (the opened ones closed) when one cannot be had. */
async function openAll(args: StressArguments): Promise<OpenedImplementation[] | null> {
  const opened: OpenedImplementation[] = [];
  for (const choice of args.implementations) {
    const one = await openImplementation(choice, { commandName: "stress", json: args.json });
    if (one === null) {
      await Promise.all(opened.map((member) => member.close()));
      return null;
    }
    opened.push(one);
  }
  return opened;
}

/** On stderr, so that a retried run does not look like a hang. */
function announceRetry(attempt: number): void {
  console.error(`authrace stress: the binary crashed by itself; running again (attempt ${attempt})`);
}

async function run(argv: string[]): Promise<number> {
  const args = parseStressArgs(argv);
  const members = await openAll(args);
  if (members === null) return EXIT.failed;
  const opened = {
    factory: mixImplementations(members.map((member) => member.factory)),
    close: async () => {
      await Promise.all(members.map((member) => member.close()));
    },
  };
  const settings: StressSettings = {
    ...args.settings,
    seed: args.seed ?? randomInt(STRESS_LIMITS.seedMax + 1),
  };
  const { factory } = opened;
  // The seed first, before anything can go wrong: it replays the run's choices.
  if (args.json) console.error(`authrace stress: seed ${settings.seed}`);
  else {
    const faults = args.faults.length === 0 ? "" : `\nfaults queued: ${faultFlags(args.faults).join(" ")}`;
    console.log(`${formatStressHeader(factory.name, settings)}${faults}\n`);
  }
  const bar = progressBar(settings.processes * settings.calls, args.json);
  const { processes, calls, seed } = settings;
  const recording =
    args.record === null
      ? null
      : new Recording(args.record, factory, `stress ${processes} x ${calls} seed ${seed}`);
  let attempted: Attempted<StressRunResult>;
  try {
    attempted = await attemptRun(
      factory,
      () =>
        runStress(factory, settings, {
          onProgress: (done) => bar.update(done),
          ...(args.replyTimeout === undefined ? {} : { replyTimeout: args.replyTimeout }),
          ...(args.startGapMs === null ? {} : { startGapMs: args.startGapMs }),
          ...(recording === null ? {} : { observer: recording.observer() }),
          serverFaults: args.faults,
        }),
      { failed: (run) => !run.ok || run.report.problems.length > 0, onRetry: announceRetry },
    );
  } finally {
    bar.stop();
    await opened.close();
  }
  const { result, ...attempts } = attempted;
  if (recording !== null) console.error(await recording.write());
  const crashes = formatBinaryFailures(attempts);
  if (!result.ok) {
    console.error(`authrace stress: ${factory.name} FAILED (seed ${settings.seed}): ${result.problem}`);
    if (crashes !== "") console.error(crashes);
    return EXIT.failed;
  }
  const { report } = result;
  const expectation = isMixOfDesigns(factory) ? "any" : defaultExpectation(factory.variant);
  const judgement = judgeStress(report, args.expectation ?? expectation);
  const replay = [
    replayCommand(report, args.specs.map(shellWord).join(" --impl ")),
    ...faultFlags(args.faults),
  ].join(" ");
  if (args.json) {
    const document = { ...stressJson(report, judgement, replay), ...attempts };
    console.log(JSON.stringify(document, null, 2));
  } else console.log([formatStressReport(report, judgement, replay), crashes].filter(Boolean).join("\n\n"));
  return EXIT_FOR[judgement.agreement];
}

export const command: Command = {
  name: "stress",
  summary:
    "K real processes x M random calls on one auth.json; counts stale sends (seeded, replayable choices)",
  usage,
  run,
};
