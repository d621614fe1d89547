/**
 * Staged admission (proofs/compiled/stage.ts): a flush gives every staged successor the id, parent, step and
 * depth that admitting it at once would have given, in both stores, with repeats inside one flush and of
 * states stored before it, across index growth; a stage past its first rows keeps every row. The explorers'
 * answers with staging are checked against the interpretive reference in compiled.test.ts and parallel.test.ts.
 */
import { describe, expect, it } from "vitest";
import { Random } from "../../common/random.js";
import { initialData } from "../../model/data.js";
import { keyShape } from "../../proofs/compiled/collapse.js";
import { makeLayout } from "../../proofs/compiled/layout.js";
import { createSharedBuffers, SharedStore } from "../../proofs/compiled/shared-store.js";
import { Stage } from "../../proofs/compiled/stage.js";
import { StateStore } from "../../proofs/compiled/store.js";
import { DEFAULT_LIMITS } from "../../proofs/exploration.js";

/** Distinct vectors drawn from: few enough that most draws repeat one, as successors do. */
const POOL = 3_000;
const DRAWS = 20_000;
const FLUSH_EVERY = 37;

function pool(words: number, random: Random): Uint32Array[] {
  return Array.from({ length: POOL }, () => Uint32Array.from({ length: words }, () => random.nextUint32()));
}

describe("staged admission", () => {
  for (const collapse of [false, true]) {
    it(`${collapse ? "collapsed" : "whole"} keys: a flush gives the ids one-by-one admission gives`, () => {
      const shape = keyShape(makeLayout(initialData(3)), collapse);
      const random = new Random(7);
      const vectors = pool(shape.vectorWords, random);
      const single = new StateStore(shape, DEFAULT_LIMITS);
      const staged = new StateStore(shape, DEFAULT_LIMITS);
      const shared = new SharedStore(
        createSharedBuffers(shape, POOL + 1, DEFAULT_LIMITS.slicesMax),
        DEFAULT_LIMITS,
      );
      for (const store of [single, staged, shared]) {
        store.scratch.set(vectors[0] as Uint32Array);
        if (store === shared) shared.admit(-1, 0, 0);
        else (store as StateStore).admit(-1, 0);
      }
      const expected: number[] = [];
      const got: number[] = [];
      const gotShared: number[] = [];
      let pending: number[] = [];
      const flush = () => {
        staged.flush();
        got.push(...staged.staged.targets.subarray(0, pending.length));
        // The shared store takes a depth for the whole flush: one past the parents', all at depth 0 here.
        shared.flush(1);
        gotShared.push(...shared.staged.targets.subarray(0, pending.length));
        pending = [];
      };
      for (let draw = 0; draw < DRAWS; draw++) {
        const vector = vectors[random.below(POOL)] as Uint32Array;
        const step = draw % 50;
        for (const store of [single, staged, shared]) store.scratch.set(vector);
        expected.push(single.admit(0, step));
        staged.stage(0, step, draw % 3 === 0);
        shared.stage(0, step, draw % 3 === 0);
        pending.push(draw);
        if (pending.length === FLUSH_EVERY) flush();
      }
      flush();
      expect(got).toEqual(expected);
      expect(staged.count).toBe(single.count);
      // Past several doublings of the index (it starts with room for 4,096 states).
      expect(single.count).toBeGreaterThan(2_000);
      expect(staged.parents.subarray(0, staged.count)).toEqual(single.parents.subarray(0, single.count));
      expect(staged.steps.subarray(0, staged.count)).toEqual(single.steps.subarray(0, single.count));
      expect(staged.depths.subarray(0, staged.count)).toEqual(single.depths.subarray(0, single.count));
      for (let id = 0; id < single.count; id++) {
        expect(staged.stateBytes(id)).toEqual(single.stateBytes(id));
      }
      // One thread: the shared store hands out ids in the same order.
      expect(gotShared).toEqual(expected);
      expect(shared.count).toBe(single.count);
    });
  }

  it("a stage past its first rows keeps every row, parent, step and fault", () => {
    const words = 5;
    const stage = new Stage(words);
    const rows = 300;
    for (let row = 0; row < rows; row++) {
      stage.push(
        Uint32Array.from({ length: words }, (_, word) => row * 10 + word),
        row + 1,
        row + 2,
        row % 2 === 0,
      );
    }
    expect(stage.count).toBe(rows);
    for (let row = 0; row < rows; row++) {
      expect([...stage.rows.subarray(row * words, row * words + words)]).toEqual(
        [0, 1, 2, 3, 4].map((w) => row * 10 + w),
      );
      expect(stage.parents[row]).toBe(row + 1);
      expect(stage.steps[row]).toBe(row + 2);
      expect(stage.faults[row]).toBe(row % 2 === 0 ? 1 : 0);
    }
  });
});
