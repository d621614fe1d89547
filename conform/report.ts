/** Conformance results for people: the path up to the divergence as numbered steps, and a summary table. */
import { processName } from "../common/names.js";
import type { PathStep } from "./lockstep.js";
import type { Divergence } from "./run-path.js";
import type { ConformanceReport } from "./suite.js";

/** `3. B sendRefresh`, the divergent step marked with `<-`. */
export function formatDivergence(path: readonly PathStep[], divergence: Divergence): string {
  const lines = [
    `diverged at step ${divergence.step} (${divergence.actor}${divergence.event ? ` ${divergence.event}` : ""}): ${divergence.message}`,
  ];
  const shown = path.slice(0, divergence.step);
  for (const [index, step] of shown.entries()) {
    const mark = index + 1 === divergence.step ? "   <- here" : "";
    lines.push(
      `  ${String(index + 1).padStart(3)}. ${processName(step.process).padEnd(5)} ${step.event}${mark}`,
    );
  }
  lines.push(`  path (JSON): ${JSON.stringify(shown.map((step) => [step.event, step.process]))}`);
  return lines.join("\n");
}

function percent(part: number, whole: number): string {
  return whole === 0 ? "100%" : `${((100 * part) / whole).toFixed(1)}%`;
}

export interface ReportFormat {
  /** Divergences printed in full (default: all kept); the rest are counted in one line. */
  divergencesShown?: number;
}

export function formatConformanceReport(report: ConformanceReport, format: ReportFormat = {}): string {
  const { coverage, paths } = report;
  const rate = report.executionMs > 0 ? (paths.run / report.executionMs) * 1000 : 0;
  const lines = [
    `${report.config} on ${report.implementation}: ${report.divergences.length === 0 ? "conforms" : `${report.divergences.length} divergence(s)`}`,
    `  paths ${paths.run}/${paths.generated} (shortest ${paths.shortest}, extended ${paths.extended}, simple ${paths.simple}), steps ${report.steps}, states ${report.states}`,
    `  transitions covered ${coverage.covered}/${coverage.reachable} reachable (${percent(coverage.covered, coverage.reachable)}); ${coverage.defined} defined`,
    `  generation ${report.generationMs.toFixed(0)} ms, execution ${report.executionMs.toFixed(0)} ms (${rate.toFixed(0)} paths/s)`,
  ];
  if (coverage.missing.length > 0) lines.push(`  not covered: ${coverage.missing.join(", ")}`);
  const shown = report.divergences.slice(0, format.divergencesShown ?? report.divergences.length);
  for (const { path, divergence } of shown)
    lines.push(formatDivergence(path, divergence).replace(/^/gm, "  "));
  const hidden = report.divergences.length - shown.length;
  if (hidden > 0) lines.push(`  (${hidden} more divergence(s) not shown)`);
  return lines.join("\n");
}
