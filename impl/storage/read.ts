/**
 * Reads auth.json from the file system into a typed result. Every operating error (missing, unreadable,
 * something other than a regular file in its place, too large, not UTF-8, unparseable) is a result, never an
 * exception.
 *
 * Hostile files: the file is opened with O_NONBLOCK, so a FIFO in auth.json's place opens at once instead of
 * blocking open() until a writer appears (a refresh blocked there would hold the cross-process lock and keep it
 * fresh for good); fstat then refuses anything but a regular file. The bytes are decoded as strict UTF-8: a
 * stray byte inside a token must make the file unreadable, never turn into U+FFFD and be POSTed.
 */
import { constants } from "node:fs";
import { open } from "node:fs/promises";
import { parseAuthJson } from "./parse.js";
import { AUTH_JSON_BYTES_MAX, type SnapshotResult, type StorageError } from "./schema.js";

/** O_NONBLOCK: a FIFO opens without waiting for a writer; O_NOCTTY: a terminal never becomes ours. */
const READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

/** fatal: a malformed sequence throws. ignoreBOM: a BOM stays in the text, so the JSON parse rejects it as serde does. */
const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" ? code : "unknown error";
}

function unreadable(file: string, message: string): SnapshotResult {
  const error: StorageError = { kind: "unreadable", file, message };
  return { ok: false, error };
}

/** Strict UTF-8, or null when a byte sequence is malformed. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    return null;
  }
}

export async function readAuthJson(file: string): Promise<SnapshotResult> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, READ_FLAGS);
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT")
      return { ok: false, error: { kind: "missing", file, message: "auth.json does not exist" } };
    return unreadable(file, `auth.json cannot be opened (${code})`);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return unreadable(file, "auth.json is not a regular file");
    if (stats.size > AUTH_JSON_BYTES_MAX) {
      const message = `auth.json has ${stats.size} bytes, over the limit AUTH_JSON_BYTES_MAX (${AUTH_JSON_BYTES_MAX})`;
      return { ok: false, error: { kind: "too-large", file, message } };
    }
    const text = decodeUtf8(await handle.readFile());
    if (text === null) return unreadable(file, "auth.json is not valid UTF-8");
    return parseAuthJson(text, file);
  } catch (error) {
    return unreadable(file, `auth.json cannot be read (${errorCode(error)})`);
  } finally {
    await handle.close().catch(() => undefined);
  }
}
