/** Every error a manager returns, built in one place so messages stay redacted and consistent. */
import type { LockError, RefreshFailure } from "../ports/types.js";
import { redact } from "../redact.js";
import type { StorageError } from "../storage/index.js";
import type { ManagerError, Poison } from "./types.js";

export const LOGGED_OUT_OR_SWITCHED = "logged out or signed in to another account";

export function describeStorageError(error: StorageError): string {
  return error.field === undefined ? error.message : `${error.message} [${error.field}]`;
}

export function loggedOutError(): ManagerError {
  return { kind: "logged-out", message: "not logged in: no usable auth.json was loaded" };
}

export function notHandedOutError(): ManagerError {
  return { kind: "logged-out", message: "auth.json has no last_refresh: its token is not handed out" };
}

export function skippedError(detail: string): ManagerError {
  return { kind: "skipped", message: `${LOGGED_OUT_OR_SWITCHED} (${detail})` };
}

export function errorFromRefreshFailure(failure: RefreshFailure, refreshToken: string): ManagerError {
  const message = `refreshing with ${redact(refreshToken)} failed: ${failure.message}`;
  return failure.kind === "permanent"
    ? { kind: "permanent", reason: failure.reason, message }
    : { kind: "transient", message };
}

export function poisonedError(poison: Poison): ManagerError {
  const message = `not sent: this snapshot's refresh already failed permanently (${poison.message})`;
  return { kind: "permanent", reason: poison.reason, message };
}

export function persistError(detail: string): ManagerError {
  return { kind: "persist", message: `the refreshed tokens were not saved: ${detail}` };
}

export function lockError(error: LockError): ManagerError {
  return { kind: "transient", message: `cross-process lock not taken: ${error.message}` };
}

export function limitError(message: string): ManagerError {
  return { kind: "transient", message };
}
