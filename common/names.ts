/**
 * How processes are named wherever the model's processes are shown: `A`, `B`, ... in the model, its traces,
 * conformance runs and the two-process scenarios; `world` for an outside action. Imports nothing, so every
 * folder (the model too) may import it.
 */

/** The model's processes, in order; a configuration of N processes uses the first N. */
export const PROCESS_NAMES = ["A", "B", "C", "D", "E", "F", "G", "H"] as const;

/** `A`, `B`, ... for a process index; `world` for -1 (an outside action); `P<n>` past the named ones. */
export function processName(process: number): string {
  return process < 0 ? "world" : (PROCESS_NAMES[process] ?? `P${process}`);
}
