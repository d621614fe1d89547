/**
 * The visited states shared by the explorer's worker threads (parallel.ts): store.ts's arena, links and
 * open-addressing index, in SharedArrayBuffers that every thread reads and writes at once.
 *
 * Admitting a state is lock-free: a thread claims an empty slot of the index by compare-and-swap (marking it
 * BUSY), takes the next id with an atomic add, writes the state, its parent, step and depth, and only then
 * publishes the id in the slot. A thread probing past a BUSY slot waits for it to be published, so no state
 * is ever stored twice and ids stay dense.
 *
 * The per-state arrays are reserved once for every state the exploration may hold (reserve.ts), so no thread
 * ever waits for another to grow them. The index is touched everywhere, so it
 * grows instead (a growable buffer), rehashed with every thread parked: a thread that finds it past half
 * full raises `RESIZE`; each thread parks at its next state boundary (where it holds no BUSY slot), and the
 * one that raised it rehashes once every thread still in the level has parked (`ARRIVED` = `ACTIVE`).
 */
import { type ExploreLimits, LimitExceeded } from "../exploration.js";
import {
  Collapser,
  createSliceBuffers,
  type KeyShape,
  type SliceBuffers,
  SliceTable,
  sliceTableBytes,
} from "./collapse.js";
import { equalWords, hashWords } from "./hash.js";
import { loadVector, vectorOf } from "./keys.js";
import { bytesMaxMessage, bytesPerState, fullMessage } from "./reserve.js";
import { Stage } from "./stage.js";
import { reinsert } from "./store.js";

/** A growable SharedArrayBuffer may reserve up to 4 GiB here (Node 20's V8): the index's bound. */
const GROWABLE_BYTES_MAX = 2 ** 32;
/** The index starts with room for this many states (at most half full), then doubles. */
const INITIAL_STATES = 4096;
const INDEX_LOAD_MAX = 0.5;
/** An index slot claimed by a thread that is still writing its state. */
const BUSY = -1;
/** How long a parked thread sleeps between looks (a notify normally wakes it first). */
const PARK_MS = 5;

/** Words of the control block. */
const COUNT = 0;
const SLOTS = 1;
const RESIZE = 2;
const ARRIVED = 3;
const ACTIVE = 4;
/** The next state of the current level to hand out (parallel.ts). */
export const NEXT = 5;
const CONTROL_WORDS = 6;

/** ES2024's growable SharedArrayBuffer, which Node 20 has and this project's TypeScript lib does not type. */
interface Growable extends SharedArrayBuffer {
  grow(bytes: number): void;
}

const GrowableBuffer = SharedArrayBuffer as unknown as new (
  bytes: number,
  options: { maxByteLength: number },
) => Growable;

export interface SharedBuffers {
  shape: KeyShape;
  /** Words per stored state (its key, collapse.ts). */
  words: number;
  /** States the per-state arrays hold. */
  capacity: number;
  control: SharedArrayBuffer;
  arena: SharedArrayBuffer;
  parents: SharedArrayBuffer;
  depths: SharedArrayBuffer;
  steps: SharedArrayBuffer;
  goals: SharedArrayBuffer;
  index: Growable;
  /** The slice table, when the store collapses states. */
  slices: SliceBuffers | null;
}

/** Fresh buffers for states of `shape`, with room for `capacity` of them. */
export function createSharedBuffers(shape: KeyShape, capacity: number, slicesMax: number): SharedBuffers {
  const control = new SharedArrayBuffer(CONTROL_WORDS * 4);
  const slots = INITIAL_STATES * 2;
  new Int32Array(control)[SLOTS] = slots;
  const words = shape.keyWords;
  return {
    shape,
    words,
    capacity,
    control,
    arena: new SharedArrayBuffer(capacity * words * 4),
    parents: new SharedArrayBuffer(capacity * 4),
    depths: new SharedArrayBuffer(capacity * 4),
    steps: new SharedArrayBuffer(capacity * 4),
    goals: new SharedArrayBuffer(capacity),
    index: new GrowableBuffer(slots * 2 * 4, { maxByteLength: GROWABLE_BYTES_MAX }),
    slices: shape.collapse ? createSliceBuffers(shape.processWords, slicesMax) : null,
  };
}

