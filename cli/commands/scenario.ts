/**
 * `authrace scenario <name> (--variant <v> | --impl <spec>) [--json]`: runs one real multi-process scenario
 * (two processes sharing one temporary auth.json and a loopback token server) on the reference auth manager
 * in one variant, or on a real Codex release's `codex app-server`, and prints the seed's log shape, the
 * phases and the verdict next to the expectation (or one JSON document), with every token redacted.
 * `authrace codex` runs the same runner (`runOnImplementation`, cli/real-runs.ts) over several scenarios and
 * versions.
 */
import { VARIANTS } from "../../model/designs/index.js";
import {
  formatJudgedRun,
  isScenarioName,
  type JudgedRun,
  type ReplyTimeout,
  SCENARIO_NAMES,
  SCENARIOS,
  type ScenarioName,
  scenarioJson,
} from "../../scenarios/index.js";
import { type Command, parseCommandArgs, UsageError } from "../command.js";
import { openImplementation } from "../implementation/open.js";
import { type ImplementationChoice, resolveImplementation, type SpecKind } from "../implementation/spec.js";
import { EXIT, EXIT_FOR, runOnImplementation } from "../real-runs.js";
import { Recording } from "../record.js";
import { replyTimeoutFlag } from "../reply-timeout.js";

const NAME_WIDTH = Math.max(...SCENARIO_NAMES.map((name) => name.length));
const scenarioLines = SCENARIO_NAMES.map((name) => `  ${name.padEnd(NAME_WIDTH)} ${SCENARIOS[name].summary}`);

const usage = `usage: authrace scenario <name> --variant <variant> [--json] [--reply-timeout-ms <ms>]
                         [--record <file>]
       authrace scenario <name> --impl <ref:variant | codex:version | codex:path | mutant:name>
                         [--variant <v>] [--json] [--reply-timeout-ms <ms>] [--record <file>]

Runs a scenario on real OS processes sharing one temporary CODEX_HOME whose auth.json holds R0 of a fresh
family on the loopback token server: two driver processes (node dist/impl/driver/main.js, one auth manager
each, in <variant>), or two 'codex app-server' processes of a real Codex release (fetched with npm and
cached in .cache/codex; the fixture then turns stale only after startup, and each is asked once more).
Prints the server's request log and each process's cached_before / cached_after / returned tokens (the
shape of the log in PR #15357), the POSTs and replies phase by phase, then the verdict and the expectation
for the variant (for codex:<version>, the variant that version mirrors).

scenarios:
${scenarioLines.join("\n")}

options:
  --variant <v>     ${VARIANTS.join(" | ")}: the reference implementation, as --impl ref:<v>
  --impl <spec>     ref:<variant> | codex:<version> (e.g. codex:0.117.0) | codex:<path> (a local binary;
                    --variant then names the design it is judged by) | mutant:<name> (a design with one
                    rule broken, judged by its base design's expectation)
  --reply-timeout-ms <ms>
                    each driver command's reply timeout; default 20000 (SCENARIO_LIMITS.replyTimeoutMs),
                    at most 600000; a timeout fails the run naming the limit that fired (codex: releases keep
                    their own CODEX_LIMITS.requestTimeoutMs)
  --record <file>   write what was observed (every POST, auth.json and lock change, call and answer, with
                    its time) to <file>, for 'authrace validate <file>'
  --json            one JSON document instead: {"scenario","variant","posts":[{"refreshToken","status","code"}],
                    "processes":{"A":{"cachedBefore","cachedAfter","returned"},"B":{...}},"staleSends":N}

Tokens are always redacted (a Codex fixture's access tokens at-R0, at-R1 grant nothing and are shown).
staleSends counts POSTs of a refresh token the server had already rotated out.

exit status: 0 the run matched the expectation (or the Codex version mirrors no variant yet); 1 the run
failed (a binary could not be fetched, a process did not start or answer); 2 usage; 3 the run differs
from the expectation.

examples: authrace scenario stale-cache --variant legacy
          authrace scenario simultaneous --impl codex:0.117.0 --json`;

/**
 * The --impl kinds a scenario takes (mutant: to record a mutant's run for validation). cmd: and module: would run through the same `openImplementation`
 * (`authrace stress` takes them); adding them here is this list, the usage text, and the unknown-spec message
 * the scenario tests pin.
 */
const SCENARIO_SPEC_KINDS: readonly SpecKind[] = ["ref", "codex", "mutant"];

export type ScenarioArguments = {
  scenario: ScenarioName;
  json: boolean;
  /** --reply-timeout-ms; undefined: DEFAULT_REPLY_TIMEOUT. */
  replyTimeout?: ReplyTimeout;
  /** --record FILE: where the run's observations go (validate/run-file.ts). */
  record?: string;
} & ImplementationChoice;

/** Pure: argv to arguments; every mistake is a UsageError. */
export function parseScenarioArgs(argv: string[]): ScenarioArguments {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    options: {
      variant: { type: "string" },
      impl: { type: "string" },
      json: { type: "boolean", default: false },
      "reply-timeout-ms": { type: "string" },
      record: { type: "string" },
    },
    strict: true,
    allowPositionals: true,
  });
  const [name, ...extra] = positionals;
  if (name === undefined) throw new UsageError(`name a scenario (${SCENARIO_NAMES.join(", ")})`);
  if (extra.length > 0) throw new UsageError(`one scenario per run (got also: ${extra.join(" ")})`);
  if (!isScenarioName(name)) {
    throw new UsageError(`unknown scenario '${name}' (known: ${SCENARIO_NAMES.join(", ")})`);
  }
  const replyTimeout = replyTimeoutFlag(values["reply-timeout-ms"]);
  return {
    scenario: name,
    ...resolveImplementation(values, SCENARIO_SPEC_KINDS),
    json: values.json === true,
    ...(replyTimeout === undefined ? {} : { replyTimeout }),
    ...(values.record === undefined ? {} : { record: values.record }),
  };
}

/** `--json` prints scenarioJson; text prints everything, and a failure goes to stderr. */
function print(judged: JudgedRun, json: boolean): void {
  if (!judged.result.ok) console.error(`authrace scenario: ${formatJudgedRun(judged, { log: true })}`);
  else if (json) console.log(JSON.stringify(scenarioJson(judged.result.report), null, 2));
  else console.log(formatJudgedRun(judged, { log: true }));
}

export const command: Command = {
  name: "scenario",
  summary:
    "run a real multi-process scenario (stale-cache, simultaneous, ...) on one variant or Codex release",
  usage,
  async run(argv) {
    const args = parseScenarioArgs(argv);
    const opened = await openImplementation(args, { commandName: "scenario", json: args.json });
    if (opened === null) return EXIT.failed;
    const recording =
      args.record === undefined
        ? null
        : new Recording(args.record, opened.factory, `scenario ${args.scenario}`);
    try {
      const options = {
        ...(args.replyTimeout === undefined ? {} : { replyTimeout: args.replyTimeout }),
        ...(recording === null ? {} : { observe: () => recording.observer() }),
      };
      const [judged] = await runOnImplementation(
        [args.scenario],
        opened.factory,
        (run) => print(run, args.json),
        options,
      );
      if (recording !== null) console.error(await recording.write());
      return judged === undefined ? EXIT.failed : EXIT_FOR[judged.agreement];
    } finally {
      await opened.close();
    }
  },
};
