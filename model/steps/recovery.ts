/**
 * 401 recovery as Codex runs it (UnauthorizedRecovery, `client.rs` and `auth.rs`): an API request with the
 * cached access token; a 401 takes the next recovery step and the request is sent again.
 *
 *   callUnauthorized (the request, answered 401) -> Reload (guarded reload: Skipped -> permanent error;
 *                                                    Changed or NoChange -> send the request again)
 *   sendRequest (the request again)  --200--> done; --401--> RefreshToken (the design's `recoveryRefresh`)
 *
 * The first request is the call itself (table.ts): a request answered 200 changes nothing, so the model
 * starts the call only when the API would answer 401. After RefreshToken Codex sends the request a third
 * time; whatever it answers recovery is Done and nothing changes, so the call ends with RefreshToken
 * (docs/spec.md, "Two simplifications" and "401 recovery").
 */
import type { Branch, EventBranches, Location } from "../branch.js";
import type { ModelConfig } from "../config.js";
import { apiAccepts } from "../data.js";
import { guardedReload } from "./refresh.js";
import { processAt } from "./shared.js";

/** Where recovery's RefreshToken step starts: the POST of the cached token, or the design's refreshToken(). */
function refreshTokenStep(config: ModelConfig): Location {
  if (config.rules.recoveryRefresh === "post-cached-token") return "post";
  return config.rules.lockScope === "refresh" ? "lockForRefresh" : "reload";
}

function answered(config: ModelConfig, on401: Branch[]): EventBranches {
  const expiryOnly = config.server.apiChecksExpiryOnly;
  return {
    sendRequest: [
      {
        label: "200: the access token is still valid; the call is done",
        guard: (data, process) => apiAccepts(data, processAt(data, process).cache, expiryOnly),
        target: "idle",
      },
      ...on401,
    ],
  };
}

/** The Reload step and the retried request. */
export function recovery(config: ModelConfig): Partial<Record<Location, EventBranches>> {
  const viaRefreshToken = config.rules.refreshFailureAsksLogin;
  const post = refreshTokenStep(config);
  const secondUnauthorized: Branch[] =
    post === "post"
      ? [
          {
            label: "401 again, the cached snapshot is poisoned: fail fast without network",
            fails: true,
            guard: (data, process) => processAt(data, process).poisoned,
            target: "idle",
          },
          {
            label: "401 again: RefreshToken POSTs the cached refresh token, no re-read of auth.json",
            target: "post",
            ...(viaRefreshToken ? { update: markViaRefreshToken } : {}),
          },
        ]
      : [{ label: "401 again: RefreshToken runs refreshToken()", target: post }];
  return {
    recoveryReload: { readDisk: reloadThenRetry(config) },
    retryRequest: answered(config, secondUnauthorized),
  };
}

/**
 * The guarded reload's branches (the same predicates as refreshToken()'s, so a mutant that breaks the
 * reload breaks both): Skipped ends the call with a permanent error; Changed adopts and NoChange keeps the
 * cache, and both send the request again. Poison is not looked at here (RefreshToken looks).
 */
function reloadThenRetry(config: ModelConfig): Branch[] {
  const [skipped, changed, , noChange] = guardedReload(config.rules).readDisk ?? [];
  if (!skipped || !changed || !noChange) throw new Error("recovery: the guarded reload's branches changed");
  return [
    { ...skipped, label: `Reload ${skipped.label}` },
    {
      ...changed,
      label: "Reload Changed: adopt the disk snapshot, send the request again",
      target: "retryRequest",
    },
    { label: "Reload NoChange: send the request again", target: "retryRequest" },
  ];
}

function markViaRefreshToken(data: Parameters<typeof processAt>[0], process: number): undefined {
  processAt(data, process).viaRefreshToken = true;
  return undefined;
}
