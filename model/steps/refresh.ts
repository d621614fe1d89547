/**
 * The refresh as Codex does it (every design without a lock across the refresh): guarded reload, POST of the cached token,
 * then a save that re-reads auth.json and keeps its account_id. See docs/protocol.md.
 */

import type { Branch, EventBranches, Location } from "../branch.js";
import type { ModelConfig } from "../config.js";
import { usesFileLock, writesInPlace } from "../config.js";
import {
  DISK_OK,
  DISK_TORN,
  NO_SNAPSHOT,
  RESPONSE_OK,
  RESPONSE_PERMANENT,
  RESPONSE_TRANSIENT,
  readableDisk,
} from "../data.js";
import type { DesignRules } from "../designs/types.js";
import {
  adoptDisk,
  clearResponse,
  diskDiffers,
  lockIsFree,
  processAt,
  reloadSkips,
  sendCachedToken,
  sendIntoServerError,
} from "./shared.js";

/** Guarded reload: Skipped -> error, Changed -> adopt, NoChange -> POST (or fail fast when poisoned). */
export function guardedReload(rules: DesignRules): EventBranches {
  return {
    readDisk: [
      {
        label: "Skipped: unreadable, missing or another account; permanent error, cache untouched",
        fails: true,
        guard: reloadSkips,
        target: "idle",
        update: () => "loggedOut",
      },
      {
        label: "Changed: adopt the disk snapshot, no network",
        guard: diskDiffers,
        target: "idle",
        update: adoptDisk,
      },
      {
        label: "NoChange, poisoned: fail fast without network",
        fails: true,
        guard: (data, process) => processAt(data, process).poisoned,
        target: "idle",
      },
      {
        label: "NoChange: POST the cached refresh token",
        target: "post",
        // Only a design that answers refreshToken()'s failures differently from auth()'s remembers the path.
        ...(rules.refreshFailureAsksLogin
          ? {
              update: (data, process) => {
                processAt(data, process).viaRefreshToken = true;
                return undefined;
              },
            }
          : {}),
      },
    ],
  };
}

/** The POST, and the answer's delivery; `afterSuccess` is where a 200 leads. */
export function postAndReceive(config: ModelConfig, afterSuccess: Location, afterFailure: Location) {
  return { post: postBranches(config), receive: receiveBranches(config, afterSuccess, afterFailure) };
}

/** The POST reaches the server (or, with the transient fault, gets a 500). */
function postBranches(config: ModelConfig): EventBranches {
  const post: EventBranches = {
    sendRefresh: [
      {
        label: "the server rotates (or rejects as reused) the cached refresh token",
        target: "receive",
        update: (data, process) => sendCachedToken(config, data, process),
      },
    ],
  };
  if (config.faults.includes("transient")) {
    post.serverError = [
      {
        label: "the server answers 500 without rotating",
        guard: (data) => data.faultsUsed.transient < config.faultsMax,
        target: "receive",
        update: (data, process) => sendIntoServerError(config, data, process),
        fault: true,
      },
    ];
  }
  return post;
}

/** The answer is delivered (or, with the lostResponse fault, lost after the server rotated). */
function receiveBranches(config: ModelConfig, afterSuccess: Location, afterFailure: Location): EventBranches {
  const poisons = config.rules.poisons;
  const receive: EventBranches = {
    receiveResponse: [
      {
        label: "200: keep the new tokens to save them",
        guard: (data, process) => processAt(data, process).response === RESPONSE_OK,
        target: afterSuccess,
        update: (data, process) => {
          processAt(data, process).response = 0;
          return undefined;
        },
      },
      ...(config.rules.refreshFailureAsksLogin ? [asksLogin(afterFailure)] : []),
      {
        label: poisons
          ? "401 permanent: poison the cached snapshot"
          : "401 permanent: log it, keep the stale cache",
        fails: true,
        guard: (data, process) => processAt(data, process).response === RESPONSE_PERMANENT,
        target: afterFailure,
        update: (data, process) => {
          clearResponse(data, process);
          if (!poisons) return undefined;
          processAt(data, process).poisoned = true;
          return "loggedOut";
        },
      },
      {
        label: "transient error: keep the cache",
        fails: true,
        target: afterFailure,
        update: (data, process) => {
          clearResponse(data, process);
          return undefined;
        },
      },
    ],
  };
  if (config.faults.includes("lostResponse")) {
    receive.loseResponse = [
      {
        label: "the server rotated but the response is lost (the client sees a network error)",
        guard: (data, process) =>
          processAt(data, process).response === RESPONSE_OK &&
          data.faultsUsed.lostResponse < config.faultsMax,
        update: (data, process) => {
          const record = processAt(data, process);
          record.response = RESPONSE_TRANSIENT;
          record.pending = NO_SNAPSHOT;
          data.faultsUsed.lostResponse += 1;
          return undefined;
        },
        fault: true,
      },
    ];
  }
  return receive;
}

