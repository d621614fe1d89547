/** What a scenario is, and the steps the scenarios share: starting processes in order, asking them. */
import type { DriverProcess } from "../impl/driver/client.js";
import type { TokenServerOptions } from "../server/index.js";
import { askAuthTogether, type Observation } from "./observe.js";
import type { ProcessName, ScenarioName } from "./types.js";
import type { World } from "./world.js";

export type StepsResult =
  | { ok: true; observations: Record<ProcessName, Observation> }
  | { ok: false; problem: string };

export interface Scenario {
  name: ScenarioName;
  /** One line for usage texts and reports. */
  summary: string;
  /** The token server of this scenario (access tokens are always opaque, see world.ts). */
  serverOptions: TokenServerOptions;
  /** Order in which the seed's log prints the processes. */
  logOrder: readonly ProcessName[];
  /** The steps; teardown is the runner's business (world.close()). */
  run(world: World): Promise<StepsResult>;
}

export type Started = { ok: true; processes: DriverProcess[] } | { ok: false; problem: string };

/** Starts the processes one after another: each has loaded (cached) auth.json before the next starts. */
export async function startInOrder(world: World, names: readonly ProcessName[]): Promise<Started> {
  const processes: DriverProcess[] = [];
  for (const name of names) {
    const started = await world.start(name);
    if (!started.ok) return { ok: false, problem: started.problem };
    processes.push(started.process);
  }
  return { ok: true, processes };
}

export type Asked = { ok: true; observation: Observation } | { ok: false; problem: string };

/** Asks one process `auth()`, recording its cache before and after. */
export async function askAuth(process: DriverProcess): Promise<Asked> {
  const asked = await askAuthTogether([process]);
  if (!asked.ok) return asked;
  const [observation] = asked.observations;
  if (observation === undefined) throw new Error("askAuthTogether returned no observation for one process");
  return { ok: true, observation };
}
