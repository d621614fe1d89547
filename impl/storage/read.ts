/**
 * Reads auth.json from the file system into a typed result. Every operating error (missing, unreadable,
 * a directory in its place, too large, unparseable) is a result, never an exception.
 */
import { open } from "node:fs/promises";
import { parseAuthJson } from "./parse.js";
import { AUTH_JSON_BYTES_MAX, type SnapshotResult } from "./schema.js";

function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" ? code : "unknown error";
}

export async function readAuthJson(file: string): Promise<SnapshotResult> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, "r");
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT")
      return { ok: false, error: { kind: "missing", file, message: "auth.json does not exist" } };
    return {
      ok: false,
      error: { kind: "unreadable", file, message: `auth.json cannot be opened (${code})` },
    };
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      return { ok: false, error: { kind: "unreadable", file, message: "auth.json is not a regular file" } };
    }
    if (stats.size > AUTH_JSON_BYTES_MAX) {
      const message = `auth.json has ${stats.size} bytes, over the limit AUTH_JSON_BYTES_MAX (${AUTH_JSON_BYTES_MAX})`;
      return { ok: false, error: { kind: "too-large", file, message } };
    }
    const text = await handle.readFile("utf8");
    return parseAuthJson(text, file);
  } catch (error) {
    return {
      ok: false,
      error: { kind: "unreadable", file, message: `auth.json cannot be read (${errorCode(error)})` },
    };
  } finally {
    await handle.close().catch(() => undefined);
  }
}
