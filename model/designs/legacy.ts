/**
 * Codex <= 0.116.0, before PR #15357: auth() spends the cached refresh token with no reload and no account
 * check, and keeps the stale cache when the refresh fails (the seed's bug).
 */
import { type Design, INTACT_RULES } from "./types.js";

export const legacy: Design = {
  name: "legacy",
  mirrors: "Codex <= 0.116.0: auth() refreshes proactively from the cached token, no disk reload",
  releases: [{ from: "0.0.0", to: "0.116.999" }],
  rules: {
    staleAuth: "post-cached-token",
    lockScope: "none",
    lockKind: "mkdir",
    loginTakesLock: false,
    writeMode: "in-place",
    staleness: "last-refresh",
    inProcessLock: false,
    refreshFailureAsksLogin: true,
    knownCodePermanentOnAnyStatus: false,
    sendsRefreshReason: false,
    recoveryRefresh: "post-cached-token",
    poisons: false,
    ...INTACT_RULES,
  },
  mutants: [],
  checks: {
    theoremProcesses: [2, 3],
    noFaultProcesses: [4],
    graceFaults: [],
    faultsTogether: [{ processes: 2, faultsMax: 1 }],
    revokeOnReuse: false,
    loginLockBothWays: false,
    conformanceExtra: [],
    conformLoginInTestTier: false,
    interleavings: [{ processes: 2, external: false }],
    stressAcceptance: false,
    explained: [
      {
        id: "seed-legacy",
        story: "seed",
        invariant: "NoStaleRefreshSent",
        title: "The seed's story on legacy",
      },
    ],
  },
};
