/**
 * Real multi-process scenarios (`stale-cache`, `simultaneous`, `stale-cache-expired`, `stale-cache-unreachable`,
 * `two-managers`; docs/scenarios.md) and the scenario matrix. Import from here only.
 *
 *   const result = await runScenario("stale-cache", referenceImplementation(design));
 *   if (result.ok) console.log(formatScenarioLog(result.report));
 *
 *   const rows = await runScenarioMatrix();          // every scenario x variant, reference implementation
 *   console.log(formatScenarioMatrix(rows));
 *   process.exitCode = scenarioMatrixMatches(rows) ? 0 : 1;
 *
 * Any `ProcessFactory` runs the same steps; codex/implementation.ts's `CodexImplementation` is one, and says
 * through `scenarioOptions` what it needs set up differently (a fixture that turns stale after startup, ...):
 *
 *   const judged = judgeRun(await runScenario("simultaneous", codexImplementation));
 *   console.log(formatJudgedRun(judged, { log: false }));
 */

export {
  type Attempted,
  type AttemptOptions,
  attemptRun,
  describeBinaryFailures,
  formatBinaryFailures,
} from "./attempts.js";
export {
  type AgainExpectation,
  checkExpectation,
  describePost,
  type Expectation,
  type ExpectedPost,
  expectationFor,
  expectedVerdict,
  scenarioStory,
} from "./expectations.js";
export {
  formatPhases,
  formatScenarioLog,
  formatScenarioMatrix,
  formatScenarioSummary,
  type PhaseJson,
  phasesJson,
  type ScenarioJson,
  scenarioJson,
} from "./format.js";
export {
  DEFAULT_REPLY_TIMEOUT,
  notReady,
  type ProcessFactory,
  REFERENCE_IMPLEMENTATION_PREFIX,
  type ReferenceOptions,
  type ReplyTimeout,
  referenceImplementation,
  replyTimeoutOf,
  type SpawnManagersOutcome,
  type SpawnOutcome,
  type SpawnRequest,
} from "./implementation.js";
export { type Agreement, formatJudgedRun, type JudgedRun, judgeRun } from "./judge.js";
export { SCENARIO_LIMITS } from "./limits.js";
export {
  runScenarioMatrix,
  type ScenarioMatrixOptions,
  type ScenarioMatrixRow,
  scenarioMatrixMatches,
} from "./matrix.js";
export type { ObservedWorld, RunObserver } from "./observer.js";
export { DEFAULT_SCENARIO_OPTIONS, resolveScenarioOptions, type ScenarioOptions } from "./options.js";
export {
  RECOVERY_STORY,
  type RecoveryExpectation,
  recoveryExpectation,
} from "./recovery-expectation.js";
export { type RunOptions, runScenario, SCENARIOS, scenarioRunsOn } from "./run.js";
export type { Scenario } from "./steps.js";
export {
  type BinaryFailure,
  isScenarioName,
  PHASE_STEPS,
  type PhaseReport,
  type PhaseStep,
  type PostReport,
  PROCESS_NAMES,
  type ProcessName,
  type ProcessReport,
  type ReplyReport,
  SCENARIO_NAMES,
  type ScenarioFailure,
  type ScenarioName,
  type ScenarioReport,
  type ScenarioRunResult,
  type ScenarioVerdict,
  type TokenKind,
  type TokenView,
} from "./types.js";
