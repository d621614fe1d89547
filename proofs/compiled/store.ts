/**
 * The visited states of the compiled explorer: their keys (the whole vector, or collapsed: collapse.ts) in one
 * arena, found again through an open-addressing hash set, with each state's parent, step and depth in
 * parallel typed arrays.
 *
 * States are numbered in the order they are admitted; the explorer expands them in that order, so the arena
 * is also the breadth-first queue and no state is stored twice. Nothing here allocates per state: a vector is
 * written into `scratch`, packed into its key when states are collapsed, staged with the other successors of
 * a few states (stage.ts: their lookups' cache misses overlap), hashed, compared word by word with
 * the candidates whose stored hash matches (the index keeps each entry's hash beside its id, so a probe past
 * another state touches no arena memory, and growing the index rehashes nothing), and copied into the arena
 * only when it is new. The per-state arrays are reserved once (reserve.ts): nothing is copied to grow them.
 */
import { type ExploreLimits, LimitExceeded } from "../exploration.js";
import { Collapser, createSliceBuffers, type KeyShape, SliceTable, sliceTableBytes } from "./collapse.js";
import { equalWords, hashWords } from "./hash.js";
import { loadVector, vectorOf } from "./keys.js";
import { bytesMaxMessage, bytesPerState, capacityOf, fullMessage } from "./reserve.js";
import { Stage } from "./stage.js";

const INITIAL_STATES = 4096;
/** The index is kept at most half full, so probes stay short. */
const INDEX_LOAD_MAX = 0.5;

/** Puts every (id + 1, hash) pair of `old` into the empty `index` of `mask + 1` slots, by linear probing. */
export function reinsert(old: Int32Array, index: Int32Array, mask: number): void {
  for (let from = 0; from < old.length; from += 2) {
    const entry = old[from] as number;
    if (entry === 0) continue;
    const hash = old[from + 1] as number;
    let slot = hash & mask;
    while ((index[2 * slot] as number) !== 0) slot = (slot + 1) & mask;
    index[2 * slot] = entry;
    index[2 * slot + 1] = hash;
  }
}

export class StateStore {
  /** Words per stored state (its key). */
  readonly words: number;
  /** States the per-state arrays hold (reserve.ts). */
  readonly capacity: number;
  /** The vector to admit next: write it through `scratchBytes`, then call `admit`. */
  readonly scratch: Uint32Array;
  readonly scratchBytes: Uint8Array;
  /** The keys of the stored states. */
  readonly arena: Uint32Array;
  /** The key `scratch` is stored as: `scratch` itself, unless the store collapses states. */
  private readonly key: Uint32Array;
  private readonly collapser: Collapser | null;
  readonly parents: Int32Array;
  readonly depths: Int32Array;
  /** The step from the parent, as the explorer codes it (event and process). */
  readonly steps: Int32Array;
  readonly goals: Uint8Array;
  count = 0;
  /** Pairs (id + 1, hash) per slot; id + 1 = 0 marks a free slot. */
  private index: Int32Array;
  private mask: number;
  /** Bytes held by edges outside this store, counted against bytesMax with ours. */
  externalBytes = 0;
  /** Successors waiting for `flush`. */
  readonly staged: Stage;

  constructor(
    private readonly shape: KeyShape,
    private readonly limits: ExploreLimits,
  ) {
    const words = shape.keyWords;
    this.words = words;
    this.capacity = capacityOf(words, limits);
    this.scratch = new Uint32Array(shape.vectorWords);
    this.scratchBytes = new Uint8Array(this.scratch.buffer);
    this.collapser = shape.collapse
      ? new Collapser(shape, new SliceTable(createSliceBuffers(shape.processWords, limits.slicesMax)))
      : null;
    this.key = this.collapser === null ? this.scratch : new Uint32Array(words);
    this.arena = new Uint32Array(this.capacity * words);
    this.parents = new Int32Array(this.capacity);
    this.depths = new Int32Array(this.capacity);
    this.steps = new Int32Array(this.capacity);
    this.goals = new Uint8Array(this.capacity);
    this.staged = new Stage(words);
    this.index = new Int32Array(INITIAL_STATES * 4 * 2);
    this.mask = INITIAL_STATES * 4 - 1;
  }

