/**
 * Trace validation (as etcd validates its traces against its TLA+ spec): is the recorded history one the
 * design's model allows? A breadth-first search over the model's states (model/ and proofs/step.ts, untouched)
 * in layers: layer k holds every node that explains exactly k observations. Within a layer, model steps the
 * history does not show are taken freely (validate/explain.ts); then every observation whose time window
 * allows it to come next is explained where it can be, giving layer k+1.
 *
 * Observation order: an observation may come next only if no unexplained one surely happened before it (ended
 * before it began). Samples and calls have windows, so several orders are tried; the server's decisions and
 * the harness's sends are points.
 *
 * Processes: the run's process names map to the model's processes in the order they started. Every model run
 * starts with all processes alike (idle, R0 cached), so any other mapping is a renaming of this one and
 * explains nothing more.
 *
 * The verdict: consistent, with the path of model steps and observations that explains the whole history; or
 * the first observation no behaviour explains, with why (per model state that reached it). Every limit is
 * named and stops the search with an error, never with a verdict.
 */
import { makeConfig, PROCESSES_MAX, writesInPlace } from "../model/config.js";
import { requireDesign } from "../model/designs/index.js";
import type { Variant } from "../model/vocabulary.js";
import { initialState } from "../proofs/state.js";
import { makeStepper } from "../proofs/step.js";
import { type Context, explainStep, freeSteps } from "./explain.js";
import { type History, historyOf, tokenKey } from "./history.js";
import { NO_CALL, nodeKey, type SearchNode, type Via } from "./node.js";
import type { RunFile } from "./run-file.js";

export const VALIDATE_LIMITS = {
  /** Distinct nodes visited over the whole search (each is kept as a key to visit it once). */
  nodesMax: 2_000_000,
  /** Observations explained out of order past the first unexplained one. */
  aheadMax: 256,
} as const;

export type ValidateLimitName = keyof typeof VALIDATE_LIMITS;

export class ValidateLimitExceeded extends Error {
  override name = "ValidateLimitExceeded";
}

export interface SearchStats {
  /** Distinct nodes visited. */
  nodes: number;
  /** The most nodes waiting on the search's stack at once. */
  deepestStack: number;
  seconds: number;
}

export type Validation =
  | { verdict: "consistent"; design: Variant; history: History; path: Via[]; stats: SearchStats }
  | {
      verdict: "inconsistent";
      design: Variant;
      history: History;
      /** Observations explained before it got stuck. */
      explained: number;
      /** The observation no behaviour explains (index into history.steps). */
      stuckAt: number;
      /** Why, as each model state that reached it says, most frequent first. */
      reasons: { reason: string; states: number }[];
      /** One path of the longest prefix the model explains. */
      prefix: Via[];
      stats: SearchStats;
    }
  | { verdict: "limit"; design: Variant; message: string; stats: SearchStats }
  | { verdict: "unusable"; design: Variant; message: string };

export interface ValidateOptions {
  limits?: Partial<Record<ValidateLimitName, number>>;
}

function contextOf(run: RunFile, design: Variant, history: History): Context {
  const { rules } = requireDesign(design);
  const config = makeConfig({
    variant: design,
    processes: run.processes.length,
    // A process of an in-place writer can read auth.json half written; the model needs its torn state.
    faults: writesInPlace(rules) ? ["tornWrite"] : [],
    server: run.server,
  });
  const processIndex = new Map(run.processes.map((name, index) => [name, index]));
  return { run, history, config, stepper: makeStepper(config), processIndex };
}

function rootOf(context: Context): SearchNode {
  const { processes } = context.config;
  return {
    state: initialState(processes),
    base: 0,
    ahead: [],
    calls: Array.from({ length: processes }, () => NO_CALL),
    tokens: new Map([[tokenKey({ family: context.history.initialFamily, generation: 0 }), 1]]),
    parent: null,
    via: { kind: "root" },
  };
}

function pathOf(node: SearchNode): Via[] {
  const path: Via[] = [];
  for (let at: SearchNode | null = node; at !== null && at.via.kind !== "root"; at = at.parent)
    path.push(at.via);
  return path.reverse();
}

/** The unexplained steps that may come next, and the one that must come soonest (the earliest end). */
function candidates(history: History, node: SearchNode): { next: number[]; deadline: number } {
  const explainedAhead = new Set(node.ahead);
  let minHi = Number.POSITIVE_INFINITY;
  let deadline = -1;
  const total = history.steps.length;
  for (let index = node.base; index < total && (history.lo[index] as number) <= minHi; index++) {
    if (explainedAhead.has(index)) continue;
    const hi = history.hi[index] as number;
    if (hi < minHi) {
      minHi = hi;
      deadline = index;
    }
  }
  const next: number[] = [];
  for (let index = node.base; index < total && (history.lo[index] as number) <= minHi; index++) {
    if (!explainedAhead.has(index)) next.push(index);
  }
  return { next, deadline };
}

class Budget {
  nodes = 0;
  constructor(readonly limits: Record<ValidateLimitName, number>) {}

