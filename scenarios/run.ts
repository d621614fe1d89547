/** Running one scenario on one implementation: open the world, run the steps, report, and always tear down. */
import type { ProcessFactory, ReplyTimeout } from "./implementation.js";
import type { RunObserver } from "./observer.js";
import { resolveScenarioOptions, type ScenarioOptions } from "./options.js";
import { PhaseRecorder } from "./phases.js";
import { buildReport } from "./report.js";
import { simultaneous } from "./simultaneous.js";
import { staleCache, staleCacheExpired, staleCacheUnreachable } from "./stale-cache.js";
import type { Scenario } from "./steps.js";
import { twoManagers } from "./two-managers.js";
import type { ScenarioName, ScenarioRunResult } from "./types.js";
import { openWorld } from "./world.js";

export const SCENARIOS: Readonly<Record<ScenarioName, Scenario>> = {
  "stale-cache": staleCache,
  simultaneous,
  "stale-cache-expired": staleCacheExpired,
  "stale-cache-unreachable": staleCacheUnreachable,
  "two-managers": twoManagers,
};

/**
 * Whether `implementation` can run `name`: every implementation runs every scenario but two-managers, which needs
 * `spawnManagers`. `authrace codex` runs, by default, only the scenarios a Codex binary can.
 */
export function scenarioRunsOn(
  name: ScenarioName,
  implementation: Pick<ProcessFactory, "spawnManagers">,
): boolean {
  return SCENARIOS[name].needsManagersInOneProcess !== true || implementation.spawnManagers !== undefined;
}

export interface RunOptions {
  /** Where the run's temporary CODEX_HOME is created (and removed again); default the OS temp directory. */
  temporaryDirectory?: string;
  /** Over the implementation's `scenarioOptions`, which are over DEFAULT_SCENARIO_OPTIONS. */
  scenario?: Partial<ScenarioOptions>;
  /** Sees the server's requests, the world and every process (validate/'s recorder). */
  observer?: RunObserver;
  /** How long each command of each process may take; default DEFAULT_REPLY_TIMEOUT. */
  replyTimeout?: ReplyTimeout;
}

export async function runScenario(
  name: ScenarioName,
  implementation: ProcessFactory,
  options: RunOptions = {},
): Promise<ScenarioRunResult> {
  const scenario = SCENARIOS[name];
  const identity = { scenario: name, implementation: implementation.name, variant: implementation.variant };
  if (!scenarioRunsOn(name, implementation)) {
    const message = `${implementation.name} cannot hold two auth managers in one process that a scenario can ask one by one (${name} needs it)`;
    return { ok: false, failure: { ...identity, message } };
  }
  const settings = resolveScenarioOptions(scenario.options, implementation.scenarioOptions, options.scenario);
  const startedAtMs = Date.now();
  const opened = await openWorld(implementation, {
    serverOptions: scenario.serverOptions(settings),
    staleAfterMs: settings.staleAfterMs,
    ...(options.temporaryDirectory === undefined ? {} : { temporaryDirectory: options.temporaryDirectory }),
    ...(options.observer === undefined ? {} : { observer: options.observer }),
    ...(options.replyTimeout === undefined ? {} : { replyTimeout: options.replyTimeout }),
  });
  if (!opened.ok) return { ok: false, failure: { ...identity, message: opened.problem } };
  const { world } = opened;
  let keepFiles = false;
  try {
    const phases = new PhaseRecorder(world.server);
    const steps = await scenario.run({ world, options: settings, phases });
    if (!steps.ok) {
      keepFiles = settings.keepFilesOnFailure;
      const kept = keepFiles ? ` (files and logs kept in ${world.root})` : "";
      return { ok: false, failure: { ...identity, message: `${steps.problem}${kept}` } };
    }
    const report = buildReport({
      scenario,
      implementation: implementation.name,
      variant: implementation.variant,
      server: world.server,
      family: world.family,
      observations: steps.observations,
      phases: phases.records,
      durationMs: Date.now() - startedAtMs,
    });
    return { ok: true, report };
  } finally {
    await world.close(keepFiles);
  }
}
