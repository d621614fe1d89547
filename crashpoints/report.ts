/**
 * Crash points of whole designs: every operation's rows, the cross-check with the pinned theorems (a stale send
 * or a failure to converge after a crash must also be what the explorer found for `<design>/N2/crash`, whose pins
 * the test suite verifies), and the k x design table.
 */

import { alignColumns } from "../common/columns.js";
import { configName, makeConfig } from "../model/config.js";
import type { Variant } from "../model/vocabulary.js";
import { loadPinned } from "../proofs/run.js";
import { CRASH_OPERATIONS } from "./model.js";
import { type CrashRow, type CrashRunOptions, runCrashOperation } from "./run.js";

export interface DesignCrashReport {
  variant: Variant;
  rows: CrashRow[];
  /** The pinned theorem the rows are checked against, e.g. `locked/N2/crash`. */
  theorem: string;
  /** Where the rows contradict the pins; empty: consistent. */
  pinProblems: string[];
  elapsedMs: number;
}

function pinProblems(variant: Variant, rows: readonly CrashRow[]): { theorem: string; problems: string[] } {
  const theorem = configName(makeConfig({ variant, processes: 2, faults: ["crash"] }));
  const pinned = loadPinned()[theorem];
  if (pinned === undefined)
    return { theorem, problems: [`${theorem} is not pinned in proofs/theorems.json`] };
  const problems: string[] = [];
  const expected = rows.flatMap((row) => (row.expected === null ? [] : [row.expected]));
  if (expected.some((row) => row.staleSend) && pinned.verdicts.NoStaleRefreshSent === "holds") {
    problems.push(`a crash leads to a stale send, but ${theorem} pins NoStaleRefreshSent as holding`);
  }
  if (expected.some((row) => !row.converges) && pinned.verdicts.Converges === "holds") {
    problems.push(`a crash leaves a process unconverged, but ${theorem} pins Converges as holding`);
  }
  return { theorem, problems };
}

export async function runDesignCrashpoints(
  variant: Variant,
  options: CrashRunOptions = {},
): Promise<DesignCrashReport> {
  const started = Date.now();
  const rows: CrashRow[] = [];
  for (const operation of CRASH_OPERATIONS)
    rows.push(...(await runCrashOperation(variant, operation, options)));
  const pins = pinProblems(variant, rows);
  return {
    variant,
    rows,
    theorem: pins.theorem,
    pinProblems: pins.problems,
    elapsedMs: Date.now() - started,
  };
}

export function crashReportsHold(reports: readonly DesignCrashReport[]): boolean {
  return reports.every(
    (report) => report.pinProblems.length === 0 && report.rows.every((row) => row.problems.length === 0),
  );
}

function cell(row: CrashRow | undefined): string {
  if (row === undefined) return "-";
  const at = row.kind ?? "completed";
  const next = row.next;
  const outcome =
    next === null
      ? "not run"
      : next.staleSend
        ? "stale send"
        : next.converges
          ? "converges"
          : "does not converge";
  return `${at}: ${outcome}${row.problems.length === 0 ? "" : " MISMATCH"}`;
}

/**
 * Rows `refresh k=1`, ...: each design's cell names the port call killed at and what the next process then did
 * (converges, stale send, does not converge), all checked against the model; MISMATCH where a check failed.
 */
export function formatCrashTable(reports: readonly DesignCrashReport[]): string {
  const lines: string[][] = [["crash at", ...reports.map((report) => report.variant)]];
  for (const operation of CRASH_OPERATIONS) {
    const depth = Math.max(
      ...reports.map((report) => report.rows.filter((row) => row.operation === operation).length),
    );
    for (let k = 1; k <= depth; k += 1) {
      const cells = reports.map((report) =>
        cell(report.rows.find((row) => row.operation === operation && row.k === k)),
      );
      lines.push([`${operation} k=${k}`, ...cells]);
    }
  }
  const notes = reports.flatMap((report) => [
    `${report.variant}: ${report.rows.length} crash runs in ${(report.elapsedMs / 1000).toFixed(1)} s; ` +
      `checked against the pins of ${report.theorem}: ${report.pinProblems.length === 0 ? "consistent" : "CONTRADICTED"}`,
    ...report.pinProblems.map((problem) => `  ${problem}`),
    ...report.rows.flatMap((row) =>
      row.problems.map((problem) => `  ${row.operation} k=${row.k} (${row.kind ?? "completed"}): ${problem}`),
    ),
  ]);
  return [alignColumns(lines), "", ...notes].join("\n");
}

export function crashJson(reports: readonly DesignCrashReport[]) {
  return {
    holds: crashReportsHold(reports),
    designs: reports.map((report) => ({
      variant: report.variant,
      theorem: report.theorem,
      pinProblems: report.pinProblems,
      elapsedMs: report.elapsedMs,
      rows: report.rows.map((row) => ({
        operation: row.operation,
        k: row.k,
        killedAt: row.kind,
        model: row.expected,
        afterCrash: row.afterCrash,
        next: row.next,
        problems: row.problems,
      })),
    })),
  };
}
