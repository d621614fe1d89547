/**
 * The four designs, as data: which Codex versions each mirrors and which rules it follows, and the mutants
 * (model/mutants.ts): each one a design with exactly one rule broken. The flows read these rules; nothing
 * else branches on the variant or mutant name. Step orders: docs/protocol.md; mutants: docs/mutation.md.
 */
import { MUTANT_NAMES, MUTANTS, type MutantName } from "../../model/mutants.js";
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

/**
 * The rules a mutant may break. Every design keeps them all (INTACT_RULES); the ones named "locked" matter
 * only to the locked flow, comparesOnReload only to the guarded reload.
 */
export interface BreakableRules {
  /** The guarded reload and the locked read compare auth.json's account_id with the cache's (else Skipped). */
  checksAccount: boolean;
  /** The guarded reload compares auth.json with the cache (Changed / NoChange); false: always NoChange. */
  comparesOnReload: boolean;
  /** Replacing the cached snapshot by a different one clears its poison. */
  clearsPoison: boolean;
  /** locked: after acquiring the lock, re-read auth.json and decide from it; false: POST the cached token. */
  rereadsAfterLock: boolean;
  /** locked: release the lock as soon as the endpoint answers 200, before the save (instead of after it). */
  releaseBeforeSave: boolean;
  /** locked: how the save under the lock writes auth.json. */
  lockedWriteMode: WriteMode;
}

export const INTACT_RULES: BreakableRules = Object.freeze({
  checksAccount: true,
  comparesOnReload: true,
  clearsPoison: true,
  rereadsAfterLock: true,
  releaseBeforeSave: false,
  lockedWriteMode: "atomic",
});

export interface VariantRules extends BreakableRules {
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
    ...INTACT_RULES,
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
    ...INTACT_RULES,
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
    ...INTACT_RULES,
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
    ...INTACT_RULES,
  },
};

/** The one rule each mutant breaks (model/mutants.ts says what that breaks and where the explorer kills it). */
const BROKEN_RULE: Record<MutantName, Partial<BreakableRules>> = {
  "no-account-check": { checksAccount: false },
  "reload-without-compare": { comparesOnReload: false },
  "unlock-before-save": { releaseBeforeSave: true },
  "no-reread-after-lock": { rereadsAfterLock: false },
  "save-in-place": { lockedWriteMode: "in-place" },
  "poison-never-cleared": { clearsPoison: false },
};

/** Each mutant's rules: its base design's, with one rule broken. */
export const MUTANT_RULES: Record<MutantName, VariantRules> = Object.fromEntries(
  MUTANT_NAMES.map((name) => {
    const { base, breaks } = MUTANTS[name];
    const rules: VariantRules = {
      ...VARIANT_RULES[base],
      versions: `mutant '${name}' of ${base}: ${breaks}`,
      ...BROKEN_RULE[name],
    };
    return [name, rules];
  }),
) as Record<MutantName, VariantRules>;

/** The rules of a design, or of one of its mutants; a mutant of another design is a programmer error. */
export function rulesFor(variant: Variant, mutant?: MutantName): VariantRules {
  if (mutant === undefined) return VARIANT_RULES[variant];
  const { base } = MUTANTS[mutant];
  if (base !== variant) {
    throw new RangeError(`options.mutant: '${mutant}' is a mutant of '${base}', not of '${variant}'`);
  }
  return MUTANT_RULES[mutant];
}
