/**
 * `authrace codex <version | path>...`: fetches real Codex CLI releases (cached under .cache/codex), or takes
 * a binary on disk (a local build, judged by `--variant`'s design), and runs the real-process scenarios on
 * their `codex app-server` with the runner of `authrace scenario --impl codex:<version>`
 * (`runOnImplementation`, cli/real-runs.ts): per scenario the POSTs phase by phase, stale sends, what each
 * process returned, the verdict, and the expectation of the variant the version mirrors.
 */

import type { CodexBinary } from "../../codex/fetch.js";
import type { CodexImplementation } from "../../codex/implementation.js";
import { type CodexTarget, parseCodexTarget } from "../../codex/local.js";
import {
  formatLoginLock,
  judgeLoginLock,
  type LoginLockObservation,
  runLoginLock,
} from "../../codex/login-lock.js";
import {
  formatJudgedRecovery,
  type JudgedRecovery,
  judgeRecovery,
  RECOVERY_SUMMARY,
  type RecoveryJson,
  recoveryJson,
  runRecovery,
} from "../../codex/recovery/index.js";
import { builtInDesigns, isVariant, VARIANTS } from "../../model/designs/index.js";
import type { Variant } from "../../model/vocabulary.js";
import {
  type BinaryFailure,
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
import type { CodexChoice } from "../codex-target.js";
import { type Command, parseCommandArgs, UsageError } from "../command.js";
import { openCodex } from "../implementation/open.js";
import { EXIT, EXIT_FOR, runOnImplementation } from "../real-runs.js";

/**
 * The scenarios of this command: the app-server ones every implementation runs, and `recovery`, which only a
 * real Codex binary runs (codex/recovery/: `codex exec` whose model requests are answered 401).
 */
const RECOVERY = "recovery";
/** Do `codex login` and `codex logout` take the save's flock? Run only when named (codex/login-lock.ts). */
const LOGIN_LOCK = "login-lock";
const CODEX_SCENARIO_NAMES = [...SCENARIO_NAMES, RECOVERY, LOGIN_LOCK] as const;
type CodexScenarioName = (typeof CODEX_SCENARIO_NAMES)[number];

/**
 * The scenarios run when none is named: every one a binary can run (scenarioRunsOn). A binary's second
 * AuthManager cannot be asked from outside, so two-managers runs only when named (and then fails, saying why).
 */
const DEFAULT_SCENARIOS: readonly CodexScenarioName[] = [
  ...SCENARIO_NAMES.filter((name) => SCENARIOS[name].needsManagersInOneProcess !== true),
  RECOVERY,
];

function isCodexScenarioName(name: string): name is CodexScenarioName {
  return name === RECOVERY || name === LOGIN_LOCK || isScenarioName(name);
}

/** Versions one invocation may check; each costs a download of 60-180 MB the first time. */
const VERSIONS_MAX = 8;

/** `<= 0.116.999 legacy, ...`: every built-in design's release ranges, from its record. */
function releaseMap(): string {
  return builtInDesigns()
    .flatMap((design) => design.releases.map((range) => `${range.from}..${range.to ?? ""} ${design.name}`))
    .join(", ");
}

const usage = `usage: authrace codex <version>... [--scenario <name>]... [--json]
       authrace codex <path-to-codex-binary>... [--variant <design>] [--scenario <name>]... [--json]

Fetches @openai/codex@<version>-<platform> with npm (cached in .cache/codex/<version>, integrity-checked
before every use), or takes a Codex binary on disk (a local build: an argument with a slash, or an existing
file), runs the scenarios on real 'codex app-server' processes against the loopback token
server (as 'authrace scenario <name> --impl codex:<version>' does, one scenario at a time), and prints per
scenario: POSTs per phase, stale sends, what each process returned, the verdict of NoStaleRefreshSent, and
the expectation of the design that version mirrors (the designs' records say which releases:
${releaseMap()}).
Scenario 'recovery' (Codex only) runs 'codex exec' against a loopback model API that answers its requests
401 while another process rotates the token: its 401 recovery (Reload, then RefreshToken) runs for real.
Scenario 'login-lock' (only when named) holds the flock on auth.lock while 'codex login --with-api-key' and
then 'codex logout' run: a command that waits for it takes the lock the save takes (the design's
loginTakesLock; a design without a lock has no expectation).
A local binary is judged by the design --variant names (its version says nothing about which design a
build follows); without --variant it is run and reported with no expectation.

options:
  --variant <design> ${VARIANTS.join(" | ")}:
                     the design the local binaries follow (not for versions)
  --scenario <name>  ${CODEX_SCENARIO_NAMES.join(" | ")}
                     (repeatable; default: all a binary can run, every one but two-managers, which needs
                     two auth managers of one process asked one by one, and login-lock)
  --json             one JSON document on stdout instead of text

exit status: 0 every scenario ran and agrees with the expectation (or the version maps to no variant);
1 a fetch or a scenario failed (unknown version, no binary for this platform, corrupt download,
binary crashed or did not answer in time); 2 usage (a path that is no executable file included); 3 a run
differs from the expectation.

examples: authrace codex 0.116.0 0.117.0
          authrace codex ~/src/codex/codex-rs/target/release/codex --variant guarded`;

interface ResultJson {
  scenario: CodexScenarioName;
  agreement: JudgedRun["agreement"];
  expected: ScenarioVerdict | null;
  verdict: ScenarioVerdict | null;
  mismatches: string[] | null;
  failure: string | null;
  durationMs: number | null;
  /** Runs it took: a run in which the binary crashed by itself is run again (scenarios/attempts.ts). */
  attempts: number;
  /** The binary's own crashes (each with its stderr line): not a verdict. */
  binaryFailures: BinaryFailure[];
  /** Every attempt crashed: there is no protocol verdict. */
  binaryFailed: boolean;
  run: ScenarioJson | null;
  phases: PhaseJson[];
  /** The recovery scenario's report (its own phases: POSTs by sender, B's model requests, Codex's log). */
  recovery: RecoveryJson | null;
  /** The login-lock probe: what the design says (null: it has no lock) and what each command did. */
  loginLock: { expected: boolean | null; observations: LoginLockObservation[] } | null;
}

interface VersionReport {
  /** The version, or the local binary's absolute path. */
  version: string;
  binary: Omit<CodexBinary, "version"> | null;
  network: string | null;
  error: { kind: string; message: string } | null;
  results: ResultJson[];
}

interface Arguments {
  choices: CodexChoice[];
  scenarios: CodexScenarioName[];
  json: boolean;
}

/** A target as a choice; `--variant` is the design of local binaries and refused next to a release alone. */
function choiceOf(target: CodexTarget, design: Variant | null): CodexChoice {
  return target.kind === "version" ? { codexVersion: target.version } : { codexPath: target.path, design };
}

function designOf(text: string | undefined, targets: readonly CodexTarget[]): Variant | null {
  if (text === undefined) return null;
  if (!isVariant(text))
    throw new UsageError(`--variant: unknown variant '${text}' (known: ${VARIANTS.join(", ")})`);
  if (!targets.some((target) => target.kind === "path")) {
    throw new UsageError("--variant names the design of a local binary; a release mirrors its own variant");
  }
  return text;
}

function parse(argv: string[]): Arguments {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    options: {
      scenario: { type: "string", multiple: true },
      variant: { type: "string" },
      json: { type: "boolean", default: false },
    },
    allowPositionals: true,
  });
  if (positionals.length === 0)
    throw new UsageError("name at least one Codex version (e.g. 0.117.0) or a path to a codex binary");
  if (positionals.length > VERSIONS_MAX)
    throw new UsageError(`at most ${VERSIONS_MAX} versions per run (VERSIONS_MAX)`);
  const targets = positionals.map((text) => {
    const parsed = parseCodexTarget(text);
    if (!parsed.ok) throw new UsageError(parsed.problem);
    return parsed.target;
  });
  const design = designOf(values.variant, targets);
  const scenarios = values.scenario ?? [...DEFAULT_SCENARIOS];
  for (const name of scenarios) {
    if (!isCodexScenarioName(name))
      throw new UsageError(`unknown scenario '${name}' (known: ${CODEX_SCENARIO_NAMES.join(", ")})`);
  }
  return {
    choices: targets.map((target) => choiceOf(target, design)),
    scenarios: scenarios as CodexScenarioName[],
    json: values.json ?? false,
  };
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
    attempts: judged.attempts?.attempts ?? 1,
    binaryFailures: judged.attempts?.binaryFailures ?? [],
    binaryFailed: judged.attempts?.binaryFailed ?? false,
    run: result.ok ? scenarioJson(result.report) : null,
    phases: result.ok ? phasesJson(result.report) : [],
    recovery: null,
    loginLock: null,
  };
}

