/**
 * Crashes, restarts, time passing, another process's login or logout, and a lock expiring.
 */
import type { Branch, EventBranches } from "../branch.js";
import type { ModelConfig } from "../config.js";
import { lockIsReclaimable, usesFileLock } from "../config.js";
import {
  ACCOUNT_A,
  ACCOUNT_B,
  DISK_ABSENT,
  DISK_OK,
  FAMILY_A2,
  FAMILY_ACCOUNTS,
  type ModelData,
  NO_SNAPSHOT,
  newestGeneration,
  RESPONSE_NONE,
  RESPONSE_OK,
} from "../data.js";
import { adoptDisk, lockIsFree, processAt } from "./shared.js";

/**
 * A crash at any step: the cache and any answer in flight are lost. A held lock reclaimed by age (mkdir) stays
 * until it expires; a kernel lock (flock) is released by the kernel as the process dies.
 */
export function crashAnywhere(config: ModelConfig): EventBranches {
  if (!config.faults.includes("crash")) return {};
  const orphans = lockIsReclaimable(config.rules);
  return {
    crash: [
      {
        label:
          config.rules.lockKind === "flock"
            ? "the process dies; its memory is gone, the kernel releases a lock it held"
            : "the process dies; its memory is gone, a lock it held stays on disk until it goes stale",
        guard: (data) => data.faultsUsed.crash < config.faultsMax,
        target: "down",
        update: (data, process) => {
          const record = processAt(data, process);
          record.cache = NO_SNAPSHOT;
          record.poisoned = false;
          record.response = RESPONSE_NONE;
          record.pending = NO_SNAPSHOT;
          record.successorOnDisk = false;
          record.viaRefreshToken = false;
          if (record.holdsLock && orphans) data.orphanedLock = true;
          record.holdsLock = false;
          data.faultsUsed.crash += 1;
          return undefined;
        },
        fault: true,
      },
    ],
  };
}

/** A dead process restarts with a fresh load of auth.json. */
export function whileDown(): EventBranches {
  return {
    restart: [{ label: "start again: load auth.json into a fresh cache", target: "idle", update: adoptDisk }],
  };
}

/** A live holder stalls past the lock's stale time: its lock is reclaimed while it carries on unaware. */
export function stallAnywhere(config: ModelConfig): EventBranches {
  if (!config.faults.includes("stall")) return {};
  return {
    expireLock: [
      {
        label: "the holder stalls past the stale time; its lock is reclaimed while it carries on",
        guard: (data, process) =>
          processAt(data, process).holdsLock && data.faultsUsed.stall < config.faultsMax,
        update: (data, process) => {
          data.faultsUsed.stall += 1;
          return dropLock(data, process);
        },
        fault: true,
      },
    ],
  };
}

function dropLock(data: ModelData, process: number): undefined {
  processAt(data, process).holdsLock = false;
  return undefined;
}

function hasFreshToken(data: ModelData): boolean {
  return newestGeneration(data) > data.staleBelow;
}

/** A refreshed token is between the server's 200 and its save. */
function refreshInFlight(data: ModelData): boolean {
  return data.processes.some(
    (process) => process.response === RESPONSE_OK || process.pending.generation !== 0,
  );
}

/**
 * Staleness belongs to the token from the moment it is minted (its access token's `exp`), except under the
 * "last-refresh" rule (legacy), which judges only `last_refresh`, stamped when the token is saved. There, time passing between the 200 and
 * the save would leave the model calling stale a token the implementation saves as fresh; and 8 days inside
 * one refresh is no schedule worth exploring, so under that rule time waits for saves in flight.
 */
function timeMayPass(config: ModelConfig): (data: ModelData) => boolean {
  if (config.rules.staleness !== "last-refresh") return hasFreshToken;
  return (data) => hasFreshToken(data) && !refreshInFlight(data);
}

/**
 * Another process writes a new login to auth.json: a new family (B's, or A's second) minted on the server.
 * A's second family has one slot, so a relogin happens at most once a run; B's is replaced by each login.
 */
function loginBranch(
  config: ModelConfig,
  fault: "login" | "relogin",
  family: typeof ACCOUNT_B | typeof FAMILY_A2,
  label: string,
): Branch {
  const respectsLock = usesFileLock(config.rules) && config.rules.loginTakesLock;
  return {
    label,
    guard: (data) =>
      data.faultsUsed[fault] < config.faultsMax &&
      (family === ACCOUNT_B || data.families[family].current === 0) &&
      (!respectsLock || lockIsFree(data)),
    update: (data) => {
      const minted = newestGeneration(data) + 1;
      data.families[family] = { current: minted, previous: 0, revoked: false };
      const snapshot = { accountId: FAMILY_ACCOUNTS[family] ?? ACCOUNT_A, family, generation: minted };
      data.disk = { status: DISK_OK, snapshot };
      data.faultsUsed[fault] += 1;
      return undefined;
    },
    fault: true,
  };
}

export function worldEvents(config: ModelConfig): EventBranches {
  const table: EventBranches = {
    becomeStale: [
      {
        label: "time passes: every token issued so far is now stale",
        guard: timeMayPass(config),
        update: (data) => {
          data.staleBelow = newestGeneration(data);
          return undefined;
        },
      },
    ],
  };
  if (lockIsReclaimable(config.rules)) {
    table.expireLock = [
      {
        label: "a crashed holder's lock goes stale and is reclaimed",
        guard: (data) => data.orphanedLock,
        update: (data) => {
          data.orphanedLock = false;
          return undefined;
        },
      },
    ];
  }
  const respectsLock = usesFileLock(config.rules) && config.rules.loginTakesLock;
  if (config.faults.includes("login")) {
    const label = "another process logs in to account B (a new token family on the server)";
    table.login = [loginBranch(config, "login", ACCOUNT_B, label)];
  }
  if (config.faults.includes("relogin")) {
    const label = "another process logs in again to account A (a new token family; the old one stays valid)";
    table.relogin = [loginBranch(config, "relogin", FAMILY_A2, label)];
  }
  if (config.faults.includes("logout")) {
    table.logout = [
      {
        label: "another process logs out: auth.json is removed",
        guard: (data) =>
          data.faultsUsed.logout < config.faultsMax &&
          data.disk.status !== DISK_ABSENT &&
          (!respectsLock || lockIsFree(data)),
        update: (data) => {
          data.disk = { status: DISK_ABSENT, snapshot: NO_SNAPSHOT };
          data.faultsUsed.logout += 1;
          return undefined;
        },
        fault: true,
      },
    ];
  }
  return table;
}
