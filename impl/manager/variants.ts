/**
 * The four designs, as data: which Codex versions each mirrors and which rules it follows. The flows read
 * these rules; nothing else branches on the variant name. Step orders: docs/protocol.md.
 */
import { VARIANT_VERSIONS, type Variant } from "../../model/vocabulary.js";
import type { WriteMode } from "../ports/types.js";

/**
 * "last-refresh": stale when last_refresh is older than 8 days (<= 0.116).
 * "expiry-then-last-refresh": the access token's JWT `exp` <= now if it has one, else the 8-day rule (0.117+).
 */
export type StalenessRule = "last-refresh" | "expiry-then-last-refresh";

export type RefreshFlow =
  /** Guarded reload, POST of the cached token on NoChange, then the save (legacy, guarded, persist-locked). */
  | { kind: "guarded-reload"; writeMode: WriteMode; lockAroundSave: boolean }
  /** One cross-process lock from re-read to atomic save (locked). */
  | { kind: "locked" };

export interface VariantRules {
  variant: Variant;
  /** The Codex versions (or proposal) this variant mirrors. */
  versions: string;
  staleness: StalenessRule;
  /** auth() with a stale cache: POST the cached refresh token directly, or go through refreshToken(). */
  staleAuth: "post-cached-token" | "refresh-token";
  refresh: RefreshFlow;
  /** One promise mutex per manager around refreshes (PR #15798, 0.117+). */
  inProcessLock: boolean;
  /** Record a permanent failure against the cached snapshot and fail fast on it (PR #15530, 0.117+). */
  poisons: boolean;
}

export const VARIANT_RULES: Record<Variant, VariantRules> = {
  /** Codex <= 0.116.0: the seed's bug; auth() spends the cached token with no reload and no account check. */
  legacy: {
    variant: "legacy",
    versions: VARIANT_VERSIONS.legacy,
    staleness: "last-refresh",
    staleAuth: "post-cached-token",
    refresh: { kind: "guarded-reload", writeMode: "in-place", lockAroundSave: false },
    inProcessLock: false,
    poisons: false,
  },
  /** Codex 0.117.0 (PR #15357) to 0.139: guarded reload, in-process lock, truncating in-place save. */
  guarded: {
    variant: "guarded",
    versions: VARIANT_VERSIONS.guarded,
    staleness: "expiry-then-last-refresh",
    staleAuth: "refresh-token",
    refresh: { kind: "guarded-reload", writeMode: "in-place", lockAroundSave: false },
    inProcessLock: true,
    poisons: true,
  },
  /** Codex 0.171.0 as observed: as guarded, with a file lock around re-read -> atomic save only. */
  "persist-locked": {
    variant: "persist-locked",
    versions: VARIANT_VERSIONS["persist-locked"],
    staleness: "expiry-then-last-refresh",
    staleAuth: "refresh-token",
    refresh: { kind: "guarded-reload", writeMode: "atomic", lockAroundSave: true },
    inProcessLock: true,
    poisons: true,
  },
  /** The proposed fix: one cross-process lock across re-read -> decide -> POST -> atomic save. */
  locked: {
    variant: "locked",
    versions: VARIANT_VERSIONS.locked,
    staleness: "expiry-then-last-refresh",
    staleAuth: "refresh-token",
    refresh: { kind: "locked" },
    inProcessLock: true,
    poisons: true,
  },
};
