/** Running one scenario on one implementation: open the world, run the steps, report, and always tear down. */
import type { ProcessFactory } from "./implementation.js";
import { buildReport } from "./report.js";
import { simultaneous } from "./simultaneous.js";
import { staleCache } from "./stale-cache.js";
import type { Scenario } from "./steps.js";
import type { ScenarioName, ScenarioRunResult } from "./types.js";
import { openWorld } from "./world.js";

export const SCENARIOS: Readonly<Record<ScenarioName, Scenario>> = {
  "stale-cache": staleCache,
  simultaneous,
};

export interface RunOptions {
  /** Where the run's temporary CODEX_HOME is created (and removed again); default the OS temp directory. */
  temporaryDirectory?: string;
}

export async function runScenario(
  name: ScenarioName,
  implementation: ProcessFactory,
  options: RunOptions = {},
): Promise<ScenarioRunResult> {
  const scenario = SCENARIOS[name];
  const identity = { scenario: name, implementation: implementation.name, variant: implementation.variant };
  const startedAtMs = Date.now();
  const opened = await openWorld(implementation, scenario.serverOptions, options.temporaryDirectory);
  if (!opened.ok) return { ok: false, failure: { ...identity, message: opened.problem } };
  const { world } = opened;
  try {
    const steps = await scenario.run(world);
    if (!steps.ok) return { ok: false, failure: { ...identity, message: steps.problem } };
    const report = buildReport({
      scenario,
      implementation: implementation.name,
      variant: implementation.variant,
      server: world.server,
      family: world.family,
      observations: steps.observations,
      durationMs: Date.now() - startedAtMs,
    });
    return { ok: true, report };
  } finally {
    await world.close();
  }
}
