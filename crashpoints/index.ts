/**
 * A crash at every I/O point, on real processes, checked against the model (crashpoints/run.ts). Import from
 * here only.
 *
 *   const report = await runDesignCrashpoints(design);
 *   console.log(formatCrashTable([report]));
 */
export { type HeldRun, PORT_CALLS_MAX, SETTLE_TIMEOUT_MS, START_TIMEOUT_MS } from "./held-run.js";
export {
  CRASH_OPERATIONS,
  type CrashExpectation,
  type CrashOperation,
  expectCrash,
  type ModelDisk,
  modelRefreshPath,
} from "./model.js";
export {
  crashJson,
  crashReportsHold,
  type DesignCrashReport,
  formatCrashTable,
  runDesignCrashpoints,
} from "./report.js";
export { type CrashRow, type CrashRunOptions, type NextProcess, runCrashOperation } from "./run.js";
export type { Observation, RealDisk } from "./world.js";
