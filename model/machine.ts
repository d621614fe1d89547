/**
 * The protocol as an XState v5 machine: one parallel region per process (its states are the locations of
 * branch.ts), the data in context, world events at the root. It is built from the same transition table the
 * explorer interprets, and it is pure: no invoke, no after, no clock; every I/O completion is an event.
 */

import { and, assign, createMachine, or, stateIn } from "xstate";
import { PROCESS_NAMES } from "../common/names.js";
import type { Branch, EventBranches } from "./branch.js";
import { LOCATIONS } from "./branch.js";
import type { ModelConfig } from "./config.js";
import { cloneData, initialData, type ModelData, normalized } from "./data.js";
import { buildTable } from "./table.js";
import { CALL_EVENTS, type EventName } from "./vocabulary.js";

/** An event of the machine: a process's event names the process; a world event does not. */
export interface ModelEvent {
  type: EventName;
  process?: string;
}

function applyBranch(branch: Branch, context: ModelData, process: number): ModelData {
  const data = cloneData(context);
  branch.update?.(data, process);
  return normalized(data);
}

function transitions(
  branches: Branch[],
  process: number,
  name: string | undefined,
  extraGuard?: unknown,
  targetPrefix = "",
) {
  return branches.map((branch) => {
    const own = ({ context, event }: { context: unknown; event: { process?: string } }) =>
      event.process === name && (branch.guard === undefined || branch.guard(context as ModelData, process));
    return {
      guard: (extraGuard ? and([own as never, extraGuard as never]) : own) as never,
      ...(branch.target ? { target: `${targetPrefix}${branch.target}` } : {}),
      actions: assign(({ context }: { context: ModelData }) => applyBranch(branch, context, process)),
      meta: { label: branch.label, fault: branch.fault === true },
    };
  });
}

/** Handlers on a region (target a child: ".down") or on the root (world events, no target). */
function handlers(events: EventBranches, process: number, name: string | undefined) {
  return Object.fromEntries(
    Object.entries(events).map(([event, branches]) => [
      event,
      transitions(branches as Branch[], process, name, undefined, "."),
    ]),
  );
}

export function createAuthMachine(config: ModelConfig) {
  // Whether calls may start is decided here with stateIn (the data does not hold locations).
  const table = buildTable(config, () => true);
  const names = PROCESS_NAMES.slice(0, config.processes);
  const quietGuard = config.overlap
    ? undefined
    : and(names.map((other) => or([stateIn({ [other]: "idle" }), stateIn({ [other]: "down" })])));
  const region = (name: string, process: number) => ({
    initial: "idle",
    states: Object.fromEntries(
      LOCATIONS.map((location) => {
        const events = table.locations[location];
        const on: Record<string, unknown> = {};
        for (const [event, branches] of Object.entries(events)) {
          const isCall = (CALL_EVENTS as readonly string[]).includes(event);
          on[event] = transitions(branches as Branch[], process, name, isCall ? quietGuard : undefined);
        }
        // A dead process does not crash again: block the region-level handler.
        if (location === "down" && table.anywhere.crash) {
          on.crash = { guard: ({ event }: { event: ModelEvent }) => event.process === name };
        }
        return [location, { on }];
      }),
    ),
    on: handlers(table.anywhere, process, name),
  });
  return createMachine({
    id: "authrace",
    type: "parallel",
    types: {} as { context: ModelData; events: ModelEvent },
    context: initialData(config.processes),
    states: Object.fromEntries(names.map((name, process) => [name, region(name, process)])),
    on: handlers(table.world, -1, undefined),
  } as never);
}

/** Every event object the machine can receive in this configuration (for xstate/graph traversals). */
export function allEvents(config: ModelConfig): ModelEvent[] {
  const table = buildTable(config, () => true);
  const processEvents = new Set<EventName>();
  for (const events of Object.values(table.locations)) {
    for (const event of Object.keys(events)) processEvents.add(event as EventName);
  }
  for (const event of Object.keys(table.anywhere)) processEvents.add(event as EventName);
  const names = PROCESS_NAMES.slice(0, config.processes);
  const events: ModelEvent[] = [];
  for (const event of processEvents) for (const name of names) events.push({ type: event, process: name });
  for (const event of Object.keys(table.world)) events.push({ type: event as EventName });
  return events;
}
