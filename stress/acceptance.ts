/**
 * The stress acceptance runs of `authrace verify`: 8 processes x 200 calls of the designs whose record asks
 * for them, at fixed seeds. About 10 s each on a 2-core machine, so they belong to `authrace verify` (or a
 * bench), never to `npm test`, whose stress tests run a few processes for a few calls.
 */

import { alignColumns } from "../common/columns.js";
import { builtInDesigns } from "../model/designs/index.js";
import type { Variant } from "../model/vocabulary.js";
import { referenceImplementation } from "../scenarios/index.js";
import {
  judgeStress,
  type StaleSendExpectation,
  type StressAgreement,
  stressExpectation,
} from "./expectation.js";
import { callsPerSecond } from "./format.js";
import { STRESS_DEFAULTS, type StressSettings } from "./limits.js";
import { runStress } from "./run.js";

export interface AcceptanceRun {
  variant: Variant;
  expectation: StaleSendExpectation;
  settings: StressSettings;
}

/**
 * The designs whose record asks for it (`checks.stressAcceptance`), at seed 1: any seed finds the unlocked
 * designs' races at this size, and a fixed one makes the run's choices replay. Where the model holds
 * NoStaleRefreshSent the run must show none; where it does not, 8 x 200 must show some. Holding designs first.
 */
export function stressAcceptanceRuns(): AcceptanceRun[] {
  const runs = builtInDesigns()
    .filter((design) => design.checks.stressAcceptance)
    .map((design): AcceptanceRun => {
      const holds = stressExpectation(design.name)?.expectation === "none";
      return {
        variant: design.name,
        expectation: holds ? "none" : "some",
        settings: { ...STRESS_DEFAULTS, processes: 8, calls: 200, seed: 1 },
      };
    });
  return [
    ...runs.filter((run) => run.expectation === "none"),
    ...runs.filter((run) => run.expectation !== "none"),
  ];
}

export interface AcceptanceRow {
  run: AcceptanceRun;
  agreement: StressAgreement;
  /** null when the run could not start. */
  staleSends: number | null;
  calls: number | null;
  elapsedMs: number | null;
  callsPerSecond: number | null;
  /** The judgement's text, or why the run could not start. */
  summary: string;
}

export async function runStressAcceptance(
  runs: readonly AcceptanceRun[] = stressAcceptanceRuns(),
): Promise<AcceptanceRow[]> {
  const rows: AcceptanceRow[] = [];
  for (const run of runs) {
    const result = await runStress(referenceImplementation(run.variant), run.settings);
    if (!result.ok) {
      const empty = { staleSends: null, calls: null, elapsedMs: null, callsPerSecond: null };
      rows.push({ run, agreement: "failed", ...empty, summary: result.problem });
      continue;
    }
    const { report } = result;
    const judgement = judgeStress(report, run.expectation);
    rows.push({
      run,
      agreement: judgement.agreement,
      staleSends: report.staleSends,
      calls: report.calls,
      elapsedMs: report.elapsedMs,
      callsPerSecond: Math.round(callsPerSecond(report)),
      summary: judgement.summary,
    });
  }
  return rows;
}

export function stressAcceptanceMatches(rows: readonly AcceptanceRow[]): boolean {
  return rows.every((row) => row.agreement === "matches");
}

/** An aligned table, then the judgement of every row that does not match. */
export function formatStressAcceptance(rows: readonly AcceptanceRow[]): string {
  const header = [
    "variant",
    "processes x calls",
    "seed",
    "expected",
    "stale sends",
    "elapsed",
    "calls/s",
    "matches",
  ];
  const cells = rows.map((row) => {
    const { settings } = row.run;
    return [
      row.run.variant,
      `${settings.processes} x ${settings.calls}`,
      String(settings.seed),
      row.run.expectation,
      row.staleSends === null ? "-" : String(row.staleSends),
      row.elapsedMs === null ? "-" : `${(row.elapsedMs / 1_000).toFixed(1)} s`,
      row.callsPerSecond === null ? "-" : String(row.callsPerSecond),
      row.agreement === "matches" ? "yes" : "NO",
    ];
  });
  const differences = rows
    .filter((row) => row.agreement !== "matches")
    .map((row) => `${row.run.variant}:\n${row.summary}`);
  return [alignColumns([header, ...cells]), ...differences].join("\n\n");
}
