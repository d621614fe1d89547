/**
 * Real refresh tokens, named by the order the server minted them in this run (1, 2, ...), the order the
 * model's generations keep. The registry learns tokens from the server's family records after each step.
 */
import type { FamilyState } from "../server/types.js";
import type { FamilyName, ProjectedToken } from "./projection.js";

export class TokenRegistry {
  private readonly tokens = new Map<string, ProjectedToken>();
  /** Access tokens, each named as the refresh token minted with it. */
  private readonly access = new Map<string, ProjectedToken>();
  private minted = 0;

  /** Registers the family's tokens it has not seen, oldest first. */
  learn(family: FamilyName, state: FamilyState): void {
    for (const token of [...state.rotatedOut, state.refreshToken]) {
      if (this.tokens.has(token)) continue;
      this.minted += 1;
      this.tokens.set(token, { family, generation: this.minted });
    }
    // Learned after every step, so the family's current access token is always seen with its refresh token.
    const current = this.tokens.get(state.refreshToken);
    if (current !== undefined && !this.access.has(state.accessToken))
      this.access.set(state.accessToken, current);
  }

  /** The newest mint so far (the model's `staleBelow` after time passes). */
  newest(): number {
    return this.minted;
  }

  /** The access token's name (its refresh token's); null: never issued in this run. */
  lookupAccess(accessToken: string): ProjectedToken | null {
    const token = this.access.get(accessToken);
    return token === undefined ? null : { ...token };
  }

  /** null: a token this run's server never issued (the implementation invented or corrupted one). */
  lookup(refreshToken: string): ProjectedToken | null {
    const token = this.tokens.get(refreshToken);
    return token === undefined ? null : { ...token };
  }
}
