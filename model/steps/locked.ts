/**
 * The proposed fix: one cross-process lock held from the re-read, through the decision and the POST, to the
 * atomic save. A waiter re-reads after acquiring and adopts what the previous holder saved.
 */
import type { EventBranches, Location } from "../branch.js";
import { DISK_OK, isStale, NO_SNAPSHOT, readableDisk } from "../data.js";
import { releaseLockBranch, takeLock } from "./refresh.js";
import { adoptDisk, diskDiffers, lockIsFree, processAt, reloadSkips } from "./shared.js";

export function lockedRefresh(): Partial<Record<Location, EventBranches>> {
  return {
    lockForRefresh: {
      acquireLock: [
        {
          label: "take the cross-process lock",
          guard: lockIsFree,
          target: "rereadUnderLock",
          update: takeLock,
        },
      ],
    },
    rereadUnderLock: {
      readDisk: [
        {
          label: "Skipped: unreadable, missing or another account; permanent error, cache untouched",
          fails: true,
          guard: reloadSkips,
          target: "releaseAndReturn",
          update: () => "loggedOut",
        },
        {
          label: "another process saved a fresh token: adopt it, no network",
          guard: (data, process) =>
            diskDiffers(data, process) && !isStale(data, readableDisk(data) ?? NO_SNAPSHOT),
          target: "releaseAndReturn",
          update: adoptDisk,
        },
        {
          label: "unchanged and poisoned: fail fast without network",
          fails: true,
          guard: (data, process) => !diskDiffers(data, process) && processAt(data, process).poisoned,
          target: "releaseAndReturn",
        },
        {
          label: "adopt the disk snapshot and POST the refresh token just read under the lock",
          target: "post",
          update: adoptDisk,
        },
      ],
    },
    writeUnderLock: {
      writeDisk: [
        {
          label: "write auth.json atomically (temp, fsync, rename, 0600) and cache what was written",
          target: "releaseAndReturn",
          update: (data, process) => {
            const record = processAt(data, process);
            const written = { ...record.pending, accountId: record.cache.accountId };
            data.disk = { status: DISK_OK, snapshot: written };
            record.cache = written;
            record.poisoned = false;
            record.pending = NO_SNAPSHOT;
            return undefined;
          },
        },
      ],
    },
  };
}

export function releaseAndReturn(): EventBranches {
  return { releaseLock: [releaseLockBranch("idle")] };
}
