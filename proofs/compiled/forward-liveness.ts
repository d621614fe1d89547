/**
 * Liveness for the compiled explorer: the same question as proofs/liveness.ts (which states can reach a goal
 * state over fault-free edges), answered by passes over the edges as they were stored, grouped by source,
 * instead of a search over the reversed graph.
 *
 * A state can reach a goal when it is one, or when one of its successors can. Each pass goes over every state,
 * taking the flags of its successors into its own (both goals at once, a bit each), until a pass changes
 * nothing: the least fixpoint, which is the backward search's answer. Passes alternate direction: ids are
 * breadth-first, so a pass from the last state to the first settles chains of edges to later states at once,
 * and the next, from the first to the last, chains of edges back to earlier ones. Guarded at N = 4 settles in
 * 6 passes (8 in one direction only), at N = 5 in 6 (10): 3.5 s against the backward search's 10 s, and the
 * passes read the edges in order and need no reversed copy of the graph (as much memory again as the edges).
 * A graph that needs more than PASSES_MAX passes is handed to the backward search (liveness.ts), which the
 * interpretive reference also runs, so the answer never depends on how many passes a graph needs.
 */
import { CONVERGED, checkLiveness, LIVENESS_GOALS, type LivenessViolation, QUIESCENT } from "../liveness.js";

/** A part of the graph's fault-free edges, by source: the targets of state s are
 * `targets[starts[s] .. starts[s + 1]]`, for s below `sources` (a state past it has no edge in this part). */
export interface ForwardEdges {
  starts: Int32Array;
  targets: Int32Array;
  sources: number;
}

/** Passes before the backward search takes over (a pass is one read of every edge; the search costs about 3). */
export const PASSES_MAX = 24;
const BOTH = QUIESCENT | CONVERGED;

/** The goal flags every state can reach; null when PASSES_MAX passes did not settle them. */
export function reachableGoals(goals: Uint8Array, parts: readonly ForwardEdges[]): Uint8Array | null {
  const count = goals.length;
  // A loop, not Uint8Array.from with a map: V8 builds that through a JS array, which 100 M states overflow.
  const reach = new Uint8Array(count);
  for (let id = 0; id < count; id++) reach[id] = (goals[id] as number) & BOTH;
  for (let pass = 0; pass < PASSES_MAX; pass++) {
    let changed = false;
    const down = pass % 2 === 0;
    for (let step = 0; step < count; step++) {
      const id = down ? count - 1 - step : step;
      const own = reach[id] as number;
      if (own === BOTH) continue;
      let flags = own;
      for (const { starts, targets, sources } of parts) {
        if (id >= sources) continue;
        const end = starts[id + 1] as number;
        for (let edge = starts[id] as number; edge < end && flags !== BOTH; edge++) {
          flags |= reach[targets[edge] as number] as number;
        }
      }
      if (flags !== own) {
        reach[id] = flags;
        changed = true;
      }
    }
    if (!changed) return reach;
  }
  return null;
}

/** NoDeadlock and Converges, each violated at the first state (in breadth-first order) that cannot reach it. */
export function checkLivenessForward(goals: Uint8Array, parts: readonly ForwardEdges[]): LivenessViolation[] {
  const reach = reachableGoals(goals, parts);
  if (reach === null) return checkLiveness(goals, parts.map(pairsOf));
  const violations: LivenessViolation[] = [];
  for (const [invariant, flag] of LIVENESS_GOALS) {
    const stuck = reach.findIndex((flags) => (flags & flag) === 0);
    if (stuck >= 0) violations.push({ invariant, stateIndex: stuck, step: null });
  }
  return violations;
}

/** The part as (from, to) pairs, for the backward search. */
function pairsOf({ starts, targets, sources }: ForwardEdges): { from: Int32Array; to: Int32Array } {
  const size = sources > 0 ? (starts[sources] as number) : 0;
  const from = new Int32Array(size);
  for (let source = 0; source < sources; source++) {
    from.fill(source, starts[source] as number, starts[source + 1] as number);
  }
  return { from, to: targets.subarray(0, size) };
}
