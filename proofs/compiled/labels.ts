/**
 * A step label (event, acting process) as one integer, so a state's step from its parent costs 4 bytes.
 * Events are numbered in vocabulary.ts order; processes are stored plus one (the world is -1).
 */
import {
  CALL_EVENTS,
  ENVIRONMENT_EVENTS,
  type EventName,
  FAULT_EVENTS,
  IO_EVENTS,
} from "../../model/vocabulary.js";
import type { StepLabel } from "../exploration.js";

const EVENTS: readonly EventName[] = [...CALL_EVENTS, ...IO_EVENTS, ...ENVIRONMENT_EVENTS, ...FAULT_EVENTS];
const EVENT_INDEX = new Map<EventName, number>(EVENTS.map((event, index) => [event, index]));
/** Room for processes -1..254 beside the event. */
const PROCESS_CODES = 256;
const NO_STEP = -1;

export function encodeStep(event: EventName | null, process: number): number {
  if (event === null) return NO_STEP;
  const index = EVENT_INDEX.get(event);
  if (index === undefined) throw new Error(`compiled labels: unknown event '${event}'`);
  return index * PROCESS_CODES + process + 1;
}

export function decodeStep(code: number): StepLabel | null {
  if (code === NO_STEP) return null;
  const event = EVENTS[Math.floor(code / PROCESS_CODES)];
  if (event === undefined) throw new Error(`compiled labels: no event for code ${code}`);
  return { event, process: (code % PROCESS_CODES) - 1 };
}
