/** Re-exports for format.test.ts, plus a claims decoder that fails loudly. */
import { decodeJwt } from "../../../impl/storage/jwt.js";

export {
  formatAuthJson,
  makeSnapshot,
  OPENAI_AUTH_CLAIM,
  parseAuthJson,
  snapshotsEqual,
  withRefreshedTokens,
} from "../../../impl/storage/index.js";

export function decodeJwtForTest(token: string): Record<string, unknown> {
  const decoded = decodeJwt(token);
  if (!decoded.ok) throw new Error(decoded.problem);
  return decoded.claims;
}
