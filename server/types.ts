/**
 * The token server's public shapes. Other folders (scenarios/, codex/, bench/) code against these names:
 * add fields, never rename.
 */

/**
 * Faults a test can queue for upcoming well-formed `POST /oauth/token` requests, consumed in order. What each
 * does: server/README.md; the ones answered without a decision: injected-answers.ts.
 */
export const FAULT_KINDS = [
  "drop-after-rotate",
  "status-500",
  "status-429",
  "status-401-expired",
  "reset-without-rotate",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export function isFaultKind(name: unknown): name is FaultKind {
  return typeof name === "string" && (FAULT_KINDS as readonly string[]).includes(name);
}

/** `count` requests in a row get this fault (default 1). */
export interface FaultSpec {
  kind: FaultKind;
  count?: number;
}

export const ACCESS_TOKEN_STYLES = ["jwt", "opaque"] as const;
/** `jwt`: an unsigned JWT with `exp`; `opaque`: `at-R<generation>` like Codex's own fixtures (`at-R0`). */
export type AccessTokenStyle = (typeof ACCESS_TOKEN_STYLES)[number];

/** Every limit of the server. Hitting one is an error that names it, never a silent truncation. */
export interface TokenServerLimits {
  /** Largest accepted request body; a larger one is answered 413. */
  requestBodyMaxBytes: number;
  /** Families the server keeps; one more is refused (`createFamily` throws, HTTP answers 507). */
  familiesMax: number;
  /** Token-endpoint requests recorded; once full, further token requests are answered 507, unrecorded. */
  recordedRequestsMax: number;
  /** Faults waiting in the queue (sum of counts). */
  pendingFaultsMax: number;
  /** Largest `responseDelayMs`. */
  responseDelayMaxMs: number;
}

export const DEFAULT_LIMITS: TokenServerLimits = {
  requestBodyMaxBytes: 16 * 1024,
  familiesMax: 1_000,
  recordedRequestsMax: 100_000,
  pendingFaultsMax: 1_000,
  responseDelayMaxMs: 60_000,
};

export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 3_600;

export interface TokenServerOptions {
  /** On reuse of a rotated-out token, revoke the whole family (Auth0/RFC 9700 style). Default false. */
  revokeFamilyOnReuse?: boolean;
  /** Accept the immediately previous refresh token once more, answering with the current tokens. */
  graceWindow?: boolean;
  /**
   * The API (`GET /backend-api/me`) judges an access token by its `exp` alone; default false: a rotated-out or
   * revoked family's access token gets 401 too.
   */
  apiChecksExpiryOnly?: boolean;
  /** Delay before answering a token request; the decision (and rotation) happens before the delay. */
  responseDelayMs?: number;
  accessTokenTtlSeconds?: number;
  accessTokenStyle?: AccessTokenStyle;
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Clock in epoch milliseconds for timestamps and token `exp`/`iat`; delays always use real timers. */
  now?: () => number;
  /** Faults queued before the first request. */
  faults?: readonly FaultSpec[];
  limits?: Partial<TokenServerLimits>;
  /** Called once per recorded token request, when the server has decided (before any delay). */
  onRequest?: (record: RequestRecord) => void;
  /** Called when a limit refuses a request (the message names the limit). */
  onLimitReached?: (message: string) => void;
}

export interface CreateFamilyOptions {
  accountId?: string;
  email?: string;
  planType?: string;
  userId?: string;
  /** Overrides the server's `accessTokenStyle` for this family. */
  accessToken?: AccessTokenStyle;
  /**
   * R0's access token only (later generations use the family's style): an opaque R0 carries no `exp`, so its
   * staleness is `last_refresh`'s alone on every Codex version, while rotated tokens still expire.
   */
  firstAccessToken?: AccessTokenStyle;
}

export interface FamilyTokens {
  familyId: string;
  accountId: string;
  email: string;
  refreshToken: string;
  accessToken: string;
  idToken: string;
}

export const VERDICTS = ["rotated", "grace", "reused", "revoked", "unknown", "bad-request", "fault"] as const;
/**
 * rotated: current token redeemed, family moved one generation on. grace: the immediately previous token
 * answered with the current tokens, no rotation. reused: an older rotated-out token (401
 * `refresh_token_reused`). revoked: any token of a revoked family (401 `refresh_token_invalidated`).
 * unknown: a token this server never issued (401 `refresh_token_invalidated`). bad-request: 400/405/413.
 * fault: an injected fault answered (or reset) without looking at the token: 500, 429, 401 expired, reset.
 */
export type Verdict = (typeof VERDICTS)[number];

export interface RequestRecord {
  /** 1, 2, 3... in the order the server decided. */
  seq: number;
  /** ISO time the request was decided (its body fully arrived). */
  at: string;
  /** HTTP method: POST, except for a 405 bad request. */
  method: string;
  /** The presented refresh token, whole (the HTTP view redacts it); null when none was readable. */
  refreshToken: string | null;
  /** The family that issued the presented token, null when unknown. */
  familyId: string | null;
  /** Generation of the presented token in its family (R0 = 0), null when unknown. */
  tokenGeneration: number | null;
  verdict: Verdict;
  /** HTTP status answered; 0 when the connection was dropped or reset (`drop-after-rotate`, `reset-without-rotate`). */
  status: number;
  /** `error.code` (or OAuth `error`) of the answer, null on 200 and on a dropped connection. */
  code: string | null;
  /** The presented token had already been rotated out when it arrived: the key measure. */
  staleSend: boolean;
  /** The injected fault this request consumed, if any. */
  fault: FaultKind | null;
  /** Codex 0.171 sends `refresh_reason` ("scheduled" on proactive refresh); null when absent. */
  refreshReason: string | null;
  /**
   * Who sent it, when the token URL says: its `sender` query parameter (`/oauth/token?sender=P3`; a stress
   * run gives each process its own URL, so a mixed run attributes every POST); null when absent.
   */
  sender: string | null;
}

export interface FamilyState {
  familyId: string;
  accountId: string;
  email: string;
  userId: string;
  planType: string;
  accessTokenStyle: AccessTokenStyle;
  /** Number of rotations so far: the current refresh token is R<generation>. */
  generation: number;
  refreshToken: string;
  accessToken: string;
  idToken: string;
  /** Rotated-out refresh tokens, oldest first (R0, R1, ...). */
  rotatedOut: readonly string[];
  revoked: boolean;
  /** The request whose reuse revoked the family. */
  revokedBySeq: number | null;
}

export interface ServerState {
  options: {
    revokeFamilyOnReuse: boolean;
    graceWindow: boolean;
    apiChecksExpiryOnly: boolean;
    responseDelayMs: number;
    accessTokenTtlSeconds: number;
    accessTokenStyle: AccessTokenStyle;
  };
  limits: TokenServerLimits;
  families: readonly FamilyState[];
  pendingFaults: readonly Required<FaultSpec>[];
  recordedRequests: number;
  staleSends: number;
  /** Token requests refused unrecorded because `recordedRequestsMax` was reached. */
  refusedRequests: number;
}

/** Which issued token a string is: its family, its generation (R0 = 0), refresh or access token. */
export type TokenIdentity =
  | { known: true; kind: "refresh" | "access"; familyId: string; generation: number }
  | { known: false; reason: "never-issued" | "ambiguous" };

export interface TokenServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `<url>/oauth/token`, the value for `CODEX_REFRESH_TOKEN_URL_OVERRIDE`. */
  tokenUrl: string;
  port: number;
  /**
   * This run's secret, generated at start: every control endpoint over HTTP needs `Authorization: Bearer
   * <controlSecret>` (server/control-access.ts). Hand it to the processes that drive this server; never log it.
   */
  controlSecret: string;
  /** A new token family at generation 0 (R0). Throws `TokenServerLimitError` past `familiesMax`. */
  createFamily(options?: CreateFamilyOptions): FamilyTokens;
  /** Queues a fault for upcoming requests. Throws `TokenServerLimitError` past `pendingFaultsMax`. */
  injectFault(fault: FaultSpec): void;
  requests(): readonly RequestRecord[];
  state(): ServerState;
  /** One family's state (null for an unknown id); cheaper than `state()` when many families exist. */
  family(familyId: string): FamilyState | null;
  /**
   * Which issued token a string is (refresh or access token, its family and generation), without exposing any
   * token: harnesses map what a process returned or saved to generations with it.
   */
  identifyToken(token: string): TokenIdentity;
  close(): Promise<void>;
}

/** A limit of `TokenServerLimits` was hit; the message names it. */
export class TokenServerLimitError extends Error {
  override name = "TokenServerLimitError";
  constructor(
    readonly limit: keyof TokenServerLimits,
    readonly value: number,
    what: string,
  ) {
    super(`${what}: limit ${limit} (${value}) reached`);
  }
}
