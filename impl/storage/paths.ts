/** Where Codex keeps its credentials: `$CODEX_HOME/auth.json`, and authrace's lock directory beside it. */
import { join } from "node:path";
import { AUTH_JSON_FILE_NAME } from "./schema.js";

export function authJsonPath(codexHome: string): string {
  return join(codexHome, AUTH_JSON_FILE_NAME);
}

/**
 * proper-lockfile's lock directory. Codex 0.171 takes an flock on `auth.lock` instead; the two mechanisms do
 * not see each other, so a `locked` process and a real 0.171 binary do not exclude one another.
 */
export function authLockPath(codexHome: string): string {
  return `${authJsonPath(codexHome)}.lock`;
}
