/**
 * A design is data: the rules one auth-manager design follows, the Codex releases it mirrors, its mutants
 * (the same design with one rule broken on purpose) and where authrace checks it. The model's transition
 * table (model/table.ts), the theorems, the conformance configurations, the interleaving checks and the
 * reference implementation (impl/manager/) all read these records; no code branches on a design's name.
 *
 * A record holds no functions, so it crosses a process boundary as JSON: a design defined anywhere (a test,
 * a user's file) reaches real driver processes through `serializeDesigns` (model/designs/index.ts).
 */
import type { ServerOptions } from "../config.js";
import type { Fault, InvariantName } from "../vocabulary.js";

/** Where a cross-process lock is held: nowhere, around the save only, or from the re-read to the save. */
export type LockScope = "none" | "save" | "refresh";
/**
 * How the lock is made. "mkdir": a directory created with mkdir(2), kept fresh by its mtime and reclaimed by
 * age (proper-lockfile): a dead holder's lock stays until it goes stale, a stalled live holder's is taken from
 * it. "flock": an exclusive flock(2) on a lock file, which the kernel drops when the holder's descriptor
 * closes (its process dies): never orphaned, never reclaimed from a live holder.
 */
export type LockKind = "mkdir" | "flock";
/** How auth.json is written: truncate and write in place, or temp file + fsync + rename. */
export type WriteMode = "in-place" | "atomic";

/**
 * "last-refresh": stale when last_refresh is older than 8 days (<= 0.116).
 * "expiry-then-last-refresh": the access token's JWT `exp` <= now if it has one, else the 8-day rule
 * (0.117-0.135).
 * "expiry-early-then-last-refresh": as above with `exp` <= now + 5 minutes (0.136+).
 */
export type StalenessRule = "last-refresh" | "expiry-then-last-refresh" | "expiry-early-then-last-refresh";

/** The rules of one design. The first group are traits; the second are rules a mutant may break. */
export interface DesignRules {
  /** auth() with a stale cache: POST the cached refresh token directly (<= 0.116), or run refreshToken(). */
  staleAuth: "post-cached-token" | "refresh-token";
  lockScope: LockScope;
  lockKind: LockKind;
  /** Logins and logouts by another process take the cross-process lock (when the design has one). */
  loginTakesLock: boolean;
  writeMode: WriteMode;
  staleness: StalenessRule;
  /** One promise mutex per manager around refreshes (PR #15798, 0.117+). */
  inProcessLock: boolean;
  /** Record a permanent failure against the cached snapshot and fail fast on it (PR #15530, 0.117+). */
  poisons: boolean;
  /**
   * A permanent failure of refreshToken() or 401 recovery tells the user to log out and sign in again
   * (0.116's RefreshTokenFailed in client.rs); auth()'s own proactive refresh only logs it.
   */
  refreshFailureAsksLogin: boolean;
  /** A known refresh error code (reused, expired, invalidated) is permanent on any HTTP status (0.136+). */
  knownCodePermanentOnAnyStatus: boolean;
  /** auth()'s proactive refresh says `"refresh_reason": "scheduled"` in its request (0.171). */
  sendsRefreshReason: boolean;
  /**
   * 401 recovery's RefreshToken step (after Reload and a second 401): POST the cached refresh token with no
   * re-read of auth.json (every Codex release: 0.117+'s `refresh_token_from_authority`, and 0.116 as run, see
   * docs/codex-versions.md), or run the design's refreshToken() (a lock across the refresh re-reads under it).
   */
  recoveryRefresh: "post-cached-token" | "refresh-token";

  /** The guarded reload and the locked read compare auth.json's account_id with the cache's (else Skipped). */
  checksAccount: boolean;
  /** The guarded reload compares auth.json with the cache (Changed / NoChange); false: always NoChange. */
  comparesOnReload: boolean;
  /** Replacing the cached snapshot by a different one clears its poison. */
  clearsPoison: boolean;
  /** lockScope "refresh": after acquiring the lock, re-read auth.json and decide from it. */
  rereadsAfterLock: boolean;
  /** lockScope "refresh": release the lock as soon as the endpoint answers 200, before the save. */
  releaseBeforeSave: boolean;
}

