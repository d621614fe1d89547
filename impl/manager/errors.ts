/** Every error a manager returns, built in one place so messages stay redacted and consistent. */
import type { LockError, RefreshFailure } from "../ports/types.js";
import { redact } from "../redact.js";
import type { StorageError } from "../storage/index.js";
import type { ManagerError, Poison } from "./types.js";

export const LOGGED_OUT_OR_SWITCHED = "logged out or signed in to another account";

/** Names the file and, when one is at fault, the field: `/home/u/.codex/auth.json: ... (field tokens.id_token)`. */
export function describeStorageError(error: StorageError): string {
  const field = error.field === undefined ? "" : ` (field ${error.field})`;
  return `${error.file}: ${error.message}${field}`;
}

/**
 * Logged out, and why when a read said so: the file is missing (the ordinary logged-out state), or it was
 * rejected (truncated, a wrong type, not UTF-8, not a regular file, EACCES), which the user needs to see.
 */
export function loggedOutError(rejection: StorageError | null = null): ManagerError {
  if (rejection === null)
    return { kind: "logged-out", message: "not logged in: no usable auth.json was loaded" };
  if (rejection.kind === "missing") {
    return { kind: "logged-out", message: `not logged in: ${rejection.file} does not exist` };
  }
  return { kind: "logged-out", message: `not logged in: ${describeStorageError(rejection)}` };
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
