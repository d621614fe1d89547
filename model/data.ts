/**
 * The model's data: what each process holds in memory, what auth.json holds, what the server knows.
 *
 * Tokens are abstracted to generations. A generation is a positive integer; 0 means "none". Only the
 * order of generations matters to the protocol (equal? newer? at or below the staleness threshold?), so
 * after every step the generations in a state are renamed to their dense rank (see `normalize`). That
 * keeps the state space finite with unbounded refreshes; docs/spec.md explains why it is sound.
 */

import { COUNTED_FAULTS, type CountedFault } from "./vocabulary.js";

/** 0 = no account; A is the user's account, B another account a login may switch to. */
export const ACCOUNT_A = 1;
export const ACCOUNT_B = 2;
export type Account = 0 | 1 | 2;
export const ACCOUNT_NAMES = ["none", "A", "B"] as const;

/**
 * Token families: one per login. A's first (the initial login) and B's share their account's number; a
 * second login to A (`relogin`) starts FAMILY_A2, whose tokens carry account_id A.
 */
export const FAMILY_A2 = 3;
export type Family = Account | typeof FAMILY_A2;
/** The account each family's tokens belong to, by family. */
export const FAMILY_ACCOUNTS: readonly Account[] = [0, ACCOUNT_A, ACCOUNT_B, ACCOUNT_A];

/** One snapshot of auth.json's tokens: whose `account_id`, and which family's token of which generation. */
export interface Snapshot {
  accountId: Account;
  family: Family;
  generation: number;
}

export const NO_SNAPSHOT: Snapshot = Object.freeze({ accountId: 0, family: 0, generation: 0 }) as Snapshot;

export const RESPONSE_NONE = 0;
export const RESPONSE_OK = 1;
export const RESPONSE_PERMANENT = 2;
export const RESPONSE_TRANSIENT = 3;
export type ResponseKind = 0 | 1 | 2 | 3;

export interface ProcessData {
  /** The cached snapshot (generation 0: not logged in). */
  cache: Snapshot;
  poisoned: boolean;
  /** This process owns the cross-process lock (it may be dead or stalled and still own it). */
  holdsLock: boolean;
  /** The endpoint's answer in flight or just delivered. */
  response: ResponseKind;
  /** A refreshed token waiting to be saved (family, generation); accountId = the account re-read for the save. */
  pending: Snapshot;
  /**
   * When the current call began, auth.json already held a newer token of the cached token's family (another
   * process had refreshed and saved). Sending the cached token in this call is the seed's bug. False when idle.
   */
  successorOnDisk: boolean;
  /**
   * This call POSTs through refreshToken()'s flow (refreshToken() or 401 recovery), not auth()'s direct POST.
   * Kept only for designs whose rules tell the two apart (refreshFailureAsksLogin); false when idle.
   */
  viaRefreshToken: boolean;
}

export const DISK_ABSENT = 0;
export const DISK_OK = 1;
/** Truncated and partly written: readers fail to parse it. */
export const DISK_TORN = 2;
export type DiskStatus = 0 | 1 | 2;

export interface DiskData {
  status: DiskStatus;
  /** For DISK_TORN: what the unfinished write will leave once flushed. */
  snapshot: Snapshot;
}

export interface FamilyData {
  /** 0: no family issued for this account. */
  current: number;
  /** The immediately previous token (kept only when the grace window is on). */
  previous: number;
  revoked: boolean;
}

/** How often each counted fault happened so far (vocabulary.ts FAULT_LIST). */
export type FaultsUsed = Record<CountedFault, number>;

function noFaultsUsed(): FaultsUsed {
  return Object.fromEntries(COUNTED_FAULTS.map((fault) => [fault, 0])) as FaultsUsed;
}

export interface ModelData {
  processes: ProcessData[];
  disk: DiskData;
  /** Indexed by family: [unused, A, B, A's second (after a relogin)]. */
  families: [FamilyData, FamilyData, FamilyData, FamilyData];
  /** Every token of generation <= staleBelow is stale (its `last_refresh`/`exp` has passed). */
  staleBelow: number;
  /** A crashed holder's lock is still on disk until it goes stale (`expireLock`). */
  orphanedLock: boolean;
  faultsUsed: FaultsUsed;
}

function freshProcess(cache: Snapshot): ProcessData {
  return {
    cache,
    poisoned: false,
    holdsLock: false,
    response: RESPONSE_NONE,
    pending: NO_SNAPSHOT,
    successorOnDisk: false,
    viaRefreshToken: false,
  };
}

/**
 * The seed's starting point: auth.json holds account A's R0 with an old `last_refresh` (stale), the server
 * knows R0 as current, and every process has loaded R0 into its cache at construction.
 */
export function initialData(processes: number): ModelData {
  const r0: Snapshot = { accountId: ACCOUNT_A, family: ACCOUNT_A, generation: 1 };
  return {
    processes: Array.from({ length: processes }, () => freshProcess(r0)),
    disk: { status: DISK_OK, snapshot: r0 },
    families: [
      { current: 0, previous: 0, revoked: false },
      { current: 1, previous: 0, revoked: false },
      { current: 0, previous: 0, revoked: false },
      { current: 0, previous: 0, revoked: false },
    ],
    staleBelow: 1,
    orphanedLock: false,
    faultsUsed: noFaultsUsed(),
  };
}

