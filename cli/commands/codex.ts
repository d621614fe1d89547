/**
 * `authrace codex <version>...`: fetches real Codex CLI releases (cached under .cache/codex) and runs the
 * real-process scenarios on their `codex app-server` with the runner of `authrace scenario --impl
 * codex:<version>` (`runOnImplementation`, cli/real-runs.ts): per scenario the POSTs phase by phase, stale
 * sends, what each process returned, the verdict, and the expectation of the variant the version mirrors.
 */

import type { CodexBinary } from "../../codex/fetch.js";
import { parseCodexVersion } from "../../codex/versions.js";
import { builtInDesigns } from "../../model/designs/index.js";
import type { Variant } from "../../model/vocabulary.js";
import {
  expectedVerdict,
  formatJudgedRun,
  isScenarioName,
  type JudgedRun,
  type PhaseJson,
  phasesJson,
  SCENARIO_NAMES,
  SCENARIOS,
  type ScenarioJson,
  type ScenarioName,
  type ScenarioVerdict,
  scenarioJson,
} from "../../scenarios/index.js";
import { type Command, parseCommandArgs, UsageError } from "../command.js";
import { openCodex } from "../implementation/open.js";
import { EXIT, EXIT_FOR, runOnImplementation } from "../real-runs.js";

/** Versions one invocation may check; each costs a download of 60-180 MB the first time. */
const VERSIONS_MAX = 8;

/** `<= 0.116.999 legacy, ...`: every built-in design's release ranges, from its record. */
function releaseMap(): string {
  return builtInDesigns()
    .flatMap((design) => design.releases.map((range) => `${range.from}..${range.to ?? ""} ${design.name}`))
    .join(", ");
}

const usage = `usage: authrace codex <version>... [--scenario <name>]... [--json]

Fetches @openai/codex@<version>-<platform> with npm (cached in .cache/codex/<version>, integrity-checked
before every use), runs the scenarios on real 'codex app-server' processes against the loopback token
server (as 'authrace scenario <name> --impl codex:<version>' does, one scenario at a time), and prints per
scenario: POSTs per phase, stale sends, what each process returned, the verdict of NoStaleRefreshSent, and
the expectation of the design that version mirrors (the designs' records say which releases:
${releaseMap()}).

options:
  --scenario <name>  ${SCENARIO_NAMES.join(" | ")} (repeatable; default: all)
  --json             one JSON document on stdout instead of text

exit status: 0 every scenario ran and agrees with the expectation (or the version maps to no variant);
1 a fetch or a scenario failed (unknown version, no binary for this platform, corrupt download,
binary crashed or did not answer in time); 2 usage; 3 a run differs from the expectation.

example: authrace codex 0.116.0 0.117.0`;

interface ResultJson {
  scenario: ScenarioName;
  agreement: JudgedRun["agreement"];
  expected: ScenarioVerdict | null;
  verdict: ScenarioVerdict | null;
  mismatches: string[] | null;
  failure: string | null;
  durationMs: number | null;
  run: ScenarioJson | null;
  phases: PhaseJson[];
}

interface VersionReport {
  version: string;
  binary: Omit<CodexBinary, "version"> | null;
  network: string | null;
  error: { kind: string; message: string } | null;
  results: ResultJson[];
}

function parse(argv: string[]): { versions: string[]; scenarios: ScenarioName[]; json: boolean } {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    options: { scenario: { type: "string", multiple: true }, json: { type: "boolean", default: false } },
    allowPositionals: true,
  });
  if (positionals.length === 0) throw new UsageError("name at least one Codex version, e.g. 0.117.0");
  if (positionals.length > VERSIONS_MAX)
    throw new UsageError(`at most ${VERSIONS_MAX} versions per run (VERSIONS_MAX)`);
  for (const version of positionals) {
    const parsed = parseCodexVersion(version);
    if (!parsed.ok) throw new UsageError(parsed.problem);
  }
  const scenarios = values.scenario ?? [...SCENARIO_NAMES];
  for (const name of scenarios) {
    if (!isScenarioName(name))
      throw new UsageError(`unknown scenario '${name}' (known: ${SCENARIO_NAMES.join(", ")})`);
  }
  return { versions: positionals, scenarios: scenarios as ScenarioName[], json: values.json ?? false };
}

function resultJson(judged: JudgedRun, variant: Variant | null): ResultJson {
  const { result, scenario } = judged;
  return {
    scenario,
    agreement: judged.agreement,
    expected: expectedVerdict(scenario, variant),
    verdict: result.ok ? result.report.verdict : null,
    mismatches: judged.mismatches,
    failure: result.ok ? null : result.failure.message,
    durationMs: result.ok ? result.report.durationMs : null,
    run: result.ok ? scenarioJson(result.report) : null,
    phases: result.ok ? phasesJson(result.report) : [],
  };
}

/** Text: one block per scenario, as `authrace scenario` prints it minus the seed's log. */
function describeRun(judged: JudgedRun): string {
  const { scenario } = judged;
  const seconds = judged.result.ok ? ` (${(judged.result.report.durationMs / 1000).toFixed(1)} s)` : "";
  return `${scenario}: ${SCENARIOS[scenario].summary}${seconds}\n${formatJudgedRun(judged, { log: false })}\n`;
}

async function checkVersion(
  version: string,
  scenarios: ScenarioName[],
  json: boolean,
): Promise<VersionReport> {
  const prepared = await openCodex("codex", version, json);
  if (!prepared.ok) {
    const { kind, message } = prepared.failure;
    return { version, binary: null, network: null, error: { kind, message }, results: [] };
  }
  const { implementation } = prepared;
  const { version: _parsed, ...binary } = implementation.binary;
  try {
    const runs = await runOnImplementation(scenarios, implementation, (judged) => {
      if (!json) console.log(describeRun(judged));
    });
    const results = runs.map((judged) => resultJson(judged, implementation.variant));
    return { version, binary, network: implementation.network, error: null, results };
  } finally {
    await implementation.close();
  }
}

/** The worst of all: a failure (1) over a difference (3) over agreement (0). */
function exitCode(reports: VersionReport[]): number {
  if (reports.some((report) => report.error !== null)) return EXIT.failed;
  const codes = reports.flatMap((report) => report.results.map((result) => EXIT_FOR[result.agreement]));
  if (codes.includes(EXIT.failed)) return EXIT.failed;
  return codes.includes(EXIT.differs) ? EXIT.differs : EXIT.ok;
}

export const command: Command = {
  name: "codex",
  summary: "fetch a real Codex CLI release and run the scenarios on its app-server",
  usage,
  async run(argv) {
    const { versions, scenarios, json } = parse(argv);
    const reports: VersionReport[] = [];
    for (const version of versions) reports.push(await checkVersion(version, scenarios, json));
    if (json) console.log(JSON.stringify({ checkedAt: new Date().toISOString(), reports }, null, 2));
    return exitCode(reports);
  },
};
