/**
 * The scenario matrix: every scenario x variant on the reference implementation, each row judged against
 * expectationFor. Runs one at a time: `simultaneous` is a timing race, and two runs sharing two cores would
 * only blur it.
 */

import { VARIANTS } from "../model/designs/index.js";
import type { Variant } from "../model/vocabulary.js";
import { checkExpectation, describePost, expectedVerdict } from "./expectations.js";
import { referenceImplementation } from "./implementation.js";
import { runScenario } from "./run.js";
import {
  SCENARIO_NAMES,
  type ScenarioName,
  type ScenarioReport,
  type ScenarioVerdict,
  type TokenKind,
} from "./types.js";

export interface ScenarioMatrixOptions {
  /** Default: all, in SCENARIO_NAMES order. */
  scenarios?: readonly ScenarioName[];
  /** Default: all, in VARIANTS order. */
  variants?: readonly Variant[];
  /** The driver program; default `node dist/impl/driver/main.js`. */
  driverCommand?: readonly string[];
  /** Where each run's temporary CODEX_HOME is created; default the OS temp directory. */
  temporaryDirectory?: string;
  /** Called as each row is finished (progress output). */
  onRow?: (row: ScenarioMatrixRow) => void;
}

export interface ScenarioMatrixRow {
  scenario: ScenarioName;
  variant: Variant;
  /** POSTs the server saw; null when the run failed. */
  posts: number | null;
  /** `R0 200, R0 401 refresh_token_reused`; empty when the run failed. */
  postsSummary: string;
  staleSends: number | null;
  /** What B returned: redacted, and whether it is the rotated or the stale token. Null when the run failed. */
  bReturned: { shown: string | null; kind: TokenKind } | null;
  expectedVerdict: ScenarioVerdict;
  /** null when the run failed. */
  actualVerdict: ScenarioVerdict | null;
  /** The run finished and every expectation held (POSTs, stale sends, returned tokens). */
  matches: boolean;
  /** One line per difference from the expectation, or the failure; empty when it matches. */
  mismatches: string[];
  /** The whole report; null when the run failed. */
  report: ScenarioReport | null;
}

async function runRow(
  scenario: ScenarioName,
  variant: Variant,
  options: ScenarioMatrixOptions,
): Promise<ScenarioMatrixRow> {
  const implementation = referenceImplementation(
    variant,
    options.driverCommand === undefined ? {} : { driverCommand: options.driverCommand },
  );
  const result = await runScenario(
    scenario,
    implementation,
    options.temporaryDirectory === undefined ? {} : { temporaryDirectory: options.temporaryDirectory },
  );
  const expected = expectedVerdict(scenario, variant);
  if (!result.ok) {
    const failure = `run failed: ${result.failure.message}`;
    return failedRow(scenario, variant, expected, failure);
  }
  const { report } = result;
  const mismatches = checkExpectation(report, variant);
  const row: ScenarioMatrixRow = {
    scenario,
    variant,
    posts: report.posts.length,
    postsSummary: report.posts.map(describePost).join(", "),
    staleSends: report.staleSends,
    bReturned: { shown: report.processes.B.returned.shown, kind: report.processes.B.returned.kind },
    expectedVerdict: expected,
    actualVerdict: report.verdict,
    matches: mismatches.length === 0,
    mismatches,
    report,
  };
  return row;
}

function failedRow(
  scenario: ScenarioName,
  variant: Variant,
  expected: ScenarioVerdict,
  failure: string,
): ScenarioMatrixRow {
  return {
    scenario,
    variant,
    posts: null,
    postsSummary: "",
    staleSends: null,
    bReturned: null,
    expectedVerdict: expected,
    actualVerdict: null,
    matches: false,
    mismatches: [failure],
    report: null,
  };
}

/** Runs every scenario x variant (or the chosen ones) one after another; a failed run is a row, not a throw. */
export async function runScenarioMatrix(options: ScenarioMatrixOptions = {}): Promise<ScenarioMatrixRow[]> {
  const rows: ScenarioMatrixRow[] = [];
  for (const scenario of options.scenarios ?? SCENARIO_NAMES) {
    for (const variant of options.variants ?? VARIANTS) {
      const row = await runRow(scenario, variant, options);
      rows.push(row);
      options.onRow?.(row);
    }
  }
  return rows;
}

/** True when every row matches its expectation (and there is at least one row). */
export function scenarioMatrixMatches(rows: readonly ScenarioMatrixRow[]): boolean {
  return rows.length > 0 && rows.every((row) => row.matches);
}
