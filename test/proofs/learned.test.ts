/**
 * The learned closures (proofs/compiled/learned.ts): for states the compiled explorer reaches in
 * configurations of every design (every state, or an even spread of 2,500), the steps and goal flags its
 * trees give are what the closures give when run afresh on that state (a learner that keeps one path at a
 * time, so each answer is a new run). And the decision trees themselves: a leaf is found only by states that
 * agree on its path, a chain of checks splits where a path leaves it, a path that contradicts a tree throws,
 * and a full tree says so rather than growing.
 */
import { describe, expect, it } from "vitest";
import { type ConfigInput, makeConfig } from "../../model/config.js";
import { initialData } from "../../model/data.js";
import { keyShape } from "../../proofs/compiled/collapse.js";
import { DecisionTrees, TreeContradiction } from "../../proofs/compiled/decision-trees.js";
import { makeExpander } from "../../proofs/compiled/expander.js";
import { encodeInitial } from "../../proofs/compiled/exploration-ends.js";
import { generationPositions } from "../../proofs/compiled/generations.js";
import { makeLayout } from "../../proofs/compiled/layout.js";
import { type LearnedStep, LearnedSteps } from "../../proofs/compiled/learned.js";
import { StateStore } from "../../proofs/compiled/store.js";
import { DEFAULT_LIMITS } from "../../proofs/exploration.js";

const CONFIGS: ConfigInput[] = [
  { variant: "legacy", processes: 2, faults: ["crash", "login", "logout", "tornWrite"] },
  { variant: "guarded", processes: 3, faults: ["lostResponse"] },
  {
    variant: "persist-locked",
    processes: 2,
    faults: ["transient", "relogin"],
    server: { graceWindow: true },
  },
  {
    variant: "locked",
    processes: 2,
    faults: ["crash", "stall", "login"],
    server: { revokeFamilyOnReuse: true },
  },
  { variant: "flocked", processes: 2, faults: ["crash", "logout"], calls: ["callAuth"], overlap: false },
];
/** States compared per configuration (the fresh learner runs the closures for each, a few hundred µs). */
const STATES_CHECKED = 2_500;
/** A learner that keeps one path at a time: each answer is a fresh run of the closures. */
const FORGETFUL_PATHS = 1;

/** A learned step as plain data, to compare two learners' answers. */
function plain(steps: LearnedStep[]): unknown[] {
  return steps.map((step) => ({ ...step, writes: [...step.writes] }));
}

/** Explores `input` with the compiled expander, returning its store and its learner. */
function explored(input: ConfigInput) {
  const config = makeConfig(input);
  const sample = initialData(config.processes);
  const layout = makeLayout(sample);
  const store = new StateStore(keyShape(layout, false), DEFAULT_LIMITS);
  const sink = {
    successor: (parent: number, step: number) => void store.admit(parent, step),
    violation() {},
  };
  const expander = makeExpander(config, layout, sample, store, true, sink);
  encodeInitial(config, layout, store, true);
  store.admit(-1, 0);
  for (let id = 0; id < store.count; id++) expander.expand(id);
  return { config, sample, layout, store, learned: expander.learned };
}

describe("learned closures", () => {
  for (const input of CONFIGS) {
    it(`give what the closures give afresh, in reachable states: ${JSON.stringify(input)}`, () => {
      const { config, sample, layout, store, learned } = explored(input);
      const fresh = new LearnedSteps(
        config,
        layout,
        sample,
        generationPositions(layout, sample),
        FORGETFUL_PATHS,
      );
      const words = new Uint32Array(layout.words);
      const bytes = new Uint8Array(words.buffer);
      expect(store.count).toBeGreaterThan(300);
      // Every state of the small configurations; an even spread of STATES_CHECKED of the larger ones.
      const stride = Math.ceil(store.count / STATES_CHECKED);
      for (let id = 0; id < store.count; id += stride) {
        store.load(id, words);
        expect(learned.goalsOf(bytes)).toBe(fresh.goalsOf(bytes));
        for (let process = -1; process < layout.processes; process++) {
          const known = learned.records.decode(learned.stepsOf(process, bytes));
          expect(plain(known)).toEqual(plain(fresh.records.decode(fresh.stepsOf(process, bytes))));
        }
      }
      // The explorer learned each path once; the forgetful learner dropped its trees again and again.
      expect(learned.learned).toBeLessThan(store.count);
      expect(learned.drops).toBe(0);
      expect(fresh.drops).toBeGreaterThan(store.count / stride);
    });
  }
});

