/** auth.json storage: the typed schema, parsing, formatting, fixtures and reading. */

export { DEFAULT_ACCOUNT_ID, formatAuthJson, makeSnapshot, type SnapshotFields } from "./format.js";
export { type IdTokenResult, parseIdToken } from "./id-token.js";
export { encodeJwt, jwtExpirySeconds, OPENAI_AUTH_CLAIM } from "./jwt.js";
export { parseAuthJson } from "./parse.js";
export { authJsonPath, authLockPath, FLOCK_FILE_NAME, MKDIR_LOCK_NAME } from "./paths.js";
export { readAuthJson } from "./read.js";
export {
  AUTH_JSON_BYTES_MAX,
  AUTH_JSON_FILE_NAME,
  AUTH_MODES,
  type AuthMode,
  type IdTokenInfo,
  type Snapshot,
  type SnapshotResult,
  type StorageError,
  type StorageErrorKind,
  type TokenData,
} from "./schema.js";
export { describeSnapshot, type RefreshedTokens, snapshotsEqual, withRefreshedTokens } from "./snapshot.js";