/** The breakable rules as every design keeps them. */
export const INTACT_RULES = Object.freeze({
  checksAccount: true,
  comparesOnReload: true,
  clearsPoison: true,
  rereadsAfterLock: true,
  releaseBeforeSave: false,
} as const);

/** A broken design kept on purpose: one rule of its design changed, which the explorer and conformance kill. */
export interface MutantRecord {
  name: string;
  /** One sentence: the rule of the design it drops. */
  breaks: string;
  /** One sentence: how its transition table differs from the design's. */
  alters: string;
  /** The rule it breaks, as it breaks it. */
  rules: Partial<DesignRules>;
}

/** A configuration relative to a design: the design fills in `variant`. */
export interface CheckInput {
  processes?: number;
  faults?: readonly Fault[];
  server?: Partial<ServerOptions>;
  faultsMax?: number;
}

/** An interleaving check: fast-check schedules of real managers; its expectation is the model's verdict. */
export interface InterleavingInput extends CheckInput {
  /** A third process refreshes start to end when a command says so. */
  external: boolean;
}

/**
 * A theorem's counterexample to tell: a story (proofs/theorems.ts) or a fault set, at N = 2. Its shortest
 * trace, or `path`: a run of the theorem's configuration given step by step (`A:callUnauthorized`,
 * `world:becomeStale`), for a race the shortest trace does not show; the docs generator replays it on the
 * model and fails unless every step is enabled and its last step breaks `invariant`.
 */
export interface ExplainedCounterexample {
  /** The anchor in docs/spec.md and the file name under out/. */
  id: string;
  story?: string;
  faults?: readonly Fault[];
  server?: Partial<ServerOptions>;
  invariant: InvariantName;
  title: string;
  path?: readonly string[];
}

export interface FaultsTogether {
  processes: number;
  faultsMax: number;
  without?: readonly Fault[];
}

/** Where authrace checks a design, beyond what every design gets (see docs/architecture.md, "Adding a design"). */
export interface DesignChecks {
  /** N of the exhaustive theorems (every single fault the design admits, and none). */
  theoremProcesses: readonly number[];
  /**
   * Larger N explored without faults only (verify tier): the checks beyond `theoremProcesses` that the
   * argument about the number of processes rests on (docs/spec.md, "How many processes").
   */
  noFaultProcesses: readonly number[];
  /** Extra theorems at every N above: fault sets explored with a server grace window for the previous token. */
  graceFaults: readonly (readonly Fault[])[];
  /**
   * Theorems with every fault the design admits switched on together, each at most `faultsMax` times, at
   * these N (verify tier: up to tens of millions of states each), but the faults in `without`: a fault left
   * out is one whose state space is out of reach with the others (docs/spec.md, "Faults together").
   */
  faultsTogether: readonly FaultsTogether[];
  /** An extra theorem at N = 2: the server revokes the whole token family on reuse. */
  revokeOnReuse: boolean;
  /**
   * Explore a login or logout by another process that takes the lock the other way too (what the lock buys;
   * for 0.171, whose login and logout were seen to take it, `authrace codex 0.171.0 --scenario login-lock`): the
   * login and logout theorems are also explored with `loginTakesLock` the other way.
   */
  loginLockBothWays: boolean;
  /** Conformance at N = 2 beyond no faults, revoke and each driven single fault. */
  conformanceExtra: readonly CheckInput[];
  /** The login fault's conformance configuration is small enough for the test tier (else verify only). */
  conformLoginInTestTier: boolean;
  interleavings: readonly InterleavingInput[];
  /** The 8 x 200 stress acceptance run of `authrace verify`. */
  stressAcceptance: boolean;
  /** Counterexamples docs/spec.md tells step by step, each the shortest of its theorem at N = 2. */
  explained: readonly ExplainedCounterexample[];
}

/** Codex releases a design mirrors, inclusive; `to: null` is open-ended. */
export interface ReleaseRange {
  from: string;
  to: string | null;
}

export interface Design {
  /** Unique; the name used by `--variant` and in configuration names. */
  name: string;
  /** One line: what it is and which Codex versions (or proposal) it mirrors. */
  mirrors: string;
  /** The released Codex versions that follow it (none for a proposal). */
  releases: readonly ReleaseRange[];
  rules: DesignRules;
  mutants: readonly MutantRecord[];
  checks: DesignChecks;
}
