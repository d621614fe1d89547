/**
 * Rules broken on purpose. A mutant (a design's `mutants`, model/designs/) changes one rule of its design;
 * the reference implementation reads the same rule (impl/manager/), and the model applies it here as an
 * edit of the design's assembled table. So the explorer's hot path (the branches themselves) is the design's
 * wherever the broken rule does not touch it, and an intact design gets exactly the table it always got.
 * Edits reuse the table's own branches where they can, so they differ from the design only where they say.
 *
 * No location of its own: a broken rule that needs new steps (releaseBeforeSave) reuses locations a design
 * with a lock across the refresh never enters (`releaseAfterSave`, `persistWrite`), so model/branch.ts and
 * the XState machine, which read LOCATIONS, need no change.
 */
import type { Branch, EventBranches, Location, TransitionTable } from "./branch.js";
import type { ModelConfig } from "./config.js";
import { DISK_OK, DISK_TORN, type ModelData, readableDisk } from "./data.js";
import { processAt } from "./steps/shared.js";
import type { EventName } from "./vocabulary.js";

/** One table edit per breakable rule, applied when the configuration's rules break it. */
const RULE_EDITS: readonly {
  broken: (config: ModelConfig) => boolean;
  edit: (table: TransitionTable, config: ModelConfig) => TransitionTable;
}[] = [
  { broken: ({ rules }) => !rules.checksAccount, edit: withoutAccountCheck },
  { broken: ({ rules }) => !rules.comparesOnReload, edit: withoutCompare },
  { broken: ({ rules }) => rules.lockScope === "refresh" && rules.releaseBeforeSave, edit: unlockBeforeSave },
  { broken: ({ rules }) => rules.lockScope === "refresh" && !rules.rereadsAfterLock, edit: withoutReread },
  {
    broken: ({ rules }) => rules.lockScope === "refresh" && rules.writeMode === "in-place",
    edit: saveInPlace,
  },
  { broken: ({ rules }) => !rules.clearsPoison, edit: poisonNeverCleared },
];

/** The table of `config` with every broken rule's edit applied (unchanged for an intact design). */
export function applyBrokenRules(table: TransitionTable, config: ModelConfig): TransitionTable {
  let edited = table;
  for (const { broken, edit } of RULE_EDITS) if (broken(config)) edited = edit(edited, config);
  return edited;
}

/**
 * The read under the lock (or the guarded reload) Skips only for an unreadable file, not another account;
 * so does 401 recovery's Reload, which is the same guarded reload.
 */
function withoutAccountCheck(table: TransitionTable): TransitionTable {
  const location: Location = table.locations.rereadUnderLock.readDisk ? "rereadUnderLock" : "reload";
  const skipOnlyUnreadable = (where: Location) => (branches: Branch[]) => {
    const [skipped, ...rest] = branches;
    return [
      {
        ...required(skipped, `${where}.readDisk[0]`),
        label: "Skipped: unreadable or missing (account_id not compared); permanent error, cache untouched",
        guard: (data: ModelData, process: number) =>
          processAt(data, process).cache.accountId === 0 || readableDisk(data) === null,
      },
      ...rest,
    ];
  };
  const edited = editBranches(table, location, "readDisk", skipOnlyUnreadable(location));
  return editBranches(edited, "recoveryReload", "readDisk", skipOnlyUnreadable("recoveryReload"));
}

/** The guarded reload's Changed branch is removed (in refreshToken() and in recovery's Reload): always NoChange. */
function withoutCompare(table: TransitionTable): TransitionTable {
  const edited = editBranches(table, "reload", "readDisk", (branches) => withoutBranch(branches, "Changed"));
  return editBranches(edited, "recoveryReload", "readDisk", (branches) =>
    withoutBranch(branches, "Reload Changed"),
  );
}

/** A 200 leads to releaseAfterSave (releaseLock), then persistWrite (the locked write, then idle). */
function unlockBeforeSave(table: TransitionTable): TransitionTable {
  const release = required(table.locations.releaseAndReturn.releaseLock?.[0], "releaseAndReturn");
  const write = required(table.locations.writeUnderLock.writeDisk?.[0], "writeUnderLock");
  let edited = editBranches(table, "receive", "receiveResponse", ([ok, ...rest]) => [
    { ...required(ok, "receive.receiveResponse[0]"), target: "releaseAfterSave" },
    ...rest,
  ]);
  edited = withLocation(edited, "releaseAfterSave", {
    releaseLock: [{ ...release, label: "release the lock before saving", target: "persistWrite" }],
  });
  return withLocation(edited, "persistWrite", {
    writeDisk: [{ ...write, label: `${write.label}, without holding the lock`, target: "idle" }],
  });
}

