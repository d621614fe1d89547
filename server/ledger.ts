/**
 * The server's memory: token families, an index from every refresh token ever issued to its family and
 * generation, and the request log. It applies decisions made by `decide.ts`; it never answers HTTP.
 */
import type { Decision, TokenLookup } from "./decide.js";
import { type Identity, type IssuedTokens, mintTokens } from "./tokens.js";
import {
  type AccessTokenStyle,
  type CreateFamilyOptions,
  type FamilyState,
  type FamilyTokens,
  type RequestRecord,
  type TokenIdentity,
  TokenServerLimitError,
  type TokenServerLimits,
} from "./types.js";

export interface LedgerConfig {
  accessTokenTtlSeconds: number;
  accessTokenStyle: AccessTokenStyle;
  limits: TokenServerLimits;
  now: () => number;
}

interface Family {
  familyId: string;
  identity: Identity;
  accessTokenStyle: AccessTokenStyle;
  generation: number;
  current: IssuedTokens;
  rotatedOut: string[];
  revokedBySeq: number | null;
}

interface TokenIndexEntry {
  familyId: string;
  generation: number;
}

const DEFAULT_PLAN_TYPE = "plus";

export type NewRecord = Omit<RequestRecord, "seq" | "at">;

export class TokenLedger {
  private readonly families = new Map<string, Family>();
  private readonly tokenIndex = new Map<string, TokenIndexEntry>();
  /**
   * Every access token issued, for harnesses that must tell which generation a process returned. null: issued
   * to two families (opaque `at-R<n>` access tokens repeat across families), so it names neither.
   */
  private readonly accessIndex = new Map<string, TokenIndexEntry | null>();
  private readonly records: RequestRecord[] = [];
  private refusals = 0;

  constructor(private readonly config: LedgerConfig) {}

  createFamily(options: CreateFamilyOptions = {}): FamilyTokens {
    const { familiesMax } = this.config.limits;
    if (this.families.size >= familiesMax) {
      throw new TokenServerLimitError("familiesMax", familiesMax, "cannot create another token family");
    }
    const number = this.families.size + 1;
    const identity: Identity = {
      accountId: options.accountId ?? `acct-authrace-${number}`,
      email: options.email ?? `user${number}@authrace.test`,
      userId: options.userId ?? `user-authrace-${number}`,
      planType: options.planType ?? DEFAULT_PLAN_TYPE,
    };
    const accessTokenStyle = options.accessToken ?? this.config.accessTokenStyle;
    const family: Family = {
      familyId: `family-${number}`,
      identity,
      accessTokenStyle,
      generation: 0,
      current: this.mint(identity, 0, options.firstAccessToken ?? accessTokenStyle),
      rotatedOut: [],
      revokedBySeq: null,
    };
    this.families.set(family.familyId, family);
    this.tokenIndex.set(family.current.refreshToken, { familyId: family.familyId, generation: 0 });
    this.indexAccessToken(family);
    return this.familyTokens(family);
  }

  lookup(refreshToken: string): TokenLookup {
    const entry = this.tokenIndex.get(refreshToken);
    const family = entry ? this.families.get(entry.familyId) : undefined;
    if (!entry || !family) return { known: false };
    return {
      known: true,
      familyId: family.familyId,
      generation: entry.generation,
      currentGeneration: family.generation,
      revoked: family.revokedBySeq !== null,
    };
  }

  /** Applies a decision for the request about to be recorded as `seq`; returns the tokens to answer. */
  apply(lookup: TokenLookup, decision: Decision, seq: number): IssuedTokens | null {
    const family = lookup.known ? this.families.get(lookup.familyId) : undefined;
    if (!family) return null;
    switch (decision.action) {
      case "rotate": {
        family.rotatedOut.push(family.current.refreshToken);
        family.generation += 1;
        family.current = this.mint(family.identity, family.generation, family.accessTokenStyle);
        this.tokenIndex.set(family.current.refreshToken, {
          familyId: family.familyId,
          generation: family.generation,
        });
        this.indexAccessToken(family);
        return { ...family.current };
      }
      case "answer-current":
        return { ...family.current };
      case "revoke-family":
        family.revokedBySeq = seq;
        return null;
      case "reject":
        return null;
    }
  }

  /** Which issued token `token` is, refresh or access; never-issued or ambiguous otherwise. */
  identify(token: string): TokenIdentity {
    const refresh = this.tokenIndex.get(token);
    if (refresh) return { known: true, kind: "refresh", ...refresh };
    const access = this.accessIndex.get(token);
    if (access === undefined) return { known: false, reason: "never-issued" };
    return access === null
      ? { known: false, reason: "ambiguous" }
      : { known: true, kind: "access", ...access };
  }

  private indexAccessToken(family: Family): void {
    const token = family.current.accessToken;
    const entry = { familyId: family.familyId, generation: family.generation };
    const earlier = this.accessIndex.get(token);
    const same = earlier?.familyId === entry.familyId && earlier.generation === entry.generation;
    this.accessIndex.set(token, earlier === undefined || same ? entry : null);
  }

  hasRecordRoom(): boolean {
    return this.records.length < this.config.limits.recordedRequestsMax;
  }

  /** The seq the next recorded request gets. */
  nextSeq(): number {
    return this.records.length + 1;
  }

  /** Appends a record; the caller checked `hasRecordRoom()` before deciding (asserted here). */
  record(entry: NewRecord): RequestRecord {
    if (!this.hasRecordRoom()) throw new Error("TokenLedger.record called with the request log full");
    const record: RequestRecord = {
      seq: this.nextSeq(),
      at: new Date(this.config.now()).toISOString(),
      ...entry,
    };
    this.records.push(record);
    return { ...record };
  }

  /** Counts a token request refused unrecorded because the log is full. */
  countRefusal(): void {
    this.refusals += 1;
  }

  refusedRequests(): number {
    return this.refusals;
  }

  requests(): RequestRecord[] {
    return this.records.map((record) => ({ ...record }));
  }

  recordedRequests(): number {
    return this.records.length;
  }

  staleSends(): number {
    return this.records.filter((record) => record.staleSend).length;
  }

  familyStates(): FamilyState[] {
    return [...this.families.values()].map(familyState);
  }

  /** One family by id, without copying the others (a harness asks after every step). */
  familyState(familyId: string): FamilyState | null {
    const family = this.families.get(familyId);
    return family === undefined ? null : familyState(family);
  }

  private mint(identity: Identity, generation: number, accessTokenStyle: AccessTokenStyle): IssuedTokens {
    return mintTokens({
      identity,
      generation,
      accessTokenStyle,
      accessTokenTtlSeconds: this.config.accessTokenTtlSeconds,
      nowMs: this.config.now(),
    });
  }

  private familyTokens(family: Family): FamilyTokens {
    return {
      familyId: family.familyId,
      accountId: family.identity.accountId,
      email: family.identity.email,
      ...family.current,
    };
  }
}

function familyState(family: Family): FamilyState {
  return {
    familyId: family.familyId,
    ...family.identity,
    accessTokenStyle: family.accessTokenStyle,
    generation: family.generation,
    ...family.current,
    rotatedOut: [...family.rotatedOut],
    revoked: family.revokedBySeq !== null,
    revokedBySeq: family.revokedBySeq,
  };
}
