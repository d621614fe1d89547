/**
 * The controlled-order driver: N managers of one implementation in this Node process, each with its own
 * cache, sharing one CODEX_HOME and one token server. Every port call is held; a model event releases one
 * held call (or is an outside action: time passing, a login, a crash and restart). Nothing runs in parallel,
 * so a run is a sequence of model events and replays exactly.
 */
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { rm, utimes } from "node:fs/promises";
import { PROCESS_NAMES } from "../common/names.js";
import { flockIsHeld, lockPathOf } from "../impl/ports/index.js";
import type { RefreshResult } from "../impl/ports/types.js";
import {
  authJsonPath,
  formatAuthJson,
  parseAuthJson,
  type Snapshot,
  type SnapshotResult,
} from "../impl/storage/index.js";
import { usesFileLock, writesInPlace } from "../model/config.js";
import { requireDesign } from "../model/designs/index.js";
import type { StalenessRule } from "../model/designs/types.js";
import type { EventName } from "../model/vocabulary.js";
import { familySnapshot } from "../server/index.js";
import type { RequestRecord } from "../server/types.js";
import { type FileMark, judgeStep, markWorld, sameFile, type WorldMark } from "./io-witness.js";
import type { ProjectedProcess, ProjectedSnapshot, Projection, ResponseKind } from "./projection.js";
import type { Session } from "./session.js";
import type { ProcessSlot } from "./slot.js";
import { staleByRule } from "./staleness-oracle.js";
import type { Subject } from "./subject.js";
import { TokenRegistry } from "./tokens.js";
import { externalLogin, externalLogout, LOCK_STALE_CONDUCTOR_MS } from "./world-actions.js";

/** The model's two accounts: A holds the initial login, B is what a `login` event switches to. */
export const ACCOUNT_IDS = { A: "account-a", B: "account-b" } as const;

/** auth.json's mode, as the atomic writer saves it (impl/ports/file-disk.ts): it holds secrets. */
const OWNER_ONLY_MODE = 0o600;

/**
 * How far the clock jumps to make every cached snapshot stale: past Codex's 8-day `last_refresh` rule and past
 * every access token's `exp` (the server's default lifetime is an hour). Once at setup, as the model starts
 * with a stale R0, and at each `becomeStale`.
 */
const STALE_ADVANCE_MS = 9 * 24 * 60 * 60 * 1000;

export interface StepPlan {
  /** sendRefresh: this POST's answer will be lost (the model's next event for the process is loseResponse). */
  loseResponse?: boolean;
}

export interface StepReport {
  /** Why the implementation could not take the step (it was not where the model is), or null. */
  problem: string | null;
  /** Token requests the server decided during the step. */
  records: RequestRecord[];
}

export class Conductor {
  readonly slots: ProcessSlot[];
  private readonly tokens = new TokenRegistry();
  private readonly records: RequestRecord[] = [];
  private readonly lossPlanned = new Set<number>();
  private familyB: string | null = null;
  private familyA2: string | null = null;
  private loginTakesLock = true;
  private readonly staleness = new Map<string, boolean>();
  private lastDisk: { text: string; read: DiskRead; mark: FileMark | null } | null = null;
  /** The world as the last step left it (io-witness.ts): the next step's "before", the next observation's file check. */
  private lastMark: WorldMark | null = null;

  private constructor(
    readonly session: Session,
    readonly subject: Subject,
    readonly home: string,
    private readonly familyA: string,
    processes: number,
  ) {
    const request = { home, tokenUrl: session.server.tokenUrl, clock: session.clock, scope: session };
    this.slots = PROCESS_NAMES.slice(0, processes).map((name) => subject.slot({ name, ...request }));
  }

  /** The model's initial state: auth.json holds account A's stale R0 and every process has loaded it. */
  /**
   * `loginTakesLock`: whether the harness's logins and logouts (another process's) take the design's lock; the
   * design's rule unless the configuration explores it the other way (model/config.ts).
   */
  static async start(session: Session, subject: Subject, processes: number, loginTakesLock?: boolean) {
    const conductor = await Conductor.prepare(session, subject, processes);
    conductor.loginTakesLock = loginTakesLock ?? requireDesign(subject.variant).rules.loginTakesLock;
    for (const slot of conductor.slots) {
      const problem = await slot.load();
      if (problem !== null) return { ok: false as const, problem, conductor };
    }
    return { ok: true as const, conductor };
  }

