/**
 * `authrace codex <version>...`: fetches a real Codex CLI release (cached under .cache/codex), runs the
 * real-process scenarios on its `codex app-server` against the loopback token server, and prints per
 * scenario the POSTs, stale sends, what each process returned, the verdict and the model's verdict.
 */
import { parseArgs } from "node:util";
import { type CodexBinary, fetchCodex } from "../../codex/fetch.js";
import { agreement, describeBinary, describeResult } from "../../codex/report.js";
import {
  isScenarioName,
  runCodexScenario,
  SCENARIO_NAMES,
  type ScenarioName,
  type ScenarioResult,
} from "../../codex/scenarios/index.js";
import { parseCodexVersion } from "../../codex/versions.js";
import { type Command, UsageError } from "../command.js";

/** Versions one invocation may check; each costs a download of 60-180 MB the first time. */
const VERSIONS_MAX = 8;

export const EXIT = { ok: 0, failed: 1, usage: 2, differs: 3 } as const;

const usage = `usage: authrace codex <version>... [--scenario <name>]... [--json]

Fetches @openai/codex@<version>-<platform> with npm (cached in .cache/codex/<version>, integrity-checked
before every use), runs the scenarios on real 'codex app-server' processes against the loopback token
server, and prints per scenario: POSTs per phase, stale sends, what each process returned, the verdict
of NoStaleRefreshSent, and the verdict the model gives the variant that version mirrors
(<= 0.116 legacy, 0.117-0.139 guarded, >= 0.171 persist-locked).

options:
  --scenario <name>  ${SCENARIO_NAMES.join(" | ")} (repeatable; default: all)
  --json             one JSON document on stdout instead of text

exit status: 0 every scenario ran and agrees with the model (or the version maps to no variant);
1 a fetch or a scenario failed (unknown version, no binary for this platform, corrupt download,
binary crashed or did not answer in time); 2 usage; 3 a verdict differs from the model.

example: authrace codex 0.116.0 0.117.0`;

interface VersionReport {
  version: string;
  binary: Omit<CodexBinary, "version"> | null;
  error: { kind: string; message: string } | null;
  results: ScenarioResult[];
}

function parse(argv: string[]): { versions: string[]; scenarios: ScenarioName[]; json: boolean } {
  const { values, positionals } = parseArgs({
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

async function checkVersion(
  version: string,
  scenarios: ScenarioName[],
  json: boolean,
): Promise<VersionReport> {
  if (!json) console.error(`authrace codex: fetching Codex ${version} (cached after the first time)...`);
  const fetched = await fetchCodex(version);
  if (!fetched.ok) {
    const { kind, message } = fetched.failure;
    if (!json) console.error(`authrace codex: cannot use Codex ${version}: ${kind}: ${message}`);
    return { version, binary: null, error: { kind, message }, results: [] };
  }
  const { version: _parsed, ...binary } = fetched.binary;
  if (!json) console.log(describeBinary(fetched.binary));
  const results: ScenarioResult[] = [];
  for (const scenario of scenarios) {
    const result = await runCodexScenario(fetched.binary, scenario);
    results.push(result);
    if (!json) console.log(`\n${describeResult(result)}\n`);
  }
  return { version, binary, error: null, results };
}

function exitCode(reports: VersionReport[]): number {
  const results = reports.flatMap((report) => report.results);
  if (reports.some((report) => report.error !== null)) return EXIT.failed;
  if (results.some((result) => agreement(result) === "failed")) return EXIT.failed;
  if (results.some((result) => agreement(result) === "differs")) return EXIT.differs;
  return EXIT.ok;
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
