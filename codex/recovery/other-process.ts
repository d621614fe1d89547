/**
 * A: the other process sharing auth.json, played by the harness with the reference implementation's own
 * parts. It does what a process that refreshes does: read auth.json, POST its refresh token (the server's
 * current one: A always holds what it last saved), and save the answer the way Codex's `update_tokens` does
 * (tokens and `last_refresh` replaced, everything else kept), atomically.
 */
import { writeAuthJson } from "../../impl/ports/index.js";
import { readAuthJson, withRefreshedTokens } from "../../impl/storage/index.js";
import { createTokenClient, TOKEN_URL_OVERRIDE_VARIABLE } from "../../impl/token/index.js";

export type Rotation = { ok: true } | { ok: false; problem: string };

/** `tokenUrl` names A as the sender (`?sender=A`), so the server attributes the POST. */
export async function rotateAndSave(authPath: string, tokenUrl: string): Promise<Rotation> {
  const read = await readAuthJson(authPath);
  if (!read.ok) return { ok: false, problem: `A cannot read auth.json: ${read.error.message}` };
  const client = createTokenClient({ environment: { [TOKEN_URL_OVERRIDE_VARIABLE]: tokenUrl } });
  const refreshed = await client.refresh(read.snapshot.tokens.refreshToken);
  if (!refreshed.ok) return { ok: false, problem: `A's refresh failed: ${refreshed.failure.message}` };
  const saved = withRefreshedTokens(read.snapshot, refreshed.tokens, new Date().toISOString());
  const written = await writeAuthJson(authPath, saved, "atomic");
  if (!written.ok) return { ok: false, problem: `A cannot save auth.json: ${written.error.message}` };
  return { ok: true };
}
