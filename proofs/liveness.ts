/**
 * Liveness on the complete graph: NoDeadlock (every process can get back to idle) and Converges (every
 * process can reach a token the server accepts), both without faults. Computed by backward reachability
 * from the goal states over fault-free edges; a state that cannot reach the goal is a counterexample, and the
 * first such state in breadth-first order is one of the nearest. The interpretive reference runs this search;
 * the compiled explorer answers the same question by forward passes (compiled/forward-liveness.ts), and the
 * differential test holds the two to the same verdicts and lengths.
 */
import type { InvariantName } from "../model/vocabulary.js";
import { converged, quiescent } from "./invariants.js";
import type { ExplorerState } from "./state.js";

export interface EdgeList {
  add(from: number, to: number, fault: boolean): void;
  /** Fault-free edges only, as (from, to) pairs. */
  readonly from: () => Int32Array;
  readonly to: () => Int32Array;
}

/** Fault-free edges as parallel (from, to) arrays, in parts (forward-liveness.ts hands its parts over so). */
export interface EdgeArrays {
  from: Int32Array;
  to: Int32Array;
}

export function makeEdgeList(): EdgeList {
  let from = new Int32Array(4096);
  let to = new Int32Array(4096);
  let size = 0;
  return {
    add(source, target, fault) {
      if (fault || source === target) return;
      if (size === from.length) {
        const biggerFrom = new Int32Array(size * 2);
        const biggerTo = new Int32Array(size * 2);
        biggerFrom.set(from);
        biggerTo.set(to);
        from = biggerFrom;
        to = biggerTo;
      }
      from[size] = source;
      to[size] = target;
      size++;
    },
    from: () => from.subarray(0, size),
    to: () => to.subarray(0, size),
  };
}

/** The edges reversed: the sources of each state's incoming edges are `sources[starts[id]..starts[id + 1]]`. */
interface Incoming {
  starts: Int32Array;
  sources: Int32Array;
}

/** Built once for both progress checks (the two searches below walk the same reversed graph). */
function incomingEdges(stateCount: number, parts: readonly EdgeArrays[]): Incoming {
  const starts = new Int32Array(stateCount + 1);
  let size = 0;
  for (const { to } of parts) {
    size += to.length;
    for (let edge = 0; edge < to.length; edge++)
      starts[(to[edge] as number) + 1] = (starts[(to[edge] as number) + 1] as number) + 1;
  }
  for (let id = 0; id < stateCount; id++)
    starts[id + 1] = (starts[id + 1] as number) + (starts[id] as number);
  const sources = new Int32Array(size);
  const fill = starts.slice(0, stateCount);
  for (const { from, to } of parts) {
    for (let edge = 0; edge < to.length; edge++) {
      const target = to[edge] as number;
      sources[fill[target] as number] = from[edge] as number;
      fill[target] = (fill[target] as number) + 1;
    }
  }
  return { starts, sources };
}

/** Marks every state that can reach a goal state along the given (fault-free) edges. */
function reach(stateCount: number, incoming: Incoming, goal: (id: number) => boolean): Uint8Array {
  const { starts, sources } = incoming;
  const reached = new Uint8Array(stateCount);
  const queue = new Int32Array(stateCount);
  let head = 0;
  let tail = 0;
  for (let id = 0; id < stateCount; id++) {
    if (goal(id)) {
      reached[id] = 1;
      queue[tail++] = id;
    }
  }
  while (head < tail) {
    const target = queue[head++] as number;
    for (let slot = starts[target] as number; slot < (starts[target + 1] as number); slot++) {
      const source = sources[slot] as number;
      if (!reached[source]) {
        reached[source] = 1;
        queue[tail++] = source;
      }
    }
  }
  return reached;
}

export interface LivenessViolation {
  invariant: InvariantName;
  stateIndex: number;
  step: null;
}

export const QUIESCENT = 1;
export const CONVERGED = 2;

/** Each liveness invariant and the goal flag its states must reach. */
export const LIVENESS_GOALS: readonly (readonly [InvariantName, number])[] = [
  ["NoDeadlock", QUIESCENT],
  ["Converges", CONVERGED],
];

/** The goals a state meets, computed once when it is admitted (its object is dropped after expansion). */
export function goalFlags(state: ExplorerState, graceWindow: boolean): number {
  return (quiescent(state) ? QUIESCENT : 0) | (converged(state, graceWindow) ? CONVERGED : 0);
}

export function checkLiveness(
  goals: Uint8Array,
  edges: EdgeList | readonly EdgeArrays[],
): LivenessViolation[] {
  const violations: LivenessViolation[] = [];
  const parts = Array.isArray(edges)
    ? edges
    : [{ from: (edges as EdgeList).from(), to: (edges as EdgeList).to() }];
  const incoming = incomingEdges(goals.length, parts);
  for (const [invariant, flag] of LIVENESS_GOALS) {
    const reached = reach(goals.length, incoming, (id) => ((goals[id] as number) & flag) !== 0);
    const stuck = reached.indexOf(0);
    if (stuck >= 0) violations.push({ invariant, stateIndex: stuck, step: null });
  }
  return violations;
}