  private static async prepare(session: Session, subject: Subject, processes: number) {
    let conductor: Conductor | undefined;
    const home = await session.beginRun((record) => conductor?.records.push(record));
    const family = session.server.createFamily({ accountId: ACCOUNT_IDS.A });
    // The harness's own setup, not a step: the same bytes the atomic writer would save, written directly.
    writeFileSync(authJsonPath(home), formatAuthJson(familySnapshot(family, session.clock.nowMs())), {
      mode: OWNER_ONLY_MODE,
    });
    session.clock.advance(STALE_ADVANCE_MS);
    conductor = new Conductor(session, subject, home, family.familyId, processes);
    conductor.learnTokens();
    return conductor;
  }

  /**
   * Takes one model event on the implementation, and judges from the file system and the server's ledger what
   * the step really did (conform/io-witness.ts): I/O no announcement covers is a problem of the step.
   */
  async step(event: EventName, process: number, plan: StepPlan = {}): Promise<StepReport> {
    const recordsBefore = this.records.length;
    // Nothing but steps changes the world between steps, so the last step's "after" is this one's "before"; a
    // change between them (a program acting while only asked `cached`) still shows, in this step.
    const before = this.lastMark ?? markWorld(this.home);
    const status = process >= 0 ? this.slots[process]?.status() : undefined;
    const announcedWrite =
      status?.kind === "held" && status.call.kind === "writeDisk" ? status.call.mode : undefined;
    const problem = await this.perform(event, process, plan);
    this.learnTokens();
    const records = this.records.slice(recordsBefore);
    if (problem !== null) {
      this.lastMark = null;
      return { problem, records };
    }
    const after = markWorld(this.home);
    this.lastMark = after;
    const witnessed = judgeStep({
      step: `${process < 0 ? "world" : (this.slots[process]?.name ?? `P${process}`)} ${event}`,
      event,
      before,
      after,
      posts: records,
      modelWrite: writesInPlace(requireDesign(this.subject.variant).rules) ? "in-place" : "atomic",
      announcedWrite,
    });
    return { problem: witnessed, records };
  }

  private async perform(event: EventName, process: number, plan: StepPlan): Promise<string | null> {
    const slot = this.slots[process];
    const rules = requireDesign(this.subject.variant).rules;
    const lock = usesFileLock(rules) && this.loginTakesLock ? rules.lockKind : null;
    const server = this.session.server;
    switch (event) {
      case "callAuth":
      case "callRefresh":
        return this.need(slot).start(event);
      case "callUnauthorized":
        return this.startWithRequest(this.need(slot));
      case "sendRefresh":
        if (plan.loseResponse) {
          server.injectFault({ kind: "drop-after-rotate" });
          this.lossPlanned.add(process);
        }
        return this.need(slot).release("sendRefresh");
      case "serverError":
        server.injectFault({ kind: "status-500" });
        return this.need(slot).release("sendRefresh");
      case "loseResponse":
        return this.loseResponse(process);
      case "receiveResponse":
        this.lossPlanned.delete(process);
        return this.need(slot).release("receiveResponse");
      case "readDisk":
      case "writeDisk":
      case "acquireLock":
      case "releaseLock":
      case "sendRequest":
        return this.need(slot).release(event);
      case "crash":
        this.lossPlanned.delete(process);
        await this.need(slot).crash();
        return null;
      case "restart":
        return this.need(slot).load();
      case "becomeStale":
        this.session.clock.advance(STALE_ADVANCE_MS);
        return null;
      case "expireLock":
        if (process >= 0) return "a holder stalling past the stale time is not driven in one process (stall)";
        return this.expireOrphanedLock();
      case "login": {
        const family = server.createFamily({ accountId: ACCOUNT_IDS.B });
        this.familyB = family.familyId;
        return externalLogin(this.home, family, this.session.clock.nowMs(), lock);
      }
      case "relogin": {
        const family = server.createFamily({ accountId: ACCOUNT_IDS.A });
        this.familyA2 = family.familyId;
        return externalLogin(this.home, family, this.session.clock.nowMs(), lock);
      }
      case "logout":
        return externalLogout(this.home, lock);
      case "flushDisk":
        return "an in-place write's two halves (tornWrite) are one port call in the implementation";
    }
  }

  /**
   * The model's callUnauthorized is an API request answered 401 (steps/recovery.ts): the call starts and its
   * first request, held at sendRequest, is released in the same step.
   */
  private async startWithRequest(slot: ProcessSlot): Promise<string | null> {
    const started = await slot.start("callUnauthorized");
    if (started !== null) return started;
    return slot.release("sendRequest");
  }

