/**
 * Every wait, retry and size limit of the Codex harness, in one place. Hitting one is an error that names
 * the limit (see `limitExceeded`), never a hang and never a silent truncation.
 */
export const CODEX_LIMITS = {
  /** `npm view` / `npm pack` of one platform package (a 60-180 MB tarball on a slow link). */
  npmPackTimeoutMs: 10 * 60_000,
  /** `npm view` for integrity and existence look-ups. */
  npmViewTimeoutMs: 60_000,
  /** `tar -xzf` of one tarball. */
  extractTimeoutMs: 2 * 60_000,
  /** `codex --version`. */
  versionCheckTimeoutMs: 15_000,
  /** Whole-tarball downloads attempted before a corrupt one is reported (the first try included). */
  downloadAttemptsMax: 2,
  /** Waiting for another process that holds the cache lock of a version (it may be downloading). */
  cacheLockWaitMs: 12 * 60_000,
  /** Files looked at while searching an extracted package for the binary. */
  packageFilesMax: 5_000,
  /** `codex app-server` startup: spawn -> `initialize` answered. */
  startupTimeoutMs: 30_000,
  /** One JSON-RPC request to app-server (a refresh against a delayed server included). */
  requestTimeoutMs: 20_000,
  /** Graceful exit after stdin is closed, before SIGKILL. */
  exitTimeoutMs: 5_000,
  /** A single line from app-server; a longer one is a protocol error. */
  lineMaxBytes: 4 * 1024 * 1024,
  /** Replies waiting for their id at once. */
  pendingRequestsMax: 64,
  /** Bytes of stderr kept in memory for a crash message (the whole stream goes to the log file). */
  stderrTailBytes: 4_096,
  /** The `unshare -n` probe. */
  namespaceProbeTimeoutMs: 10_000,
  /** Gap between starting two app-servers on one fresh CODEX_HOME (sqlite initialisation race). */
  startGapMs: 300,
} as const;

export type CodexLimitName = keyof typeof CODEX_LIMITS;

/** The message of a limit that was hit: names the limit and its value. */
export function limitExceeded(limit: CodexLimitName, what: string): string {
  return `${what}: limit ${limit} (${CODEX_LIMITS[limit]}) reached`;
}
