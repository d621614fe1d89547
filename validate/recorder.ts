/**
 * Records a real run for `authrace validate` (`--record FILE` on scenario and stress): a RunObserver
 * (scenarios/observer.ts) that notes every token request the server decides, samples CODEX_HOME
 * (validate/watch.ts), and wraps every process so that each call's sending and answer are noted. Tokens are
 * turned into (family, generation) at once through the server; none is kept.
 *
 *   const recorder = new RunRecorder({ implementation: factory.name, design: factory.variant, ... });
 *   const result = await runScenario("simultaneous", factory, { observer: recorder });
 *   writeRunFile("run.json", await recorder.finish());
 */
import type { DriverProcess } from "../impl/driver/client.js";
import type { DriverReply } from "../impl/driver/protocol.js";
import type { Variant } from "../model/vocabulary.js";
import type { ObservedWorld, RunObserver } from "../scenarios/index.js";
import type { RequestRecord, TokenServer } from "../server/index.js";
import {
  type CallKind,
  type CallOutcome,
  type Observation,
  type Returned,
  RUN_FILE_FORMAT,
  type RunFile,
  type TokenRef,
  window,
} from "./run-file.js";
import { HomeWatcher } from "./watch.js";

export const RECORD_LIMITS = {
  /** Observations kept; past it recording stops and the run file says it is incomplete. */
  observationsMax: 500_000,
} as const;

export interface RecordingMeta {
  implementation: string;
  design: Variant | null;
  /** `scenario stale-cache`, `stress 4 x 50 seed 1` */
  run: string;
  callOutcomes: RunFile["callOutcomes"];
  /** What the process's `refresh` verb is: the manager's refresh, or app-server's refresh then auth(). */
  refreshCall: Extract<CallKind, "refresh" | "refresh-then-auth">;
}

/** Milliseconds, kept to the microsecond: enough to order events of one event loop, short in JSON. */
function rounded(ms: number): number {
  return Math.round(ms * 1_000) / 1_000;
}

export class RunRecorder implements RunObserver {
  private readonly startedAt = performance.now();
  private readonly observations: Observation[] = [];
  private readonly incomplete: string[] = [];
  private readonly processes: string[] = [];
  private server: TokenServer | null = null;
  private watcher: HomeWatcher | null = null;
  private watching: Promise<void> | null = null;
  private account = "";
  private callId = 0;

  constructor(private readonly meta: RecordingMeta) {}

  now(): number {
    return rounded(performance.now() - this.startedAt);
  }

  private record(observation: Observation): void {
    if (this.observations.length >= RECORD_LIMITS.observationsMax) {
      if (this.incomplete.length === 0)
        this.incomplete.push(
          `observationsMax (${RECORD_LIMITS.observationsMax}) reached: later observations lost`,
        );
      return;
    }
    this.observations.push(observation);
  }

  /** A token as the server knows it; null for one it never issued (or cannot tell apart). */
  private identify(token: string): TokenRef | null {
    const identity = this.server?.identifyToken(token);
    return identity?.known ? { family: identity.familyId, generation: identity.generation } : null;
  }

  onRequest(record: RequestRecord): void {
    const token =
      record.familyId === null || record.tokenGeneration === null
        ? null
        : { family: record.familyId, generation: record.tokenGeneration };
    const { seq, verdict, status, code } = record;
    this.record({ kind: "post", at: this.now(), seq, token, verdict, status, code });
  }

  opened(world: ObservedWorld): void {
    this.server = world.server;
    this.account = world.server.state().families[0]?.accountId ?? "";
    this.watcher = new HomeWatcher({
      codexHome: world.codexHome,
      now: () => this.now(),
      record: (observation) => this.record(observation),
      identify: (token) => this.identify(token),
    });
    this.watching = this.watcher.start();
  }

  started(name: string, process: DriverProcess): DriverProcess {
    this.processes.push(name);
    const call = async (kind: CallKind, send: () => Promise<DriverReply>): Promise<DriverReply> => {
      this.callId += 1;
      const id = this.callId;
      const sent = this.now();
      this.record({ kind: "send", at: sent, process: name, call: kind, id });
      const reply = await send();
      const answered = this.now();
      this.record({
        kind: "return",
        from: sent,
        to: answered,
        process: name,
        call: kind,
        id,
        ...this.answer(reply),
      });
      return reply;
    };
    return {
      name: process.name,
      auth: () => call("auth", () => process.auth()),
      refresh: () => call(this.meta.refreshCall, () => process.refresh()),
      unauthorized: () => call("unauthorized", () => process.unauthorized()),
      cached: () => call("cached", () => process.cached()),
      exit: () => process.exit(),
      kill: () => process.kill(),
    };
  }

  private answer(reply: DriverReply): { outcome: CallOutcome; returned: Returned; poisoned: boolean } {
    let outcome: CallOutcome = "ok";
    if (!reply.ok) {
      if (reply.error.kind === "unsupported") outcome = "unsupported";
      else outcome = reply.error.kind.startsWith("driver-") ? "transport" : "fails";
    } else if (reply.refreshError !== undefined) outcome = "fails";
    const auth = reply.auth;
    if (auth === null) return { outcome, returned: "none", poisoned: false };
    if (auth.poisoned && auth.accessToken === "") return { outcome, returned: "withheld", poisoned: true };
    const refresh = auth.refreshToken === "" ? null : this.identify(auth.refreshToken);
    const access = auth.accessToken === "" ? null : this.identify(auth.accessToken);
    const same = refresh === null || access === null || sameToken(refresh, access);
    const returned = (same ? (refresh ?? access) : null) ?? "unidentified";
    return { outcome, returned, poisoned: auth.poisoned };
  }

  async closing(): Promise<void> {
    await this.watching;
    await this.watcher?.stop();
  }

  /** The run, observations in order of the start of their windows (sampling stops first if still on). */
  async finish(): Promise<RunFile> {
    await this.closing();
    const state = this.server?.state();
    const observations = this.observations
      .map((observation, index) => ({ observation, index }))
      .sort(
        (left, right) =>
          window(left.observation).lo - window(right.observation).lo || left.index - right.index,
      )
      .map(({ observation }) => observation);
    return {
      format: RUN_FILE_FORMAT,
      recordedAt: new Date().toISOString(),
      implementation: this.meta.implementation,
      design: this.meta.design,
      run: this.meta.run,
      processes: [...this.processes],
      server: {
        revokeFamilyOnReuse: state?.options.revokeFamilyOnReuse ?? false,
        graceWindow: state?.options.graceWindow ?? false,
      },
      account: this.account,
      callOutcomes: this.meta.callOutcomes,
      incomplete: [...this.incomplete],
      observations,
    };
  }
}

function sameToken(left: TokenRef, right: TokenRef): boolean {
  return left.family === right.family && left.generation === right.generation;
}
