/**
 * Splitting a run into phases. A Codex app-server may refresh on its own at startup, and a reply can arrive
 * after another process already POSTed, so each POST belongs to the phase during which the server decided it
 * (by the server's sequence numbers), never to a global count. Records keep whole tokens, like observations;
 * report.ts judges and redacts them.
 */
import type { RequestRecord, TokenServer } from "../server/index.js";
import type { Observation } from "./observe.js";
import type { PhaseStep, ProcessName } from "./types.js";

export interface PhasePlan {
  name: string;
  step: PhaseStep;
  /** The processes asked in this phase, in order; none for startup. */
  actors: readonly ProcessName[];
}

export interface PhaseRecord extends PhasePlan {
  requests: RequestRecord[];
  /** One per actor, in the same order. */
  observations: Observation[];
}

export class PhaseRecorder {
  readonly records: PhaseRecord[] = [];
  private lastSeq = 0;

  constructor(private readonly server: TokenServer) {}

  /** Closes a phase: its POSTs are those the server decided since the previous phase closed. */
  record(plan: PhasePlan, observations: Observation[]): void {
    if (observations.length !== plan.actors.length) {
      throw new Error(
        `phase '${plan.name}': ${observations.length} observations for ${plan.actors.length} actors`,
      );
    }
    const requests = this.server.requests().filter((record) => record.seq > this.lastSeq);
    for (const record of requests) this.lastSeq = Math.max(this.lastSeq, record.seq);
    this.records.push({ ...plan, requests, observations });
  }
}