  private need(slot: ProcessSlot | undefined): ProcessSlot {
    if (!slot) throw new RangeError("conductor: the model named a process this run does not have");
    return slot;
  }

  /** The answer was lost in transit: the POST went out with the server told to drop it after rotating. */
  private loseResponse(process: number): string | null {
    const status = this.need(this.slots[process]).status();
    const held = status.kind === "held" ? status.call : null;
    if (!this.lossPlanned.has(process)) return "loseResponse was not planned at sendRefresh (StepPlan)";
    this.lossPlanned.delete(process);
    if (held?.kind !== "receiveResponse") return `expected a held answer, found ${held?.kind ?? "none"}`;
    const response = held.response;
    const network = response && !response.ok && response.failure.kind === "transient";
    return network ? null : "the dropped connection did not reach the manager as a transient failure";
  }

  /** A dead holder's lock goes stale: its directory's mtime is set far in the past, as time would. */
  private async expireOrphanedLock(): Promise<string | null> {
    const past = new Date(Date.now() - 2 * LOCK_STALE_CONDUCTOR_MS);
    const located = await lockPathOf("mkdir", authJsonPath(this.home));
    if (!located.ok) return `no lock to expire (${located.message})`;
    try {
      await utimes(located.path, past, past);
      return null;
    } catch (error) {
      return `no lock to expire (${(error as NodeJS.ErrnoException).code})`;
    }
  }

  private learnTokens(): void {
    const server = this.session.server;
    const a = server.family(this.familyA);
    if (a) this.tokens.learn("A", a);
    const b = this.familyB === null ? null : server.family(this.familyB);
    if (b) this.tokens.learn("B", b);
    const a2 = this.familyA2 === null ? null : server.family(this.familyA2);
    if (a2) this.tokens.learn("A2", a2);
  }

  /** Observes the real world and projects it (generations are mint orders, not yet ranked). */
  async observe(): Promise<{ projection: Projection; problem: string | null }> {
    const problems: string[] = [];
    const snapshot = (value: Snapshot | null): ProjectedSnapshot | null => {
      if (value === null) return null;
      const token = this.tokens.lookup(value.tokens.refreshToken);
      if (token === null) problems.push("a refresh token this run's server never issued is in use");
      const accountId = value.tokens.accountId;
      const account =
        accountId === ACCOUNT_IDS.A ? "A" : accountId === ACCOUNT_IDS.B ? "B" : `? ${accountId}`;
      const staleness = requireDesign(this.subject.variant).rules.staleness;
      return {
        account,
        token: token ?? { family: "A", generation: -1 },
        stale: this.isStaleNow(value, staleness),
      };
    };
    const processes: ProjectedProcess[] = [];
    for (const [index, slot] of this.slots.entries()) {
      processes.push(await this.projectSlot(slot, index, snapshot, problems));
    }
    const read = this.readDisk();
    const disk = read.ok
      ? (snapshot(read.snapshot) ?? "absent")
      : read.error.kind === "missing"
        ? "absent"
        : "unreadable";
    const projection: Projection = {
      processes,
      disk,
      families: {
        A: this.family(this.familyA),
        B: this.family(this.familyB),
        A2: this.family(this.familyA2),
      },
      lockHeld: await this.lockHeld(),
    };
    return { projection, problem: problems[0] ?? null };
  }

  private async projectSlot(
    slot: ProcessSlot,
    index: number,
    snapshot: (value: Snapshot | null) => ProjectedSnapshot | null,
    problems: string[],
  ): Promise<ProjectedProcess> {
    const status = slot.status();
    if (status.kind === "broken") problems.push(status.problem);
    const cached = status.kind === "down" ? null : await slot.cached();
    // Asking a remote process can break it; its problem, not a "down", is what to report.
    const after = slot.status();
    if (after.kind === "broken" && status.kind !== "broken") problems.push(after.problem);
    if (cached === null) return { at: "down", cache: null, poisoned: false };
    const projected: ProjectedProcess = {
      at: status.kind === "held" ? status.call.kind : "idle",
      cache: snapshot(cached.snapshot),
      poisoned: cached.poisoned,
    };
    if (status.kind !== "held") return projected;
    const held = status.call;
    if (held.kind === "sendRefresh" && held.refreshToken !== undefined) {
      const token = this.tokens.lookup(held.refreshToken);
      if (token === null) problems.push(`${slot.name} is about to POST a token the server never issued`);
      projected.sends = token ?? { family: "A", generation: -1 };
    }
    if (held.kind === "sendRequest" && held.accessToken !== undefined) {
      const token = this.tokens.lookupAccess(held.accessToken);
      if (token === null)
        problems.push(`${slot.name} is about to send an access token the server never issued`);
      projected.requests = token ?? { family: "A", generation: -1 };
    }
    if (held.kind === "receiveResponse") projected.response = this.responseKind(index, held.response);
    if (held.kind === "writeDisk" && held.mode !== undefined) projected.writes = held.mode;
    return projected;
  }

