/**
 * Symmetry on the packed form: processes run the same code, so a state's representative has its process
 * slices sorted (lexicographically, byte by byte). Any total order gives one representative per renaming
 * class, so the compiled explorer stores exactly as many states as the reference (proofs/state.ts sorts
 * its own per-process tuples); at most 8 slices, so insertion sort.
 *
 * Slices are whole 32-bit words (layout.ts pads them), so two slices are compared a word at a time: equal
 * slices (identical idle processes, the common case) cost one comparison per word, and in the first word
 * that differs the lowest differing byte (the first in memory, the machine being little-endian) decides.
 */
import type { Layout } from "./layout.js";

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Compares the slices starting at words `left` and `right` of `words`, byte-lexicographically. */
function compare(words: Uint32Array, left: number, right: number, width: number): number {
  for (let word = 0; word < width; word++) {
    const a = words[left + word] as number;
    const b = words[right + word] as number;
    if (a === b) continue;
    const differing = a ^ b;
    const shift = (31 - Math.clz32(differing & -differing)) & ~7;
    return ((a >>> shift) & 255) - ((b >>> shift) & 255);
  }
  return 0;
}

export function makeCanonicalizer(layout: Layout): (words: Uint32Array) => void {
  if (!LITTLE_ENDIAN) throw new Error("compiled canonical: word comparison assumes a little-endian machine");
  const slice = layout.processBytes / 4;
  const processes = layout.processes;
  const spare = new Uint32Array(slice);
  return (words) => {
    // Locals, not the closure's: V8 then checks them once, not in every iteration.
    const width = slice;
    const count = processes;
    const held = spare;
    for (let next = 1; next < count; next++) {
      const offset = next * width;
      let place = next;
      while (place > 0 && compare(words, (place - 1) * width, offset, width) > 0) place--;
      if (place === next) continue;
      for (let word = 0; word < width; word++) held[word] = words[offset + word] as number;
      for (let word = offset - 1; word >= place * width; word--) {
        words[word + width] = words[word] as number;
      }
      for (let word = 0; word < width; word++) words[place * width + word] = held[word] as number;
    }
  };
}
