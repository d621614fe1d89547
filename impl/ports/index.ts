/** Ports of the auth manager and their real adapters. */
export { createFileDisk, writeAuthJson } from "./file-disk.js";
export {
  createFileLock,
  type FileLock,
  type FileLockOptions,
  LOCK_RETRIES_MAX,
  LOCK_RETRY_MAXIMUM_MS,
  LOCK_RETRY_MINIMUM_MS,
  LOCK_STALE_MS,
} from "./file-lock.js";
export { createFlockLock, type FlockOptions, flockIsHeld } from "./flock-lock.js";
export { FLOCK_FILE_NAME, lockPathOf, MKDIR_LOCK_NAME, realAuthDirectory } from "./lock-path.js";
export { createLock, createRealPorts, lockKindOf, type RealPortsOptions } from "./real.js";
export { ManualClock, systemClock } from "./system-clock.js";
export type {
  AuthPorts,
  Clock,
  Disk,
  DiskWriteError,
  DiskWriteResult,
  Lock,
  LockError,
  LockErrorKind,
  LockResult,
  PermanentReason,
  RefreshFailure,
  RefreshResult,
  TokenEndpoint,
  TransientCause,
  WriteMode,
} from "./types.js";
