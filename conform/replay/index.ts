/** Replaying a counterexample file on a real implementation: the public API of conform/replay/. */
export type { ViolationSeen } from "./evidence.js";
export { formatReplay, notDrivableJson, replayJson } from "./format.js";
export type { Observed, ObservedRun, StepObservation } from "./observe.js";
export { REPLAY_EXIT, type ReplayResult, replayExit, replayTrace } from "./replay-trace.js";
export { loadTrace, parseTrace, type ReplayTrace, type TraceLoad } from "./trace-file.js";
export type { CallOutcome, DiskView, NamedToken, ProcessView, RealView } from "./views.js";