/** refreshToken() or recovery failed permanently: the user is told to log out and sign in again. */
function asksLogin(afterFailure: Location): Branch {
  return {
    label: "401 permanent in refreshToken()/recovery: RefreshTokenFailed, 'log out and sign in again'",
    fails: true,
    guard: (data, process) => {
      const record = processAt(data, process);
      return record.response === RESPONSE_PERMANENT && record.viaRefreshToken;
    },
    target: afterFailure,
    update: (data, process) => {
      clearResponse(data, process);
      return "loggedOut";
    },
  };
}

/** Saving a refreshed token: [lock] re-read -> write (account_id kept from the re-read) -> [unlock] -> reload. */
export function persist(config: ModelConfig): Partial<Record<Location, EventBranches>> {
  const locked = usesFileLock(config.rules);
  const torn = writesInPlace(config.rules) && config.faults.includes("tornWrite");
  const afterWrite: Location = locked ? "releaseAfterSave" : "persistReload";
  const write: Branch = {
    label: torn ? "truncate auth.json and start writing in place" : "write auth.json",
    target: torn ? "persistFlush" : afterWrite,
    update: (data, process) => {
      const record = processAt(data, process);
      data.disk = { status: torn ? DISK_TORN : DISK_OK, snapshot: record.pending };
      record.pending = NO_SNAPSHOT;
      return undefined;
    },
  };
  const table: Partial<Record<Location, EventBranches>> = {
    persistRead: persistReadBranches(locked),
    persistWrite: { writeDisk: [write] },
    persistReload: {
      readDisk: [
        {
          label: "reload: auth.json unreadable, the cache is cleared (logged out)",
          fails: true,
          guard: (data) => readableDisk(data) === null,
          target: "idle",
          update: (data, process) => {
            adoptDisk(data, process);
            return "loggedOut";
          },
        },
        { label: "reload the cache from auth.json", target: "idle", update: adoptDisk },
      ],
    },
  };
  if (torn) {
    table.persistFlush = {
      flushDisk: [
        {
          label: "finish the in-place write",
          target: afterWrite,
          update: (data) => {
            if (data.disk.status === DISK_TORN) data.disk = { status: DISK_OK, snapshot: data.disk.snapshot };
            return undefined;
          },
        },
      ],
    };
  }
  if (locked) {
    table.lockForSave = {
      acquireLock: [
        { label: "take the file lock to save", guard: lockIsFree, target: "persistRead", update: takeLock },
      ],
    };
    table.releaseAfterSave = { releaseLock: [releaseLockBranch("persistReload")] };
  }
  return table;
}

/** The re-read before the save: an unreadable file drops the refreshed token; else keep its account_id. */
function persistReadBranches(locked: boolean): EventBranches {
  return {
    readDisk: [
      {
        label: "auth.json unreadable: the refreshed token is dropped, nothing is written",
        fails: true,
        guard: (data) => readableDisk(data) === null,
        target: locked ? "releaseAndReturn" : "idle",
        update: (data, process) => {
          processAt(data, process).pending = NO_SNAPSHOT;
          return undefined;
        },
      },
      {
        label: "re-read auth.json; its account_id is kept",
        target: "persistWrite",
        update: (data, process) => {
          const record = processAt(data, process);
          record.pending = { ...record.pending, accountId: data.disk.snapshot.accountId };
          return undefined;
        },
      },
    ],
  };
}

export function takeLock(data: Parameters<typeof processAt>[0], process: number): undefined {
  processAt(data, process).holdsLock = true;
  return undefined;
}

export function releaseLockBranch(target: Location): Branch {
  return {
    label: "release the lock (a no-op if it expired and was taken by another)",
    target,
    update: (data, process) => {
      processAt(data, process).holdsLock = false;
      return undefined;
    },
  };
}
