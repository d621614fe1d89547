/** The auth manager: variants, pure decisions, flows and the AuthManager class. */
export { AuthManager, type AuthManagerOptions } from "./auth-manager.js";
export { cacheAfterReload, EMPTY_CACHE, replaceCache } from "./cache.js";
export {
  decideGuardedReload,
  decideLockedRead,
  decidePost,
  decideResponse,
  decideSave,
  type GuardedReloadDecision,
  type LockedReadDecision,
  type PostDecision,
  type ResponseDecision,
  type SaveDecision,
} from "./decide.js";
export { LOGGED_OUT_OR_SWITCHED } from "./errors.js";
export { REFRESH_WAITERS_MAX } from "./mutex.js";
export { canHandOut, isStale, TOKEN_REFRESH_INTERVAL_MS } from "./staleness.js";
export type {
  AuthResult,
  AuthSuccess,
  Cache,
  CachedAuth,
  CallOptions,
  ManagerError,
  ManagerErrorKind,
  Poison,
  TraceEvent,
  TraceEventName,
  TraceSink,
} from "./types.js";
export {
  type DesignRules,
  INTACT_RULES,
  rulesFor,
  type StalenessRule,
  type VariantRules,
} from "./variants.js";
