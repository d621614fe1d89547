/**
 * The visited states of the compiled explorer: packed vectors in one arena, found again through an
 * open-addressing hash set, with each state's parent, step and depth in parallel typed arrays.
 *
 * States are numbered in the order they are admitted; the explorer expands them in that order, so the arena
 * is also the breadth-first queue and no state is stored twice. Nothing here allocates per state: a vector is
 * written into `scratch`, hashed, compared word by word with the candidates whose stored hash matches (the
 * index keeps each entry's hash beside its id, so a probe past another state touches no arena memory, and
 * growing the index rehashes nothing), and copied into the arena only when it is new. The per-state arrays
 * are reserved once (reserve.ts): nothing is copied to grow them.
 */
import { type ExploreLimits, LimitExceeded } from "../exploration.js";
import { bytesPerState, capacityOf, fullMessage } from "./reserve.js";

const INITIAL_STATES = 4096;
/** The index is kept at most half full, so probes stay short. */
const INDEX_LOAD_MAX = 0.5;

/** murmur3's 32-bit mix over the vector's words. */
export function hashWords(words: Uint32Array, offset: number, count: number): number {
  let hash = count;
  for (let index = offset; index < offset + count; index++) {
    let word = Math.imul(words[index] as number, 0xcc9e2d51);
    word = (word << 15) | (word >>> 17);
    hash ^= Math.imul(word, 0x1b873593);
    hash = (hash << 13) | (hash >>> 19);
    hash = (Math.imul(hash, 5) + 0xe6546b64) | 0;
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

/** Whether the stored vector at word `offset` of `arena` equals the first `words` words of `vector`. */
export function equalWords(arena: Uint32Array, offset: number, vector: Uint32Array, words: number): boolean {
  for (let word = 0; word < words; word++) {
    if (arena[offset + word] !== vector[word]) return false;
  }
  return true;
}

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
  /** Words per state. */
  readonly words: number;
  /** States the per-state arrays hold (reserve.ts). */
  readonly capacity: number;
  /** The vector to admit next: write it through `scratchBytes`, then call `admit`. */
  readonly scratch: Uint32Array;
  readonly scratchBytes: Uint8Array;
  readonly arena: Uint32Array;
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

  constructor(
    words: number,
    private readonly limits: ExploreLimits,
  ) {
    this.words = words;
    this.capacity = capacityOf(words, limits);
    this.scratch = new Uint32Array(words);
    this.scratchBytes = new Uint8Array(this.scratch.buffer);
    this.arena = new Uint32Array(this.capacity * words);
    this.parents = new Int32Array(this.capacity);
    this.depths = new Int32Array(this.capacity);
    this.steps = new Int32Array(this.capacity);
    this.goals = new Uint8Array(this.capacity);
    this.index = new Int32Array(INITIAL_STATES * 4 * 2);
    this.mask = INITIAL_STATES * 4 - 1;
  }

  /** Bytes this store holds: what the states stored so far use of the reservation, its index, the edges. */
  bytes(): number {
    return this.count * bytesPerState(this.words) + this.index.length * 4 + this.externalBytes;
  }

  /** The bytes of state `id` (for decoding one state: a trace, a key). */
  stateBytes(id: number): Uint8Array {
    return new Uint8Array(this.arena.buffer, id * this.words * 4, this.words * 4);
  }

  /**
   * The index of the vector in `scratch`, admitting it first when it is new (`parent` -1 for the initial
   * state). A limit reached throws LimitExceeded naming it.
   */
  admit(parent: number, step: number): number {
    const hash = hashWords(this.scratch, 0, this.words) | 0;
    const depth = parent < 0 ? 0 : (this.depths[parent] as number) + 1;
    return this.admitHashed(hash, parent, step, depth);
  }

  /**
   * `admit` with the vector's hash (`hashWords`, as a signed 32-bit integer) and depth given: the two-core
   * explorer hashes a successor once to find its owner, and its parent may be stored by another part.
   */
  admitHashed(hash: number, parent: number, step: number, depth: number): number {
    const { words, scratch, index, mask } = this;
    let slot = hash & mask;
    for (;;) {
      const entry = index[2 * slot] as number;
      if (entry === 0) break;
      if (index[2 * slot + 1] === hash && equalWords(this.arena, (entry - 1) * words, scratch, words))
        return entry - 1;
      slot = (slot + 1) & mask;
    }
    const id = this.count;
    if (id >= this.capacity) throw new LimitExceeded(fullMessage(this.capacity, words, this.limits));
    this.arena.set(scratch, id * words);
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
      throw new LimitExceeded(
        `explorer: bytesMax (${this.limits.bytesMax}) reached for this configuration (${bytes} bytes held)`,
      );
    }
  }
}
