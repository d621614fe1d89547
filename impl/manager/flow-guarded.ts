/**
 * The flows of the designs without a lock across the refresh (docs/protocol.md, "Guarded reload" and "Persisting a
 * refreshed token"). Each function performs port calls in the documented order and leaves every choice to
 * decide.ts.
 *
 * The race these flows keep (R1), as steps:
 *   1. A and B both readDisk R0 (NoChange).
 *   2. A POSTs R0: 200, the server rotates to R1; A saves R1.
 *   3. B POSTs R0: 401 refresh_token_reused; B is poisoned until a later reload adopts R1.
 * A lock around the save only (lockScope "save") does not help: it is taken after the POST.
 */

import type { WriteMode } from "../ports/types.js";
import type { RefreshedTokens } from "../storage/index.js";
import { cacheAfterReload } from "./cache.js";
import { decideGuardedReload, decidePost, decideResponse, decideSave } from "./decide.js";
import { lockError, persistError } from "./errors.js";
import { FLOW_OK, type FlowContext, type FlowResult, flowError } from "./flow-context.js";
import { refreshTimestamp } from "./staleness.js";

/**
 * refreshToken() (and, as one call, the 401 recovery Reload -> RefreshToken): readDisk; Skipped -> error;
 * Changed -> adopt disk, no network; NoChange -> POST the cached token and save.
 */
export async function guardedRefresh(context: FlowContext): Promise<FlowResult> {
  const read = await context.io.readDisk();
  const reload = decideGuardedReload(context.cache(), read, context.rules);
  if (reload.kind === "skipped") return flowError(reload.error);
  if (reload.kind === "changed") {
    context.setCache(reload.cache);
    return FLOW_OK;
  }
  return refreshCachedToken(context);
}

/** POST the cached refresh token (no re-read of disk), then save. legacy's auth() does only this. */
export async function refreshCachedToken(context: FlowContext): Promise<FlowResult> {
  const post = decidePost(context.cache(), context.rules);
  if (post.kind === "fail") return flowError(post.error);
  const response = await context.io.refresh(post.snapshot.tokens.refreshToken);
  const decision = decideResponse(context.cache(), post.snapshot, response, context.rules);
  if (decision.kind === "fail") {
    context.setCache(decision.cache);
    return flowError(decision.error);
  }
  return saveRefreshed(context, decision.tokens);
}

/** [acquireLock] readDisk writeDisk [releaseLock] readDisk: re-read, merge, write, then reload the cache. */
async function saveRefreshed(context: FlowContext, tokens: RefreshedTokens): Promise<FlowResult> {
  const { rules } = context;
  if (rules.lockScope === "refresh") throw new Error(`saveRefreshed called for ${rules.variant}`);
  let saved: FlowResult;
  if (rules.lockScope === "save") {
    const acquired = await context.io.acquireLock();
    if (!acquired.ok) return flowError(persistError(lockError(acquired.error).message));
    try {
      saved = await rereadAndWrite(context, tokens, rules.writeMode);
    } finally {
      await context.io.releaseLock();
    }
  } else {
    saved = await rereadAndWrite(context, tokens, rules.writeMode);
  }
  if (!saved.ok) return saved;
  const reloaded = await context.io.readDisk();
  context.setCache(cacheAfterReload(context.cache(), reloaded, context.rules));
  return FLOW_OK;
}

async function rereadAndWrite(
  context: FlowContext,
  tokens: RefreshedTokens,
  mode: WriteMode,
): Promise<FlowResult> {
  const reread = await context.io.readDisk();
  const decision = decideSave(reread, tokens, refreshTimestamp(context.clock.nowMs()));
  if (decision.kind === "fail") return flowError(decision.error);
  const written = await context.io.writeDisk(decision.snapshot, mode);
  return written.ok ? FLOW_OK : flowError(persistError(written.error.message));
}
