/**
 * Collapsed states (SPIN's COLLAPSE; `explore` stores states so unless told otherwise): a state is stored as
 * its world's words and, per process, the 16-bit id of its process slice in a table of distinct slices, not
 * as the whole vector.
 *
 * Processes run the same code, so the same few slices recur in every state: guarded at N = 4 has 545,558
 * states built from 80 distinct slices, locked with every fault at N = 2 from 510. Guarded at N = 5 stores 40
 * bytes a state instead of 88 (72 bytes a state in all instead of 120). Measured back to back on one thread
 * with no liveness, it took 48-50 s against 47-54 s for whole vectors, and with staged admission (stage.ts)
 * 36.9 and 38.3 s against 36.9 and 34.6 s: packing costs about what the shorter key saves in hashing and cache
 * misses. So it is the default. Its table bounds the distinct slices (`limits.slicesMax`, at most SLICES_MAX):
 * past it a collapsed exploration stops with SlicesExceeded, and `explore` explores again with whole vectors
 * unless collapse was asked for (proofs/explorer.ts).
 *
 * The expander still works on whole vectors (the store's scratch vector, and a loaded parent): `pack` turns a
 * canonical vector into its key, `unpack` a key back into the vector, so the canonical form, the ids and the
 * breadth-first order are those of the uncollapsed vectors. A slice the parent has in the same place keeps
 * the parent's id without a lookup (most steps change one process).
 *
 * The slice table is fixed (slicesMax slices, an index of twice SLICES_MAX slots), so it never grows: one table
 * serves every worker thread of the explorer on several threads, in SharedArrayBuffers. Looking a slice up is
 * lock-free (an id is published in its slot only after its words are written); adding one takes a lock, held
 * for the few hundred insertions an exploration makes.
 */
import { LimitExceeded, SLICES_MAX } from "../exploration.js";
import { hashWords } from "./hash.js";
import type { Layout } from "./layout.js";

/** A slice's id is 16 bits (SLICES_MAX ids), two to a key word; the index has twice as many slots. */
const SLOTS = 2 ** 17;
const MASK = SLOTS - 1;
const ID_BITS = 16;
const ID_MASK = 0xffff;
/** Slots of each thread's cache of ids (collisions only evict). */
const CACHE_SLOTS = 4096;
const CACHE_MASK = CACHE_SLOTS - 1;

/** Tries at the insertion lock before concluding its holder died holding it (it holds it for a few stores). */
const LOCK_TRIES_MAX = 1_000_000_000;

/** Words of the table's control block: the slices added, and the insertion lock. */
const COUNT = 0;
const LOCK = 1;
const CONTROL_WORDS = 2;

/** More distinct process records than the slice table holds: whole vectors would do (proofs/explorer.ts). */
export class SlicesExceeded extends LimitExceeded {
  override name = "SlicesExceeded";
}

export interface SliceBuffers {
  /** Words per slice. */
  width: number;
  /** Slices the table holds (limits.slicesMax). */
  slicesMax: number;
  control: SharedArrayBuffer;
  /** id + 1 per slot; 0 marks a free slot. */
  slots: SharedArrayBuffer;
  contents: SharedArrayBuffer;
}

export function createSliceBuffers(width: number, slicesMax: number = SLICES_MAX): SliceBuffers {
  if (!Number.isInteger(slicesMax) || slicesMax < 1 || slicesMax > SLICES_MAX) {
    throw new RangeError(`slicesMax: ${slicesMax} is not an integer in [1, ${SLICES_MAX}]`);
  }
  return {
    width,
    slicesMax,
    control: new SharedArrayBuffer(CONTROL_WORDS * 4),
    slots: new SharedArrayBuffer(SLOTS * 4),
    contents: new SharedArrayBuffer(slicesMax * width * 4),
  };
}

/** Bytes a slice table of `slicesMax` slices of `width` words holds, whatever its use (it is allocated whole). */
export function sliceTableBytes(width: number, slicesMax: number): number {
  return (CONTROL_WORDS + SLOTS + slicesMax * width) * 4;
}

