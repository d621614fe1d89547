/**
 * Codex 0.171.0 as observed with strace: as guarded, plus an flock on auth.lock and temp + fsync + rename
 * around the save only. The lock is taken after the POST, so it orders saves, not token redemption.
 */
import { type Design, INTACT_RULES } from "./types.js";

export const persistLocked: Design = {
  name: "persist-locked",
  mirrors:
    "Codex 0.171.0 as observed: flock on auth.lock and temp+fsync+rename around the save only; stale 5 minutes before exp",
  releases: [{ from: "0.171.0", to: null }],
  rules: {
    staleAuth: "refresh-token",
    lockScope: "save",
    lockKind: "flock",
    loginTakesLock: true,
    writeMode: "atomic",
    staleness: "expiry-early-then-last-refresh",
    inProcessLock: true,
    refreshFailureAsksLogin: false,
    knownCodePermanentOnAnyStatus: true,
    sendsRefreshReason: true,
    recoveryRefresh: "post-cached-token",
    poisons: true,
    ...INTACT_RULES,
  },
  mutants: [],
  checks: {
    theoremProcesses: [2, 3],
    noFaultProcesses: [4],
    graceFaults: [],
    // N = 3 with logins too is out of reach (N = 2 alone has 16 M states): crashes, answers and logout.
    faultsTogether: [
      { processes: 2, faultsMax: 1 },
      { processes: 3, faultsMax: 1, without: ["login", "relogin"] },
    ],
    revokeOnReuse: false,
    loginLockBothWays: true,
    conformanceExtra: [],
    conformLoginInTestTier: false,
    interleavings: [{ processes: 2, external: false }],
    stressAcceptance: false,
    explained: [],
  },
};
