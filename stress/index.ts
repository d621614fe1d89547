/**
 * Stress runs: real processes under random schedules (docs/stress.md). Import from here only.
 *
 *   const result = await runStress(referenceImplementation(design), { ...STRESS_DEFAULTS, seed: 42 });
 *   if (result.ok) console.log(judgeStress(result.report, defaultExpectation(design)).summary);
 */

export {
  type AcceptanceRow,
  type AcceptanceRun,
  formatStressAcceptance,
  runStressAcceptance,
  stressAcceptanceMatches,
  stressAcceptanceRuns,
} from "./acceptance.js";
export {
  defaultExpectation,
  isStaleSendExpectation,
  judgeStress,
  STALE_SEND_EXPECTATIONS,
  type StaleSendExpectation,
  type StressAgreement,
  type StressJudgement,
  stressExpectation,
  type VariantExpectation,
} from "./expectation.js";
export {
  callsPerSecond,
  describeMemory,
  formatStressHeader,
  formatStressReport,
  replayCommand,
  type StressJson,
  stressJson,
} from "./format.js";
export {
  checkStressSettings,
  SETTING_BOUNDS,
  STRESS_DEFAULTS,
  STRESS_LIMITS,
  type StressSettings,
} from "./limits.js";
export { type MemoryFigures, measureDriverMemory, memoryFigures, peakResidentKb } from "./memory.js";
export {
  CALL_WEIGHTS,
  type PlannedCall,
  type PlanSettings,
  planCalls,
  STRESS_CALLS,
  type StressCall,
} from "./plan.js";
export { holdsRevokedToken } from "./relogin.js";
export type { StressReport } from "./report.js";
export { runStress, type StressRunOptions, type StressRunResult } from "./run.js";
