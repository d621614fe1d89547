/** A fast-check interleaving result for people: what failed, how to replay it, and the story, shortened. */

import { processName } from "../../common/names.js";
import { seedLog } from "../../proofs/render.js";
import type { PathStep } from "../lockstep.js";
import type { Minimised } from "./minimise.js";
import type { InterleavingReport } from "./property.js";

function numbered(path: readonly PathStep[]): string {
  return path.map((step, index) => `${index + 1}. ${processName(step.process)} ${step.event}`).join("\n");
}

/** Two blocks of lines next to each other, the left one padded to its widest line. */
function besideEachOther(left: string, right: string, gap = 4): string {
  const leftLines = left.split("\n");
  const rightLines = right.split("\n");
  const width = Math.max(...leftLines.map((line) => line.length)) + gap;
  const rows = Math.max(leftLines.length, rightLines.length);
  return Array.from({ length: rows }, (_, row) =>
    `${(leftLines[row] ?? "").padEnd(width)}${rightLines[row] ?? ""}`.trimEnd(),
  ).join("\n");
}

function indent(text: string, by = "  "): string {
  return text.replace(/^/gm, by);
}

export function formatInterleavingReport(
  report: InterleavingReport,
  minimised: Minimised | null = null,
): string {
  const rate = report.elapsedMs > 0 ? (report.runs / report.elapsedMs) * 1000 : 0;
  const timing = `${report.runs} runs in ${report.elapsedMs.toFixed(0)} ms (${rate.toFixed(1)} runs/s)`;
  const { failure } = report;
  const judged = report.staleSendsJudged
    ? ""
    : ` (conformance only: ${report.staleSends} rotated-out token(s) reached the server, the design's own failure, not judged)`;
  if (failure === null)
    return `${report.config} on ${report.subject}: ${report.staleSendsJudged ? "held" : "conforms"} for ${timing}, seed ${report.seed}${judged}`;
  const lines = [
    `${report.config} on ${report.subject}: ${failure.kind} after ${timing}`,
    `  ${failure.message}`,
    `  replay: seed ${report.seed}, path "${report.path ?? ""}", replayPath "${failure.replayPath ?? ""}" (authrace interleave --seed --path --replay-path)`,
    `  commands: ${failure.commands}`,
    "  schedule (fc.schedulerFor template):",
    indent(failure.schedule, "    "),
    `  the run as it happened (${failure.log.length} steps):`,
    indent(numbered(failure.log), "    "),
  ];
  if (minimised === null) return lines.join("\n");
  const status = minimised.confirmed
    ? "confirmed on the implementation"
    : `NOT confirmed: ${minimised.problem}`;
  const left = [
    `minimised (${minimised.path.length} steps, ${status}):`,
    numbered(minimised.path),
    "",
    seedLog(minimised.trace),
  ].join("\n");
  const right = minimised.shortest
    ? [
        `the model's shortest (${minimised.shortest.steps.length} steps):`,
        numbered(minimised.shortest.steps),
        "",
        seedLog(minimised.shortest),
      ].join("\n")
    : "the model's shortest: not explored (over SHORTEST_STATES_MAX)";
  lines.push(indent(besideEachOther(left, right)));
  return lines.join("\n");
}
