/** Every wait of the real-process scenarios, in one place. */
export const SCENARIO_LIMITS = {
  /**
   * simultaneous: how long the server holds back its answer after deciding. Both processes are told to
   * refresh at the same instant, so both re-read auth.json within a few ms; this delay keeps the winner's
   * save (and so R1 on disk) away until the loser has read R0 and POSTed it. 500 ms leaves margin on a busy
   * 2-core machine and keeps the run short. The default of `ScenarioOptions.raceResponseDelayMs`.
   */
  simultaneousResponseDelayMs: 500,
  /**
   * A single driver command (a refresh waits for the lock and the delayed server, well under this on an idle
   * machine). `--reply-timeout-ms` on scenario and stress replaces it, up to replyTimeoutMsMax.
   */
  replyTimeoutMs: 20_000,
  /**
   * stale-cache-expired and stale-cache-unreachable: how many refreshes after A's rotation get the refusal. More
   * than any run sends (legacy sends one per call: B asked, B asked again); one more would be answered as usual
   * and show in the POSTs.
   */
  refusedRefreshesMax: 16,
  /** The longest reply timeout a flag may ask for. */
  replyTimeoutMsMax: 600_000,
  /** Spawn -> ready line of one process. */
  readyTimeoutMs: 15_000,
  /** Asking a process to exit before it is killed. */
  exitTimeoutMs: 5_000,
  /** Waiting for a "stale after" fixture to turn stale: past the instant, for clock granularity. */
  staleMarginMs: 500,
  /** The longest `ScenarioOptions.staleAfterMs`: a run waits that long once. */
  staleAfterMsMax: 60_000,
  /** The longest server delay or start gap an option may ask for. */
  pauseMsMax: 10_000,
  /**
   * Runs of one scenario (or stress run) in all when processes of the binary crash by themselves
   * (scenarios/attempts.ts). 4: a binary that crashes in half of its starts (Codex 0.139) still gives a
   * verdict in 15 of 16 cases.
   */
  binaryAttemptsMax: 4,
} as const;
