/**
 * A fix Codex would take: the lock Codex 0.171 already has, widened. 0.171 takes an exclusive flock(2) on
 * `$CODEX_HOME/auth.lock` around the save only; this design holds the same flock (on `auth.lock` beside
 * auth.json's real file, so homes symlinked to one auth.json share it) from the guarded reload, through the
 * decision and the POST, to the atomic save. The kernel drops the lock when the holder's process dies, so
 * there is no stale lock to reclaim: no orphaned lock after a crash, and no stall window in which a slow
 * holder loses its lock to a waiter. Waiting is bounded (a "busy" error, the cache untouched).
 */
import { type Design, INTACT_RULES } from "./types.js";

export const flocked: Design = {
  name: "flocked",
  mirrors:
    "Proposed fix for codex-rs: 0.171's flock on auth.lock held across guarded reload -> POST -> atomic save",
  releases: [],
  rules: {
    staleAuth: "refresh-token",
    lockScope: "refresh",
    lockKind: "flock",
    loginTakesLock: true,
    writeMode: "atomic",
    // The rest as Codex 0.171, the release the change is for.
    staleness: "expiry-early-then-last-refresh",
    inProcessLock: true,
    poisons: true,
    refreshFailureAsksLogin: false,
    knownCodePermanentOnAnyStatus: true,
    sendsRefreshReason: true,
    recoveryRefresh: "refresh-token",
    ...INTACT_RULES,
  },
  mutants: [
    {
      name: "flock-released-before-save",
      breaks:
        "The flock is released when the token endpoint answers 200, before the atomic save, so a waiter re-reads the old token and POSTs it.",
      alters:
        "A 200 leads to releaseAfterSave (releaseLock) and then persistWrite (the locked write, then idle) instead of writeUnderLock.",
      rules: { releaseBeforeSave: true },
    },
    {
      name: "flock-without-reread",
      breaks:
        "After taking the flock the waiter does not re-read auth.json: it POSTs its cached refresh token, which the previous holder may just have rotated.",
      alters:
        "acquireLock leads straight to post (or, poisoned, fails fast to releaseAndReturn); rereadUnderLock is never entered.",
      rules: { rereadsAfterLock: false },
    },
  ],
  checks: {
    theoremProcesses: [2, 3, 4],
    noFaultProcesses: [5],
    // No stall: a kernel lock is never taken from a live holder, so the fault does not apply.
    graceFaults: [["crash"], ["lostResponse"]],
    faultsTogether: [
      { processes: 2, faultsMax: 1 },
      { processes: 3, faultsMax: 1 },
    ],
    revokeOnReuse: true,
    loginLockBothWays: false,
    conformanceExtra: [
      { faults: ["crash"], server: { graceWindow: true } },
      { faults: ["lostResponse"], server: { graceWindow: true } },
    ],
    conformLoginInTestTier: true,
    interleavings: [
      { processes: 3, faults: ["transient", "login", "logout"], external: true },
      { processes: 3, faults: ["crash", "lostResponse"], server: { graceWindow: true }, external: true },
      { processes: 3, faults: ["crash"], external: true },
    ],
    stressAcceptance: true,
    explained: [
      {
        id: "flock-crash",
        faults: ["crash"],
        invariant: "NoStaleRefreshSent",
        title: "A kernel lock across the refresh: a crash after the server rotated (R6)",
      },
      {
        id: "flock-lost-response",
        faults: ["lostResponse"],
        invariant: "NoStaleRefreshSent",
        title: "A kernel lock across the refresh: a lost response",
      },
    ],
  },
};
