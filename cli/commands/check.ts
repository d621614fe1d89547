/**
 * `authrace check`: explores any one configuration from the command line (the theorems are fixed ones; this
 * is every other question), with a progress bar, limits that fail loudly, counterexamples written as
 * `verify` writes them, and a JSON summary.
 */
import { join } from "node:path";
import { configJson, configName, makeConfig, PROCESSES_MAX } from "../../model/config.js";
import { builtInDesigns } from "../../model/designs/index.js";
import { CALL_EVENTS, FAULTS } from "../../model/vocabulary.js";
import { LimitExceeded, WORKERS_MAX } from "../../proofs/explorer.js";
import { runTheorem } from "../../proofs/run.js";
import type { Theorem } from "../../proofs/theorems.js";
import { type Command, integerFlag, parseCommandArgs, UsageError } from "../command.js";
import { writeCounterexamples } from "../counterexamples.js";
import { prepareOutputDirectory } from "../output-directory.js";
import { makeProgress } from "../progress.js";

const STATES_MAX_LIMIT = 2_000_000_000;
const MEMORY_MAX_MB_LIMIT = 1_048_576;
const SECONDS_MAX_LIMIT = 86_400;
const EXIT_VIOLATED = 1;
const EXIT_LIMIT = 3;

const usage = `usage: authrace check --variant NAME [options]

Explores one configuration exhaustively (breadth-first, symmetry over processes, shortest counterexamples)
and checks every invariant. Exit 0: every invariant holds; 1: some invariant is violated (counterexamples
written to --out); 2: bad usage; 3: a limit was reached (the message names it; nothing is concluded).

options:
  --variant NAME       the design: ${builtInDesigns()
    .map((design) => design.name)
    .join(", ")}
  --processes N        processes, 1 to ${PROCESSES_MAX} (default 2)
  --faults a,b         faults switched on: ${FAULTS.join(", ")}
  --faults-max K       how often each fault may happen (default 1)
  --grace              the server accepts the previous refresh token once more (grace window)
  --revoke             the server revokes the token family on reuse
  --expiry-only-api    the API takes any unexpired access token (a stateless JWT check), rotated out or not
  --login-lock on|off  another process's login and logout take the design's lock, or not (default: the design's)
  --calls a,b          calls callers make: auth, refresh, unauthorized (default all three)
  --sequential         a call starts only when every other process is idle (the seed's story)
  --mutant NAME        a broken variant of the design
  --no-liveness        skip NoDeadlock and Converges (they need the whole graph's edges in memory)
  --workers N          worker threads sharing the search, 1 to ${WORKERS_MAX} (default 1); the same verdicts,
                       states and lengths; which shortest counterexample is written may vary from run to run
  --whole-states       store each state's whole vector, not collapsed (by default each process's record is
                       stored once and states as ids, SPIN's COLLAPSE: about 40% less memory a state at
                       N = 5, in about the same time, the same answers; past 65,535 distinct records the
                       configuration is explored again with whole vectors)
  --collapse           collapsed states without that fallback: past 65,535 records, stop with exit 3
  --states-max N       stop with exit 3 past N states (default 5000000)
  --memory-max MB      stop with exit 3 when the explorer's arrays pass MB mebibytes
  --seconds-max S      stop with exit 3 after S seconds
  --out DIR            where counterexamples go (default out/counterexamples)
  --json               print {config, states, transitions, seconds, statesPerSecond, bytesPerState,
                       violations:[{invariant, length}]} on stdout`;

function list(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const items = text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "" && item !== "none");
  return items;
}

/** `auth` or `callAuth`, ... -> the call event. */
function callsOf(text: string | undefined): string[] | undefined {
  return list(text)?.map((call) => {
    const found = CALL_EVENTS.find((event) => event === call || event.slice(4).toLowerCase() === call);
    if (!found) throw new UsageError(`--calls: unknown call '${call}' (known: auth, refresh, unauthorized)`);
    return found;
  });
}

const options = {
  variant: { type: "string" },
  processes: { type: "string" },
  faults: { type: "string" },
  "faults-max": { type: "string" },
  grace: { type: "boolean", default: false },
  revoke: { type: "boolean", default: false },
  "expiry-only-api": { type: "boolean", default: false },
  "login-lock": { type: "string" },
  calls: { type: "string" },
  sequential: { type: "boolean", default: false },
  mutant: { type: "string" },
  "no-liveness": { type: "boolean", default: false },
  workers: { type: "string" },
  "whole-states": { type: "boolean", default: false },
  collapse: { type: "boolean", default: false },
  "states-max": { type: "string" },
  "memory-max": { type: "string" },
  "seconds-max": { type: "string" },
  out: { type: "string", default: join("out", "counterexamples") },
  json: { type: "boolean", default: false },
} as const;