  /** A planned loss shows as the 200 the server sent until the model's loseResponse step happens. */
  private responseKind(process: number, response: RefreshResult | undefined): ResponseKind {
    return this.lossPlanned.has(process) ? "ok" : responseKindOf(response);
  }

  private family(familyId: string | null) {
    const state = familyId === null ? null : this.session.server.family(familyId);
    if (state === null) return { current: 0, previous: 0, revoked: false };
    const previousToken = state.rotatedOut[state.rotatedOut.length - 1];
    const previous =
      this.session.serverOptions.graceWindow && previousToken !== undefined
        ? (this.tokens.lookup(previousToken)?.generation ?? -1)
        : 0;
    return {
      current: this.tokens.lookup(state.refreshToken)?.generation ?? -1,
      previous,
      revoked: state.revoked,
    };
  }

  /**
   * Held, as the design's lock judges it: a lock directory that exists and is fresher than the stale time (as
   * proper-lockfile judges it), or an flock that a non-blocking try from a description of our own is refused.
   */
  private async lockHeld(): Promise<boolean> {
    const kind = requireDesign(this.subject.variant).rules.lockKind;
    const located = await lockPathOf(kind, authJsonPath(this.home));
    if (!located.ok) return false;
    if (kind === "flock") return flockIsHeld(located.path);
    try {
      const info = statSync(located.path);
      return info.mtimeMs >= Date.now() - LOCK_STALE_CONDUCTOR_MS;
    } catch {
      return false;
    }
  }

  /** Staleness as the design's rule judges it now (an oracle of its own); memoised, as it decodes a JWT. */
  private isStaleNow(snapshot: Snapshot, rule: StalenessRule): boolean {
    const now = this.session.clock.nowMs();
    const key = `${now}|${snapshot.lastRefresh}|${snapshot.tokens.accessToken}`;
    let stale = this.staleness.get(key);
    if (stale === undefined) {
      stale = staleByRule(
        { accessToken: snapshot.tokens.accessToken, lastRefresh: snapshot.lastRefresh },
        rule,
        now,
      );
      this.staleness.set(key, stale);
    }
    return stale;
  }

  /** The harness's read of auth.json; unchanged bytes are not parsed again. */
  private readDisk(): DiskRead {
    const file = authJsonPath(this.home);
    // Same inode, size and times as at the last read: the same bytes, not read again.
    const mark = this.lastMark?.authJson ?? markWorld(this.home).authJson;
    if (mark !== null && this.lastDisk !== null && sameFile(mark, this.lastDisk.mark))
      return this.lastDisk.read;
    const text = readTextNow(file);
    if (text === null) return missing();
    const read = text === this.lastDisk?.text ? this.lastDisk.read : parseAuthJson(text, file);
    this.lastDisk = { text, read, mark };
    return read;
  }

  /** Every token request the server decided in this run. */
  recorded(): readonly RequestRecord[] {
    return this.records;
  }

  /**
   * Drops every manager (a slot that can keep its process for the next run retires instead); the run's
   * CODEX_HOME is removed in the background (the session awaits it).
   */
  async dispose(): Promise<void> {
    for (const slot of this.slots) await (slot.retire === undefined ? slot.crash() : slot.retire());
    this.session.afterRun(rm(this.home, { recursive: true, force: true }));
  }
}

function responseKindOf(response: RefreshResult | undefined): ResponseKind {
  if (response === undefined) return "transient";
  if (response.ok) return "ok";
  return response.failure.kind === "permanent" ? "permanent" : "transient";
}

function missing(): { ok: false; error: { kind: "missing" } } {
  return { ok: false, error: { kind: "missing" } };
}

/** The harness's own read (synchronous: observing is not a step, and nothing else runs meanwhile); null: absent. */
function readTextNow(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    return "";
  }
}

type DiskRead = SnapshotResult | { ok: false; error: { kind: "missing" } };
