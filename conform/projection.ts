/**
 * What conformance compares after every step: the observable state, projected the same way from the model's
 * state and from the real world (auth.json on disk, the token server's families, the lock directory, each
 * manager's cache and held port call). Token generations become dense ranks on both sides, so the model's
 * renamed generations and the server's real tokens compare by order alone, which is all the protocol uses.
 */

import { PROCESS_NAMES } from "../common/names.js";
import type { WriteMode } from "../impl/ports/types.js";
import type { Location } from "../model/branch.js";
import { type ModelConfig, writesInPlace } from "../model/config.js";
import {
  ACCOUNT_NAMES,
  DISK_ABSENT,
  DISK_OK,
  isStale,
  type ModelData,
  RESPONSE_OK,
  RESPONSE_PERMANENT,
  type Snapshot,
} from "../model/data.js";
import type { ExplorerState } from "../proofs/state.js";

/** A's first login, account B, A's second login (the model's FAMILY_A2). */
export type FamilyName = "A" | "B" | "A2";
export type ResponseKind = "ok" | "permanent" | "transient";

export interface ProjectedToken {
  family: FamilyName;
  /** Before `ranked`: the model's generation or the real mint order; after: the dense rank. */
  generation: number;
}

export interface ProjectedSnapshot {
  account: string;
  token: ProjectedToken;
  stale: boolean;
}

export interface ProjectedProcess {
  /** idle, down, or the port call it is held at (readDisk, sendRefresh, ...). */
  at: string;
  cache: ProjectedSnapshot | null;
  poisoned: boolean;
  /** Held at sendRefresh: the refresh token about to be POSTed. */
  sends?: ProjectedToken;
  /** Held at sendRequest: whose access token the API request carries. */
  requests?: ProjectedToken;
  /** Held at receiveResponse: what the answer is. */
  response?: ResponseKind;
  /** Held at writeDisk: how it writes. */
  writes?: WriteMode;
}

export interface ProjectedFamily {
  /** 0: no such family. */
  current: number;
  /** The grace window's previous token (0 when the window is off). */
  previous: number;
  revoked: boolean;
}

export interface Projection {
  processes: ProjectedProcess[];
  disk: ProjectedSnapshot | "absent" | "unreadable";
  families: Record<FamilyName, ProjectedFamily>;
  /** The cross-process lock is held (by a live process, or left by a dead one and not yet stale). */
  lockHeld: boolean;
}

/** The held port call each model location corresponds to. */
export const HELD_AT: Record<Location, string> = {
  idle: "idle",
  down: "down",
  recoveryReload: "readDisk",
  retryRequest: "sendRequest",
  reload: "readDisk",
  persistRead: "readDisk",
  persistReload: "readDisk",
  rereadUnderLock: "readDisk",
  post: "sendRefresh",
  receive: "receiveResponse",
  lockForSave: "acquireLock",
  lockForRefresh: "acquireLock",
  persistWrite: "writeDisk",
  writeUnderLock: "writeDisk",
  persistFlush: "flushDisk",
  releaseAfterSave: "releaseLock",
  releaseAndReturn: "releaseLock",
};

function familyName(family: number): FamilyName {
  return family === 2 ? "B" : family === 3 ? "A2" : "A";
}

function modelSnapshot(data: ModelData, snapshot: Snapshot): ProjectedSnapshot | null {
  if (snapshot.generation === 0) return null;
  return {
    account: ACCOUNT_NAMES[snapshot.accountId],
    token: { family: familyName(snapshot.family), generation: snapshot.generation },
    stale: isStale(data, snapshot),
  };
}

function modelResponse(kind: number): ResponseKind {
  return kind === RESPONSE_OK ? "ok" : kind === RESPONSE_PERMANENT ? "permanent" : "transient";
}

