/**
 * Where Codex keeps its credentials: `$CODEX_HOME/auth.json`, and the names of the locks beside it. Which
 * directory a lock really lives in (auth.json's real one, symlinks resolved) is impl/ports/lock-path.ts's job.
 *
 * - `auth.lock`: Codex 0.171's own lock file (it flocks it around its save). The `flock` lock takes the same
 *   file, so its holders and a real 0.171 exclude each other.
 * - `auth.json.mkdir-lock`: proper-lockfile's lock directory. Not `auth.json.lock`, proper-lockfile's default:
 *   0.171 opens a *file* of that name (O_CREAT, then flock) inside its save, so a directory there makes its save
 *   fail with EISDIR, and the file it leaves behind makes every later mkdir fail.
 */
import { join } from "node:path";
import { AUTH_JSON_FILE_NAME } from "./schema.js";

export const FLOCK_FILE_NAME = "auth.lock";
export const MKDIR_LOCK_NAME = "auth.json.mkdir-lock";

export function authJsonPath(codexHome: string): string {
  return join(codexHome, AUTH_JSON_FILE_NAME);
}

/**
 * The mkdir lock's directory of a home whose auth.json is not a symlink (a harness's own temporary home); for
 * any home, impl/ports/lock-path.ts `lockPathOf("mkdir", auth.json)`.
 */
export function authLockPath(codexHome: string): string {
  return join(codexHome, MKDIR_LOCK_NAME);
}
