/**
 * An auth.json fixture for a token family: the family's R0 tokens with a chosen `last_refresh`, written with
 * the implementation's own writer (atomic, 0600), so fixtures are byte-for-byte what a refresh would save.
 *
 * No directory is ever created: a fixture goes into a CODEX_HOME that exists (the runs make their own
 * temporary ones). And `existing: "refuse"` never touches a file already there: it writes a temp file beside it
 * and hard-links it into place, which fails atomically when the name is taken (by a file, a FIFO, a symlink,
 * even a dangling one), so a real login at that path survives.
 */
import { randomBytes } from "node:crypto";
import { link, open, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { writeAuthJson } from "../impl/ports/index.js";
import { formatAuthJson, makeSnapshot, type Snapshot } from "../impl/storage/index.js";
import type { FamilyTokens } from "./types.js";

/** What to do when the fixture's path is already taken: replace it (the runs' own homes), or refuse. */
export type ExistingFixture = "replace" | "refuse";

const OWNER_ONLY_MODE = 0o600;

export function familySnapshot(family: FamilyTokens, lastRefreshMs: number): Snapshot {
  return makeSnapshot({
    accessToken: family.accessToken,
    refreshToken: family.refreshToken,
    accountId: family.accountId,
    idToken: family.idToken,
    lastRefresh: lastRefreshMs,
  });
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? "unknown error";
}

/** The folder must exist already; the error names it. */
async function checkFolder(file: string): Promise<void> {
  const folder = dirname(file);
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(folder)).isDirectory();
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT") {
      throw new Error(`the directory ${folder} does not exist (nothing is created: make it first)`);
    }
    throw new Error(`the directory ${folder} cannot be used (${code})`);
  }
  if (!isDirectory) throw new Error(`${folder} is not a directory`);
}

/** Temp file, fsync, then link() into place: EEXIST leaves whatever is at `file` untouched. */
async function writeNewFile(file: string, text: string): Promise<void> {
  const temporary = join(
    dirname(file),
    `.${basename(file)}.authrace-${process.pid}-${randomBytes(4).toString("hex")}`,
  );
  try {
    const handle = await open(temporary, "wx", OWNER_ONLY_MODE);
    try {
      await handle.writeFile(text, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(temporary, file);
  } catch (error) {
    if (errorCode(error) === "EEXIST") throw new Error(`${file} exists (a real login?); not overwritten`);
    throw new Error(`${file} cannot be written (${errorCode(error)})`);
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}

/** Writes the fixture into an existing folder; every error is an Error naming the file or folder. */
export async function writeFamilyAuthJson(
  file: string,
  family: FamilyTokens,
  lastRefreshMs: number,
  existing: ExistingFixture,
): Promise<void> {
  await checkFolder(file);
  const snapshot = familySnapshot(family, lastRefreshMs);
  if (existing === "refuse") {
    await writeNewFile(file, formatAuthJson(snapshot));
    return;
  }
  const written = await writeAuthJson(file, snapshot, "atomic");
  if (!written.ok) throw new Error(`${file}: ${written.error.message}`);
}
