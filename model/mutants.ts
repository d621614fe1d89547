/**
 * Mutants: broken variants kept on purpose (issue #4, section 7). Each one takes a design that holds an
 * invariant in some configuration and breaks exactly one rule of it; the explorer must find the break
 * (proofs/mutants.ts pins where), and the same rule change in the implementation (impl/manager/variants.ts,
 * MUTANT_RULES) must be caught by conformance. The names are shared vocabulary: the implementation imports
 * them from here.
 *
 * A mutant is a table edit applied once by buildTable, after the base design's table is assembled: the
 * explorer's hot path (the branches themselves) is the base's wherever the mutant does not touch it, and a
 * configuration without a mutant gets exactly the table it always got. Mutant edits reuse the base table's
 * own branches where they can, so they differ from the base only where they say.
 *
 * No location of its own: a mutant that needs new steps (unlock-before-save) reuses locations its base
 * design never enters (`releaseAfterSave`, `persistWrite`), so model/branch.ts and the XState machine, which
 * read LOCATIONS, need no change.
 */
import type { Branch, EventBranches, Location, TransitionTable } from "./branch.js";
import type { ModelConfig } from "./config.js";
import { DISK_OK, DISK_TORN, readableDisk } from "./data.js";
import { processAt } from "./steps/shared.js";
import type { EventName, Variant } from "./vocabulary.js";

export const MUTANT_NAMES = [
  "no-account-check",
  "reload-without-compare",
  "unlock-before-save",
  "no-reread-after-lock",
  "save-in-place",
  "poison-never-cleared",
] as const;
export type MutantName = (typeof MUTANT_NAMES)[number];

export function isMutantName(name: string): name is MutantName {
  return (MUTANT_NAMES as readonly string[]).includes(name);
}

export interface Mutant {
  name: MutantName;
  /** The design this mutant breaks; a configuration with this mutant must use this variant. */
  base: Variant;
  /** One sentence: the rule of the base design it drops. */
  breaks: string;
  /** One sentence: how its transition table differs from the base's. */
  alters: string;
  /** Its save is an in-place truncating write, so the `tornWrite` fault applies to it. */
  writesInPlace: boolean;
  edit(table: TransitionTable, config: ModelConfig): TransitionTable;
}

export const MUTANTS: Record<MutantName, Mutant> = {
  "no-account-check": {
    name: "no-account-check",
    base: "locked",
    breaks:
      "The read under the lock does not compare account_id: another account's auth.json is adopted (and its token POSTed) as if it were this process's own.",
    alters:
      "rereadUnderLock's Skipped branch fires only for an unreadable file (or no cached account), not for another account.",
    writesInPlace: false,
    edit: (table) =>
      editBranches(table, "rereadUnderLock", "readDisk", ([skipped, ...rest]) => [
        {
          ...required(skipped, "rereadUnderLock.readDisk[0]"),
          label: "Skipped: unreadable or missing (account_id not compared); permanent error, cache untouched",
          guard: (data, process) =>
            processAt(data, process).cache.accountId === 0 || readableDisk(data) === null,
        },
        ...rest,
      ]),
  },
  "reload-without-compare": {
    name: "reload-without-compare",
    base: "guarded",
    breaks:
      "The guarded reload never compares auth.json with the cache, so it always takes NoChange and POSTs the cached refresh token even when another process already rotated it.",
    alters: "The guarded reload's Changed branch is removed.",
    writesInPlace: false,
    edit: (table) =>
      editBranches(table, "reload", "readDisk", (branches) => withoutBranch(branches, "Changed")),
  },
  "unlock-before-save": {
    name: "unlock-before-save",
    base: "locked",
    breaks:
      "The cross-process lock is released when the token endpoint answers 200, before the atomic save, so a waiter re-reads the old token and POSTs it.",
    alters:
      "A 200 leads to releaseAfterSave (releaseLock) and then persistWrite (the locked write, then idle) instead of writeUnderLock.",
    writesInPlace: false,
    edit: (table) => {
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
    },
  },
  "no-reread-after-lock": {
    name: "no-reread-after-lock",
    base: "locked",
    breaks:
      "After acquiring the lock the waiter does not re-read auth.json: it POSTs its cached refresh token, which the previous holder may just have rotated.",
    alters:
      "acquireLock leads straight to post (or, poisoned, fails fast to releaseAndReturn); rereadUnderLock is never entered.",
    writesInPlace: false,
    edit: (table) =>
      editBranches(table, "lockForRefresh", "acquireLock", ([take]) => {
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
          {
            ...acquire,
            label: "take the lock and POST the cached refresh token (no re-read)",
            target: "post",
          },
        ];
      }),
  },
  "save-in-place": {
    name: "save-in-place",
    base: "locked",
    breaks:
      "The save under the lock truncates auth.json and writes it in place instead of temp + fsync + rename, so a crash mid-write leaves a torn file that every later reader (restart included) fails to parse.",
    alters:
      "With the tornWrite fault, writeUnderLock leaves auth.json torn and goes to persistFlush, whose flushDisk completes it before releaseAndReturn.",
    writesInPlace: true,
    edit: (table, config) => {
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
    },
  },
  "poison-never-cleared": {
    name: "poison-never-cleared",
    base: "guarded",
    breaks:
      "A poisoned process stays poisoned when its cache changes (only a restart clears it), so after adopting another process's good token it still fails fast forever.",
    alters:
      "Every process branch but crash keeps a set poison flag set (adopting a different snapshot no longer clears it).",
    writesInPlace: false,
    edit: (table) => ({
      locations: Object.fromEntries(
        Object.entries(table.locations).map(([location, events]) => [location, keepPoison(events)]),
      ) as TransitionTable["locations"],
      // A crash loses the process's memory, poison included: that is not "clearing" it.
      anywhere: keepPoison(table.anywhere, ["crash"]),
      world: table.world,
    }),
  },
};

/** The table of `config` with its mutant's edit applied (unchanged without a mutant). */
export function applyMutant(table: TransitionTable, config: ModelConfig): TransitionTable {
  if (config.mutant === undefined) return table;
  return MUTANTS[config.mutant].edit(table, config);
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`mutants: the base table has no ${what} (table changed?)`);
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