export class SharedStore {
  readonly words: number;
  readonly capacity: number;
  readonly control: Int32Array;
  /** The keys of the stored states. */
  readonly arena: Uint32Array;
  readonly parents: Int32Array;
  readonly depths: Int32Array;
  readonly steps: Int32Array;
  readonly goals: Uint8Array;
  /**
   * A view of fixed length over the growable index (V8 reads a length-tracking view several times slower),
   * made again by `refreshIndex` after a rehash.
   */
  private index!: Int32Array;
  private mask = 0;
  /** This thread's vector to admit next, and its key. */
  readonly scratch: Uint32Array;
  readonly scratchBytes: Uint8Array;
  /** The key `scratch` is stored as: `scratch` itself, unless the store collapses states. */
  private readonly key: Uint32Array;
  private readonly collapser: Collapser | null;
  /** This thread raised RESIZE and rehashes at its next state boundary. */
  private resizing = false;
  /** This thread's successors waiting for `flush`. */
  readonly staged: Stage;

  constructor(
    readonly buffers: SharedBuffers,
    private readonly limits: ExploreLimits,
  ) {
    this.words = buffers.words;
    this.capacity = buffers.capacity;
    this.control = new Int32Array(buffers.control);
    this.arena = new Uint32Array(buffers.arena);
    this.parents = new Int32Array(buffers.parents);
    this.depths = new Int32Array(buffers.depths);
    this.steps = new Int32Array(buffers.steps);
    this.goals = new Uint8Array(buffers.goals);
    this.scratch = new Uint32Array(buffers.shape.vectorWords);
    this.scratchBytes = new Uint8Array(this.scratch.buffer);
    this.collapser =
      buffers.slices === null ? null : new Collapser(buffers.shape, new SliceTable(buffers.slices));
    this.key = this.collapser === null ? this.scratch : new Uint32Array(this.words);
    this.staged = new Stage(this.words);
    this.refreshIndex();
  }

  get count(): number {
    return Atomics.load(this.control, COUNT);
  }

  /** A view over the index as large as it is now (after a rehash this thread did not wait for). */
  refreshIndex(): void {
    const slots = Atomics.load(this.control, SLOTS);
    this.index = new Int32Array(this.buffers.index, 0, slots * 2);
    this.mask = slots - 1;
  }

  /** Bytes the shared arrays hold: what the states stored so far use of the reservation, the index, the
   * slice table. */
  bytes(): number {
    return (
      this.count * bytesPerState(this.words) +
      this.buffers.index.byteLength +
      (this.buffers.slices === null
        ? 0
        : sliceTableBytes(this.buffers.slices.width, this.buffers.slices.slicesMax))
    );
  }

  /** Writes the whole vector of state `id` into `vector` (the parent this thread is about to expand). */
  load(id: number, vector: Uint32Array): void {
    loadVector(this.arena, id * this.words, vector, this.collapser);
  }

  /** The whole vector of state `id`, in bytes of its own (for decoding one state: a trace, a key). */
  stateBytes(id: number): Uint8Array {
    return vectorOf(this.arena, id * this.words, this.buffers.shape, this.collapser);
  }

  /** The id of the vector in `scratch`, admitting it first when it is new (at `depth`, from `parent`). */
  admit(parent: number, step: number, depth: number): number {
    const { key, words } = this;
    this.collapser?.pack(this.scratch, key);
    return this.place(key, 0, hashWords(key, 0, words) | 0, parent, step, depth);
  }

  /** Stages the vector in `scratch`, a successor of `parent` by `step`, for the next `flush` (stage.ts). */
  stage(parent: number, step: number, fault: boolean): void {
    this.collapser?.pack(this.scratch, this.key);
    this.staged.push(this.key, parent, step, fault);
  }

  /**
   * Admits this thread's staged successors at `depth`, in the order staged; `staged.targets` holds their ids
   * after. The touching loads read the index without Atomics: they only warm the cache, and every slot is
   * then read again as `place` reads it.
   */
  flush(depth: number): void {
    const { staged, words } = this;
    staged.touch(this.index, this.mask, this.arena);
    const { rows, hashes, parents, steps, targets } = staged;
    for (let row = 0; row < staged.count; row++) {
      const hash = hashes[row] as number;
      targets[row] = this.place(rows, row * words, hash, parents[row] as number, steps[row] as number, depth);
    }
    staged.count = 0;
  }