/** The projection of a model state (`config` says how the variant writes). */
export function projectModel(state: ExplorerState, config: ModelConfig): Projection {
  const { data } = state;
  const processes = state.locations.map((location, index): ProjectedProcess => {
    const record = data.processes[index];
    if (!record) throw new RangeError(`projectModel: no process ${index}`);
    const projected: ProjectedProcess = {
      at: HELD_AT[location],
      cache: location === "down" ? null : modelSnapshot(data, record.cache),
      poisoned: location === "down" ? false : record.poisoned,
    };
    if (location === "post") projected.sends = modelSnapshot(data, record.cache)?.token;
    if (projected.at === "sendRequest") projected.requests = modelSnapshot(data, record.cache)?.token;
    if (location === "receive") projected.response = modelResponse(record.response);
    if (projected.at === "writeDisk") projected.writes = writesInPlace(config.rules) ? "in-place" : "atomic";
    return projected;
  });
  const family = (index: 1 | 2 | 3): ProjectedFamily => ({
    current: data.families[index].current,
    previous: config.server.graceWindow ? data.families[index].previous : 0,
    revoked: data.families[index].revoked,
  });
  const disk =
    data.disk.status === DISK_ABSENT
      ? "absent"
      : data.disk.status === DISK_OK
        ? (modelSnapshot(data, data.disk.snapshot) ?? "absent")
        : "unreadable";
  return {
    processes,
    disk,
    families: { A: family(1), B: family(2), A2: family(3) },
    lockHeld: data.orphanedLock || data.processes.some((process) => process.holdsLock),
  };
}

/** The tokens a projection shows, for renaming in place. */
function tokensOf(projection: Projection): ProjectedToken[] {
  const tokens: ProjectedToken[] = [];
  for (const process of projection.processes) {
    if (process.cache) tokens.push(process.cache.token);
    if (process.sends) tokens.push(process.sends);
    if (process.requests) tokens.push(process.requests);
  }
  if (typeof projection.disk === "object") tokens.push(projection.disk.token);
  return tokens;
}

/**
 * Replaces every generation by its dense rank among the generations the projection shows. Renames in place
 * (projections are built fresh for each comparison) and returns the same object.
 */
export function ranked(projection: Projection): Projection {
  const tokens = tokensOf(projection);
  const families = Object.values(projection.families);
  const used = new Set<number>();
  for (const token of tokens) used.add(token.generation);
  for (const family of families) used.add(family.current).add(family.previous);
  used.delete(0);
  const sorted = [...used].sort((left, right) => left - right);
  const rank = new Map(sorted.map((generation, index) => [generation, index + 1]));
  const rename = (generation: number) => (generation === 0 ? 0 : (rank.get(generation) ?? 0));
  for (const token of tokens) token.generation = rename(token.generation);
  for (const family of families) {
    family.current = rename(family.current);
    family.previous = rename(family.previous);
  }
  return projection;
}

export interface Difference {
  /** e.g. `processes.B.cache.token.generation`. */
  field: string;
  model: unknown;
  implementation: unknown;
}

/** The first field where the two projections differ once ranked (both are ranked in place), or null. */
export function firstDifference(model: Projection, implementation: Projection): Difference | null {
  const named = (projection: Projection) => ({
    ...projection,
    processes: Object.fromEntries(
      projection.processes.map((process, index) => [PROCESS_NAMES[index] ?? `P${index}`, process]),
    ),
  });
  return compare(named(ranked(model)), named(ranked(implementation)), "");
}

function compare(model: unknown, implementation: unknown, path: string): Difference | null {
  const bothObjects =
    typeof model === "object" &&
    model !== null &&
    typeof implementation === "object" &&
    implementation !== null;
  if (!bothObjects) {
    return Object.is(model, implementation) ? null : { field: path || "(root)", model, implementation };
  }
  const keys = new Set([...Object.keys(model), ...Object.keys(implementation)]);
  for (const key of keys) {
    const left = (model as Record<string, unknown>)[key];
    const right = (implementation as Record<string, unknown>)[key];
    const difference = compare(left, right, path === "" ? key : `${path}.${key}`);
    if (difference) return difference;
  }
  return null;
}
