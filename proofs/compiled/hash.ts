/** Hashing and comparing packed vectors, word by word: the stores' index and the slice table (collapse.ts). */

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

/** Whether the stored key at word `offset` of `arena` equals the `words` words of `keys` from word `at`. */
export function equalWords(
  arena: Uint32Array,
  offset: number,
  keys: Uint32Array,
  at: number,
  words: number,
): boolean {
  for (let word = 0; word < words; word++) {
    if (arena[offset + word] !== keys[at + word]) return false;
  }
  return true;
}
