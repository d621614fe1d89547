/**
 * The one vocabulary of authrace. Model events, implementation trace events, scenario verbs, docs headings
 * and CLI output all use these names; nothing else invents its own.
 */

/** Auth-manager designs, each mirroring real Codex versions (see docs/spec.md). */
export const VARIANTS = ["legacy", "guarded", "persist-locked", "locked"] as const;
export type Variant = (typeof VARIANTS)[number];

export const VARIANT_VERSIONS: Record<Variant, string> = {
  legacy: "Codex <= 0.116.0: auth() refreshes proactively from the cached token, no disk reload",
  guarded:
    "Codex 0.117.0 (PR #15357) to 0.139: guarded reload, in-process lock only, in-place truncating write",
  "persist-locked": "Codex 0.171.0 as observed: file lock and temp+fsync+rename around the save only",
  locked: "Proposed fix: one cross-process lock held across re-read -> decide -> POST -> atomic save",
};

export function isVariant(name: string): name is Variant {
  return (VARIANTS as readonly string[]).includes(name);
}

/** Calls a caller makes on one auth manager. */
export const CALL_EVENTS = ["callAuth", "callRefresh", "callUnauthorized"] as const;

/** I/O completions of one auth manager: one per port call of the implementation. */
export const IO_EVENTS = [
  "acquireLock", // the cross-process lock is granted
  "readDisk", // auth.json is read (guarded reload, persist re-read, reload after save)
  "sendRefresh", // POST /oauth/token reaches the server, which rotates or rejects
  "receiveResponse", // the token endpoint's answer is delivered to the manager
  "writeDisk", // auth.json is written (in place, or temp+fsync+rename)
  "flushDisk", // an in-place write completes (only where torn writes are modelled)
  "releaseLock", // the cross-process lock is released
] as const;

/** Time and the world around the processes. */
export const ENVIRONMENT_EVENTS = ["becomeStale", "expireLock"] as const;

/** Faults, each switchable per configuration. */
export const FAULT_EVENTS = ["crash", "restart", "loseResponse", "serverError", "login", "logout"] as const;

export type CallEvent = (typeof CALL_EVENTS)[number];
export type IoEvent = (typeof IO_EVENTS)[number];
export type EnvironmentEvent = (typeof ENVIRONMENT_EVENTS)[number];
export type FaultEvent = (typeof FAULT_EVENTS)[number];
export type EventName = CallEvent | IoEvent | EnvironmentEvent | FaultEvent;

/** Fault switches of a configuration. */
export const FAULTS = [
  "crash", // a process dies at any step and restarts with an empty cache (loads auth.json again)
  "lostResponse", // the server rotated but its response never arrives
  "transient", // the server answers 500/429 without rotating
  "login", // another process logs in to another account on disk
  "logout", // another process logs out (removes auth.json)
  "tornWrite", // a reader sees a half-written file (in-place writes only)
  "stall", // a lock holder stalls past the lock's stale time and its lock is reclaimed
] as const;
export type Fault = (typeof FAULTS)[number];

/** Named invariants; statements live in proofs/invariants.ts and docs/spec.md. */
export const INVARIANTS = [
  "NoStaleRefreshSent",
  "DiskNeverRegresses",
  "AccountNeverMixed",
  "NoSpuriousLogout",
  "NoDeadlock",
  "Converges",
] as const;
export type InvariantName = (typeof INVARIANTS)[number];

/** Token endpoint error codes (401 body `{"error":{"code":X}}`), as Codex classifies them. */
export const REFRESH_ERROR_CODES = {
  expired: "refresh_token_expired",
  reused: "refresh_token_reused",
  invalidated: "refresh_token_invalidated",
} as const;

/** Codex's OAuth client id, sent in every refresh request. */
export const CODEX_CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann";
