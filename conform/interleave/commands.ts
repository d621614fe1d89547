/**
 * The commands of a fast-check interleaving run. Each `check` asks the model (no side effects), each `run`
 * takes model events on the world and returns without waiting for any scheduled task, and each `toString`
 * reads as a line of the story: `A refreshToken()`, `time passes`, `C rotates the token (external)`.
 */
import fc from "fast-check";
import { processName } from "../../common/names.js";
import type { ModelConfig } from "../../model/config.js";
import { type CallEvent, type EventName, faultSpec } from "../../model/vocabulary.js";
import type { ExplorerState } from "../../proofs/state.js";
import { HELD_AT } from "../projection.js";
import type { InterleavingWorld, QueuedFault } from "./world.js";

type WorldCommand = fc.AsyncCommand<InterleavingWorld, InterleavingWorld, boolean>;

const CALL_WORDS: Record<CallEvent, string> = {
  callAuth: "auth()",
  callRefresh: "refreshToken()",
  callUnauthorized: "got 401: unauthorized()",
};

class Call implements WorldCommand {
  constructor(
    readonly process: number,
    readonly call: CallEvent,
  ) {}
  check = (world: InterleavingWorld) => world.enabled(this.call, this.process);
  run = (_: InterleavingWorld, world: InterleavingWorld) =>
    world.enqueue(async () => void (await world.take(this.call, this.process)));
  toString = () => `${processName(this.process)} ${CALL_WORDS[this.call]}`;
}

/** One event of the world, or of a process outside any call (a crash; its restart comes as a ticket). */
class Happen implements WorldCommand {
  constructor(
    readonly event: EventName,
    readonly process: number,
    readonly words: string,
  ) {}
  check = (world: InterleavingWorld) => world.enabled(this.event, this.process);
  run = (_: InterleavingWorld, world: InterleavingWorld) =>
    world.enqueue(async () => void (await world.take(this.event, this.process)));
  toString = () => this.words;
}

/** The next POST, whoever sends it, meets this server fault. */
class QueueFault implements WorldCommand {
  constructor(
    readonly fault: QueuedFault,
    readonly budget: number,
    readonly used: (world: InterleavingWorld) => number,
  ) {}
  check = (world: InterleavingWorld) =>
    world.failure === null &&
    this.used(world) + world.queuedFaults.filter((queued) => queued === this.fault).length < this.budget;
  run = async (_: InterleavingWorld, world: InterleavingWorld) => {
    world.queuedFaults.push(this.fault);
  };
  toString = () =>
    this.fault === "serverError" ? "the next POST gets 500" : "the next POST's answer is lost";
}

/** Another process refreshes from start to end with nobody else moving: the token rotates under everyone. */
class ExternalRotation implements WorldCommand {
  constructor(readonly process: number) {}
  check = (world: InterleavingWorld) => world.failure === null && externalSteps(world, this.process) !== null;
  run = (_: InterleavingWorld, world: InterleavingWorld) =>
    world.enqueue(async () => {
      for (const event of externalSteps(world, this.process) ?? []) await world.take(event, this.process);
    });
  toString = () => `${processName(this.process)} rotates the token (another process, start to end)`;
}

/** The events of one whole refreshToken() of `process` taken alone, or null if it cannot finish alone. */
function externalSteps(world: InterleavingWorld, process: number): EventName[] | null {
  const { stepper } = world.lockstep;
  let state: ExplorerState = world.state;
  const events: EventName[] = [];
  for (let step = 0; step < 16; step++) {
    const location = state.locations[process];
    if (location === "idle" && step > 0) return events;
    const event: EventName = location === "idle" ? "callRefresh" : (HELD_AT[location ?? "idle"] as EventName);
    const next = stepper.successor(state, event, process);
    if (!next) return null;
    events.push(event);
    state = next.next;
  }
  return null;
}

export interface CommandOptions {
  config: ModelConfig;
  /** Processes making calls (A, B, ...); an external rotator, if any, is the next one. */
  callers: number;
  external: boolean;
}

export function commandArbitraries(options: CommandOptions): fc.Arbitrary<WorldCommand>[] {
  const { config, callers } = options;
  const process = fc.nat({ max: callers - 1 });
  const arbitraries: fc.Arbitrary<WorldCommand>[] = [
    fc.tuple(process, fc.constantFrom(...config.calls)).map(([who, call]) => new Call(who, call)),
    fc.constant(new Happen("becomeStale", -1, "time passes: every token so far is stale")),
  ];
  const faults = config.faults;
  if (faults.includes("crash")) {
    arbitraries.push(process.map((who) => new Happen("crash", who, `${processName(who)} crashes`)));
  }
  if (faults.includes("login"))
    arbitraries.push(fc.constant(new Happen("login", -1, "another process logs in to account B")));
  if (faults.includes("relogin"))
    arbitraries.push(fc.constant(new Happen("relogin", -1, "another process logs in to account A again")));
  if (faults.includes("logout"))
    arbitraries.push(fc.constant(new Happen("logout", -1, "another process logs out")));
  // Faults that ride on a POST are queued: the fault list says which event carries each.
  for (const fault of ["transient", "lostResponse"] as const) {
    if (!faults.includes(fault)) continue;
    const event = faultSpec(fault).events[0] as QueuedFault;
    const used = (world: InterleavingWorld) => world.state.data.faultsUsed[fault];
    arbitraries.push(fc.constant(new QueueFault(event, config.faultsMax, used)));
  }
  if (options.external) arbitraries.push(fc.constant(new ExternalRotation(callers)));
  return arbitraries;
}
