/**
 * An auth.json fixture for a token family: the family's R0 tokens with a chosen `last_refresh`, written with
 * the implementation's own writer (atomic, 0600), so fixtures are byte-for-byte what a refresh would save.
 */
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { writeAuthJson } from "../impl/ports/index.js";
import { makeSnapshot, type Snapshot } from "../impl/storage/index.js";
import type { FamilyTokens } from "./types.js";

export function familySnapshot(family: FamilyTokens, lastRefreshMs: number): Snapshot {
  return makeSnapshot({
    accessToken: family.accessToken,
    refreshToken: family.refreshToken,
    accountId: family.accountId,
    idToken: family.idToken,
    lastRefresh: lastRefreshMs,
  });
}

/** Writes the fixture, creating its folder; the error names the file. */
export async function writeFamilyAuthJson(
  file: string,
  family: FamilyTokens,
  lastRefreshMs: number,
): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const written = await writeAuthJson(file, familySnapshot(family, lastRefreshMs), "atomic");
  if (!written.ok) throw new Error(written.error.message);
}