type Values = ReturnType<typeof parseCommandArgs<{ args: string[]; options: typeof options }>>["values"];

/** Collapsed states (the default, with its fallback: ExploreOptions), forced either way by a flag. */
function collapseOf(values: Values): boolean | undefined {
  if (values.collapse && values["whole-states"]) {
    throw new UsageError("--collapse and --whole-states: choose one");
  }
  if (values.collapse) return true;
  return values["whole-states"] ? false : undefined;
}

function loginLockOf(text: string | undefined): { loginTakesLock?: boolean } {
  if (text === undefined) return {};
  if (text !== "on" && text !== "off") throw new UsageError(`--login-lock: '${text}' is not on or off`);
  return { loginTakesLock: text === "on" };
}

function configOf(values: Values) {
  if (values.variant === undefined) throw new UsageError("--variant is required");
  try {
    return makeConfig({
      variant: values.variant,
      processes: integerFlag("--processes", values.processes, 1, PROCESSES_MAX) ?? 2,
      faults: list(values.faults) ?? [],
      faultsMax: integerFlag("--faults-max", values["faults-max"], 1, Number.MAX_SAFE_INTEGER) ?? 1,
      server: {
        graceWindow: values.grace === true,
        revokeFamilyOnReuse: values.revoke === true,
        apiChecksExpiryOnly: values["expiry-only-api"] === true,
      },
      calls: callsOf(values.calls) ?? CALL_EVENTS,
      overlap: values.sequential !== true,
      ...(values.mutant === undefined ? {} : { mutant: values.mutant }),
      ...loginLockOf(values["login-lock"]),
    });
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
}

function limitsOf(values: Values) {
  const statesMax = integerFlag("--states-max", values["states-max"], 1, STATES_MAX_LIMIT);
  const memoryMb = integerFlag("--memory-max", values["memory-max"], 1, MEMORY_MAX_MB_LIMIT);
  const secondsMax = integerFlag("--seconds-max", values["seconds-max"], 1, SECONDS_MAX_LIMIT);
  return {
    ...(statesMax === undefined ? {} : { statesMax }),
    ...(memoryMb === undefined ? {} : { bytesMax: memoryMb * 1024 * 1024 }),
    ...(secondsMax === undefined ? {} : { secondsMax }),
  };
}

async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs({ args: argv, options, strict: true });
  const config = configOf(values);
  const limits = limitsOf(values);
  const workers = integerFlag("--workers", values.workers, 1, WORKERS_MAX) ?? 1;
  const out = prepareOutputDirectory(values.out);
  if (!out.ok) throw new UsageError(`--out ${values.out}: ${out.problem}`);
  const name = configName(config);
  const theorem: Theorem = { name, question: "authrace check", config, tier: "verify" };
  const progress = makeProgress(values.json === true);
  progress.start(name, 1, 1);
  let result: ReturnType<typeof runTheorem>;
  try {
    result = runTheorem(theorem, undefined, {
      limits,
      workers,
      collapse: collapseOf(values),
      progress: values["no-liveness"] !== true,
      onProgress: progress.update,
    });
  } catch (error) {
    progress.stop();
    if (!(error instanceof LimitExceeded)) throw error;
    console.error(`authrace check: ${name}: ${error.message}`);
    return EXIT_LIMIT;
  }
  progress.finish(result);
  const { exploration } = result;
  const written = writeCounterexamples(exploration, name, values.out);
  const violations = [...exploration.violations.values()].map(({ invariant, length }) => ({
    invariant,
    length,
  }));
  const seconds = exploration.seconds;
  if (values.json) {
    const summary = {
      config: { name, ...configJson(config) },
      states: exploration.states,
      transitions: exploration.transitions,
      seconds: Number(seconds.toFixed(3)),
      statesPerSecond: Math.round(exploration.states / Math.max(seconds, 1e-9)),
      bytesPerState: Math.round(exploration.bytesPerState),
      liveness: values["no-liveness"] !== true,
      workers,
      collapse: exploration.collapsed,
      violations,
    };
    console.log(JSON.stringify(summary, null, 2));
  } else {
    console.log(
      `${name}: ${exploration.states} states, ${exploration.transitions} transitions, depth ${exploration.depth}`,
    );
    for (const { invariant, length } of violations)
      console.log(`  ${invariant}: violated in ${length} steps`);
    if (violations.length === 0) console.log("  every invariant holds");
    for (const { path } of written) console.log(`  counterexample: ${path}.txt`);
  }
  return violations.length > 0 ? EXIT_VIOLATED : 0;
}

export const command: Command = {
  name: "check",
  summary: "explore any one configuration (variant, processes, faults, server) and check every invariant",
  usage,
  run,
};
