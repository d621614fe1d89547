/**
 * One point of the search: a state of the design's model, which observations it has explained so far, where
 * each process is in the call the harness made, and which model generation each real token is.
 *
 * Real tokens and model generations: the model renames its generations to their dense rank after every step
 * (model/data.ts `normalized`), so the map is renamed with the same ranks after every step; a token no model
 * component holds any more drops out of it (no process of the model could send or return it).
 */
import { generationRanks, type ModelData } from "../model/data.js";
import { type ExplorerState, orderedKey } from "../proofs/state.js";
import type { CallKind } from "./run-file.js";

/** none: no call open; open: sent, no model step yet; started: its model call event was taken. */
export type CallPhase = "none" | "open" | "started";

export interface CallSlot {
  phase: CallPhase;
  call: CallKind | null;
  /** A branch the model marks `fails` was taken since the call started. */
  failed: boolean;
  /** How many of the call's model call events (explain.ts CALL_EVENTS) were taken. */
  taken: number;
}

export const NO_CALL: CallSlot = Object.freeze({
  phase: "none",
  call: null,
  failed: false,
  taken: 0,
}) as CallSlot;

/** What led to a node: a model step the history does not show, or one observation explained. */
export type Via =
  | { kind: "root" }
  | { kind: "step"; event: string; process: number; label: string }
  | { kind: "observation"; index: number; event: string | null; process: number; label: string | null };

export interface SearchNode {
  state: ExplorerState;
  /** Every step of the history below `base` is explained; `ahead` lists those explained above it. */
  base: number;
  ahead: readonly number[];
  calls: readonly CallSlot[];
  /** `family-1#0` -> model generation. */
  tokens: ReadonlyMap<string, number>;
  parent: SearchNode | null;
  via: Via;
}

export function isExplained(node: SearchNode, index: number): boolean {
  return index < node.base || node.ahead.includes(index);
}

/** The node's consumed set with one more index, `base` moved past every explained index. */
export function explain(node: SearchNode, index: number): { base: number; ahead: number[] } {
  const ahead = [...node.ahead, index].sort((left, right) => left - right);
  let base = node.base;
  while (ahead[0] === base) {
    ahead.shift();
    base += 1;
  }
  return { base, ahead };
}

/** The map renamed as `normalized` renames `raw`; tokens whose generation is no longer held drop out. */
export function renamedTokens(tokens: ReadonlyMap<string, number>, raw: ModelData): Map<string, number> {
  const ranks = generationRanks(raw);
  const renamed = new Map<string, number>();
  for (const [token, generation] of tokens) {
    const rank = ranks.get(generation);
    if (rank !== undefined) renamed.set(token, rank);
  }
  return renamed;
}

const PHASE_CODES: Record<CallPhase, string> = { none: "n", open: "o", started: "s" };

/** Identity of a node for de-duplication: equal keys behave alike from here on. */
export function nodeKey(node: Omit<SearchNode, "parent" | "via">): string {
  const calls = node.calls.map(
    (slot) => `${PHASE_CODES[slot.phase]}${slot.taken}${slot.call ?? ""}${slot.failed ? "!" : ""}`,
  );
  const tokens = [...node.tokens].sort(([left], [right]) => (left < right ? -1 : 1));
  return `${orderedKey(node.state)}|${node.base}:${node.ahead.join(",")}|${calls.join(",")}|${tokens.join(";")}`;
}