  /** The id of the key at word `at` of `keys` (hashed to `hash`), admitting it first when it is new. */
  private place(
    keys: Uint32Array,
    at: number,
    hash: number,
    parent: number,
    step: number,
    depth: number,
  ): number {
    const { words, index, mask } = this;
    let slot = hash & mask;
    for (;;) {
      const entry = Atomics.load(index, 2 * slot);
      if (entry === 0) {
        if (Atomics.compareExchange(index, 2 * slot, 0, BUSY) !== 0) continue;
        return this.store(slot, hash, keys, at, parent, step, depth);
      }
      if (entry === BUSY) continue;
      if (index[2 * slot + 1] === hash && equalWords(this.arena, (entry - 1) * words, keys, at, words))
        return entry - 1;
      slot = (slot + 1) & mask;
    }
  }

  /** Writes the new state into the slot this thread claimed, then publishes its id there. */
  private store(
    slot: number,
    hash: number,
    keys: Uint32Array,
    at: number,
    parent: number,
    step: number,
    depth: number,
  ): number {
    const { index, control, words, arena } = this;
    index[2 * slot + 1] = hash;
    const id = Atomics.add(control, COUNT, 1);
    if (id >= this.capacity)
      throw new LimitExceeded(fullMessage(this.capacity, words, this.limits, this.collapser !== null));
    if (depth > this.limits.depthMax) {
      throw new LimitExceeded(`explorer: depthMax (${this.limits.depthMax}) reached for this configuration`);
    }
    const base = id * words;
    for (let word = 0; word < words; word++) arena[base + word] = keys[at + word] as number;
    this.parents[id] = parent;
    this.steps[id] = step;
    this.depths[id] = depth;
    Atomics.store(index, 2 * slot, id + 1);
    if (id + 1 > (this.mask + 1) * INDEX_LOAD_MAX && !this.resizing) {
      this.resizing = Atomics.compareExchange(control, RESIZE, 0, 1) === 0;
    }
    return id;
  }

  checkBytes(): void {
    const bytes = this.bytes();
    if (bytes > this.limits.bytesMax) {
      const held = `${bytes} bytes held, ${this.count} states stored`;
      throw new LimitExceeded(bytesMaxMessage(this.limits, held, this.collapser !== null));
    }
  }

  /** Before a level: every worker takes part in it (a rehash waits for each to park or leave). */
  static setActive(control: Int32Array, threads: number): void {
    Atomics.store(control, ACTIVE, threads);
    Atomics.store(control, ARRIVED, 0);
  }

  /** At a state boundary: parks while the index is rehashed, or rehashes it when this thread asked. */
  boundary(): void {
    const { control } = this;
    if (Atomics.load(control, RESIZE) === 0) return;
    Atomics.add(control, ARRIVED, 1);
    Atomics.notify(control, ARRIVED);
    if (!this.resizing) {
      while (Atomics.load(control, RESIZE) === 1) Atomics.wait(control, RESIZE, 1, PARK_MS);
      this.refreshIndex();
      return;
    }
    for (;;) {
      const arrived = Atomics.load(control, ARRIVED);
      if (arrived >= Atomics.load(control, ACTIVE)) break;
      Atomics.wait(control, ARRIVED, arrived, PARK_MS);
    }
    this.rehash();
    this.resizing = false;
    Atomics.store(control, ARRIVED, 0);
    Atomics.store(control, RESIZE, 0);
    Atomics.notify(control, RESIZE);
  }

  /** A thread leaves the level: a rehash no longer waits for it. */
  leave(): void {
    const { control } = this;
    this.boundary();
    Atomics.sub(control, ACTIVE, 1);
    Atomics.notify(control, ARRIVED);
  }

  /** Doubles the index and reinserts every entry (every other thread is parked). */
  private rehash(): void {
    const { control, buffers } = this;
    const slots = Atomics.load(control, SLOTS);
    const old = this.index.slice(0, slots * 2);
    const grown = slots * 2;
    if (grown * 2 * 4 > GROWABLE_BYTES_MAX) {
      throw new LimitExceeded(`explorer: the shared index would pass ${GROWABLE_BYTES_MAX} bytes`);
    }
    buffers.index.grow(grown * 2 * 4);
    Atomics.store(control, SLOTS, grown);
    this.refreshIndex();
    const { index, mask } = this;
    index.fill(0);
    reinsert(old, index, mask);
    this.checkBytes();
  }
}
