/**
 * The in-process refresh lock (Codex PR #15798): one per AuthManager instance, never shared, so two managers
 * in one process still race each other (race R2). Waiters queue in arrival order, up to a named limit.
 */

export const REFRESH_WAITERS_MAX = 64;

export type MutexResult<T> = { ok: true; value: T } | { ok: false; message: string };

export class RefreshMutex {
  private tail: Promise<void> = Promise.resolve();
  private queued = 0;

  async run<T>(work: () => Promise<T>): Promise<MutexResult<T>> {
    if (this.queued >= REFRESH_WAITERS_MAX) {
      return { ok: false, message: `${this.queued} refreshes already queued (REFRESH_WAITERS_MAX)` };
    }
    this.queued += 1;
    const previous = this.tail;
    let releaseNext: () => void = () => undefined;
    this.tail = new Promise<void>((resolve) => {
      releaseNext = resolve;
    });
    try {
      await previous;
      return { ok: true, value: await work() };
    } finally {
      this.queued -= 1;
      releaseNext();
    }
  }
}
