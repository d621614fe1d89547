/**
 * The compiled explorer's liveness by forward passes (proofs/compiled/forward-liveness.ts) against the
 * backward search the interpretive reference runs (proofs/liveness.ts): the same violated invariants at the
 * same first stuck state, on seeded random graphs split into parts as the workers hand them over; and a
 * graph that needs more passes than PASSES_MAX (a path zigzagging between earlier and later states) still
 * gets the backward search's answer. compiled.test.ts checks the two on the model's own graphs.
 */
import { describe, expect, it } from "vitest";
import { Random } from "../../common/random.js";
import { CompactEdges } from "../../proofs/compiled/edges.js";
import {
  checkLivenessForward,
  type ForwardEdges,
  PASSES_MAX,
  reachableGoals,
} from "../../proofs/compiled/forward-liveness.js";
import { CONVERGED, checkLiveness, makeEdgeList, QUIESCENT } from "../../proofs/liveness.js";

const GRAPHS = 200;
const STATES_MAX = 120;

interface Graph {
  goals: Uint8Array;
  edges: [number, number, boolean][];
}

function randomGraph(random: Random): Graph {
  const states = 1 + random.below(STATES_MAX);
  const goals = Uint8Array.from({ length: states }, () => (random.below(3) === 0 ? 1 + random.below(3) : 0));
  const edges: [number, number, boolean][] = [];
  for (let source = 0; source < states; source++) {
    const out = random.below(4);
    for (let edge = 0; edge < out; edge++) edges.push([source, random.below(states), random.below(6) === 0]);
  }
  return { goals, edges };
}

/** The edges in `parts` parts, each source in one part (as worker threads take chunks of states). */
function partsOf(graph: Graph, parts: number): ForwardEdges[] {
  const lists = Array.from({ length: parts }, () => new CompactEdges());
  for (const [from, to, fault] of graph.edges) lists[from % parts]?.add(from, to, fault);
  return lists.map((list) => list.graph());
}

function backward(graph: Graph) {
  const list = makeEdgeList();
  for (const [from, to, fault] of graph.edges) list.add(from, to, fault);
  return checkLiveness(graph.goals, list);
}

describe("liveness by forward passes vs the backward search", () => {
  it(`${GRAPHS} seeded random graphs, in one part and in three`, () => {
    const random = new Random(12);
    let violated = 0;
    for (let index = 0; index < GRAPHS; index++) {
      const graph = randomGraph(random);
      const expected = backward(graph);
      violated += expected.length;
      expect(checkLivenessForward(graph.goals, partsOf(graph, 1)), `graph ${index}`).toEqual(expected);
      expect(checkLivenessForward(graph.goals, partsOf(graph, 3)), `graph ${index}`).toEqual(expected);
    }
    // The graphs exercise both answers: some hold, some are violated.
    expect(violated).toBeGreaterThan(0);
    expect(violated).toBeLessThan(2 * GRAPHS);
  });

  it(`a path zigzagging between earlier and later states needs more than ${PASSES_MAX} passes: the backward search answers`, () => {
    // The path b_m -> a_m -> b_(m-1) -> ... -> b_1 -> a_1 -> 0 (the goal), a_k = 2k and b_k = 2k - 1: every
    // other edge goes back to an earlier state, so each pass, in either direction, settles about one more step.
    const pairs = PASSES_MAX + 2;
    const stuck = 2 * pairs + 1;
    const goals = new Uint8Array(stuck + 1);
    goals[0] = QUIESCENT | CONVERGED;
    const graph: Graph = { goals, edges: [] };
    for (let id = 1; id <= 2 * pairs; id++)
      graph.edges.push([id, id % 2 === 0 ? Math.max(0, id - 3) : id + 1, false]);
    graph.edges.push([stuck, stuck, false]);
    expect(reachableGoals(goals, partsOf(graph, 1))).toBeNull();
    const expected = backward(graph);
    expect(expected.map((violation) => violation.stateIndex)).toEqual([stuck, stuck]);
    expect(checkLivenessForward(goals, partsOf(graph, 1))).toEqual(expected);
    expect(checkLivenessForward(goals, partsOf(graph, 2))).toEqual(expected);
  });
});
