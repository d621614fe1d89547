/**
 * Successors staged before they are admitted, so that a store looks up their index slots and stored keys
 * together (store.ts and shared-store.ts `flush`).
 *
 * A successor's lookup is one load of an index slot and, when its hash matches, one of a stored key; in a
 * large exploration both miss every cache. Admitted one at a time, each waits for its own misses, because
 * building the next successor (copy, writes, renaming, canonical order) fills the processor's window before
 * the next lookup is reached. Staged, the hashes of a few dozen successors are computed first, then their
 * slots are loaded in one tight loop and the keys their slots point to in another: the loads do not depend on
 * each other, so their misses overlap, and the admitting loop after them finds the lines in cache (full
 * guarded N = 5 about 15% faster, docs/architecture.md). The staged order is kept: ids and edges are as if
 * each successor had been admitted at once.
 */
import { hashWords } from "./hash.js";

/** Staged successors past which the explorer flushes after the state it is expanding. */
export const STAGE_FLUSH = 32;
/** Rows held at first; a state with more successors than are left grows the stage (rare, kept). */
const INITIAL_ROWS = 64;

export class Stage {
  /** Successors staged. */
  count = 0;
  /** Each successor's key, `words` words a row. */
  rows: Uint32Array;
  parents: Int32Array;
  /** The step from the parent, as the explorer codes it (labels.ts). */
  steps: Int32Array;
  faults: Uint8Array;
  hashes: Int32Array;
  /** After a flush: each staged successor's id. */
  targets: Int32Array;
  /** What the touching loads read, kept so the compiler cannot drop them. */
  private touched = 0;

  constructor(private readonly words: number) {
    this.rows = new Uint32Array(INITIAL_ROWS * words);
    this.parents = new Int32Array(INITIAL_ROWS);
    this.steps = new Int32Array(INITIAL_ROWS);
    this.faults = new Uint8Array(INITIAL_ROWS);
    this.hashes = new Int32Array(INITIAL_ROWS);
    this.targets = new Int32Array(INITIAL_ROWS);
  }

  /** Stages `key` (its first `words` words), a successor of `parent` by `step`. */
  push(key: Uint32Array, parent: number, step: number, fault: boolean): void {
    const { words } = this;
    const row = this.count;
    if (row === this.parents.length) this.grow();
    const rows = this.rows;
    const at = row * words;
    for (let word = 0; word < words; word++) rows[at + word] = key[word] as number;
    this.parents[row] = parent;
    this.steps[row] = step;
    this.faults[row] = fault ? 1 : 0;
    this.count = row + 1;
  }

  /**
   * Hashes every staged key, then loads the index slot each maps to (pairs: id + 1, hash) and
   * the first and last word of the stored key a matching slot names, so the misses overlap.
   */
  touch(index: Int32Array, mask: number, arena: Uint32Array): void {
    const { words, rows, hashes, count } = this;
    for (let row = 0; row < count; row++) hashes[row] = hashWords(rows, row * words, words) | 0;
    let touched = 0;
    for (let row = 0; row < count; row++) touched ^= index[2 * ((hashes[row] as number) & mask)] as number;
    for (let row = 0; row < count; row++) {
      const hashed = hashes[row] as number;
      const slot = hashed & mask;
      const entry = index[2 * slot] as number;
      if (entry > 0 && index[2 * slot + 1] === hashed) {
        touched ^= (arena[(entry - 1) * words] as number) ^ (arena[entry * words - 1] as number);
      }
    }
    this.touched ^= touched;
  }

  private grow(): void {
    const rows = this.parents.length * 2;
    const grown = <T extends Int32Array | Uint8Array | Uint32Array>(old: T, fresh: T): T => {
      fresh.set(old);
      return fresh;
    };
    this.rows = grown(this.rows, new Uint32Array(rows * this.words));
    this.parents = grown(this.parents, new Int32Array(rows));
    this.steps = grown(this.steps, new Int32Array(rows));
    this.faults = grown(this.faults, new Uint8Array(rows));
    this.hashes = grown(this.hashes, new Int32Array(rows));
    this.targets = new Int32Array(rows);
  }
}
