/**
 * How a scenario is set up around the implementation under test. The defaults are what the reference driver
 * needs; an implementation that needs more (a real Codex app-server, see codex/implementation.ts) declares it
 * in `ProcessFactory.scenarioOptions`, and a caller may override either. The steps stay the same: these only
 * decide the fixture's age, the server's delay, the gap between starts, and whether everyone is asked again.
 */
import { SCENARIO_LIMITS } from "./limits.js";

export interface ScenarioOptions {
  /**
   * null: auth.json is stale from the start (`last_refresh` 9 days old). A number W: `last_refresh` is
   * now - 8 days + W, so the token turns stale W ms after the fixture is written. A Codex app-server
   * refreshes a stale auth.json at startup, so it needs the second: it starts (and caches) a fresh token, and
   * the scenario waits until the token is stale before the calls that race.
   */
  staleAfterMs: number | null;
  /**
   * After the scenario's calls, ask each process auth() once more (phases `<name> asked again`): shows
   * whether a loser re-sends the dead token on every call (legacy) or adopts the saved one (guarded).
   */
  askAgain: boolean;
  /** How long the server holds back its answers in the scenarios that race two refreshes (simultaneous). */
  raceResponseDelayMs: number;
  /** Pause between starting two processes (Codex 0.139 can crash when two initialise one home at once). */
  startGapMs: number;
  /** A failed run leaves its temporary directory (the processes' logs) and names it in the failure. */
  keepFilesOnFailure: boolean;
}

export const DEFAULT_SCENARIO_OPTIONS: Readonly<ScenarioOptions> = {
  staleAfterMs: null,
  askAgain: false,
  raceResponseDelayMs: SCENARIO_LIMITS.simultaneousResponseDelayMs,
  startGapMs: 0,
  keepFilesOnFailure: false,
};

/** Later layers win. Asserts the limits: a bad option is a programmer error. */
export function resolveScenarioOptions(...layers: (Partial<ScenarioOptions> | undefined)[]): ScenarioOptions {
  const options: ScenarioOptions = { ...DEFAULT_SCENARIO_OPTIONS };
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer ?? {})) {
      if (value !== undefined) Object.assign(options, { [key]: value });
    }
  }
  const { staleAfterMs, raceResponseDelayMs, startGapMs } = options;
  if (staleAfterMs !== null && !(staleAfterMs > 0 && staleAfterMs <= SCENARIO_LIMITS.staleAfterMsMax)) {
    throw new RangeError(`staleAfterMs must be in (0, ${SCENARIO_LIMITS.staleAfterMsMax}] (staleAfterMsMax)`);
  }
  for (const [name, value] of Object.entries({ raceResponseDelayMs, startGapMs })) {
    if (!(value >= 0 && value <= SCENARIO_LIMITS.pauseMsMax)) {
      throw new RangeError(`${name} must be in [0, ${SCENARIO_LIMITS.pauseMsMax}] (pauseMsMax)`);
    }
  }
  return options;
}
