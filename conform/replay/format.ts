/**
 * A replay for people (numbered steps, each with the real server's answers, auth.json when it changed and
 * what a call returned; the seed's cached_before/after lines; the verdict) and for programs (one JSON
 * object, tokens redacted). Pure.
 */
import { configName } from "../../model/config.js";
import { INVARIANT_STATEMENTS } from "../../proofs/invariants.js";
import { formatRequestLine, redactRecord } from "../../server/index.js";
import type { PathStep } from "../lockstep.js";
import { formatDivergence } from "../report.js";
import type { StepObservation } from "./observe.js";
import { describePost } from "./post-source.js";
import { outcomeName, REPLAY_EXIT, type ReplayResult, replayExit } from "./replay-trace.js";
import type { ReplayTrace } from "./trace-file.js";
import { describeDisk, diskContent, type ProcessView, type RealView } from "./views.js";

function formatStep(step: StepObservation, path: readonly PathStep[]): string[] {
  // A POST says which token it sends and where the process got it, not the model's generic label.
  const post = describePost(path, step.number - 1, step.posts, [step.before, step.after]);
  const label = post ?? step.label;
  const lines = [
    `${String(step.number).padStart(3)}. ${step.actor} ${step.event}${label ? `: ${label}` : ""}`,
  ];
  for (const post of step.posts) lines.push(`       ${formatRequestLine(post)}`);
  const [before, after] = [step.before?.disk, step.after?.disk];
  if (after !== undefined && diskContent(before) !== diskContent(after))
    lines.push(`       auth.json: ${describeDisk(after)}`);
  if (step.returned)
    lines.push(`       ${step.returned.process}'s ${step.returned.event} returned ${step.returned.detail}`);
  return lines;
}

/** The seed's closing lines: each process's cached refresh token before and after. */
function cachedLines(initial: RealView | null, final: RealView | null): string[] {
  const lines: string[] = [];
  if (initial === null) return lines;
  const shown = (view: ProcessView | undefined) =>
    view?.cache
      ? `${view.cache.token.shown} (${view.cache.token.name})${view.poisoned ? " (poisoned)" : ""}`
      : "null";
  for (const [index, process] of (final?.processes ?? []).entries()) {
    lines.push(
      `${process.name}:cached_before=${shown(initial.processes[index])}`,
      `${process.name}:cached_after=${shown(process)}`,
    );
  }
  return lines;
}

function steps(count: number): string {
  return count === 1 ? "1 step" : `${count} steps`;
}

function headLines(trace: ReplayTrace, result: ReplayResult): string[] {
  const of = trace.theorem === null ? configName(trace.config) : trace.theorem;
  const start =
    result.initial === null
      ? []
      : [`  ${"0".padStart(3)}. start: every process loaded auth.json: ${describeDisk(result.initial.disk)}`];
  return [
    `replay ${trace.file}: ${trace.invariant} of ${of} (${steps(trace.path.length)}) on ${result.implementation}`,
    `  ${INVARIANT_STATEMENTS[trace.invariant]}`,
    ...start,
    ...result.steps.flatMap((step) => formatStep(step, trace.path).map((line) => `  ${line}`)),
    ...cachedLines(result.initial, result.final).map((line) => `  ${line}`),
  ];
}

function verdictLines(trace: ReplayTrace, result: ReplayResult): string[] {
  if (result.divergence !== null) {
    return [
      `${result.implementation} did not follow the model of ${configName(trace.config)}:`,
      formatDivergence(trace.path, result.divergence).replace(/^/gm, "  "),
    ];
  }
  const all = result.stepsRun === 1 ? "its only step" : `all ${result.stepsRun} steps`;
  const lines = [`the implementation followed the model for ${all}`];
  const seen = result.violation;
  if (seen !== null) {
    const verdict = seen.observed ? "shown on the real system" : "NOT observed on the real system";
    lines.push(`${trace.invariant} violated, ${verdict}:`, ...seen.lines.map((line) => `  ${line}`));
  }
  return lines;
}

export function formatReplay(trace: ReplayTrace, result: ReplayResult): string {
  return [...headLines(trace, result), ...verdictLines(trace, result)].join("\n");
}

/** `--json`: the steps without their `before` view (it is the previous step's `after`), tokens redacted. */
export function replayJson(trace: ReplayTrace, result: ReplayResult) {
  const exit = replayExit(result);
  return {
    file: trace.file,
    theorem: trace.theorem,
    invariant: trace.invariant,
    config: configName(trace.config),
    implementation: result.implementation,
    outcome: outcomeName(exit),
    exit,
    stepsRun: result.stepsRun,
    steps: result.steps.map(({ before: _before, ...step }) => ({
      ...step,
      posts: step.posts.map(redactRecord),
    })),
    divergence: result.divergence,
    violation: result.violation,
  };
}

/** `--json` for a trace whose configuration cannot be driven step by step. */
export function notDrivableJson(trace: ReplayTrace, reason: string) {
  return {
    file: trace.file,
    invariant: trace.invariant,
    config: configName(trace.config),
    outcome: "notDrivable",
    exit: REPLAY_EXIT.notDrivable,
    reason,
  };
}