export function cloneData(data: ModelData): ModelData {
  return {
    processes: data.processes.map((process) => ({ ...process })),
    disk: { status: data.disk.status, snapshot: data.disk.snapshot },
    families: [
      { ...data.families[0] },
      { ...data.families[1] },
      { ...data.families[2] },
      { ...data.families[3] },
    ],
    staleBelow: data.staleBelow,
    orphanedLock: data.orphanedLock,
    faultsUsed: { ...data.faultsUsed },
  };
}

export function sameSnapshot(left: Snapshot, right: Snapshot): boolean {
  return (
    left.accountId === right.accountId && left.family === right.family && left.generation === right.generation
  );
}

export function isStale(data: ModelData, snapshot: Snapshot): boolean {
  return snapshot.generation !== 0 && snapshot.generation <= data.staleBelow;
}

/** The disk as a reader sees it: a snapshot, or null when absent or torn (a parse error). */
export function readableDisk(data: ModelData): Snapshot | null {
  return data.disk.status === DISK_OK ? data.disk.snapshot : null;
}

/** Would the server accept this refresh token right now? */
export function serverAccepts(
  data: ModelData,
  family: Family,
  generation: number,
  graceWindow: boolean,
): boolean {
  const record = data.families[family];
  if (record.revoked || generation === 0) return false;
  return generation === record.current || (graceWindow && generation === record.previous);
}

/**
 * Would the API accept the access token minted with this snapshot's refresh token? An expired one never. By
 * default only the family's current one in a family not revoked: a rotated-out access token gets 401. With
 * `expiryOnly` (a stateless JWT check) any unexpired one passes.
 */
export function apiAccepts(data: ModelData, snapshot: Snapshot, expiryOnly: boolean): boolean {
  if (snapshot.generation === 0 || isStale(data, snapshot)) return false;
  if (expiryOnly) return true;
  const record = data.families[snapshot.family];
  return !record.revoked && snapshot.generation === record.current;
}

/** The largest generation anywhere in the state; the server mints the next one above it. */
export function newestGeneration(data: ModelData): number {
  let newest = data.staleBelow;
  for (const family of data.families) newest = Math.max(newest, family.current, family.previous);
  newest = Math.max(newest, data.disk.snapshot.generation);
  for (const process of data.processes) {
    newest = Math.max(newest, process.cache.generation, process.pending.generation);
  }
  return newest;
}

/**
 * Renames generations to their dense rank (1, 2, ...) keeping order. Protocol decisions only compare
 * generations with each other and with `staleBelow`, so the renamed state behaves exactly like the original.
 */
export function normalized(data: ModelData): ModelData {
  const sorted = usedGenerations(data);
  if (sorted[sorted.length - 1] === sorted.length) return data;
  const renamed = cloneData(data);
  renameGenerations(renamed, sorted);
  return renamed;
}

/** How `normalized` renames: generation -> dense rank (for stable token names in traces). */
export function generationRanks(data: ModelData): Map<number, number> {
  return new Map(usedGenerations(data).map((generation, index) => [generation, index + 1]));
}

/** Generations stay small (at most 2 per process plus 8 others), so a 31-bit mask holds the set. */
const MASK_GENERATIONS_MAX = 30;

function usedGenerations(data: ModelData): number[] {
  let mask = 0;
  let fits = true;
  const add = (generation: number) => {
    if (generation > MASK_GENERATIONS_MAX) fits = false;
    else mask |= 1 << generation;
  };
  add(data.staleBelow);
  for (const family of data.families) {
    add(family.current);
    add(family.previous);
  }
  add(data.disk.snapshot.generation);
  for (const process of data.processes) {
    add(process.cache.generation);
    add(process.pending.generation);
  }
  if (!fits) return usedGenerationsSlow(data);
  const sorted: number[] = [];
  for (let generation = 1; generation <= MASK_GENERATIONS_MAX; generation++) {
    if (mask & (1 << generation)) sorted.push(generation);
  }
  return sorted;
}

function usedGenerationsSlow(data: ModelData): number[] {
  const used = new Set<number>();
  used.add(data.staleBelow);
  for (const family of data.families) used.add(family.current).add(family.previous);
  used.add(data.disk.snapshot.generation);
  for (const process of data.processes) used.add(process.cache.generation).add(process.pending.generation);
  used.delete(0);
  return [...used].sort((left, right) => left - right);
}

function renameGenerations(data: ModelData, sorted: number[]): void {
  const rank = new Map<number, number>([
    [0, 0],
    ...sorted.map((generation, index) => [generation, index + 1] as const),
  ]);
  const rename = (generation: number): number => rank.get(generation) ?? 0;
  const renameSnapshot = (snapshot: Snapshot): Snapshot =>
    snapshot.generation === 0 ? snapshot : { ...snapshot, generation: rename(snapshot.generation) };
  data.staleBelow = rename(data.staleBelow);
  for (const family of data.families) {
    family.current = rename(family.current);
    family.previous = rename(family.previous);
  }
  data.disk.snapshot = renameSnapshot(data.disk.snapshot);
  for (const process of data.processes) {
    process.cache = renameSnapshot(process.cache);
    process.pending = renameSnapshot(process.pending);
  }
}
