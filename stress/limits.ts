/**
 * Every limit and default of a stress run, in one place. A value past a limit is refused with a message naming
 * the limit (the CLI's usage errors, `checkStressSettings` for library callers), never clamped.
 */
export const STRESS_LIMITS = {
  /**
   * Driver processes at once: each is a Node process (its peak resident set is in every report; about 60-70 MB
   * measured), so 64 of them take about 4 GB on a 2-core machine.
   */
  processesMax: 64,
  /** Calls each process makes. The run's token server records processesMax x callsMax requests (world.ts). */
  callsMax: 2_000,
  /** The largest `delayMaxMs`: the pause before each call is drawn from [0, delayMaxMs]. */
  delayMaxMs: 1_000,
  /** The largest access-token lifetime; past it auth() would never find a token stale during a run. */
  tokenTtlSecondsMax: 3_600,
  /** The largest server delay before each answer. */
  serverDelayMsMax: 1_000,
  /** Logins after a family revocation; the token server keeps reloginsMax + 1 families. */
  reloginsMax: 1_000,
  /**
   * A "stale after" fixture (a Codex app-server, stress/world.ts) stays fresh this much longer per process past
   * two: one app-server start and the gap before it, with margin on a busy 2-core machine.
   */
  startAllowanceMs: 1_500,
  /** Waiting for a "stale after" fixture: past the instant, for clock granularity. */
  staleMarginMs: 500,
  /** Seeds are unsigned 32-bit integers: the generator's whole state. */
  seedMax: 0xffff_ffff,
} as const;

export interface StressSettings {
  processes: number;
  /** Calls per process. */
  calls: number;
  seed: number;
  /** The pause before each call is drawn from [0, delayMaxMs]. */
  delayMaxMs: number;
  /** Lifetime of the JWT access tokens the server mints (their `exp`); 0: stale at once. */
  tokenTtlSeconds: number;
  /** How long the server holds each answer after deciding (rotation happens before the delay). */
  serverDelayMs: number;
}

/**
 * The acceptance run is 8 x 200. Delays of up to 20 ms keep processes overlapping without making the
 * run slow; a 1 s token lifetime makes auth() find its cache stale every few calls.
 */
export const STRESS_DEFAULTS: Readonly<Omit<StressSettings, "seed">> = {
  processes: 8,
  calls: 200,
  delayMaxMs: 20,
  tokenTtlSeconds: 1,
  serverDelayMs: 0,
};

/** The bounds of each setting, inclusive, with the limit's name for messages. */
export const SETTING_BOUNDS: Readonly<
  Record<keyof StressSettings, { min: number; max: number; limit: string }>
> = {
  processes: { min: 1, max: STRESS_LIMITS.processesMax, limit: "processesMax" },
  calls: { min: 1, max: STRESS_LIMITS.callsMax, limit: "callsMax" },
  seed: { min: 0, max: STRESS_LIMITS.seedMax, limit: "seedMax" },
  delayMaxMs: { min: 0, max: STRESS_LIMITS.delayMaxMs, limit: "delayMaxMs" },
  tokenTtlSeconds: { min: 0, max: STRESS_LIMITS.tokenTtlSecondsMax, limit: "tokenTtlSecondsMax" },
  serverDelayMs: { min: 0, max: STRESS_LIMITS.serverDelayMsMax, limit: "serverDelayMsMax" },
};

/** The first setting outside its bounds, as a message naming the limit; null when all are within. */
export function checkStressSettings(settings: StressSettings): string | null {
  for (const [key, bounds] of Object.entries(SETTING_BOUNDS)) {
    const value = settings[key as keyof StressSettings];
    if (!Number.isInteger(value) || value < bounds.min || value > bounds.max) {
      return `${key} must be an integer in [${bounds.min}, ${bounds.max}] (${bounds.limit}), got ${value}`;
    }
  }
  return null;
}
