/**
 * Successors of one explorer state: every enabled event of every process and of the world, applied to a
 * copy of the data, with the signals the invariants need. The same table drives the XState machine.
 */
import type { Branch, Location, Signal, TransitionTable } from "../model/branch.js";
import { enabledBranch } from "../model/branch.js";
import type { ModelConfig } from "../model/config.js";
import { cloneData, type ModelData, normalized } from "../model/data.js";
import { buildTable } from "../model/table.js";
import type { EventName } from "../model/vocabulary.js";
import type { ExplorerState } from "./state.js";

/** One step: which process (or -1 for the world) took which event, and what it led to. */
export interface Step {
  event: EventName;
  /** Index of the process in the state the step was taken from; -1 for world events. */
  process: number;
  branch: Branch;
  fault: boolean;
  signal: Signal | undefined;
  /** The data right before normalisation (same generation names as `before`), for transition invariants. */
  raw: ModelData;
  next: ExplorerState;
}

export interface Stepper {
  config: ModelConfig;
  table: TransitionTable;
  successors(state: ExplorerState): Step[];
  successor(state: ExplorerState, event: EventName, process: number): Step | undefined;
}

/** The table's events listed once per stepper: per location, region-wide ("anywhere"), and the world's. */
export interface EventLists {
  byLocation: Map<Location, [EventName, Branch[]][]>;
  anywhere: [EventName, Branch[]][];
  world: [EventName, Branch[]][];
}

export function eventLists(table: TransitionTable): EventLists {
  const byLocation = new Map(
    Object.entries(table.locations).map(([location, events]) => [location, Object.entries(events)]),
  ) as Map<Location, [EventName, Branch[]][]>;
  return {
    byLocation,
    anywhere: Object.entries(table.anywhere) as [EventName, Branch[]][],
    world: Object.entries(table.world) as [EventName, Branch[]][],
  };
}

function apply(state: ExplorerState, event: EventName, process: number, branch: Branch): Step {
  // States are never mutated once built, so a step that only moves a process shares its data.
  const data = branch.update ? cloneData(state.data) : state.data;
  const signal = branch.update?.(data, process);
  const next = branch.update ? normalized(data) : data;
  let locations = state.locations;
  if (process >= 0 && branch.target !== undefined && branch.target !== state.locations[process]) {
    locations = [...state.locations];
    locations[process] = branch.target;
  }
  return {
    event,
    process,
    branch,
    fault: branch.fault === true,
    signal,
    raw: data,
    next: { locations, data: next },
  };
}

/** Visits a step: the acting process (-1: the world), its event and the branch it takes. */
export type StepVisitor = (process: number, event: EventName, branch: Branch) => void;

/**
 * Every enabled step of every process, then of the world, in the one order both explorers use (the order
 * decides which of several shortest counterexamples is found first).
 */
export function forEachEnabled(
  events: EventLists,
  locations: readonly Location[],
  data: ModelData,
  visit: StepVisitor,
): void {
  const taken: EventName[] = [];
  for (let process = 0; process < locations.length; process++) {
    const location = locations[process] as Location;
    // As in XState, a location's own branches come first; a region-wide one applies when none is enabled.
    taken.length = 0;
    for (const [event, branches] of events.byLocation.get(location) ?? []) {
      const branch = enabledBranch(branches, data, process);
      if (!branch) continue;
      taken.push(event);
      visit(process, event, branch);
    }
    if (location === "down") continue;
    for (const [event, branches] of events.anywhere) {
      if (taken.includes(event)) continue;
      const branch = enabledBranch(branches, data, process);
      if (branch) visit(process, event, branch);
    }
  }
  for (const [event, branches] of events.world) {
    const branch = enabledBranch(branches, data, -1);
    if (branch) visit(-1, event, branch);
  }
}

/** Every enabled step of every process, then of the world. */
function allSteps(events: EventLists, state: ExplorerState): Step[] {
  const steps: Step[] = [];
  forEachEnabled(events, state.locations, state.data, (process, event, branch) => {
    steps.push(apply(state, event, process, branch));
  });
  return steps;
}

/** The one step of `event` by `process` (-1: the world), or undefined when not enabled; as allSteps would. */
function oneStep(
  table: TransitionTable,
  state: ExplorerState,
  event: EventName,
  process: number,
): Step | undefined {
  if (process < 0) {
    const branch = enabledBranch(table.world[event], state.data, -1);
    return branch ? apply(state, event, -1, branch) : undefined;
  }
  const location = state.locations[process];
  if (location === undefined) return undefined;
  const own = table.locations[location][event];
  if (own) {
    const branch = enabledBranch(own, state.data, process);
    if (branch) return apply(state, event, process, branch);
  }
  if (location === "down") return undefined;
  const anywhere = enabledBranch(table.anywhere[event], state.data, process);
  return anywhere ? apply(state, event, process, anywhere) : undefined;
}

export function makeStepper(config: ModelConfig): Stepper {
  // Calls that may not overlap need every process idle or down; the table asks through this view of the
  // state being stepped.
  let current: ExplorerState | undefined;
  const othersIdle = () =>
    current === undefined ||
    current.locations.every((location) => location === "idle" || location === "down");
  const table = buildTable(config, othersIdle);
  const events = eventLists(table);

  function successors(state: ExplorerState): Step[] {
    current = state;
    const steps = allSteps(events, state);
    current = undefined;
    return steps;
  }

  function successor(state: ExplorerState, event: EventName, process: number): Step | undefined {
    current = state;
    try {
      return oneStep(table, state, event, process);
    } finally {
      current = undefined;
    }
  }

  return { config, table, successors, successor };
}
