/**
 * Symmetry on the packed form: processes run the same code, so a state's representative has its process
 * slices sorted (lexicographically, byte by byte). Any total order gives one representative per renaming
 * class, so the compiled explorer stores exactly as many states as the reference (proofs/state.ts sorts
 * its own per-process tuples); at most 8 slices, so insertion sort.
 */
import type { Layout } from "./layout.js";

/** Compares the slices at byte offsets `left` and `right` of `vector`. */
function compare(vector: Uint8Array, left: number, right: number, width: number): number {
  for (let byte = 0; byte < width; byte++) {
    const difference = (vector[left + byte] as number) - (vector[right + byte] as number);
    if (difference !== 0) return difference;
  }
  return 0;
}

export function makeCanonicalizer(layout: Layout): (vector: Uint8Array) => void {
  const width = layout.processBytes;
  const count = layout.processes;
  const held = new Uint8Array(width);
  return (vector) => {
    for (let next = 1; next < count; next++) {
      const offset = next * width;
      let place = next;
      while (place > 0 && compare(vector, (place - 1) * width, offset, width) > 0) place--;
      if (place === next) continue;
      held.set(vector.subarray(offset, offset + width));
      vector.copyWithin((place + 1) * width, place * width, offset);
      vector.set(held, place * width);
    }
  };
}