/** acquireLock leads straight to post (or, poisoned, fails fast); rereadUnderLock is never entered. */
function withoutReread(table: TransitionTable): TransitionTable {
  return editBranches(table, "lockForRefresh", "acquireLock", ([take]) => {
    const acquire = required(take, "lockForRefresh.acquireLock[0]");
    const free = required(acquire.guard, "lockForRefresh.acquireLock[0].guard");
    return [
      {
        ...acquire,
        label: "take the lock; the cached snapshot is poisoned: fail fast without reading",
        fails: true,
        guard: (data, process) => free(data, process) && processAt(data, process).poisoned,
        target: "releaseAndReturn",
      },
      { ...acquire, label: "take the lock and POST the cached refresh token (no re-read)", target: "post" },
    ];
  });
}

/** The save under the lock writes in place; with tornWrite it leaves auth.json torn until flushDisk. */
function saveInPlace(table: TransitionTable, config: ModelConfig): TransitionTable {
  const torn = config.faults.includes("tornWrite");
  const flush: Branch = {
    label: "finish the in-place write",
    target: "releaseAndReturn",
    update: (data) => {
      if (data.disk.status === DISK_TORN) data.disk = { status: DISK_OK, snapshot: data.disk.snapshot };
      return undefined;
    },
  };
  const edited = editBranches(table, "writeUnderLock", "writeDisk", ([write]) => {
    const atomic = required(write, "writeUnderLock.writeDisk[0]");
    const update = required(atomic.update, "writeUnderLock.writeDisk[0].update");
    if (!torn) return [{ ...atomic, label: "write auth.json in place and cache what was written" }];
    return [
      {
        ...atomic,
        label: "truncate auth.json and start writing in place; cache what is being written",
        target: "persistFlush",
        update: (data, process) => {
          const signal = update(data, process);
          data.disk = { status: DISK_TORN, snapshot: data.disk.snapshot };
          return signal;
        },
      },
    ];
  });
  return torn ? withLocation(edited, "persistFlush", { flushDisk: [flush] }) : edited;
}

/** Every process branch but crash keeps a set poison flag set. */
function poisonNeverCleared(table: TransitionTable): TransitionTable {
  return {
    locations: Object.fromEntries(
      Object.entries(table.locations).map(([location, events]) => [location, keepPoison(events)]),
    ) as TransitionTable["locations"],
    // A crash loses the process's memory, poison included: that is not "clearing" it.
    anywhere: keepPoison(table.anywhere, ["crash"]),
    world: table.world,
  };
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`mutants: the design's table has no ${what} (table changed?)`);
  return value;
}

/** The branches without the one whose label starts with `label` (which must be there). */
function withoutBranch(branches: Branch[], label: string): Branch[] {
  const kept = branches.filter((branch) => !branch.label.startsWith(label));
  if (kept.length !== branches.length - 1) throw new Error(`mutants: no single '${label}' branch to remove`);
  return kept;
}

function editBranches(
  table: TransitionTable,
  location: Location,
  event: EventName,
  edit: (branches: Branch[]) => Branch[],
): TransitionTable {
  const events = table.locations[location];
  const branches = required(events[event], `${location}.${event}`);
  return withLocation(table, location, { ...events, [event]: edit(branches) });
}

function withLocation(table: TransitionTable, location: Location, events: EventBranches): TransitionTable {
  return { ...table, locations: { ...table.locations, [location]: events } };
}

function keepPoison(events: EventBranches, except: readonly EventName[] = []): EventBranches {
  return Object.fromEntries(
    Object.entries(events).map(([event, branches]) => [
      event,
      except.includes(event as EventName)
        ? branches
        : (branches as Branch[]).map((branch): Branch => {
            const update = branch.update;
            if (update === undefined) return branch;
            return {
              ...branch,
              update: (data, process) => {
                const poisoned = processAt(data, process).poisoned;
                const signal = update(data, process);
                if (poisoned) processAt(data, process).poisoned = true;
                return signal;
              },
            };
          }),
    ]),
  ) as EventBranches;
}
