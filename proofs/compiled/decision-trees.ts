/**
 * Decision trees over the bytes of a packed state, all in one Int32Array: what learned.ts keeps of the
 * table's closures.
 *
 * A branch node is [position, width, child 0, ..., child width-1]: it tests the byte at `position`, and child
 * v is where a state whose byte is v goes on. A pointer (a child, a root) is 0 when nothing was learned there
 * yet, a node's index when positive, and a leaf holding payload p (a non-negative integer) as -(p + 1). Slot
 * r + 1 holds root r, so every pointer is a slot of the one array (slot 0 is unused). A branch node is as
 * wide as the largest value seen at it; a larger value copies it to the end, twice as wide, and leaves the
 * old copy unused.
 *
 * Most of a path is bytes only one value of which was seen there yet (the same configuration constants, the
 * same idle processes), so a run of them is one chain node, [-k, position 1, value 1, ..., position k,
 * value k, next]: a walk checks its k bytes one after the other in one stretch of memory, instead of
 * following k pointers. A path that leaves a chain splits it there: the checks before (a chain), a branch
 * node on the byte that differs, the checks after (a chain) on the old value's side.
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
  /** The most checks a chain node has held (bounds the room a split needs). */
  private longest = 0;
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
    this.longest = 0;
  }

  /** The payload of the leaf the state `bytes` reaches from root `root`, or -1 when it was not learned. */
  find(root: number, bytes: Uint8Array): number {
    const words = this.words;
    let at = words[root + 1] as number;
    while (at > 0) {
      const head = words[at] as number;
      if (head >= 0) {
        const value = bytes[head] as number;
        if (value >= (words[at + 1] as number)) return -1;
        at = words[at + 2 + value] as number;
        continue;
      }
      const end = at + 1 - 2 * head;
      for (let check = at + 1; check < end; check += 2) {
        if (bytes[words[check] as number] !== words[check + 1]) return -1;
      }
      at = words[end] as number;
    }
    return at === 0 ? -1 : -at - 1;
  }

  /**
   * Adds the path that reads `positions` in order (values from `bytes`) to root `root`, ending in a leaf of
   * `payload`. False when the trees might have no room for it (nothing is changed then); throws
   * TreeContradiction when the path disagrees with the tree.
   */
  insert(root: number, positions: readonly number[], bytes: Uint8Array, payload: number): boolean {
    // At most: one chain split (a branch node and two chains as long as the longest yet) and a new chain.
    const room = 2 * (2 + WIDTH_MAX) + 4 * (positions.length + this.longest) + 8;
    if (this.used + room > this.wordsMax) return false;
    const leaf = -payload - 1;
    let slot = root + 1;
    let next = 0;
    for (;;) {
      const at = this.words[slot] as number;
      if (next === positions.length) {
        if (at !== 0) throw new TreeContradiction(root, at > 0 ? this.firstPosition(at) : -1, -1);
        this.words[slot] = leaf;
        return true;
      }
      const position = positions[next] as number;
      if (at === 0) {
        const rest = positions.slice(next).map((read): [number, number] => [read, bytes[read] as number]);
        // Built first, then linked: building may grow (replace) `words`.
        const chain = this.chain(rest, leaf);
        this.words[slot] = chain;
        return true;
      }
      if (at < 0) throw new TreeContradiction(root, -1, position);
      const head = this.words[at] as number;
      if (head >= 0) {
        if (head !== position) throw new TreeContradiction(root, head, position);
        const value = bytes[position] as number;
        const node = value < (this.words[at + 1] as number) ? at : this.widen(at, value + 1);
        this.words[slot] = node;
        slot = node + 2 + value;
        next++;
        continue;
      }
      const checks = -head;
      let check = 0;
      for (; check < checks; check++) {
        const known = this.words[at + 1 + 2 * check] as number;
        if (next + check === positions.length) throw new TreeContradiction(root, known, -1);
        if (known !== positions[next + check]) {
          throw new TreeContradiction(root, known, positions[next + check] as number);
        }
        if (bytes[known] !== this.words[at + 2 + 2 * check]) break;
      }
      if (check === checks) {
        slot = at + 1 + 2 * checks;
        next += checks;
        continue;
      }
      // The path leaves the chain at `check`: split it there (built first, then linked, as above) and walk
      // the same slot again.
      const split = this.split(at, check);
      this.words[slot] = split;
    }
  }

  /** The first byte node `at` tests (for messages). */
  private firstPosition(at: number): number {
    const head = this.words[at] as number;
    return head >= 0 ? head : (this.words[at + 1] as number);
  }

  /** A chain node: [-k, position 1, value 1, ..., position k, value k, next]. */
  private chain(checks: readonly [number, number][], next: number): number {
    const at = this.reserve(2 + 2 * checks.length);
    this.longest = Math.max(this.longest, checks.length);
    this.words[at] = -checks.length;
    for (const [index, [position, value]] of checks.entries()) {
      this.words[at + 1 + 2 * index] = position;
      this.words[at + 2 + 2 * index] = value;
    }
    this.words[at + 1 + 2 * checks.length] = next;
    return at;
  }

  /**
   * Chain `at` split at check `index`: the checks before it (a chain, if any), then a branch node on that
   * check's byte whose old value goes on to the checks after it (a chain, if any) and then the old next.
   */
  private split(at: number, index: number): number {
    const count = -(this.words[at] as number);
    const checks = Array.from({ length: count }, (_, check): [number, number] => [
      this.words[at + 1 + 2 * check] as number,
      this.words[at + 2 + 2 * check] as number,
    ]);
    const next = this.words[at + 1 + 2 * count] as number;
    const after = index + 1 < count ? this.chain(checks.slice(index + 1), next) : next;
    const [position, value] = checks[index] as [number, number];
    const branch = this.node(position, value + 1);
    this.words[branch + 2 + value] = after;
    return index > 0 ? this.chain(checks.slice(0, index), branch) : branch;
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
