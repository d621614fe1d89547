/**
 * Text and JSON views of a stress run. Reports hold no token, so nothing here needs redacting. The seed is
 * printed before the run starts (cli/commands/stress.ts); the report repeats it with the line that replays it.
 */
import { alignColumns } from "../common/columns.js";
import type { StressJudgement } from "./expectation.js";
import { STRESS_CALLS } from "./plan.js";
import type { StressReport } from "./report.js";

const MS_PER_SECOND = 1_000;

/** `a 3, b 1` in descending count; `none` when empty. */
function describeCounts(counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts).sort(([a, left], [b, right]) => right - left || a.localeCompare(b));
  return entries.length === 0 ? "none" : entries.map(([key, count]) => `${key} ${count}`).join(", ");
}

/** Peak resident set per driver as measured (VmHWM), or why it was not. */
export function describeMemory(report: StressReport): string {
  const { memory } = report;
  if (memory === null) return "not measured (no /proc/<pid>/status for the processes)";
  const { peakRssMbMedian, peakRssMbMin, peakRssMbMax, processesMeasured } = memory;
  return (
    `peak RSS median ${peakRssMbMedian.toFixed(0)} MB (min ${peakRssMbMin.toFixed(0)}, max ${peakRssMbMax.toFixed(0)}) ` +
    `over ${processesMeasured} processes (VmHWM)`
  );
}

/** Calls per second over the calls phase. */
export function callsPerSecond(report: StressReport): number {
  return report.callsElapsedMs > 0 ? (report.calls * MS_PER_SECOND) / report.callsElapsedMs : 0;
}

/** The command line that replays the run's choices. */
export function replayCommand(report: StressReport, implementationSpec: string): string {
  const { settings } = report;
  return [
    `authrace stress --impl ${implementationSpec}`,
    `--processes ${settings.processes} --calls ${settings.calls} --seed ${settings.seed}`,
    `--delay-max-ms ${settings.delayMaxMs} --token-ttl-seconds ${settings.tokenTtlSeconds}`,
    `--server-delay-ms ${settings.serverDelayMs}`,
  ].join(" ");
}

/** The first lines a run prints, before any call: the seed, and what will run. */
export function formatStressHeader(implementation: string, settings: StressReport["settings"]): string {
  return [
    `seed ${settings.seed}`,
    `stress ${implementation}: ${settings.processes} processes x ${settings.calls} calls, pauses 0-${settings.delayMaxMs} ms, ` +
      `access tokens live ${settings.tokenTtlSeconds} s, server delay ${settings.serverDelayMs} ms, family revocation on`,
  ].join("\n");
}

/** A mixed run's attribution: one row per implementation (nothing for a run of one). */
function implementationRows(report: StressReport): string[][] {
  if (report.byImplementation.length < 2) return [];
  return report.byImplementation.map((row) => [
    `  ${row.implementation} (${row.processes.join(", ") || "no process"})`,
    `${row.posts} POSTs, ${row.staleSends} stale send${row.staleSends === 1 ? "" : "s"}`,
  ]);
}

export function formatStressReport(report: StressReport, judgement: StressJudgement, replay: string): string {
  const planned = report.settings.processes * report.settings.calls;
  const byKind = STRESS_CALLS.map((call) => `${call} ${report.callsByKind[call]}`).join(", ");
  const seconds = (report.elapsedMs / MS_PER_SECOND).toFixed(1);
  const rows = [
    ["calls made", `${report.calls} of ${planned} (${byKind})`],
    ["POSTs", String(report.posts)],
    ["rotations", String(report.rotations)],
    ["stale sends", String(report.staleSends)],
    ["401s", describeCounts(report.unauthorizedByCode)],
    [
      "families revoked",
      `${report.familiesRevoked} (logged in again ${report.relogins} time${report.relogins === 1 ? "" : "s"})`,
    ],
    ["failed calls", describeCounts(report.failedCalls)],
    ["auth() refresh errors", describeCounts(report.refreshErrors)],
    ["poisoned returns", String(report.poisonedReturns)],
    ["lock failures", describeCounts(report.lockFailures)],
    ...implementationRows(report),
    ["elapsed", `${seconds} s (${callsPerSecond(report).toFixed(0)} calls/s)`],
    ["memory per driver", describeMemory(report)],
  ];
  return [alignColumns(rows), "", judgement.summary, `replay: ${replay}`].join("\n");
}

export interface StressJson extends StressReport {
  seed: number;
  callsPerSecond: number;
  expectation: StressJudgement["expectation"];
  agreement: StressJudgement["agreement"];
  replay: string;
}

export function stressJson(report: StressReport, judgement: StressJudgement, replay: string): StressJson {
  return {
    seed: report.settings.seed,
    ...report,
    callsPerSecond: Math.round(callsPerSecond(report)),
    expectation: judgement.expectation,
    agreement: judgement.agreement,
    replay,
  };
}