describe("decision trees", () => {
  const state = (...values: number[]) => Uint8Array.from(values);

  it("find a leaf only from a state that agrees on its path, and widen nodes for larger values", () => {
    const trees = new DecisionTrees(2);
    expect(trees.find(0, state(0, 0, 0))).toBe(-1);
    expect(trees.insert(0, [2, 0], state(5, 9, 1), 7)).toBe(true);
    expect(trees.find(0, state(5, 0, 1))).toBe(7);
    expect(trees.find(0, state(4, 0, 1))).toBe(-1);
    expect(trees.find(1, state(5, 0, 1))).toBe(-1);
    // A value past the node's width widens it; what was learned stays.
    expect(trees.insert(0, [2, 0], state(200, 0, 1), 3)).toBe(true);
    expect(trees.find(0, state(200, 1, 1))).toBe(3);
    expect(trees.find(0, state(5, 1, 1))).toBe(7);
    expect(trees.insert(0, [2], state(0, 0, 0), 0)).toBe(true);
    expect(trees.find(0, state(9, 9, 0))).toBe(0);
  });

  it("split a chain of checks where a path leaves it, keeping every path learned", () => {
    const trees = new DecisionTrees(1);
    // One path of four checks, then paths leaving it at its third check, at its first, and at its last.
    expect(trees.insert(0, [3, 1, 0, 2], state(1, 1, 1, 1), 0)).toBe(true);
    expect(trees.insert(0, [3, 1, 0, 2], state(2, 1, 1, 1), 1)).toBe(true);
    expect(trees.insert(0, [3, 1, 0, 2], state(1, 1, 1, 0), 2)).toBe(true);
    expect(trees.insert(0, [3, 1, 0, 2], state(1, 1, 5, 1), 3)).toBe(true);
    expect(trees.find(0, state(1, 1, 1, 1))).toBe(0);
    expect(trees.find(0, state(2, 1, 1, 1))).toBe(1);
    expect(trees.find(0, state(1, 1, 1, 0))).toBe(2);
    expect(trees.find(0, state(1, 1, 5, 1))).toBe(3);
    expect(trees.find(0, state(1, 0, 1, 1))).toBe(-1);
    expect(trees.find(0, state(2, 1, 1, 0))).toBe(-1);
  });

  it("keep every path while the array grows under it", () => {
    // Paths over 12 bytes in a seeded order: new chains and splits land while the array is being grown.
    const trees = new DecisionTrees(1);
    const positions = Array.from({ length: 12 }, (_, position) => position);
    let seed = 7;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 16;
    };
    const states = Array.from({ length: 6_000 }, () => Uint8Array.from(positions, () => random() % 4));
    const payloads = new Map<string, number>();
    for (const state of states) {
      const key = state.join();
      if (payloads.has(key)) continue;
      payloads.set(key, payloads.size);
      expect(trees.insert(0, positions, state, payloads.size - 1)).toBe(true);
    }
    expect(trees.used).toBeGreaterThan(1 << 16);
    for (const state of states) expect(trees.find(0, state)).toBe(payloads.get(state.join()));
  });

  it("throw when a path asks another byte than the tree, or ends where it goes on", () => {
    const trees = new DecisionTrees(1);
    trees.insert(0, [1, 2], state(0, 1, 1), 0);
    expect(() => trees.insert(0, [1, 0], state(0, 1, 1), 1)).toThrow(TreeContradiction);
    expect(() => trees.insert(0, [1], state(0, 1, 1), 1)).toThrow(TreeContradiction);
    expect(() => trees.insert(0, [1, 2, 0], state(0, 1, 1), 1)).toThrow(TreeContradiction);
  });

  it("say a path may not fit rather than pass their bound, and hold nothing after clear", () => {
    const trees = new DecisionTrees(1, 600);
    expect(trees.insert(0, [0, 1], state(1, 1), 0)).toBe(true);
    const long = Array.from({ length: 40 }, (_, position) => position);
    expect(trees.insert(0, long, new Uint8Array(40), 1)).toBe(false);
    expect(trees.find(0, state(1, 1))).toBe(0);
    trees.clear();
    expect(trees.find(0, state(1, 1))).toBe(-1);
  });
});
