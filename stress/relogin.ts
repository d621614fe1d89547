/**
 * Logging in again after a family revocation, as a user whose every call now fails would: a fresh family for the
 * same account, its R0 written to auth.json atomically (as `codex login` writes it, without the refresh lock).
 * With revocation on, one stale send kills the family and every later call would fail; logging in again lets the
 * run go on measuring, so every stale send of the run is counted, not only the first (docs/stress.md).
 *
 * Checked after a call fails permanently, serialised (one check at a time): the file, not the run's own memory,
 * decides, because a rotation answered just before the revocation can still be saved over a new login; the
 * next permanent failure then finds the revoked token on disk again and logs in once more.
 */
import { readAuthJson } from "../impl/storage/index.js";
import type { FamilyState, TokenServer } from "../server/index.js";
import { writeFamilyAuthJson } from "../server/index.js";

/** Pure: auth.json holds a token of a revoked family (its current one or one it rotated out). */
export function holdsRevokedToken(refreshToken: string, families: readonly FamilyState[]): boolean {
  const family = families.find(
    (candidate) => candidate.refreshToken === refreshToken || candidate.rotatedOut.includes(refreshToken),
  );
  return family?.revoked === true;
}

export class Relogin {
  /** Logins so far. */
  count = 0;
  /** Why logins stopped (`reloginsMax` reached, auth.json could not be written); null while they go on. */
  stopped: string | null = null;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly server: TokenServer,
    private readonly authFile: string,
    private readonly reloginsMax: number,
  ) {}

  /** Resolves once this check (and every one queued before it) is done. Never rejects. */
  check(): Promise<void> {
    this.queue = this.queue
      .then(() => this.checkNow())
      .catch((error: unknown) => {
        this.stopped = `logging in again failed: ${error instanceof Error ? error.message : String(error)}`;
      });
    return this.queue;
  }

  private async checkNow(): Promise<void> {
    if (this.stopped !== null) return;
    const read = await readAuthJson(this.authFile);
    // Unreadable (a guarded process truncates auth.json while it writes): the next failure checks again.
    if (!read.ok) return;
    const families = this.server.state().families;
    if (!holdsRevokedToken(read.snapshot.tokens.refreshToken, families)) return;
    if (this.count >= this.reloginsMax) {
      this.stopped = `auth.json still holds a revoked family after ${this.count} logins (reloginsMax)`;
      return;
    }
    const [first] = families;
    if (first === undefined) throw new Error("Relogin: the server has no family to log in to again");
    const family = this.server.createFamily({
      accountId: first.accountId,
      email: first.email,
      userId: first.userId,
      planType: first.planType,
    });
    await writeFamilyAuthJson(this.authFile, family, Date.now(), "replace");
    this.count += 1;
  }
}
