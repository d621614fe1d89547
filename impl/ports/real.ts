/** Real adapters for every port of one AuthManager, for auth.json in one CODEX_HOME. */
import { designNamed } from "../../model/designs/index.js";
import type { LockKind } from "../../model/designs/types.js";
import { authJsonPath } from "../storage/index.js";
import { createApiClient, createTokenClient, type TokenClientOptions } from "../token/index.js";
import { createFileDisk } from "./file-disk.js";
import { createFileLock, type FileLockOptions } from "./file-lock.js";
import { createFlockLock } from "./flock-lock.js";
import { systemClock } from "./system-clock.js";
import type { AuthPorts, Clock, Lock } from "./types.js";

export interface RealPortsOptions {
  codexHome: string;
  token?: TokenClientOptions;
  /** Which lock the design takes (its record's `rules.lockKind`); default "mkdir". */
  lockKind?: LockKind;
  /** Retries for either kind; the stale and update times apply to the mkdir lock only. */
  lock?: FileLockOptions;
  /** Default the system clock. */
  clock?: Clock;
}

/** The cross-process lock of one auth.json, of the given kind (both resolve auth.json's real directory). */
export function createLock(kind: LockKind, authFile: string, options: FileLockOptions = {}): Lock {
  return kind === "flock" ? createFlockLock(authFile, options) : createFileLock(authFile, options);
}

/** The lock kind of a design by name; a name no design has takes the default (its load reports it). */
export function lockKindOf(variant: string): LockKind {
  return designNamed(variant)?.rules.lockKind ?? "mkdir";
}

/**
 * A fresh set per manager: the lock adapter remembers what its manager holds, so two managers (even in one
 * process) must never share one.
 */
export function createRealPorts(options: RealPortsOptions): AuthPorts {
  const file = authJsonPath(options.codexHome);
  return {
    disk: createFileDisk(file),
    tokenEndpoint: createTokenClient(options.token),
    api: createApiClient({
      ...(options.token?.environment === undefined ? {} : { environment: options.token.environment }),
      ...(options.token?.dispatcher === undefined ? {} : { dispatcher: options.token.dispatcher }),
    }),
    lock: createLock(options.lockKind ?? "mkdir", file, options.lock),
    clock: options.clock ?? systemClock,
  };
}
