/**
 * The one vocabulary of authrace. Model events, implementation trace events, scenario verbs, docs headings
 * and CLI output all use these names; nothing else invents its own.
 */

/**
 * A design's name (legacy, guarded, ...). The designs themselves are records in model/designs/; this is only
 * the name a configuration, a CLI flag or a trace carries.
 */
export type Variant = string;

/** Calls a caller makes on one auth manager. */
export const CALL_EVENTS = ["callAuth", "callRefresh", "callUnauthorized"] as const;

/** I/O completions of one auth manager: one per port call of the implementation. */
export const IO_EVENTS = [
  "acquireLock", // the cross-process lock is granted
  "readDisk", // auth.json is read (guarded reload, persist re-read, reload after save)
  "sendRefresh", // POST /oauth/token reaches the server, which rotates or rejects
  "receiveResponse", // the token endpoint's answer is delivered to the manager
  "sendRequest", // an API request with the cached access token is answered (200, or 401 when no longer valid)
  "writeDisk", // auth.json is written (in place, or temp+fsync+rename)
  "flushDisk", // an in-place write completes (only where torn writes are modelled)
  "releaseLock", // the cross-process lock is released
] as const;

/** Time and the world around the processes. */
export const ENVIRONMENT_EVENTS = ["becomeStale", "expireLock"] as const;

/** Fault events: a process or the world misbehaving (the faults below say which switch enables which). */
export const FAULT_EVENTS = [
  "crash",
  "restart",
  "loseResponse",
  "serverError",
  "login",
  "relogin",
  "logout",
] as const;

export type CallEvent = (typeof CALL_EVENTS)[number];
export type IoEvent = (typeof IO_EVENTS)[number];
export type EnvironmentEvent = (typeof ENVIRONMENT_EVENTS)[number];
export type FaultEvent = (typeof FAULT_EVENTS)[number];
export type EventName = CallEvent | IoEvent | EnvironmentEvent | FaultEvent;

/**
 * The faults: each one's switch name (in a configuration and on the CLI), the events that carry it, whether
 * it counts against the configuration's budget (`faultsMax`, counted in the state as `faultsUsed`), and what a
 * design must have for it to apply. Everything else (the state's counters, its key, the fault sets of the
 * theorems, conformance) is built from this list.
 */
export const FAULT_LIST = [
  {
    name: "crash",
    events: ["crash", "restart"],
    counted: true,
    requires: null,
    meaning: "a process dies at any step and restarts with an empty cache (loads auth.json again)",
  },
  {
    name: "lostResponse",
    events: ["loseResponse"],
    counted: true,
    requires: null,
    meaning: "the server rotated but its response never arrives",
  },
  {
    name: "transient",
    events: ["serverError"],
    counted: true,
    requires: null,
    meaning: "the server answers 500/429 without rotating",
  },
  {
    name: "login",
    events: ["login"],
    counted: true,
    requires: null,
    meaning: "another process logs in to another account on disk",
  },
  {
    name: "relogin",
    events: ["relogin"],
    counted: true,
    requires: null,
    meaning:
      "another process logs in again to account A: a new token family for the same account (the old one stays valid on the server)",
  },
  {
    name: "logout",
    events: ["logout"],
    counted: true,
    requires: null,
    meaning: "another process logs out (removes auth.json)",
  },
  {
    name: "tornWrite",
    events: ["flushDisk"],
    counted: false,
    requires: "in-place-write",
    meaning: "a reader sees a half-written file (in-place writes only)",
  },
  {
    name: "stall",
    events: ["expireLock"],
    counted: true,
    requires: "reclaimable-lock",
    meaning: "a lock holder stalls past the lock's stale time and its lock is reclaimed",
  },
] as const satisfies readonly {
  name: string;
  events: readonly EventName[];
  counted: boolean;
  requires: "in-place-write" | "reclaimable-lock" | null;
  meaning: string;
}[];

export type Fault = (typeof FAULT_LIST)[number]["name"];
export const FAULTS: readonly Fault[] = FAULT_LIST.map((fault) => fault.name);
/** Faults counted against the budget: one counter each in the model state. */
export type CountedFault = Extract<(typeof FAULT_LIST)[number], { counted: true }>["name"];
export const COUNTED_FAULTS = FAULT_LIST.filter((fault) => fault.counted).map(
  (fault) => fault.name,
) as readonly CountedFault[];

export function faultSpec(fault: Fault): (typeof FAULT_LIST)[number] {
  const spec = FAULT_LIST.find((entry) => entry.name === fault);
  if (!spec) throw new RangeError(`vocabulary: no fault '${fault}'`);
  return spec;
}

/** Named invariants; statements live in proofs/invariants.ts and docs/spec.md. */
export const INVARIANTS = [
  "NoStaleRefreshSent",
  "NoSupersededSend",
  "DiskNeverRegresses",
  "AccountNeverMixed",
  "NoSpuriousLogout",
  "LogoutNeverUndone",
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
