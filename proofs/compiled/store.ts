/**
 * The visited states of the compiled explorer: packed vectors in one arena, found again through an
 * open-addressing hash set, with each state's parent, step and depth in parallel typed arrays.
 *
 * States are numbered in the order they are admitted; the explorer expands them in that order, so the arena
 * is also the breadth-first queue and no state is stored twice. Nothing here allocates per state: a vector is
 * written into `scratch`, hashed, compared word by word with the candidates, and copied into the arena only
 * when it is new.
 */
import { type ExploreLimits, LimitExceeded } from "../exploration.js";

const INITIAL_STATES = 4096;
/** The index is kept at most half full, so probes stay short. */
const INDEX_LOAD_MAX = 0.5;
/** Arrays grow by half again, not double: at millions of states a doubling would overshoot by gigabytes. */
const GROWTH = 1.5;

function grownInt32(array: Int32Array, length: number): Int32Array {
  const bigger = new Int32Array(length);
  bigger.set(array);
  return bigger;
}

/** murmur3's 32-bit mix over the vector's words. */
function hashWords(words: Uint32Array, offset: number, count: number): number {
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

export class StateStore {
  /** Words per state. */
  readonly words: number;
  /** The vector to admit next: write it through `scratchBytes`, then call `admit`. */
  readonly scratch: Uint32Array;
  readonly scratchBytes: Uint8Array;
  arena: Uint32Array;
  arenaBytes: Uint8Array;
  parents: Int32Array;
  depths: Int32Array;
  /** The step from the parent, as the explorer codes it (event and process). */
  steps: Int32Array;
  goals: Uint8Array;
  count = 0;
  private index: Int32Array;
  private mask: number;
  /** Bytes held by edges outside this store, counted against bytesMax with ours. */
  externalBytes = 0;

  constructor(
    words: number,
    private readonly limits: ExploreLimits,
  ) {
    this.words = words;
    this.scratch = new Uint32Array(words);
    this.scratchBytes = new Uint8Array(this.scratch.buffer);
    this.arena = new Uint32Array(INITIAL_STATES * words);
    this.arenaBytes = new Uint8Array(this.arena.buffer);
    this.parents = new Int32Array(INITIAL_STATES);
    this.depths = new Int32Array(INITIAL_STATES);
    this.steps = new Int32Array(INITIAL_STATES);
    this.goals = new Uint8Array(INITIAL_STATES);
    this.index = new Int32Array(INITIAL_STATES * 4);
    this.mask = this.index.length - 1;
  }

  /** Bytes of every array this store holds (capacity, not only what is used), plus the edges'. */
  bytes(): number {
    const perState = this.words * 4 + 4 + 4 + 4 + 1;
    return this.parents.length * perState + this.index.length * 4 + this.externalBytes;
  }

  /**
   * The index of the vector in `scratch`, admitting it first when it is new (`parent` -1 for the initial
   * state). A limit reached throws LimitExceeded naming it.
   */
  admit(parent: number, step: number): number {
    const { words, scratch } = this;
    const hash = hashWords(scratch, 0, words);
    let slot = hash & this.mask;
    for (;;) {
      const entry = this.index[slot] as number;
      if (entry === 0) break;
      // No stored hash to compare first: a duplicate (most successors are) is confirmed on the arena anyway.
      const id = entry - 1;
      if (this.equalAt(id * words)) return id;
      slot = (slot + 1) & this.mask;
    }
    const id = this.count;
    if (id >= this.limits.statesMax) {
      throw new LimitExceeded(
        `explorer: statesMax (${this.limits.statesMax}) reached for this configuration`,
      );
    }
    if (id === this.parents.length) this.grow();
    this.arena.set(scratch, id * words);
    this.index[slot] = id + 1;
    this.parents[id] = parent;
    this.steps[id] = step;
    const depth = parent < 0 ? 0 : (this.depths[parent] as number) + 1;
    this.depths[id] = depth;
    this.count = id + 1;
    if (this.count > this.index.length * INDEX_LOAD_MAX) this.rehash();
    if (depth > this.limits.depthMax) {
      throw new LimitExceeded(`explorer: depthMax (${this.limits.depthMax}) reached for this configuration`);
    }
    return id;
  }

  private equalAt(offset: number): boolean {
    const { arena, scratch, words } = this;
    for (let word = 0; word < words; word++) {
      if (arena[offset + word] !== scratch[word]) return false;
    }
    return true;
  }

  private freeSlot(hash: number): number {
    let slot = hash & this.mask;
    while ((this.index[slot] as number) !== 0) slot = (slot + 1) & this.mask;
    return slot;
  }

  private grow(): void {
    const states = Math.ceil(this.parents.length * GROWTH);
    const arena = new Uint32Array(states * this.words);
    arena.set(this.arena);
    this.arena = arena;
    this.arenaBytes = new Uint8Array(arena.buffer);
    this.parents = grownInt32(this.parents, states);
    this.depths = grownInt32(this.depths, states);
    this.steps = grownInt32(this.steps, states);
    const goals = new Uint8Array(states);
    goals.set(this.goals);
    this.goals = goals;
    this.checkBytes();
  }

  private rehash(): void {
    this.index = new Int32Array(this.index.length * 2);
    this.mask = this.index.length - 1;
    const { arena, words } = this;
    for (let id = 0; id < this.count; id++) {
      this.index[this.freeSlot(hashWords(arena, id * words, words))] = id + 1;
    }
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