/** The shape of a stored key: the whole vector, or collapsed (the world's words, then the ids two to a word). */
export interface KeyShape {
  processes: number;
  /** Words of one process slice, and of the whole vector. */
  processWords: number;
  vectorWords: number;
  /** Where the world starts in the vector, in words. */
  worldWord: number;
  worldWords: number;
  collapse: boolean;
  keyWords: number;
}

export function keyShape(layout: Layout, collapse: boolean): KeyShape {
  const processWords = layout.processBytes / 4;
  const worldWord = layout.processes * processWords;
  const worldWords = layout.words - worldWord;
  return {
    processes: layout.processes,
    processWords,
    vectorWords: layout.words,
    worldWord,
    worldWords,
    collapse,
    keyWords: collapse ? worldWords + Math.ceil(layout.processes / 2) : layout.words,
  };
}

/**
 * One thread's view of the shared table. Lookups first try the thread's own cache (plain memory, direct
 * mapped by the slice's hash), which holds only ids this thread already had from the table: their contents
 * are written once, before publication, so reading them again needs no atomic access.
 */
export class SliceTable {
  private readonly control: Int32Array;
  private readonly slots: Int32Array;
  private readonly contents: Uint32Array;
  private readonly width: number;
  private readonly slicesMax: number;
  /** id + 1 by hash, 0 for none. */
  private readonly cache = new Int32Array(CACHE_SLOTS);

  constructor(buffers: SliceBuffers) {
    this.width = buffers.width;
    this.slicesMax = buffers.slicesMax;
    this.control = new Int32Array(buffers.control);
    this.slots = new Int32Array(buffers.slots);
    this.contents = new Uint32Array(buffers.contents);
  }

  get count(): number {
    return Atomics.load(this.control, COUNT);
  }

  /** The id of the slice at word `offset` of `vector`, adding it when it is new. */
  idOf(vector: Uint32Array, offset: number): number {
    const { width, contents, cache } = this;
    const hash = hashWords(vector, offset, width);
    const cached = cache[hash & CACHE_MASK] as number;
    if (cached !== 0 && equalSlice(contents, (cached - 1) * width, vector, offset, width)) return cached - 1;
    const id = this.find(vector, offset, hash & MASK);
    cache[hash & CACHE_MASK] = id + 1;
    return id;
  }

  private find(vector: Uint32Array, offset: number, from: number): number {
    const { width, slots, contents } = this;
    let slot = from;
    for (;;) {
      const entry = Atomics.load(slots, slot);
      if (entry === 0) return this.add(vector, offset, slot);
      if (equalSlice(contents, (entry - 1) * width, vector, offset, width)) return entry - 1;
      slot = (slot + 1) & MASK;
    }
  }

  /** Under the lock: another thread may have added the slice since `slot` was seen free. */
  private add(vector: Uint32Array, offset: number, from: number): number {
    const { control, width, slots, contents } = this;
    for (let tries = 0; Atomics.compareExchange(control, LOCK, 0, 1) !== 0; tries++) {
      if (tries >= LOCK_TRIES_MAX) throw new Error("explorer: the slice table's lock was never released");
    }
    try {
      let slot = from;
      for (;;) {
        const entry = Atomics.load(slots, slot);
        if (entry === 0) break;
        if (equalSlice(contents, (entry - 1) * width, vector, offset, width)) return entry - 1;
        slot = (slot + 1) & MASK;
      }
      const id = Atomics.load(control, COUNT);
      if (id >= this.slicesMax) {
        throw new SlicesExceeded(
          `explorer: more than ${this.slicesMax} distinct process records (slicesMax; a collapsed state ` +
            "stores each as a 16-bit id)",
        );
      }
      for (let word = 0; word < width; word++) contents[id * width + word] = vector[offset + word] as number;
      Atomics.store(control, COUNT, id + 1);
      Atomics.store(slots, slot, id + 1);
      return id;
    } finally {
      Atomics.store(control, LOCK, 0);
    }
  }

  /** Writes slice `id` at word `offset` of `vector`. */
  copy(id: number, vector: Uint32Array, offset: number): void {
    const { width, contents } = this;
    for (let word = 0, from = id * width; word < width; word++)
      vector[offset + word] = contents[from + word] as number;
  }
}

