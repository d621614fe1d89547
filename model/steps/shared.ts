/**
 * Updates and predicates shared by every design: the server's verdict on a POST, what a read of auth.json
 * yields, and small helpers over one process's data.
 */

import type { Signal } from "../branch.js";
import type { ModelConfig } from "../config.js";
import {
  isStale,
  type ModelData,
  NO_SNAPSHOT,
  newestGeneration,
  RESPONSE_OK,
  RESPONSE_PERMANENT,
  RESPONSE_TRANSIENT,
  readableDisk,
  type Snapshot,
  sameSnapshot,
  serverAccepts,
} from "../data.js";

export function processAt(data: ModelData, process: number) {
  const record = data.processes[process];
  if (!record) throw new RangeError(`model: no process ${process}`);
  return record;
}

export function cacheIsStale(data: ModelData, process: number): boolean {
  return isStale(data, processAt(data, process).cache);
}

export function lockIsFree(data: ModelData): boolean {
  return !data.orphanedLock && !data.processes.some((process) => process.holdsLock);
}

/** Guarded reload's Skipped: nothing to compare against, an unreadable file, or another account. */
export function reloadSkips(data: ModelData, process: number): boolean {
  const cache = processAt(data, process).cache;
  const disk = readableDisk(data);
  return cache.accountId === 0 || disk === null || disk.accountId !== cache.accountId;
}

/** Guarded reload's Changed: the disk snapshot differs from the cache in any field ("different", not "newer"). */
export function diskDiffers(data: ModelData, process: number): boolean {
  const disk = readableDisk(data);
  return disk !== null && !sameSnapshot(disk, processAt(data, process).cache);
}

/**
 * cache := snapshot; a changed cache is no longer poisoned, and no longer holds the token the call began with
 * (so sending it later is not the seed's bug: it is what the call read, see ProcessData.successorOnDisk).
 */
export function adopt(data: ModelData, process: number, snapshot: Snapshot): void {
  const record = processAt(data, process);
  if (!sameSnapshot(record.cache, snapshot)) {
    record.poisoned = false;
    record.successorOnDisk = false;
  }
  record.cache = snapshot;
}

export function adoptDisk(data: ModelData, process: number): undefined {
  adopt(data, process, readableDisk(data) ?? NO_SNAPSHOT);
  return undefined;
}

/**
 * The POST of the cached refresh token reaches the server. It rotates a current token (R_n -> R_n+1),
 * answers a grace-window token with the current one, and rejects anything else as reused.
 */
export function sendCachedToken(config: ModelConfig, data: ModelData, process: number): Signal | undefined {
  const record = processAt(data, process);
  const { family, generation } = record.cache;
  const familyRecord = data.families[family];
  if (!serverAccepts(data, family, generation, config.server.graceWindow)) {
    if (config.server.revokeFamilyOnReuse) familyRecord.revoked = true;
    record.response = RESPONSE_PERMANENT;
    return "staleSend";
  }
  if (generation === familyRecord.current) {
    const minted = newestGeneration(data) + 1;
    familyRecord.previous = config.server.graceWindow ? familyRecord.current : 0;
    familyRecord.current = minted;
  }
  record.response = RESPONSE_OK;
  record.pending = { accountId: 0, family, generation: familyRecord.current };
  return undefined;
}

/** A 500/429 answer: the server looked at nothing and rotated nothing, but it did receive the token. */
export function sendIntoServerError(
  config: ModelConfig,
  data: ModelData,
  process: number,
): Signal | undefined {
  const record = processAt(data, process);
  const { family, generation } = record.cache;
  record.response = RESPONSE_TRANSIENT;
  data.faultsUsed.transient += 1;
  return serverAccepts(data, family, generation, config.server.graceWindow) ? undefined : "staleSend";
}

export function clearResponse(data: ModelData, process: number): void {
  const record = processAt(data, process);
  record.response = 0;
  record.pending = NO_SNAPSHOT;
}
