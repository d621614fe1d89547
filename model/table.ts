/**
 * Assembles the transition table of one configuration from the per-design steps in steps/.
 */
import { type Branch, type EventBranches, LOCATIONS, type Location, type TransitionTable } from "./branch.js";
import type { ModelConfig } from "./config.js";
import { apiAccepts, type ModelData, readableDisk } from "./data.js";
import type { DesignRules } from "./designs/index.js";
import { applyBrokenRules } from "./mutants.js";
import { lockedRefresh, releaseAndReturn } from "./steps/locked.js";
import { recovery } from "./steps/recovery.js";
import { guardedReload, persist, postAndReceive } from "./steps/refresh.js";
import { cacheIsStale, processAt } from "./steps/shared.js";
import { crashAnywhere, stallAnywhere, whileDown, worldEvents } from "./steps/world.js";
import type { CallEvent } from "./vocabulary.js";

/**
 * Where each call starts. `auth()` only refreshes a stale cache; a fresh one is returned as is. A design
 * that posts the cached token (legacy) skips the reload in auth(); a lock across the refresh comes first.
 * An API request answered 401 starts recovery (steps/recovery.ts) in every design; one answered 200 changes
 * nothing, so the call is enabled only when the API would reject the cached access token.
 */
function callTargets(rules: DesignRules): Record<CallEvent, Location> {
  if (rules.lockScope === "refresh") {
    return { callAuth: "lockForRefresh", callRefresh: "lockForRefresh", callUnauthorized: "recoveryReload" };
  }
  const auth: Location = rules.staleAuth === "post-cached-token" ? "post" : "reload";
  return { callAuth: auth, callRefresh: "reload", callUnauthorized: "recoveryReload" };
}

const CALL_LABELS: Record<CallEvent, string> = {
  callAuth: "auth() with a stale cache: refresh",
  callRefresh: "refreshToken()",
  callUnauthorized: "an API request with the cached access token gets 401: recovery's Reload step",
};

function idle(config: ModelConfig, isIdleWorld: (data: ModelData) => boolean): EventBranches {
  const targets = callTargets(config.rules);
  const expiryOnly = config.server.apiChecksExpiryOnly;
  const table: EventBranches = {};
  for (const call of config.calls) {
    const branch: Branch = {
      label: CALL_LABELS[call],
      guard: (data, process) => {
        if (processAt(data, process).cache.accountId === 0) return false;
        if (call === "callAuth" && !cacheIsStale(data, process)) return false;
        if (call === "callUnauthorized" && apiAccepts(data, processAt(data, process).cache, expiryOnly))
          return false;
        return config.overlap || isIdleWorld(data);
      },
      target: targets[call],
      update: noteSuccessorOnDisk,
    };
    table[call] = [branch];
  }
  return table;
}

/** A call begins: remember whether auth.json already holds a newer token of the cached token's family. */
function noteSuccessorOnDisk(data: ModelData, process: number): undefined {
  const record = processAt(data, process);
  const disk = readableDisk(data);
  record.successorOnDisk =
    disk !== null && disk.family === record.cache.family && disk.generation > record.cache.generation;
  return undefined;
}

/** Every branch that returns a process to idle ends its call: per-call memory is cleared there. */
function endingCalls(table: TransitionTable): TransitionTable {
  const end = (branch: Branch): Branch => {
    if (branch.target !== "idle") return branch;
    const update = branch.update;
    return {
      ...branch,
      update: (data, process) => {
        const signal = update?.(data, process);
        const record = processAt(data, process);
        record.successorOnDisk = false;
        record.viaRefreshToken = false;
        return signal;
      },
    };
  };
  const each = (events: EventBranches): EventBranches =>
    Object.fromEntries(
      Object.entries(events).map(([event, branches]) => [event, (branches as Branch[]).map(end)]),
    ) as EventBranches;
  return {
    locations: Object.fromEntries(
      Object.entries(table.locations).map(([location, events]) => [location, each(events)]),
    ) as TransitionTable["locations"],
    anywhere: each(table.anywhere),
    world: table.world,
  };
}

/**
 * Builds the table from the configuration's rules; rules broken on purpose (a mutant's) are table edits
 * applied last (model/mutants.ts). `othersIdle`
 * tells whether every process is idle or down (needed only when calls may not overlap); the explorer and the
 * machine each supply it from their own view of locations.
 */
export function buildTable(config: ModelConfig, othersIdle: (data: ModelData) => boolean): TransitionTable {
  const locations = Object.fromEntries(LOCATIONS.map((location) => [location, {}])) as Record<
    Location,
    EventBranches
  >;
  const scope = config.rules.lockScope;
  const afterSuccess: Location =
    scope === "refresh" ? "writeUnderLock" : scope === "save" ? "lockForSave" : "persistRead";
  const afterFailure: Location = scope === "refresh" ? "releaseAndReturn" : "idle";
  const { post, receive } = postAndReceive(config, afterSuccess, afterFailure);
  locations.idle = idle(config, othersIdle);
  locations.post = post;
  locations.receive = receive;
  locations.down = whileDown();
  locations.releaseAndReturn = releaseAndReturn();
  if (scope === "refresh") {
    Object.assign(locations, lockedRefresh());
  } else {
    locations.reload = guardedReload(config.rules);
    Object.assign(locations, persist(config));
  }
  Object.assign(locations, recovery(config));
  const table: TransitionTable = {
    locations,
    anywhere: { ...crashAnywhere(config), ...stallAnywhere(config) },
    world: worldEvents(config),
  };
  return endingCalls(applyBrokenRules(table, config));
}
