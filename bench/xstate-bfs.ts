/**
 * The reference the explorer is compared with: a breadth-first search over the XState machine itself,
 * stepping it with XState's pure `transition()` one event at a time. Both read the same transition table,
 * so without symmetry reduction they must reach the same states and transitions; only the speed differs.
 */
import { initialTransition, transition } from "xstate";
import { PROCESS_NAMES } from "../common/names.js";
import type { Location } from "../model/branch.js";
import type { ModelConfig } from "../model/config.js";
import type { ModelData } from "../model/data.js";
import { allEvents, createAuthMachine } from "../model/machine.js";
import { orderedKey } from "../proofs/state.js";

export interface XStateSearch {
  states: number;
  transitions: number;
  seconds: number;
}

/** Named limit: the search fails loudly rather than running for ever on a configuration too big for it. */
const XSTATE_STATES_MAX = 500_000;

interface MachineSnapshot {
  value: Record<string, string>;
  context: ModelData;
}

export function xstateSearch(config: ModelConfig): XStateSearch {
  const started = performance.now();
  const machine = createAuthMachine(config);
  const events = allEvents(config);
  const names = PROCESS_NAMES.slice(0, config.processes);
  const keyOf = (snapshot: MachineSnapshot) =>
    orderedKey({ locations: names.map((name) => snapshot.value[name] as Location), data: snapshot.context });
  const [initial] = initialTransition(machine);
  const seen = new Set<string>([keyOf(initial as unknown as MachineSnapshot)]);
  const queue = [initial];
  let transitions = 0;
  // An index, not Array.shift(): shifting a long queue is quadratic.
  for (let cursor = 0; cursor < queue.length; cursor++) {
    const snapshot = queue[cursor] as typeof initial;
    for (const event of events) {
      const [next] = transition(machine, snapshot, event as never);
      // XState hands back the same snapshot when no transition is enabled for the event.
      if (next === snapshot) continue;
      transitions++;
      const key = keyOf(next as unknown as MachineSnapshot);
      if (seen.has(key)) continue;
      if (seen.size >= XSTATE_STATES_MAX) {
        throw new RangeError(
          `bench: XSTATE_STATES_MAX (${XSTATE_STATES_MAX}) reached for this configuration`,
        );
      }
      seen.add(key);
      queue.push(next);
    }
  }
  return { states: seen.size, transitions, seconds: (performance.now() - started) / 1000 };
}
