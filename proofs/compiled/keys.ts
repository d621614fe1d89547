/**
 * A stored key back to its whole vector, for both stores (store.ts, shared-store.ts): a copy of the key, or
 * its unpacking when the store collapses states (collapse.ts).
 */
import type { Collapser, KeyShape } from "./collapse.js";

/** Writes the vector of the key at word `at` of `keys` into `vector` (the parent about to be expanded). */
export function loadVector(
  keys: Uint32Array,
  at: number,
  vector: Uint32Array,
  collapser: Collapser | null,
): void {
  if (collapser !== null) {
    collapser.unpack(keys, at, vector);
    return;
  }
  for (let word = 0; word < vector.length; word++) vector[word] = keys[at + word] as number;
}

/** The vector of the key at word `at` of `keys`, in bytes of its own (a key or a trace, outside the search). */
export function vectorOf(
  keys: Uint32Array,
  at: number,
  shape: KeyShape,
  collapser: Collapser | null,
): Uint8Array {
  if (collapser !== null) return collapser.vectorOf(keys, at);
  return new Uint8Array(keys.slice(at, at + shape.vectorWords).buffer);
}
