/**
 * Codex 0.117.0 (PR #15357) to 0.139: auth() goes through refreshToken()'s guarded reload; an in-process
 * lock only; auth.json truncated and rewritten in place.
 */
import { type Design, INTACT_RULES } from "./types.js";

/** One whole 401 recovery that refreshes: 401, Reload NoChange, the request again 401, POST, save (in place). */
const REFRESH_BY_RECOVERY = (actor: string): string[] =>
  ["callUnauthorized", "readDisk", "sendRequest", "sendRefresh", "receiveResponse"]
    .concat(["readDisk", "writeDisk", "readDisk"])
    .map((event) => `${actor}:${event}`);

export const guarded: Design = {
  name: "guarded",
  mirrors:
    "Codex 0.117.0 (PR #15357) to 0.139: guarded reload, in-process lock only, in-place truncating write",
  releases: [{ from: "0.117.0", to: "0.139.999" }],
  rules: {
    staleAuth: "refresh-token",
    lockScope: "none",
    lockKind: "mkdir",
    loginTakesLock: false,
    writeMode: "in-place",
    staleness: "expiry-then-last-refresh",
    inProcessLock: true,
    refreshFailureAsksLogin: false,
    knownCodePermanentOnAnyStatus: false,
    sendsRefreshReason: false,
    recoveryRefresh: "post-cached-token",
    poisons: true,
    ...INTACT_RULES,
  },
  mutants: [
    {
      name: "reload-without-compare",
      breaks:
        "The guarded reload never compares auth.json with the cache, so it always takes NoChange and POSTs the cached refresh token even when another process already rotated it.",
      alters: "The guarded reload's Changed branch is removed.",
      rules: { comparesOnReload: false },
    },
    {
      name: "poison-never-cleared",
      breaks:
        "A poisoned process stays poisoned when its cache changes (only a restart clears it), so after adopting another process's good token it still fails fast forever.",
      alters:
        "Every process branch but crash keeps a set poison flag set (adopting a different snapshot no longer clears it).",
      rules: { clearsPoison: false },
    },
  ],
  checks: {
    theoremProcesses: [2, 3],
    noFaultProcesses: [4],
    graceFaults: [],
    faultsTogether: [{ processes: 2, faultsMax: 1 }],
    revokeOnReuse: true,
    loginLockBothWays: false,
    conformanceExtra: [],
    conformLoginInTestTier: false,
    interleavings: [{ processes: 2, external: false }],
    stressAcceptance: true,
    explained: [
      {
        id: "simultaneous-guarded",
        story: "simultaneous",
        invariant: "NoStaleRefreshSent",
        title: "Both stale at once on guarded (R1)",
      },
      {
        id: "recovery-guarded",
        story: "recovery",
        invariant: "NoStaleRefreshSent",
        title: "401 recovery on guarded: both Reload R0 before either saves",
      },
      {
        id: "recovery-adopted-guarded",
        story: "recovery",
        invariant: "NoStaleRefreshSent",
        title: "401 recovery on guarded (R3): B adopts R1, A rotates R1 -> R2 and saves, B POSTs R1",
        path: [
          ...REFRESH_BY_RECOVERY("A"),
          "B:callUnauthorized",
          "B:readDisk",
          "world:becomeStale",
          ...REFRESH_BY_RECOVERY("A"),
          "B:sendRequest",
          "B:sendRefresh",
        ],
      },
      {
        id: "guarded-logout-undone",
        faults: ["logout"],
        invariant: "LogoutNeverUndone",
        title: "guarded: a refresh in flight undoes a logout",
      },
    ],
  },
};
