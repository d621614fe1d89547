/**
 * Decision trees over the bytes of a packed state, all in one Int32Array: what learned.ts keeps of the
 * table's closures.
 *
 * A node is [position, width, child 0, ..., child width-1]: it tests the byte at `position`, and child v is
 * where a state whose byte is v goes on. A child is 0 when nothing was learned there yet, a node's index when
 * positive, and a leaf holding payload p (a non-negative integer) as -(p + 1). Slot r + 1 holds root r, so
 * every pointer is a slot of the one array (slot 0 is unused). A node is as wide as the largest value seen
 * at it; a larger value copies it to the end, twice as wide, and leaves the old copy unused.
 *
 * The trees are bounded (TREE_WORDS_MAX unless given less): `insert` reports when a path might not fit, and
 * the owner drops them all (`clear`) and learns again.
 */

/** Int32 words the trees may take (64 MiB). */
export const TREE_WORDS_MAX = 1 << 24;
const INITIAL_WORDS = 1 << 16;
/** A new node has room for values below this at least. */
const INITIAL_WIDTH = 2;
/** Byte values: a node never needs more children. */
const WIDTH_MAX = 256;

/** A path asks a different byte than a tree already holds there: `known` and `now` are byte positions, -1
 * where one of them ended. */
export class TreeContradiction extends Error {
  constructor(
    readonly root: number,
    readonly known: number,
    readonly now: number,
  ) {
    super(`decision trees: root ${root} read byte ${now} where it read byte ${known} before`);
  }
}

export class DecisionTrees {
  /** Words in use. */
  used = 0;
  private words = new Int32Array(INITIAL_WORDS);

  constructor(
    private readonly roots: number,
    /** Int32 words the trees may take. */
    private readonly wordsMax = TREE_WORDS_MAX,
  ) {
    this.clear();
  }

  /** Drops every tree. */
  clear(): void {
    if (this.words.length > INITIAL_WORDS) this.words = new Int32Array(INITIAL_WORDS);
    else this.words.fill(0);
    this.used = this.roots + 1;
  }

  /** The payload of the leaf the state `bytes` reaches from root `root`, or -1 when it was not learned. */
  find(root: number, bytes: Uint8Array): number {
    const words = this.words;
    let at = words[root + 1] as number;
    while (at > 0) {
      const value = bytes[words[at] as number] as number;
      if (value >= (words[at + 1] as number)) return -1;
      at = words[at + 2 + value] as number;
    }
    return at === 0 ? -1 : -at - 1;
  }

  /**
   * Adds the path that reads `positions` in order (values from `bytes`) to root `root`, ending in a leaf of
   * `payload`. False when the trees have no room for it (nothing is changed then); throws TreeContradiction
   * when the path disagrees with the tree.
   */
  insert(root: number, positions: readonly number[], bytes: Uint8Array, payload: number): boolean {
    // At most one node per byte read, each copied once when widened.
    if (this.used + (positions.length + 1) * 2 * (2 + WIDTH_MAX) > this.wordsMax) return false;
    let slot = root + 1;
    for (const position of positions) {
      const value = bytes[position] as number;
      let at = this.words[slot] as number;
      if (at < 0) throw new TreeContradiction(root, -1, position);
      if (at === 0) at = this.node(position, value + 1);
      else if (this.words[at] !== position)
        throw new TreeContradiction(root, this.words[at] as number, position);
      if (value >= (this.words[at + 1] as number)) at = this.widen(at, value + 1);
      this.words[slot] = at;
      slot = at + 2 + value;
    }
    const end = this.words[slot] as number;
    if (end !== 0) throw new TreeContradiction(root, end > 0 ? (this.words[end] as number) : -1, -1);
    this.words[slot] = -payload - 1;
    return true;
  }

  private node(position: number, width: number): number {
    const size = Math.max(width, INITIAL_WIDTH);
    const at = this.reserve(2 + size);
    this.words[at] = position;
    this.words[at + 1] = size;
    return at;
  }

  private widen(at: number, width: number): number {
    const old = this.words[at + 1] as number;
    const grown = this.node(this.words[at] as number, Math.min(WIDTH_MAX, Math.max(width, 2 * old)));
    this.words.copyWithin(grown + 2, at + 2, at + 2 + old);
    return grown;
  }

  private reserve(count: number): number {
    const at = this.used;
    this.used += count;
    if (this.used > this.words.length) {
      const grown = new Int32Array(Math.min(this.wordsMax, Math.max(this.words.length * 2, this.used)));
      grown.set(this.words);
      this.words = grown;
    }
    return at;
  }
}
