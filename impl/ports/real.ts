/** Real adapters for every port of one AuthManager, for auth.json in one CODEX_HOME. */
import { authJsonPath, authLockPath } from "../storage/index.js";
import { createTokenClient, type TokenClientOptions } from "../token/index.js";
import { createFileDisk } from "./file-disk.js";
import { createFileLock, type FileLockOptions } from "./file-lock.js";
import { systemClock } from "./system-clock.js";
import type { AuthPorts, Clock } from "./types.js";

export interface RealPortsOptions {
  codexHome: string;
  token?: TokenClientOptions;
  lock?: FileLockOptions;
  /** Default the system clock. */
  clock?: Clock;
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
    lock: createFileLock(file, { lockfilePath: authLockPath(options.codexHome), ...options.lock }),
    clock: options.clock ?? systemClock,
  };
}
