/**
 * How many states an explorer's store reserves room for, and the message when they are all taken.
 *
 * Both stores (store.ts on one thread, shared-store.ts on several) allocate their per-state arrays once, for
 * every state the exploration may hold: the system commits a page only when it is first written, and ids are
 * written in order, so a reservation costs what is used, and nothing is ever copied to grow. The bound is
 * statesMax, unless bytesMax, the machine's memory (the system refuses a reservation far past it) or a typed
 * array's length (2^32 - 1 elements in Node 20's V8) is reached first.
 */
import { totalmem } from "node:os";
import type { ExploreLimits } from "../exploration.js";

/** Bytes per state outside its vector: parent, depth and step (4 each) and goal flags (1). */
export const LINK_BYTES = 13;
/** The share of the machine's memory the per-state arrays may reserve. */
export const RESERVE_SHARE = 0.75;
const TYPED_ARRAY_LENGTH_MAX = 2 ** 32 - 1;

export function bytesPerState(words: number): number {
  return words * 4 + LINK_BYTES;
}

export function capacityOf(words: number, limits: ExploreLimits): number {
  const budget = Math.min(totalmem() * RESERVE_SHARE, limits.bytesMax);
  const byBytes = Math.floor(budget / bytesPerState(words));
  const byLength = Math.floor(TYPED_ARRAY_LENGTH_MAX / words);
  return Math.max(1, Math.min(limits.statesMax, byBytes, byLength));
}

/** Outside statesMax, what a store that does not collapse states could still do (collapse.ts). */
const COLLAPSE_HINT = "; collapsed states (`check` without `--whole-states`) take about 40% less a state";

/** bytesMax passed while the explorer ran: what is held (`held`: bytes and what they are), and the hint. */
export function bytesMaxMessage(limits: ExploreLimits, held: string, collapsed: boolean): string {
  return (
    `explorer: bytesMax (${limits.bytesMax}) reached for this configuration (${held})` +
    (collapsed ? "" : COLLAPSE_HINT)
  );
}

/**
 * Which bound a full reservation met: statesMax, bytesMax, or the machine's memory or a typed array. A store
 * that does not collapse states says that collapsing them would hold more.
 */
export function fullMessage(
  capacity: number,
  words: number,
  limits: ExploreLimits,
  collapsed: boolean,
): string {
  const perState = bytesPerState(words);
  const held = `${capacity} states of ${perState} bytes`;
  if (capacity >= limits.statesMax) {
    return `explorer: statesMax (${limits.statesMax}) reached for this configuration`;
  }
  if ((capacity + 1) * perState > limits.bytesMax) return bytesMaxMessage(limits, held, collapsed);
  return (
    `explorer: the room this machine gives the explorer is full for this configuration (${held}: ` +
    `${RESERVE_SHARE} of its memory, or ${TYPED_ARRAY_LENGTH_MAX} words in one array)` +
    (collapsed ? "" : COLLAPSE_HINT)
  );
}
