/**
 * `authrace scenario <name> --variant <v> [--json]`: runs one real multi-process scenario on the reference
 * auth manager (two driver processes sharing one temporary auth.json and a loopback token server) and prints
 * the seed's log shape, or one JSON document, with every token redacted.
 */
import { parseArgs } from "node:util";
import { isVariant, VARIANTS, type Variant } from "../../model/vocabulary.js";
import {
  checkExpectation,
  formatScenarioLog,
  formatScenarioSummary,
  isScenarioName,
  referenceImplementation,
  runScenario,
  SCENARIO_NAMES,
  SCENARIOS,
  type ScenarioName,
  scenarioJson,
} from "../../scenarios/index.js";
import { type Command, UsageError } from "../command.js";

export const EXIT = { ok: 0, failed: 1, usage: 2, differs: 3 } as const;

const scenarioLines = SCENARIO_NAMES.map((name) => `  ${name.padEnd(14)} ${SCENARIOS[name].summary}`);

const usage = `usage: authrace scenario <name> --variant <variant> [--json]

Runs a scenario on real OS processes: two driver processes (node dist/impl/driver/main.js, one auth manager
each, in <variant>) share one temporary CODEX_HOME whose auth.json holds a stale R0 of a fresh family on the
loopback token server. Prints the server's request log and each process's cached_before / cached_after /
returned tokens (the shape of the log in PR #15357), then the verdict and the expectation for the variant.

scenarios:
${scenarioLines.join("\n")}

options:
  --variant <v>  ${VARIANTS.join(" | ")} (required)
  --json         one JSON document instead: {"scenario","variant","posts":[{"refreshToken","status","code"}],
                 "processes":{"A":{"cachedBefore","cachedAfter","returned"},"B":{...}},"staleSends":N}

Tokens are always redacted. staleSends counts POSTs of a refresh token the server had already rotated out.

exit status: 0 the run matched the expectation for the variant; 1 the run failed (a process did not start
or answer); 2 usage; 3 the run differs from the expectation.

example: authrace scenario stale-cache --variant legacy`;

interface ScenarioArguments {
  scenario: ScenarioName;
  variant: Variant;
  json: boolean;
}

/** Pure: argv to arguments; every mistake is a UsageError. */
export function parseScenarioArgs(argv: string[]): ScenarioArguments {
  let parsed: { values: { variant?: string; json?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      options: { variant: { type: "string" }, json: { type: "boolean", default: false } },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [name, ...extra] = positionals;
  if (name === undefined) throw new UsageError(`name a scenario (${SCENARIO_NAMES.join(", ")})`);
  if (extra.length > 0) throw new UsageError(`one scenario per run (got also: ${extra.join(" ")})`);
  if (!isScenarioName(name)) {
    throw new UsageError(`unknown scenario '${name}' (known: ${SCENARIO_NAMES.join(", ")})`);
  }
  if (values.variant === undefined) throw new UsageError(`--variant is required (${VARIANTS.join(", ")})`);
  if (!isVariant(values.variant)) {
    throw new UsageError(`unknown variant '${values.variant}' (known: ${VARIANTS.join(", ")})`);
  }
  return { scenario: name, variant: values.variant, json: values.json === true };
}

export const command: Command = {
  name: "scenario",
  summary: "run a real multi-process scenario (stale-cache, simultaneous) on one variant",
  usage,
  async run(argv) {
    const { scenario, variant, json } = parseScenarioArgs(argv);
    const result = await runScenario(scenario, referenceImplementation(variant));
    if (!result.ok) {
      console.error(`authrace scenario: ${scenario} / ${variant} failed: ${result.failure.message}`);
      return EXIT.failed;
    }
    const { report } = result;
    const mismatches = checkExpectation(report, variant);
    if (json) console.log(JSON.stringify(scenarioJson(report), null, 2));
    else console.log(`${formatScenarioLog(report)}\n\n${formatScenarioSummary(report, mismatches)}`);
    return mismatches.length === 0 ? EXIT.ok : EXIT.differs;
  },
};
