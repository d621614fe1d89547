/**
 * Collapsed states (proofs/compiled/collapse.ts): a key unpacks to the very vector it was packed from, equal
 * slices get one id and different slices different ids, a slice the parent holds in the same place keeps the
 * parent's id while a changed one is looked up, and the table's bound fails loudly. The explorer's answers
 * with collapsed keys are checked against the interpretive reference in compiled.test.ts and across threads
 * in parallel.test.ts; here the pieces are checked alone.
 */
import { describe, expect, it } from "vitest";
import { Random } from "../../common/random.js";
import { makeConfig } from "../../model/config.js";
import { initialData } from "../../model/data.js";
import {
  Collapser,
  createSliceBuffers,
  keyShape,
  SlicesExceeded,
  SliceTable,
} from "../../proofs/compiled/collapse.js";
import { makeLayout } from "../../proofs/compiled/layout.js";
import { LimitExceeded, SLICES_MAX } from "../../proofs/exploration.js";
import { explore } from "../../proofs/explorer.js";

const STATES = 50;
const POOL = 6;

describe("collapsed keys", () => {
  for (const processes of [1, 2, 3, 5, 8]) {
    it(`N = ${processes}: a key unpacks to the vector it was packed from`, () => {
      const shape = keyShape(makeLayout(initialData(processes)), true);
      expect(shape.keyWords).toBe(shape.worldWords + Math.ceil(processes / 2));
      const collapser = new Collapser(shape, new SliceTable(createSliceBuffers(shape.processWords)));
      const random = new Random(processes);
      // Few distinct slices, as in a real exploration: each process's slice is drawn from a pool.
      const pool = Array.from({ length: POOL }, () =>
        Uint32Array.from({ length: shape.processWords }, () => random.nextUint32()),
      );
      const keys = new Uint32Array(shape.keyWords * STATES);
      const vectors: Uint32Array[] = [];
      for (let state = 0; state < STATES; state++) {
        const vector = Uint32Array.from({ length: shape.vectorWords }, () => random.nextUint32());
        for (let process = 0; process < processes; process++) {
          vector.set(pool[random.below(POOL)] as Uint32Array, process * shape.processWords);
        }
        vectors.push(vector);
        const key = new Uint32Array(shape.keyWords);
        collapser.pack(vector, key);
        keys.set(key, state * shape.keyWords);
      }
      for (const [state, vector] of vectors.entries()) {
        const out = new Uint32Array(shape.vectorWords);
        collapser.unpack(keys, state * shape.keyWords, out);
        expect(out).toEqual(vector);
        expect(new Uint32Array(collapser.vectorOf(keys, state * shape.keyWords).buffer)).toEqual(vector);
      }
      expect(collapser.table.count).toBeLessThanOrEqual(POOL);
    });
  }

  it("after a parent is unpacked, a slice its successor changed gets an id of its own, not the parent's", () => {
    const shape = keyShape(makeLayout(initialData(2)), true);
    const table = new SliceTable(createSliceBuffers(shape.processWords));
    const collapser = new Collapser(shape, table);
    const parent = new Uint32Array(shape.vectorWords);
    parent.fill(1, 0, shape.processWords);
    parent.fill(2, shape.processWords, 2 * shape.processWords);
    const keys = new Uint32Array(shape.keyWords);
    collapser.pack(parent, keys);
    const loaded = new Uint32Array(shape.vectorWords);
    collapser.unpack(keys, 0, loaded);
    const child = loaded.slice();
    child[shape.processWords] = 3;
    const childKey = new Uint32Array(shape.keyWords);
    collapser.pack(child, childKey);
    expect(table.count).toBe(3);
    const back = new Uint32Array(shape.vectorWords);
    collapser.unpack(childKey, 0, back);
    expect(back).toEqual(child);
    // Equal slices anywhere get one id: the first process's slice in the second place.
    const swapped = new Uint32Array(shape.vectorWords);
    swapped.set(child.subarray(0, shape.processWords), shape.processWords);
    swapped.set(child.subarray(shape.processWords, 2 * shape.processWords), 0);
    const swappedKey = new Uint32Array(shape.keyWords);
    collapser.pack(swapped, swappedKey);
    expect(table.count).toBe(3);
    expect(swappedKey[shape.worldWords]).toBe(
      ((childKey[shape.worldWords] as number) >>> 16) |
        (((childKey[shape.worldWords] as number) & 0xffff) << 16),
    );
  });

  it(`more than ${SLICES_MAX} distinct slices fail loudly, naming the bound`, () => {
    const table = new SliceTable(createSliceBuffers(1));
    const slice = new Uint32Array(1);
    for (let value = 0; value < SLICES_MAX; value++) {
      slice[0] = value;
      expect(table.idOf(slice, 0)).toBe(value);
    }
    slice[0] = 7;
    expect(table.idOf(slice, 0)).toBe(7);
    slice[0] = SLICES_MAX;
    expect(() => table.idOf(slice, 0)).toThrow(LimitExceeded);
    expect(() => table.idOf(slice, 0)).toThrow(/more than 65535 distinct process records/);
  });

  describe("explore: collapsed by default, whole vectors when the slice table fills", () => {
    // Legacy at N = 2 with a lost response: a few thousand states from a few dozen distinct process records.
    const config = makeConfig({ variant: "legacy", processes: 2, faults: ["lostResponse"] });
    const answer = (exploration: ReturnType<typeof explore>) => ({
      states: exploration.states,
      transitions: exploration.transitions,
      violations: [...exploration.violations.values()].map(({ invariant, length }) => [invariant, length]),
    });
    const whole = explore(config, { collapse: false });

    it.each([1, 2])(
      "%i thread(s): the default collapses, and past slicesMax explores again whole",
      (workers) => {
        const collapsed = explore(config, { workers });
        expect(collapsed.collapsed).toBe(true);
        expect(answer(collapsed)).toEqual(answer(whole));
        const fallen = explore(config, { workers, limits: { slicesMax: 4 } });
        expect(fallen.collapsed).toBe(false);
        expect(answer(fallen)).toEqual(answer(whole));
        expect(whole.violations.size).toBeGreaterThan(0);
      },
    );

    it.each([1, 2])("%i thread(s): collapse asked for stops at slicesMax, naming it", (workers) => {
      const run = () => explore(config, { workers, collapse: true, limits: { slicesMax: 4 } });
      expect(run).toThrow(SlicesExceeded);
      expect(run).toThrow(/more than 4 distinct process records \(slicesMax/);
    });
  });
});
