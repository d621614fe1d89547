/**
 * The explorer's states: each process's location plus the model data, and their canonical keys.
 *
 * Symmetry: processes run the same code, so two states that differ only by a renaming of processes behave
 * alike. The canonical key sorts per-process tuples; `canonicalize` returns the sorted representative and
 * the permutation, so a trace found on representatives can be replayed with stable process names.
 */
import { LOCATIONS, type Location } from "../model/branch.js";
import { cloneData, type ModelData, type ProcessData, type Snapshot } from "../model/data.js";

export interface ExplorerState {
  locations: Location[];
  data: ModelData;
}

const LOCATION_CODES = new Map<Location, number>(LOCATIONS.map((location, index) => [location, index]));

function snapshotKey(snapshot: Snapshot): string {
  return `${snapshot.accountId}${snapshot.family}.${snapshot.generation}`;
}

function processKey(location: Location, process: ProcessData): string {
  return `${LOCATION_CODES.get(location)}:${snapshotKey(process.cache)}${process.poisoned ? "p" : ""}${
    process.holdsLock ? "L" : ""
  }${process.response}/${snapshotKey(process.pending)}`;
}

function worldKey(data: ModelData): string {
  const families = data.families.map(
    (family) => `${family.current}.${family.previous}${family.revoked ? "r" : ""}`,
  );
  const used = data.faultsUsed;
  return `${data.disk.status}${snapshotKey(data.disk.snapshot)}|${families.join(",")}|${data.staleBelow}${data.orphanedLock ? "o" : ""}|${used.crash}${used.lostResponse}${used.transient}${used.login}${used.logout}${used.stall}`;
}

/** The key of a state as it is, processes in order (no symmetry reduction). */
export function orderedKey(state: ExplorerState): string {
  const processes = state.data.processes.map((process, index) =>
    processKey(state.locations[index] as Location, process),
  );
  return `${processes.join(";")}#${worldKey(state.data)}`;
}

export interface Canonical {
  key: string;
  /** order[k] = index in the original state of the process placed k-th in the representative. */
  order: number[];
}

export function canonicalKey(state: ExplorerState, symmetry: boolean): Canonical {
  const keys = state.data.processes.map((process, index) =>
    processKey(state.locations[index] as Location, process),
  );
  const order = keys.map((_, index) => index);
  if (symmetry)
    order.sort((left, right) =>
      (keys[left] as string) < (keys[right] as string) ? -1 : keys[left] === keys[right] ? 0 : 1,
    );
  return { key: `${order.map((index) => keys[index]).join(";")}#${worldKey(state.data)}`, order };
}

/** The representative: processes permuted into canonical order. */
export function permute(state: ExplorerState, order: number[]): ExplorerState {
  if (order.every((index, position) => index === position)) return state;
  const data = cloneData(state.data);
  data.processes = order.map((index) => state.data.processes[index] as ProcessData);
  return { locations: order.map((index) => state.locations[index] as Location), data };
}
