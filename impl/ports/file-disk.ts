/**
 * The real Disk: auth.json on the file system.
 * - in place, as Codex <= 0.139 (`OpenOptions::truncate(true).write(true).create(true).mode(0o600)`): the
 *   file is emptied on open, then written; the mode applies only when the file is created; no fsync. A
 *   concurrent reader can see an empty or partial file, which is the point of modelling it.
 * - atomic, as Codex 0.171: write-file-atomic writes a temp file beside auth.json, fsyncs, sets mode 0600 and
 *   renames it over auth.json (a new inode).
 */
import { constants } from "node:fs";
import { open, rm } from "node:fs/promises";
import writeFileAtomic from "write-file-atomic";
import {
  formatAuthJson,
  parseAuthJson,
  readAuthJson,
  type Snapshot,
  snapshotsEqual,
} from "../storage/index.js";
import type { Disk, DiskWriteResult, WriteMode } from "./types.js";

const OWNER_ONLY_MODE = 0o600;

/** Asserts, right before writing, that the bytes read back as the same snapshot (a programmer error if not). */
function checkedText(snapshot: Snapshot, file: string): string {
  const text = formatAuthJson(snapshot);
  const parsed = parseAuthJson(text, file);
  if (!parsed.ok || !snapshotsEqual(parsed.snapshot, snapshot)) {
    throw new Error(
      `snapshot for ${file} does not survive formatting: ${parsed.ok ? "changed" : parsed.error.message}`,
    );
  }
  return text;
}

/**
 * Codex's `truncate(true)` open, in two steps so that nothing but a regular file is ever written through: open
 * without truncating and without blocking (a FIFO in auth.json's place would block a plain open until a reader
 * came), check with fstat, then truncate and write. A reader sees the same empty-then-partial file as with
 * O_TRUNC.
 */
const IN_PLACE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_NONBLOCK | constants.O_NOCTTY;

class NotRegularFile extends Error {}

/** open() answers ENXIO for a FIFO with no reader (O_NONBLOCK) and for a device without its driver. */
async function openForWriting(file: string): Promise<Awaited<ReturnType<typeof open>>> {
  try {
    return await open(file, IN_PLACE_FLAGS, OWNER_ONLY_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENXIO") throw new NotRegularFile();
    throw error;
  }
}

async function writeInPlace(file: string, text: string): Promise<void> {
  const handle = await openForWriting(file);
  try {
    if (!(await handle.stat()).isFile()) throw new NotRegularFile();
    await handle.truncate(0);
    await handle.writeFile(text, "utf8");
  } finally {
    await handle.close();
  }
}

async function writeAtomic(file: string, text: string): Promise<void> {
  await writeFileAtomic(file, text, { mode: OWNER_ONLY_MODE, fsync: true });
}

export async function writeAuthJson(
  file: string,
  snapshot: Snapshot,
  mode: WriteMode,
): Promise<DiskWriteResult> {
  const text = checkedText(snapshot, file);
  try {
    await (mode === "atomic" ? writeAtomic(file, text) : writeInPlace(file, text));
    return { ok: true };
  } catch (error) {
    if (error instanceof NotRegularFile) {
      const message = `auth.json is not a regular file: not written ${mode}`;
      return { ok: false, error: { kind: "write-failed", file, message } };
    }
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    return {
      ok: false,
      error: { kind: "write-failed", file, message: `auth.json cannot be written ${mode} (${code})` },
    };
  }
}

/** `codex logout`: auth.json goes; a missing one is already logged out. */
export async function removeAuthJson(file: string): Promise<DiskWriteResult> {
  try {
    await rm(file, { force: true });
    return { ok: true };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    return {
      ok: false,
      error: { kind: "write-failed", file, message: `auth.json cannot be removed (${code})` },
    };
  }
}

export function createFileDisk(file: string): Disk {
  return {
    file,
    read: () => readAuthJson(file),
    write: (snapshot, mode) => writeAuthJson(file, snapshot, mode),
    remove: () => removeAuthJson(file),
  };
}
