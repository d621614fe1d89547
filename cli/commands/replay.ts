/**
 * `authrace replay <trace.json> [--variant <v> | --impl <spec>] [--json]`: the command around
 * conform/replay/ (which runs a counterexample of `authrace verify` on a real implementation and shows the
 * violation as the real system shows it). Here: the flags, the subject (cli/implementation/; by default the
 * trace's own design), the output and the exit status.
 */
import { drivable } from "../../conform/configs.js";
import {
  formatReplay,
  loadTrace,
  notDrivableJson,
  REPLAY_EXIT,
  type ReplayTrace,
  replayExit,
  replayJson,
  replayTrace,
} from "../../conform/replay/index.js";
import type { SubjectChoice } from "../../conform/subject-choice.js";
import { configName, type ModelConfig } from "../../model/config.js";
import { type Command, parseCommandArgs, UsageError } from "../command.js";
import { openSubject } from "../implementation/open.js";
import { describeSubjectChoice, resolveSubjectChoice, SUBJECT_SPEC_FORMS } from "../implementation/spec.js";

export { REPLAY_EXIT } from "../../conform/replay/index.js";

const usage = `usage: authrace replay <trace.json> [--variant <variant> | --impl <spec>] [--json]

Runs a counterexample written by \`authrace verify\` (out/counterexamples/<theorem>/<Invariant>.json) on a real
implementation: N managers sharing one real auth.json, a real loopback token server and real locks, every
port call held and released in the trace's order, the real world compared with the model after each step.
Prints each step with what the real server answered to each POST and what each call returned, then whether
the implementation followed the model and the violation as the real system shows it.

The model path is always the trace's. The implementation is, by default, the trace's own design
(ref:<variant>, or mutant:<name> for a mutant's trace); another one may diverge, which is the point.

options:
  --variant <v>   replay on the reference implementation of another design (as --impl ref:<v>); next to
                  --impl cmd: it names the model the program claims
  --impl <spec>   ${SUBJECT_SPEC_FORMS}
                  cmd:<command> needs --variant <v> (a program cannot be asked which design it implements)
                  and held mode (docs/driver-protocol.md); a program that cannot be started, exits or hangs
                  while starting is reported as that (exit 1), with its exit code and stderr line
                  (codex: is refused: its port calls cannot be held; see authrace scenario / stress)
  --json          one JSON object on stdout instead of text

exit status:
  0  the implementation followed the model for every step and the real system showed the violation
  1  the implementation diverged from the model (shown numbered), or could not be opened or run
  2  usage, or a trace file that cannot be read or has a bad field (the message names the file and field)
  3  the trace's configuration cannot be driven (a stall or tornWrite fault; the reason is printed)
  4  the implementation followed the model, but the violation was not observed on the real system

examples: authrace replay out/counterexamples/guarded_N2_none/NoStaleRefreshSent.json
          authrace replay out/counterexamples/locked_N2_crash/NoStaleRefreshSent.json \\
            --impl mutant:no-reread-after-lock
          authrace replay out/counterexamples/locked_N2_crash/NoStaleRefreshSent.json \\
            --impl 'cmd:python3 examples/python/authrace_driver.py' --variant locked`;

/** The trace's own design: its mutant when it is a mutant's counterexample, else the reference. */
function traceSubject(config: ModelConfig): SubjectChoice {
  return config.mutant === undefined ? { variant: config.variant } : { mutant: config.mutant };
}

function print(json: boolean, value: object, text: string): void {
  console.log(json ? JSON.stringify(value, null, 2) : text);
}

/** Replays the loaded trace on the chosen subject (the trace's own design when null); the exit status. */
async function replay(trace: ReplayTrace, chosen: SubjectChoice | null, json: boolean): Promise<number> {
  const reason = drivable(trace.config);
  if (reason !== null) {
    const message = `${trace.file}: ${configName(trace.config)} cannot be driven step by step: ${reason}`;
    print(json, notDrivableJson(trace, reason), `authrace replay: ${message}`);
    return REPLAY_EXIT.notDrivable;
  }
  const choice = chosen ?? traceSubject(trace.config);
  const opened = await openSubject(choice);
  if (!opened.ok) {
    console.error(`authrace replay: cannot open ${describeSubjectChoice(choice)}: ${opened.message}`);
    return REPLAY_EXIT.diverged;
  }
  const cannotRun = (await opened.subject.preflight?.()) ?? null;
  if (cannotRun !== null) {
    console.error(`authrace replay: the implementation cannot be run: ${cannotRun}`);
    return REPLAY_EXIT.diverged;
  }
  const result = await replayTrace(trace, opened.subject);
  print(json, replayJson(trace, result), formatReplay(trace, result));
  return replayExit(result);
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    options: {
      variant: { type: "string" },
      impl: { type: "string" },
      json: { type: "boolean", default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0)
    throw new UsageError("name one trace file (out/counterexamples/<theorem>/<Invariant>.json)");
  // The flags are checked before the file is read: a usage error comes first.
  const chosen =
    values.variant === undefined && values.impl === undefined ? null : resolveSubjectChoice(values);
  const loaded = loadTrace(file);
  if (!loaded.ok) {
    console.error(`authrace replay: ${loaded.message}`);
    return REPLAY_EXIT.usage;
  }
  return replay(loaded.trace, chosen, values.json);
}

export const command: Command = {
  name: "replay",
  summary: "run a counterexample from authrace verify on a real implementation; show the violation for real",
  usage,
  run,
};
