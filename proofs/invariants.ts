/**
 * The named invariants. Each is one sentence; safety invariants are checked on every step the explorer
 * takes, the two progress properties on the explored graph once it is complete.
 */
import {
  DISK_ABSENT,
  DISK_OK,
  DISK_TORN,
  FAMILY_ACCOUNTS,
  type ModelData,
  serverAccepts,
} from "../model/data.js";
import type { InvariantName } from "../model/vocabulary.js";
import type { ExplorerState } from "./state.js";
import type { Step } from "./step.js";

export const INVARIANT_STATEMENTS: Record<InvariantName, string> = {
  NoStaleRefreshSent: "The server never receives a refresh token it has already rotated out.",
  NoSupersededSend:
    "No call sends a refresh token whose successor was already saved in auth.json when the call began (the guarantee of PR #15357).",
  DiskNeverRegresses: "auth.json never goes back to an older token of the same token family.",
  AccountNeverMixed: "auth.json never holds one account's account_id with another account's tokens.",
  NoSpuriousLogout:
    "No process is told it is logged out (Skipped, poisoned, or its cache cleared) while the user is still logged in to its account.",
  LogoutNeverUndone:
    "Once a logout has removed auth.json, no process writes tokens back into it (only a login may create it again).",
  NoDeadlock: "From every reachable state, without faults, every process can get back to idle.",
  Converges:
    "Once faults stop, every process can reach a token the server accepts and auth.json holds one, unless the user logged out or switched account.",
};

export const SAFETY_INVARIANTS = [
  "NoStaleRefreshSent",
  "NoSupersededSend",
  "DiskNeverRegresses",
  "AccountNeverMixed",
  "NoSpuriousLogout",
  "LogoutNeverUndone",
] as const satisfies readonly InvariantName[];
export const PROGRESS_INVARIANTS = ["NoDeadlock", "Converges"] as const satisfies readonly InvariantName[];

/** The safety invariants a step breaks (usually none). */
export function brokenBy(before: ExplorerState, step: Step): InvariantName[] {
  const broken: InvariantName[] = [];
  if (step.signal === "staleSend") {
    broken.push("NoStaleRefreshSent");
    if (before.data.processes[step.process]?.successorOnDisk) broken.push("NoSupersededSend");
  }
  if (diskRegressed(before.data, step.raw)) broken.push("DiskNeverRegresses");
  if (accountMixed(step.raw)) broken.push("AccountNeverMixed");
  if (step.signal === "loggedOut" && stillLoggedIn(before.data, step.process))
    broken.push("NoSpuriousLogout");
  if (logoutUndone(before.data, step)) broken.push("LogoutNeverUndone");
  return broken;
}

/**
 * A process's save recreates auth.json after a logout removed it: a refresh already past its re-read (or
 * holding no lock a logout respects) writes the logged-out account's tokens back. auth.json is absent only
 * after a logout, so an absent file turned present by a process's write is exactly that.
 */
function logoutUndone(before: ModelData, step: Step): boolean {
  return (
    step.event === "writeDisk" && before.disk.status === DISK_ABSENT && step.raw.disk.status !== DISK_ABSENT
  );
}

function diskRegressed(before: ModelData, after: ModelData): boolean {
  const old = before.disk.snapshot;
  const now = after.disk.snapshot;
  return now.family !== 0 && now.family === old.family && now.generation < old.generation;
}

function accountMixed(data: ModelData): boolean {
  const snapshot = data.disk.snapshot;
  return data.disk.status === DISK_OK && snapshot.accountId !== FAMILY_ACCOUNTS[snapshot.family];
}

/**
 * The user is still logged in to the process's account when auth.json is merely being written (torn) or holds
 * that account. A removed file or another account is a real logout or switch.
 */
function stillLoggedIn(before: ModelData, process: number): boolean {
  const account = before.processes[process]?.cache.accountId ?? 0;
  if (before.disk.status === DISK_TORN) return true;
  return before.disk.status === DISK_OK && account !== 0 && before.disk.snapshot.accountId === account;
}

/** Every process idle: no call is in progress. */
export function quiescent(state: ExplorerState): boolean {
  return state.locations.every((location) => location === "idle");
}

/**
 * Converged: all idle; auth.json absent or holding a token the server accepts; and every process either holds
 * an accepted token unpoisoned, or has been legitimately logged out (auth.json absent or another account's).
 */
export function converged(state: ExplorerState, graceWindow: boolean): boolean {
  if (!quiescent(state)) return false;
  const data = state.data;
  const accepted = (snapshot: { family: number; generation: number }) =>
    serverAccepts(data, snapshot.family as 0 | 1 | 2, snapshot.generation, graceWindow);
  const disk = data.disk;
  if (disk.status === DISK_TORN) return false;
  if (disk.status === DISK_OK && !accepted(disk.snapshot)) return false;
  return data.processes.every((process) => {
    const loggedOutByUser =
      disk.status === DISK_ABSENT || disk.snapshot.accountId !== process.cache.accountId;
    return loggedOutByUser || (!process.poisoned && accepted(process.cache));
  });
}