  count(): void {
    this.nodes += 1;
    if (this.nodes > this.limits.nodesMax) {
      throw new ValidateLimitExceeded(`validate: nodesMax (${this.limits.nodesMax}) reached`);
    }
  }
}

interface Stuck {
  /** How far the furthest nodes got: every observation before `base` explained, then `explained` in all. */
  base: number;
  explained: number;
  /** Up to STUCK_NODES_KEPT nodes that got that far. */
  nodes: SearchNode[];
}

/** Nodes kept that got furthest, to say why the search could go no further. */
const STUCK_NODES_KEPT = 2_000;

/**
 * Progress is the unbroken prefix explained first, then the count: a node that explained later observations
 * out of order but left an earlier one behind has not got past that one.
 */
function noteProgress(stuck: Stuck, node: SearchNode): void {
  const explained = node.base + node.ahead.length;
  const further = node.base > stuck.base || (node.base === stuck.base && explained > stuck.explained);
  if (further) {
    stuck.base = node.base;
    stuck.explained = explained;
    stuck.nodes = [];
  }
  const level = node.base === stuck.base && explained === stuck.explained;
  if (level && stuck.nodes.length < STUCK_NODES_KEPT) stuck.nodes.push(node);
}

/**
 * Children of a node in the order they are tried: free steps first on the stack, observations last, so that
 * the search explains an observation whenever it can before it lets the model run on (a consistent history
 * is found along one path, not by widening every layer).
 */
function children(context: Context, node: SearchNode, budget: Budget): SearchNode[] {
  const result: SearchNode[] = [];
  for (const child of freeSteps(context, node)) result.push({ ...child, parent: node });
  const { next } = candidates(context.history, node);
  for (const index of next.reverse()) {
    const explained = explainStep(context, node, index);
    if (!explained.ok) continue;
    for (const child of explained.children) {
      if (child.ahead.length > budget.limits.aheadMax) {
        throw new ValidateLimitExceeded(`validate: aheadMax (${budget.limits.aheadMax}) reached`);
      }
      result.push({ ...child, parent: node });
    }
  }
  return result;
}

/** Why the nodes that got furthest could not explain the observation that had to come next. */
function stuckVerdict(context: Context, design: Variant, stuck: Stuck, stats: SearchStats): Validation {
  const { history } = context;
  const deadlines = new Map<number, number>();
  for (const node of stuck.nodes) {
    const { deadline } = candidates(history, node);
    deadlines.set(deadline, (deadlines.get(deadline) ?? 0) + 1);
  }
  // The observation that must come next in most of them (the earliest on a tie).
  const ranked = [...deadlines].sort(
    ([leftIndex, left], [rightIndex, right]) => right - left || leftIndex - rightIndex,
  );
  const stuckAt = ranked[0]?.[0] ?? 0;
  const reasons = new Map<string, number>();
  let example: SearchNode | undefined;
  for (const node of stuck.nodes) {
    if (candidates(history, node).deadline !== stuckAt) continue;
    example ??= node;
    const explained = explainStep(context, node, stuckAt);
    const reason = explained.ok ? "explained, but nothing after it could be" : explained.reason;
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  return {
    verdict: "inconsistent",
    design,
    history,
    explained: stuck.explained,
    stuckAt,
    reasons: [...reasons]
      .map(([reason, states]) => ({ reason, states }))
      .sort((left, right) => right.states - left.states),
    prefix: example ? pathOf(example) : [],
    stats,
  };
}

export function validateRun(run: RunFile, design: Variant, options: ValidateOptions = {}): Validation {
  if (run.processes.length > PROCESSES_MAX) {
    const message = `the run has ${run.processes.length} processes; the model takes at most ${PROCESSES_MAX} (PROCESSES_MAX, model/config.ts)`;
    return { verdict: "unusable", design, message };
  }
  const prepared = historyOf(run, design);
  if (!prepared.ok) return { verdict: "unusable", design, message: prepared.problem };
  const { history } = prepared;
  const context = contextOf(run, design, history);
  const budget = new Budget({ ...VALIDATE_LIMITS, ...options.limits });
  const started = performance.now();
  const stats = (deepestStack: number): SearchStats => ({
    nodes: budget.nodes,
    deepestStack,
    seconds: (performance.now() - started) / 1_000,
  });
  const seen = new Set<string>();
  const stuck: Stuck = { base: -1, explained: -1, nodes: [] };
  const stack = [rootOf(context)];
  let deepest = 0;
  try {
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      const key = nodeKey(node);
      if (seen.has(key)) continue;
      seen.add(key);
      budget.count();
      noteProgress(stuck, node);
      deepest = Math.max(deepest, stack.length);
      if (node.base >= history.steps.length) {
        return { verdict: "consistent", design, history, path: pathOf(node), stats: stats(deepest) };
      }
      for (const child of children(context, node, budget)) {
        if (!seen.has(nodeKey(child))) stack.push(child);
      }
    }
    return stuckVerdict(context, design, stuck, stats(deepest));
  } catch (error) {
    if (error instanceof ValidateLimitExceeded) {
      return { verdict: "limit", design, message: error.message, stats: stats(deepest) };
    }
    throw error;
  }
}