function equalSlice(
  contents: Uint32Array,
  at: number,
  vector: Uint32Array,
  offset: number,
  width: number,
): boolean {
  for (let word = 0; word < width; word++) {
    if (contents[at + word] !== vector[offset + word]) return false;
  }
  return true;
}

type PackCode = (
  vector: Uint32Array,
  key: Uint32Array,
  parent: Uint32Array,
  parentIds: Int32Array,
  table: SliceTable,
) => void;
type FillCode = (
  keys: Uint32Array,
  at: number,
  vector: Uint32Array,
  ids: Int32Array,
  table: SliceTable,
) => void;

/**
 * `pack` and `fill`, generated once per shape (as layout.ts generates encode and decode): straight-line word
 * copies and comparisons, three times faster than the loops over the shape they replace.
 */
function compileCodes(shape: KeyShape): { pack: PackCode; fill: FillCode } {
  const { processes, processWords, worldWord, worldWords } = shape;
  const pack: string[] = [];
  const fill: string[] = ["let w;"];
  for (let word = 0; word < worldWords; word++) {
    pack.push(`k[${word}] = v[${worldWord + word}];`);
    fill.push(`v[${worldWord + word}] = keys[at + ${word}];`);
  }
  const idOf = (process: number): string => {
    const offset = process * processWords;
    const same = Array.from(
      { length: processWords },
      (_, word) => `v[${offset + word}] === p[${offset + word}]`,
    );
    return `(${same.join(" && ")} ? ids[${process}] : t.idOf(v, ${offset}))`;
  };
  for (let process = 0; process < processes; process += 2) {
    const word = worldWords + process / 2;
    const high = process + 1 < processes;
    pack.push(
      high
        ? `k[${word}] = (${idOf(process)} | (${idOf(process + 1)} << ${ID_BITS})) >>> 0;`
        : `k[${word}] = ${idOf(process)};`,
    );
    fill.push(
      `w = keys[at + ${word}];`,
      `ids[${process}] = w & ${ID_MASK};`,
      `t.copy(w & ${ID_MASK}, v, ${process * processWords});`,
    );
    if (high) {
      fill.push(
        `ids[${process + 1}] = w >>> ${ID_BITS};`,
        `t.copy(w >>> ${ID_BITS}, v, ${(process + 1) * processWords});`,
      );
    }
  }
  // Generated code: straight-line copies and comparisons over the shape's words (see the comment above).
  return {
    pack: new Function("v", "k", "p", "ids", "t", `"use strict";\n${pack.join("\n")}`) as PackCode,
    fill: new Function("keys", "at", "v", "ids", "t", `"use strict";\n${fill.join("\n")}`) as FillCode,
  };
}

/**
 * Packs and unpacks one thread's vectors. It remembers the last vector unpacked (the parent being expanded)
 * and its ids, so a successor's slice that the parent has in the same place needs no lookup.
 */
export class Collapser {
  private readonly parentIds: Int32Array;
  /** Before any unpack, a vector no slice equals (no location code is 255, layout.ts). */
  private parent: Uint32Array;
  private readonly codes: { pack: PackCode; fill: FillCode };

  constructor(
    readonly shape: KeyShape,
    readonly table: SliceTable,
  ) {
    this.parentIds = new Int32Array(shape.processes);
    this.parent = new Uint32Array(shape.vectorWords).fill(0xffffffff);
    this.codes = compileCodes(shape);
  }

  /** Writes the key of `vector` (canonical, whole) into `key` at word 0. */
  pack(vector: Uint32Array, key: Uint32Array): void {
    this.codes.pack(vector, key, this.parent, this.parentIds, this.table);
  }

  /** Writes the whole vector of the key at word `at` of `keys` into `vector`; it becomes the parent. */
  unpack(keys: Uint32Array, at: number, vector: Uint32Array): void {
    this.codes.fill(keys, at, vector, this.parentIds, this.table);
    this.parent = vector;
  }

  /** The whole vector of a key, in a buffer of its own (a key or a trace, outside the search). */
  vectorOf(keys: Uint32Array, at: number): Uint8Array {
    const vector = new Uint32Array(this.shape.vectorWords);
    this.codes.fill(keys, at, vector, new Int32Array(this.shape.processes), this.table);
    return new Uint8Array(vector.buffer);
  }
}
