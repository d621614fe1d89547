/**
 * What a stress run must show, and the check of a report against it. The expectation is the model's verdict
 * on NoStaleRefreshSent for the design at N = 2 with no faults (processes racing refreshes): where the model
 * holds, a stale send is a failure; where it finds one, a random run may miss the race, so a run without stale
 * sends is printed, not failed (`--expect-stale-sends some` makes it a failure).
 */
import { makeConfig } from "../model/config.js";
import { designNamed } from "../model/designs/index.js";
import type { Variant } from "../model/vocabulary.js";
import { describeVerdict, modelHolds } from "../proofs/verdict.js";
import type { StressReport } from "./report.js";

/** none: 0 stale sends or the run differs. some: at least one or it differs. any: either is fine. */
export const STALE_SEND_EXPECTATIONS = ["none", "some", "any"] as const;
export type StaleSendExpectation = (typeof STALE_SEND_EXPECTATIONS)[number];

export function isStaleSendExpectation(value: string): value is StaleSendExpectation {
  return (STALE_SEND_EXPECTATIONS as readonly string[]).includes(value);
}

export interface VariantExpectation {
  expectation: StaleSendExpectation;
  /** Whether the model finds stale sends for this variant when processes race refreshes. */
  modelFindsStaleSends: boolean;
  because: string;
}

/** The design's row, from the model; null for a name that is no known design. */
export function stressExpectation(variant: Variant): VariantExpectation | null {
  if (designNamed(variant) === undefined) return null;
  const config = makeConfig({ variant, processes: 2 });
  const holds = modelHolds(config, "NoStaleRefreshSent");
  return {
    expectation: holds ? "none" : "any",
    modelFindsStaleSends: !holds,
    because: describeVerdict(config, "NoStaleRefreshSent"),
  };
}

/**
 * The expectation when none is asked for: the variant's, and for an implementation that mirrors no variant
 * the invariant itself (no stale sends).
 */
export function defaultExpectation(variant: Variant | null): StaleSendExpectation {
  return (variant === null ? null : stressExpectation(variant))?.expectation ?? "none";
}

export type StressAgreement = "matches" | "differs" | "failed";

export interface StressJudgement {
  expectation: StaleSendExpectation;
  agreement: StressAgreement;
  /** The verdict of NoStaleRefreshSent, the expectation, and whether they agree (or why the run failed). */
  summary: string;
}

function verdictLine(report: StressReport): string {
  const sends = `${report.staleSends} stale send${report.staleSends === 1 ? "" : "s"}`;
  return `NoStaleRefreshSent ${report.staleSends === 0 ? "holds" : "violated"}: ${sends}`;
}

/** `expected for guarded: stale sends (why)`, with a note when a run that may miss the race did miss it. */
function expectedLine(report: StressReport, expectation: StaleSendExpectation): string {
  const row = report.variant === null ? null : stressExpectation(report.variant);
  const whose = row === null ? "expected" : `expected for ${report.variant}`;
  const because = row === null ? "" : ` (${row.because})`;
  if (expectation === "none") return `${whose}: no stale sends${because}`;
  if (expectation === "some") return `${whose}: stale sends${because}`;
  if (row === null && report.byImplementation.length > 1) {
    return `${whose}: anything (a mix of designs: no one model judges it; stale sends are counted per implementation)`;
  }
  if (row?.modelFindsStaleSends !== true) return `${whose}: anything (--expect-stale-sends any)`;
  const missed =
    report.staleSends === 0
      ? "; this run found none, which is not an error (--expect-stale-sends some makes it one)"
      : "";
  return `${whose}: stale sends${because}${missed}`;
}

/** Pure: the report next to the expectation; a run with problems failed whatever it counted. */
export function judgeStress(report: StressReport, expectation: StaleSendExpectation): StressJudgement {
  const lines = [verdictLine(report), `  ${expectedLine(report, expectation)}`];
  if (report.problems.length > 0) {
    for (const problem of report.problems) lines.push(`  RUN INCOMPLETE: ${problem}`);
    return { expectation, agreement: "failed", summary: lines.join("\n") };
  }
  const differs =
    (expectation === "none" && report.staleSends > 0) || (expectation === "some" && report.staleSends === 0);
  lines.push(differs ? `  DIFFERS from --expect-stale-sends ${expectation}` : "  as expected");
  return { expectation, agreement: differs ? "differs" : "matches", summary: lines.join("\n") };
}
