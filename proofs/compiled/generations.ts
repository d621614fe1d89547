/**
 * Generation renaming on the packed form: the model's `normalized` (model/data.ts) renames token
 * generations to their dense rank after every step; here the same renaming runs on the bytes.
 *
 * Which bytes hold generations is asked of the model, not listed here: each number field of a sample is set
 * in turn to a value far above the others, and the fields `normalized` renames are the generation fields. A
 * generation field added to the model (and to its `normalized`) is found without an edit; the differential
 * test against the reference (test/proofs/compiled.test.ts) checks the two renamings agree.
 */
import { type ModelData, normalized } from "../../model/data.js";
import type { Key, Layout } from "./layout.js";

/** A value no sample generation reaches, so setting a generation field to it leaves a gap to rename. */
const PROBE_GENERATION = 200;
/** Generations below this fit the fast path's 32-bit mask; larger ones take the table path. */
const MASK_BITS = 32;
const BYTE_VALUES = 256;

function valueAt(data: unknown, path: readonly Key[]): unknown {
  let node = data as Record<Key, unknown>;
  for (const key of path) node = node[key] as Record<Key, unknown>;
  return node;
}

function setAt(data: unknown, path: readonly Key[], value: unknown): void {
  const parent = valueAt(data, path.slice(0, -1)) as Record<Key, unknown>;
  parent[path[path.length - 1] as Key] = value;
}

/** The byte positions of the generation fields: the number fields `normalized` renames. */
export function generationPositions(layout: Layout, sample: ModelData): Int32Array {
  const positions: number[] = [];
  for (const field of layout.fields) {
    if (field.kind !== "number") continue;
    const probe = JSON.parse(JSON.stringify(sample)) as ModelData;
    setAt(probe, field.path, PROBE_GENERATION);
    if (valueAt(normalized(probe), field.path) !== PROBE_GENERATION) positions.push(field.position);
  }
  return Int32Array.from(positions);
}

/** Renames the generations of `vector` (a state at offset 0) to their dense ranks; 0 stays 0. */
export function makeGenerationRenamer(positions: Int32Array): (vector: Uint8Array) => void {
  const ranks = new Uint8Array(BYTE_VALUES);
  const seen = new Uint8Array(BYTE_VALUES);
  const count = positions.length;
  /** Slow path, for generations past the mask: a table of the values seen. */
  const renameWide = (vector: Uint8Array) => {
    seen.fill(0);
    for (let index = 0; index < count; index++) seen[vector[positions[index] as number] as number] = 1;
    let rank = 0;
    for (let value = 1; value < BYTE_VALUES; value++) if (seen[value]) ranks[value] = ++rank;
    ranks[0] = 0;
    for (let index = 0; index < count; index++) {
      const position = positions[index] as number;
      vector[position] = ranks[vector[position] as number] as number;
    }
  };
  return (vector) => {
    // Locals, not the closure's: V8 then checks them once, not in every iteration.
    const at = positions;
    const ranked = ranks;
    let mask = 0;
    for (let index = 0; index < count; index++) {
      const value = vector[at[index] as number] as number;
      if (value >= MASK_BITS) return renameWide(vector);
      mask |= 1 << value;
    }
    mask &= ~1;
    // Dense already (1..k all present): the common case, nothing to rename.
    if ((mask & (mask + 2)) === 0) return;
    let rank = 0;
    for (let value = 1; value < MASK_BITS; value++) if (mask & (1 << value)) ranked[value] = ++rank;
    ranked[0] = 0;
    for (let index = 0; index < count; index++) {
      const position = at[index] as number;
      vector[position] = ranked[vector[position] as number] as number;
    }
  };
}