/** A result of a scenario only a Codex binary runs (no app-server run, no retries): the common fields. */
function probeResult(scenario: CodexScenarioName): ResultJson {
  return {
    scenario,
    agreement: "failed",
    expected: null,
    verdict: null,
    mismatches: null,
    failure: null,
    durationMs: null,
    attempts: 1,
    binaryFailures: [],
    binaryFailed: false,
    run: null,
    phases: [],
    recovery: null,
    loginLock: null,
  };
}

function recoveryResultJson(judged: JudgedRecovery): ResultJson {
  const { result } = judged;
  return {
    ...probeResult(RECOVERY),
    agreement: judged.agreement,
    expected: judged.expected?.verdict ?? null,
    verdict: result.ok ? result.report.verdict : null,
    mismatches: judged.mismatches,
    failure: result.ok ? null : result.message,
    durationMs: result.ok ? result.report.durationMs : null,
    recovery: result.ok ? recoveryJson(result.report) : null,
  };
}

/** The login-lock probe on the implementation's binary, judged by its design's `loginTakesLock`. */
async function checkLoginLock(implementation: CodexImplementation, json: boolean): Promise<ResultJson> {
  const judged = judgeLoginLock(await runLoginLock(implementation.binary.binaryPath), implementation.variant);
  const { result, expected, agreement } = judged;
  if (!json) {
    const said =
      expected === null
        ? "the design has no lock"
        : `the design says ${expected ? "they take it" : "they do not"}`;
    const seconds = result.ok ? ` (${(result.durationMs / 1000).toFixed(1)} s)` : "";
    const body = result.ok ? formatLoginLock(result.observations) : `  FAILED: ${result.message}`;
    console.log(
      `${LOGIN_LOCK}: do codex login and logout take auth.lock? ${said}${seconds}\n${body}\n  ${agreement}\n`,
    );
  }
  return {
    ...probeResult(LOGIN_LOCK),
    agreement,
    mismatches: judged.mismatches,
    failure: result.ok ? null : result.message,
    durationMs: result.ok ? result.durationMs : null,
    loginLock: { expected, observations: result.ok ? result.observations : [] },
  };
}

