/** Bounded waiting shared by the lock adapters: a waiter retries with capped, jittered exponential backoff. */

export function sleep(durationMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, durationMs));
}

/** Exponential from minimumMs, capped at maximumMs, with jitter so waiters do not retry in lockstep. */
export function backoffMs(attempt: number, minimumMs: number, maximumMs: number): number {
  const capped = Math.min(maximumMs, minimumMs * 2 ** (attempt - 1));
  return capped / 2 + Math.random() * (capped / 2);
}
