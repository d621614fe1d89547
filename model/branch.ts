/**
 * The shape of the protocol's transition table. A process at a location handles an event with the first
 * branch whose guard holds; the branch updates a copy of the data and moves the process to its target.
 * The XState machine (machine.ts) and the explorer (proofs/explorer.ts) both read this one table.
 */
import type { ModelData } from "./data.js";
import type { EventName } from "./vocabulary.js";

export const LOCATIONS = [
  "idle", // not inside any call
  "recoveryReload", // 401 recovery's Reload: the guarded reload; Changed or NoChange -> retry the request
  "retryRequest", // the request again; a second 401 takes recovery's RefreshToken step
  "reload", // guarded reload: next, readDisk decides Skipped / Changed / NoChange
  "post", // about to POST the cached refresh token
  "receive", // waiting for the endpoint's answer
  "lockForSave", // lock around the save only: waiting for the file lock before saving
  "persistRead", // re-reading auth.json before saving
  "persistWrite", // writing the refreshed tokens
  "persistFlush", // an in-place write is under way (the file is torn until flushed)
  "releaseAfterSave", // lock around the save only: releasing the file lock after saving
  "persistReload", // reloading the cache from auth.json after saving
  "lockForRefresh", // locked: waiting for the cross-process lock
  "rereadUnderLock", // locked: reading auth.json under the lock to decide
  "writeUnderLock", // locked: saving the refreshed tokens atomically under the lock
  "releaseAndReturn", // releasing the lock, then returning to the caller
  "down", // crashed; `restart` brings it back with a fresh load of auth.json
] as const;
export type Location = (typeof LOCATIONS)[number];

/** What a step tells the invariants beyond the state it leads to. */
export type Signal =
  | "staleSend" // the server received a refresh token it had already rotated out
  | "loggedOut"; // the process was told it is logged out (Skipped, poisoned, or its cache cleared)

export interface Branch {
  /** One line for docs and explanations, e.g. "Changed: adopt the disk snapshot". */
  label: string;
  guard?: (data: ModelData, process: number) => boolean;
  /** Mutates a copy of the data; may return a signal for the invariants. */
  update?: (data: ModelData, process: number) => Signal | undefined;
  /** Process branches: where the process goes (omitted: stays). */
  target?: Location;
  /** The call this step belongs to will report a failure to its caller (an error, or auth()'s refresh error). */
  fails?: boolean;
  /** Taking this branch is a fault (excluded once faults stop, for liveness). */
  fault?: boolean;
}

export type EventBranches = Partial<Record<EventName, Branch[]>>;

export interface TransitionTable {
  /** Per location, the events a process there handles. */
  locations: Record<Location, EventBranches>;
  /** Events a process handles wherever it is (a crash). */
  anywhere: EventBranches;
  /** Events of the world, not of one process (time passing, a login, a lock expiring). */
  world: EventBranches;
}

/** Finds the branch a process takes for an event, or undefined when the event is not enabled. */
export function enabledBranch(
  branches: Branch[] | undefined,
  data: ModelData,
  process: number,
): Branch | undefined {
  if (!branches) return undefined;
  for (const branch of branches) {
    if (!branch.guard || branch.guard(data, process)) return branch;
  }
  return undefined;
}
