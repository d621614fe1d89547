/**
 * `authrace validate <run.json> [--variant <design>] [--full] [--json]`: trace validation of a recorded run
 * (scenario or stress with `--record FILE`) against a design's model (validate/search.ts): "consistent" with
 * one behaviour of the model that explains every observation, or the first observation no behaviour explains.
 */
import { PROCESSES_MAX } from "../../model/config.js";
import { isVariant, VARIANTS } from "../../model/designs/index.js";
import type { Variant } from "../../model/vocabulary.js";
import { formatValidation, PATH_LINES_SHOWN, validationJson } from "../../validate/report.js";
import { loadRunFile, type RunFile } from "../../validate/run-file.js";
import { VALIDATE_LIMITS, validateRun } from "../../validate/search.js";
import { type Command, parseCommandArgs, UsageError } from "../command.js";

export const EXIT = { consistent: 0, inconsistent: 1, usage: 2, noVerdict: 3 } as const;

const usage = `usage: authrace validate <run.json> [--variant <design>] [--full] [--json]

Checks a recorded run (authrace scenario ... --record FILE, authrace stress ... --record FILE) against the
model of a design: searches the model for one behaviour consistent with everything observed (every POST the
server decided and its answer, every change of auth.json and its inode, every lock file held or free, every
call sent and its answer, each in its window of time), taking steps nobody observes (reads, the answer
arriving, time passing) freely between observations. Prints CONSISTENT with that behaviour, or INCONSISTENT
with the first observation no behaviour explains and why.

options:
  --variant <design>  ${VARIANTS.join(" | ")}; default: the design the run's implementation mirrors
  --full              print the whole behaviour (default: its first ${PATH_LINES_SHOWN} steps)
  --json              one JSON document instead

Limits: nodesMax ${VALIDATE_LIMITS.nodesMax} states, aheadMax ${VALIDATE_LIMITS.aheadMax} observations explained out of order;
reaching one is no verdict. The model takes at most ${PROCESSES_MAX} processes (PROCESSES_MAX).

exit status: 0 consistent; 1 inconsistent; 2 usage, or a run file that cannot be read (file and field
named); 3 no verdict (a limit reached, a run the model cannot take).

examples: authrace scenario stale-cache --impl codex:0.116.0 --record run.json
          authrace validate run.json                      # consistent with legacy
          authrace validate run.json --variant guarded    # inconsistent: the POST of R0 that guarded never sends`;

interface Arguments {
  file: string;
  design: Variant | null;
  full: boolean;
  json: boolean;
}

function parse(argv: string[]): Arguments {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    options: {
      variant: { type: "string" },
      full: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
    allowPositionals: true,
  });
  const [file, ...extra] = positionals;
  if (file === undefined)
    throw new UsageError("name a recorded run file (--record FILE of scenario or stress)");
  if (extra.length > 0) throw new UsageError(`one run file per call (got also: ${extra.join(" ")})`);
  const variant = values.variant ?? null;
  if (variant !== null && !isVariant(variant)) {
    throw new UsageError(`--variant: unknown variant '${variant}' (known: ${VARIANTS.join(", ")})`);
  }
  return { file, design: variant, full: values.full === true, json: values.json === true };
}

function designOf(run: RunFile, args: Arguments): Variant {
  const design = args.design ?? run.design;
  if (design === null) {
    throw new UsageError(`${args.file}: ${run.implementation} mirrors no design; name one with --variant`);
  }
  return design;
}

export const command: Command = {
  name: "validate",
  summary: "check a recorded real run against a design's model (trace validation)",
  usage,
  async run(argv) {
    const args = parse(argv);
    const loaded = loadRunFile(args.file);
    if (!loaded.ok) {
      console.error(`authrace validate: ${loaded.message}`);
      return EXIT.usage;
    }
    const { run } = loaded;
    const validation = validateRun(run, designOf(run, args));
    if (args.json) console.log(JSON.stringify(validationJson(run, args.file, validation), null, 2));
    else console.log(formatValidation(run, args.file, validation, args.full));
    if (validation.verdict === "consistent") return EXIT.consistent;
    return validation.verdict === "inconsistent" ? EXIT.inconsistent : EXIT.noVerdict;
  },
};
