/**
 * The explorer's states: each process's location plus the model data, and their canonical keys.
 *
 * Symmetry: processes run the same code, so two states that differ only by a renaming of processes behave
 * alike. The canonical key sorts per-process tuples; `canonicalize` returns the sorted representative and
 * the permutation, so a trace found on representatives can be replayed with stable process names.
 */

import { PROCESS_NAMES } from "../common/names.js";
import { LOCATIONS, type Location } from "../model/branch.js";
import { cloneData, initialData, type ModelData, type ProcessData } from "../model/data.js";
import { COUNTED_FAULTS } from "../model/vocabulary.js";

export interface ExplorerState {
  locations: Location[];
  data: ModelData;
}

/*
 * Keys are fixed-width: every field is one character (its small integer value plus an offset), 8 per process,
 * 10 for the world and one per counted fault (vocabulary.ts FAULT_LIST). Short keys hash and compare fast,
 * and fixed width needs no separators. Fields are gathered as character codes and turned into one string.
 */
const CODE_OFFSET = 48;
const PROCESS_FIELDS = 8;
const LOCATION_CODES = new Map<Location, number>(LOCATIONS.map((location, index) => [location, index]));

function pushProcess(codes: number[], location: Location, process: ProcessData): void {
  const flags =
    (process.poisoned ? 1 : 0) |
    (process.holdsLock ? 2 : 0) |
    (process.response << 2) |
    (process.successorOnDisk ? 16 : 0) |
    (process.viaRefreshToken ? 32 : 0);
  const { cache, pending } = process;
  codes.push(
    LOCATION_CODES.get(location) as number,
    cache.accountId,
    cache.family,
    cache.generation,
    flags,
    pending.accountId,
    pending.family,
    pending.generation,
  );
}

function pushWorld(codes: number[], data: ModelData): void {
  const [, a, b, a2] = data.families;
  const { disk, faultsUsed: used } = data;
  codes.push(
    disk.status,
    disk.snapshot.accountId,
    disk.snapshot.family,
    disk.snapshot.generation,
    a.current,
    a.previous,
    b.current,
    b.previous,
    a2.current,
    a2.previous,
    (a.revoked ? 1 : 0) | (b.revoked ? 2 : 0) | (a2.revoked ? 8 : 0) | (data.orphanedLock ? 4 : 0),
    data.staleBelow,
  );
  for (const fault of COUNTED_FAULTS) codes.push(used[fault]);
}

function toKey(codes: number[]): string {
  for (let index = 0; index < codes.length; index++) codes[index] = (codes[index] as number) + CODE_OFFSET;
  return String.fromCharCode(...codes);
}

/** The key of a state as it is, processes in order (no symmetry reduction). */
export function orderedKey(state: ExplorerState): string {
  const codes: number[] = [];
  state.data.processes.forEach((process, index) => {
    pushProcess(codes, state.locations[index] as Location, process);
  });
  pushWorld(codes, state.data);
  return toKey(codes);
}

/** Compares two processes' fields, lexicographically. */
function compareProcesses(codes: number[], left: number, right: number): number {
  for (let field = 0; field < PROCESS_FIELDS; field++) {
    const difference =
      (codes[left * PROCESS_FIELDS + field] as number) - (codes[right * PROCESS_FIELDS + field] as number);
    if (difference !== 0) return difference;
  }
  return 0;
}

export interface Canonical {
  key: string;
  /** order[k] = index in the original state of the process placed k-th in the representative. */
  order: number[];
}

export function canonicalKey(state: ExplorerState, symmetry: boolean): Canonical {
  const fields: number[] = [];
  state.data.processes.forEach((process, index) => {
    pushProcess(fields, state.locations[index] as Location, process);
  });
  const order = state.data.processes.map((_, index) => index);
  if (symmetry) order.sort((left, right) => compareProcesses(fields, left, right));
  const codes: number[] = [];
  for (const index of order) {
    for (let field = 0; field < PROCESS_FIELDS; field++)
      codes.push(fields[index * PROCESS_FIELDS + field] as number);
  }
  pushWorld(codes, state.data);
  return { key: toKey(codes), order };
}

/** The representative: processes permuted into canonical order. */
export function permute(state: ExplorerState, order: number[]): ExplorerState {
  if (order.every((index, position) => index === position)) return state;
  const data = cloneData(state.data);
  data.processes = order.map((index) => state.data.processes[index] as ProcessData);
  return { locations: order.map((index) => state.locations[index] as Location), data };
}

/**
 * The key of an XState machine snapshot (model/machine.ts), equal to `orderedKey` of the explorer state it
 * stands for: the regions' values in process order, and the context as the data.
 */
export function snapshotKey(snapshot: { value: unknown; context: unknown }): string {
  const regions = snapshot.value as Record<string, Location>;
  const locations = PROCESS_NAMES.filter((name) => name in regions).map((name) => regions[name] as Location);
  return orderedKey({ locations, data: snapshot.context as ModelData });
}

/** Every process idle, having loaded R0 (model/data.ts `initialData`): where every run starts. */
export function initialState(processes: number): ExplorerState {
  return {
    locations: Array.from({ length: processes }, (): Location => "idle"),
    data: initialData(processes),
  };
}