function describeRecovery(judged: JudgedRecovery): string {
  const seconds = judged.result.ok ? ` (${(judged.result.report.durationMs / 1000).toFixed(1)} s)` : "";
  return `${RECOVERY}: ${RECOVERY_SUMMARY}${seconds}\n${formatJudgedRecovery(judged)}\n`;
}

/** The recovery scenario on the implementation's binary, judged by the design it mirrors. */
async function checkRecovery(implementation: CodexImplementation, json: boolean): Promise<ResultJson> {
  const target = {
    name: implementation.name,
    binaryPath: implementation.binary.binaryPath,
    variant: implementation.variant,
  };
  const judged = judgeRecovery(await runRecovery(target), target);
  if (!json) console.log(describeRecovery(judged));
  return recoveryResultJson(judged);
}

/** Text: one block per scenario, as `authrace scenario` prints it minus the seed's log. */
function describeRun(judged: JudgedRun): string {
  const { scenario } = judged;
  const seconds = judged.result.ok ? ` (${(judged.result.report.durationMs / 1000).toFixed(1)} s)` : "";
  return `${scenario}: ${SCENARIOS[scenario].summary}${seconds}\n${formatJudgedRun(judged, { log: false })}\n`;
}

async function checkVersion(
  choice: CodexChoice,
  scenarios: CodexScenarioName[],
  json: boolean,
): Promise<VersionReport> {
  const version = "codexPath" in choice ? choice.codexPath : choice.codexVersion;
  const prepared = await openCodex("codex", choice, json);
  if (!prepared.ok) {
    const { kind, message } = prepared.failure;
    return { version, binary: null, network: null, error: { kind, message }, results: [] };
  }
  const { implementation } = prepared;
  const { version: _parsed, ...binary } = implementation.binary;
  try {
    const appServerScenarios = scenarios.filter(
      (name): name is ScenarioName => name !== RECOVERY && name !== LOGIN_LOCK,
    );
    const runs = await runOnImplementation(appServerScenarios, implementation, (judged) => {
      if (!json) console.log(describeRun(judged));
    });
    const results = runs.map((judged) => resultJson(judged, implementation.variant));
    if (scenarios.includes(RECOVERY)) results.push(await checkRecovery(implementation, json));
    if (scenarios.includes(LOGIN_LOCK)) results.push(await checkLoginLock(implementation, json));
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
  summary: "fetch a real Codex CLI release (or take a local binary) and run the scenarios on its app-server",
  usage,
  async run(argv) {
    const { choices, scenarios, json } = parse(argv);
    const reports: VersionReport[] = [];
    for (const choice of choices) reports.push(await checkVersion(choice, scenarios, json));
    if (json) console.log(JSON.stringify({ checkedAt: new Date().toISOString(), reports }, null, 2));
    return exitCode(reports);
  },
};
