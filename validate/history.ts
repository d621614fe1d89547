/**
 * A run file made ready for the search: the observations it can check, in order of the start of their time
 * windows, with what can be decided once and for all attached.
 *
 * - Calls the implementation does not have (Codex app-server's `unauthorized`, `cached`) are dropped: they
 *   did nothing. A call that failed in transport (the process died) ends the history there: what the process
 *   did after is unknown (the report says so).
 * - A login by the harness (stress: a fresh family for the same account after a revocation) is an event of
 *   the world the model has no step for. It is added as a `login` observation: it happened after the last
 *   auth.json sample that did not show the new family began, and before the first that did ended.
 * - How auth.json was written is checked against the design once: a change in place (same inode and birth
 *   time) by a design that only replaces the file, or a replacement by one that only writes in place, is an
 *   observation no behaviour of that design explains (a harness login excepted: it replaces the file).
 */
import { usesFileLock, writesInPlace } from "../model/config.js";
import { type DesignRules, requireDesign } from "../model/designs/index.js";
import type { Variant } from "../model/vocabulary.js";
import { type Observation, type RunFile, type TokenRef, window } from "./run-file.js";

export type Step = Observation | { kind: "login"; from: number; to: number; family: string };

export interface History {
  steps: Step[];
  lo: Float64Array;
  hi: Float64Array;
  /** For each step, a problem that rules it out whatever the model does (a write mode the design never uses). */
  staticProblem: (string | null)[];
  /** The index in the run file of each step (-1 for a login the validator added). */
  fileIndex: number[];
  /** The family of the fixture's login (R0 of it is every process's starting cache). */
  initialFamily: string;
  /** Why the history stops short of the file's end; null when it covers the whole run. */
  truncated: string | null;
}

export type HistoryResult = { ok: true; history: History } | { ok: false; problem: string };

/** When a step's window begins. */
function startOf(step: Step): number {
  return "at" in step ? step.at : step.from;
}

export function tokenKey(token: TokenRef): string {
  return `${token.family}#${token.generation}`;
}

function firstDisk(run: RunFile): Extract<Observation, { kind: "disk" }> | null {
  for (const observation of run.observations) if (observation.kind === "disk") return observation;
  return null;
}

/** The observations kept, with their indexes in the file; the first transport failure ends them. */
function kept(run: RunFile): {
  entries: { observation: Observation; index: number }[];
  truncated: string | null;
} {
  const unsupported = new Set<number>();
  for (const observation of run.observations) {
    if (observation.kind === "return" && observation.outcome === "unsupported")
      unsupported.add(observation.id);
  }
  const failed = run.observations.find((item) => item.kind === "return" && item.outcome === "transport");
  const end = failed === undefined ? Number.POSITIVE_INFINITY : window(failed).lo;
  const truncated =
    failed === undefined || !("process" in failed)
      ? null
      : `${failed.process}'s ${failed.call}() failed in transport (the process died or stopped answering): observations from ${end.toFixed(1)} ms on are not checked`;
  const entries = run.observations
    .map((observation, index) => ({ observation, index }))
    .filter(({ observation }) => !("id" in observation && unsupported.has(observation.id)))
    .filter(({ observation }) => window(observation).lo < end);
  return { entries, truncated };
}

/** A `login` step for every family that appears on disk without the model being able to mint it. */
function logins(entries: { observation: Observation }[], initialFamily: string): Step[] {
  const seen = new Set([initialFamily]);
  const steps: Step[] = [];
  let previousDiskFrom = 0;
  for (const { observation } of entries) {
    if (observation.kind !== "disk") continue;
    const family = observation.refresh?.family;
    if (family !== undefined && !seen.has(family)) {
      seen.add(family);
      steps.push({ kind: "login", from: previousDiskFrom, to: observation.to, family });
    }
    previousDiskFrom = observation.from;
  }
  return steps;
}

function writeProblem(step: Step, design: Variant, rules: DesignRules, loginNow: boolean): string | null {
  if (step.kind === "lock" && step.held && !usesFileLock(rules)) {
    return `${step.file} was held, and design ${design} takes no file lock`;
  }
  if (step.kind !== "disk") return null;
  if (step.change === "in-place" && !writesInPlace(rules)) {
    return `auth.json was rewritten in place (same inode), and design ${design} only replaces it (temp + rename)`;
  }
  if (step.change === "replaced" && writesInPlace(rules) && !loginNow) {
    return `auth.json was replaced by another file (new inode), and design ${design} writes it in place`;
  }
  return null;
}

export function historyOf(run: RunFile, design: Variant): HistoryResult {
  const first = firstDisk(run);
  if (first === null || first.state !== "ok" || first.refresh === null || first.refresh.generation !== 0) {
    return { ok: false, problem: "the first auth.json sample is not the fixture's login (R0 of a family)" };
  }
  const initialFamily = first.refresh.family;
  const { rules } = requireDesign(design);
  const { entries, truncated } = kept(run);
  const added = logins(entries, initialFamily);
  const all: { step: Step; index: number }[] = [
    ...entries.map(({ observation, index }) => ({ step: observation as Step, index })),
    ...added.map((step) => ({ step, index: -1 })),
  ];
  all.sort((left, right) => startOf(left.step) - startOf(right.step));
  const loginFamilies = new Set(added.map((step) => (step.kind === "login" ? step.family : "")));
  const steps = all.map((entry) => entry.step);
  return {
    ok: true,
    history: {
      steps,
      lo: Float64Array.from(steps, startOf),
      hi: Float64Array.from(steps, (step) => ("at" in step ? step.at : step.to)),
      staticProblem: steps.map((step) => {
        const loginNow =
          step.kind === "disk" && loginFamilies.has(step.refresh?.family ?? "") && isFirstSight(steps, step);
        return writeProblem(step, design, rules, loginNow);
      }),
      fileIndex: all.map((entry) => entry.index),
      initialFamily,
      truncated,
    },
  };
}

/** This disk sample is the first to show its family. */
function isFirstSight(steps: readonly Step[], sample: Extract<Step, { kind: "disk" }>): boolean {
  const family = sample.refresh?.family;
  const first = steps.find((step) => step.kind === "disk" && step.refresh?.family === family);
  return first === sample;
}