  /**
   * Bytes this store holds: what the states stored so far use of the reservation, its index, the slice
   * table, the edges.
   */
  bytes(): number {
    return (
      this.count * bytesPerState(this.words) +
      this.index.length * 4 +
      (this.shape.collapse ? sliceTableBytes(this.shape.processWords, this.limits.slicesMax) : 0) +
      this.externalBytes
    );
  }

  /** Writes the whole vector of state `id` into `vector` (the parent about to be expanded). */
  load(id: number, vector: Uint32Array): void {
    loadVector(this.arena, id * this.words, vector, this.collapser);
  }

  /** The whole vector of state `id`, in bytes of its own (for decoding one state: a trace, a key). */
  stateBytes(id: number): Uint8Array {
    return vectorOf(this.arena, id * this.words, this.shape, this.collapser);
  }

  /**
   * The index of the vector in `scratch`, admitting it first when it is new (`parent` -1 for the initial
   * state). A limit reached throws LimitExceeded naming it.
   */
  admit(parent: number, step: number): number {
    const { key, words } = this;
    this.collapser?.pack(this.scratch, key);
    return this.place(key, 0, hashWords(key, 0, words) | 0, parent, step);
  }

  /** Stages the vector in `scratch`, a successor of `parent` by `step`, for the next `flush` (stage.ts). */
  stage(parent: number, step: number, fault: boolean): void {
    this.collapser?.pack(this.scratch, this.key);
    this.staged.push(this.key, parent, step, fault);
  }

  /** Admits the staged successors in the order staged; `staged.targets` holds their ids after. */
  flush(): void {
    const { staged, words } = this;
    staged.touch(this.index, this.mask, this.arena);
    const { rows, hashes, parents, steps, targets } = staged;
    for (let row = 0; row < staged.count; row++) {
      const hash = hashes[row] as number;
      targets[row] = this.place(rows, row * words, hash, parents[row] as number, steps[row] as number);
    }
    staged.count = 0;
  }

  /** The id of the key at word `at` of `keys` (hashed to `hash`), admitting it first when it is new. */
  private place(keys: Uint32Array, at: number, hash: number, parent: number, step: number): number {
    const { words, index, mask, arena } = this;
    let slot = hash & mask;
    for (;;) {
      const entry = index[2 * slot] as number;
      if (entry === 0) break;
      if (index[2 * slot + 1] === hash && equalWords(arena, (entry - 1) * words, keys, at, words))
        return entry - 1;
      slot = (slot + 1) & mask;
    }
    const id = this.count;
    if (id >= this.capacity)
      throw new LimitExceeded(fullMessage(this.capacity, words, this.limits, this.collapser !== null));
    const depth = parent < 0 ? 0 : (this.depths[parent] as number) + 1;
    const base = id * words;
    for (let word = 0; word < words; word++) arena[base + word] = keys[at + word] as number;
    index[2 * slot] = id + 1;
    index[2 * slot + 1] = hash;
    this.parents[id] = parent;
    this.steps[id] = step;
    this.depths[id] = depth;
    this.count = id + 1;
    if (this.count > (this.mask + 1) * INDEX_LOAD_MAX) this.rehash();
    if (depth > this.limits.depthMax) {
      throw new LimitExceeded(`explorer: depthMax (${this.limits.depthMax}) reached for this configuration`);
    }
    return id;
  }

  private rehash(): void {
    const old = this.index;
    const index = new Int32Array(old.length * 2);
    const mask = index.length / 2 - 1;
    reinsert(old, index, mask);
    this.index = index;
    this.mask = mask;
    this.checkBytes();
  }

  checkBytes(): void {
    const bytes = this.bytes();
    if (bytes > this.limits.bytesMax) {
      const held = `${bytes} bytes held, ${this.count} states stored`;
      throw new LimitExceeded(bytesMaxMessage(this.limits, held, this.collapser !== null));
    }
  }
}
