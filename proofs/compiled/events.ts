/**
 * The table's events laid out for the hot loop: per location code (an index into LOCATIONS), the events a
 * process there handles, each branch with its target's code and its step code ready. The enumeration is
 * step.ts `forEachEnabled`'s, in the same order (a location's own events, then region-wide ones not already
 * taken, none while down, then the world's); only the lookups are done once per configuration instead of per
 * step. The guards and updates are the table's own closures (test/proofs/compiled.test.ts checks the two
 * enumerations against each other through the reference explorer).
 */
import { type Branch, LOCATIONS, type Location } from "../../model/branch.js";
import type { ModelData } from "../../model/data.js";
import type { EventName } from "../../model/vocabulary.js";
import type { EventLists } from "../step.js";
import { encodeStep } from "./labels.js";

export interface CompiledBranch {
  branch: Branch;
  /** The target location's code, or -1 when the process stays (a world event: always -1). */
  target: number;
  fault: boolean;
}

export interface CompiledEvent {
  event: EventName;
  /** The step code of this event by process p is `code + p + 1` (labels.ts `encodeStep`). */
  code: number;
  branches: CompiledBranch[];
  /** For a region-wide event: the index of the same event among the location's own, or -1. */
  shadowedBy: number[];
}

export interface CompiledEvents {
  byLocation: CompiledEvent[][];
  anywhere: CompiledEvent[];
  world: CompiledEvent[];
  /** The code of `down`, where region-wide events do not apply. */
  down: number;
}

/** Location lists are short: a bit per own event marks it taken. */
const OWN_EVENTS_MAX = 31;

const LOCATION_CODE = new Map<Location, number>(LOCATIONS.map((location, index) => [location, index]));

function compileEvent(event: EventName, branches: Branch[]): CompiledEvent {
  return {
    event,
    code: encodeStep(event, -1),
    branches: branches.map((branch) => ({
      branch,
      target: branch.target === undefined ? -1 : (LOCATION_CODE.get(branch.target) as number),
      fault: branch.fault === true,
    })),
    shadowedBy: [],
  };
}

export function compileEvents(events: EventLists): CompiledEvents {
  const byLocation = LOCATIONS.map((location) =>
    (events.byLocation.get(location) ?? []).map(([event, branches]) => compileEvent(event, branches)),
  );
  for (const own of byLocation) {
    if (own.length > OWN_EVENTS_MAX) throw new Error("compiled events: too many events at one location");
  }
  const anywhere = events.anywhere.map(([event, branches]) => {
    const compiled = compileEvent(event, branches);
    compiled.shadowedBy = byLocation.map((own) => own.findIndex((entry) => entry.event === event));
    return compiled;
  });
  const world = events.world.map(([event, branches]) => compileEvent(event, branches));
  return { byLocation, anywhere, world, down: LOCATION_CODE.get("down") as number };
}

export type CompiledVisitor = (process: number, event: CompiledEvent, branch: CompiledBranch) => void;

function enabled(event: CompiledEvent, data: ModelData, process: number): CompiledBranch | undefined {
  for (const compiled of event.branches) {
    const guard = compiled.branch.guard;
    if (guard === undefined || guard(data, process)) return compiled;
  }
  return undefined;
}

/** Every enabled step of process `process` at location code `location`, in `forEachEnabled`'s order. */
export function forEachEnabledOf(
  events: CompiledEvents,
  process: number,
  location: number,
  data: ModelData,
  visit: CompiledVisitor,
): void {
  const own = events.byLocation[location] as CompiledEvent[];
  let taken = 0;
  for (let index = 0; index < own.length; index++) {
    const event = own[index] as CompiledEvent;
    const branch = enabled(event, data, process);
    if (branch === undefined) continue;
    taken |= 1 << index;
    visit(process, event, branch);
  }
  if (location === events.down) return;
  for (const event of events.anywhere) {
    const shadow = event.shadowedBy[location] as number;
    if (shadow >= 0 && (taken & (1 << shadow)) !== 0) continue;
    const branch = enabled(event, data, process);
    if (branch !== undefined) visit(process, event, branch);
  }
}

/** Every enabled step of the world (process -1), in `forEachEnabled`'s order. */
export function forEachWorldEnabled(events: CompiledEvents, data: ModelData, visit: CompiledVisitor): void {
  for (const event of events.world) {
    const branch = enabled(event, data, -1);
    if (branch !== undefined) visit(-1, event, branch);
  }
}
