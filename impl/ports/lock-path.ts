/**
 * Where the cross-process lock of one auth.json lives: in the directory of auth.json's real file, symlinks
 * resolved. Two CODEX_HOMEs whose auth.json is a symlink to one file then take one lock; locking the path as
 * given (`<home>/auth.json.lock`) gave them two locks, and both refreshed the one token.
 * The names (and why they are these) are in impl/storage/paths.ts.
 */
import { readlink, realpath } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { LockKind } from "../../model/designs/types.js";
import { FLOCK_FILE_NAME, MKDIR_LOCK_NAME } from "../storage/paths.js";

export { FLOCK_FILE_NAME, MKDIR_LOCK_NAME };

/** Symlinks followed by hand for a dangling auth.json link (the kernel allows 40 in a path). */
export const SYMLINK_HOPS_MAX = 40;

export type LockPathResult = { ok: true; path: string } | { ok: false; message: string };

function code(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? "unknown error";
}

/**
 * The directory auth.json really lives in. A missing auth.json (logged out) is its directory's real path; a
 * dangling symlink is followed to where its target would be created (write-file-atomic writes through it).
 */
export async function realAuthDirectory(authFile: string): Promise<LockPathResult> {
  let file = resolve(authFile);
  for (let hop = 0; hop <= SYMLINK_HOPS_MAX; hop += 1) {
    try {
      return { ok: true, path: dirname(await realpath(file)) };
    } catch (error) {
      if (code(error) !== "ENOENT") return failure(file, error);
    }
    let target: string;
    try {
      target = await readlink(file);
    } catch {
      // Not a symlink: the file itself is absent, so its directory decides.
      try {
        return { ok: true, path: await realpath(dirname(file)) };
      } catch (error) {
        return failure(dirname(file), error);
      }
    }
    file = resolve(dirname(file), target);
  }
  return { ok: false, message: `${authFile}: more than ${SYMLINK_HOPS_MAX} symlinks (SYMLINK_HOPS_MAX)` };
}

function failure(path: string, error: unknown): LockPathResult {
  return { ok: false, message: `cannot resolve ${path} (${code(error)})` };
}

/** The lock of `kind` for this auth.json, beside its real file. */
export async function lockPathOf(kind: LockKind, authFile: string): Promise<LockPathResult> {
  const directory = await realAuthDirectory(authFile);
  if (!directory.ok) return directory;
  return { ok: true, path: join(directory.path, kind === "flock" ? FLOCK_FILE_NAME : MKDIR_LOCK_NAME) };
}
