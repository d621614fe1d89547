/**
 * The client side of the driver protocol: spawn a program that speaks it (authrace's driver by default),
 * send commands, await replies by id with a timeout. Transport failures (timeout, the process died) come
 * back as replies with ok:false and a `driver-*` error kind, so callers handle one shape. Held mode's event lines
 * and control lines (docs/driver-protocol.md) pass through `onMessage`, `release` and `setClock`; the
 * conformance harness's RemoteSlot (conform/remote-slot.ts) drives them.
 */

import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { DESIGNS_ENVIRONMENT_VARIABLE, serializeDesigns } from "../../model/designs/index.js";
import type { Variant } from "../../model/vocabulary.js";
import { TOKEN_URL_OVERRIDE_VARIABLE } from "../token/request.js";
import type { DriverCommand, DriverReady, DriverReply, HeldControl, LoginTokens } from "./protocol.js";

/** Something that holds one auth manager and answers the driver commands: this driver, a Codex binary, ... */
export interface DriverProcess {
  readonly name: string;
  /** The OS process id, where there is one process to name (for measurements such as its memory). */
  readonly pid?: number | undefined;
  auth(): Promise<DriverReply>;
  refresh(): Promise<DriverReply>;
  unauthorized(): Promise<DriverReply>;
  cached(): Promise<DriverReply>;
  /** Asks the process to finish its commands and exit; kills it if it does not within the exit timeout. */
  exit(): Promise<DriverExit>;
  /** Kills the process at once (the `crash` fault). */
  kill(): Promise<DriverExit>;
}

/** The commands that run on one manager and change nothing but its cache (and auth.json through it). */
export type ManagerCommand = Extract<DriverCommand, "auth" | "refresh" | "unauthorized" | "cached">;

export interface DriverExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A refresh may wait for the lock (up to ~20 s) and then for the token endpoint (30 s). */
export const DRIVER_REPLY_TIMEOUT_MS = 60_000;
export const DRIVER_READY_TIMEOUT_MS = 15_000;
export const DRIVER_EXIT_TIMEOUT_MS = 5_000;
/** The tail of the child's stderr kept for messages. */
const DRIVER_STDERR_CHARACTERS_KEPT = 16_384;

export interface SpawnDriverOptions {
  /** CODEX_HOME of the process: passed as `--home` and set as $CODEX_HOME. */
  home: string;
  /**
   * Passed as `--variant`. Left out for a program that knows its own implementation: the reference driver
   * given `--module <path>` or `--mutant <name>` in `command`, or any `--impl cmd:<command>` program.
   */
  variant?: Variant;
  name: string;
  /** Sets CODEX_REFRESH_TOKEN_URL_OVERRIDE for the child. */
  tokenUrl?: string;
  /** Base environment of the child; default process.env. */
  environment?: NodeJS.ProcessEnv;
  /**
   * Program and leading arguments; default [node, defaultDriverScript()]. `--home <dir> [--variant <v>]
   * --name <label>` follow.
   */
  command?: readonly string[];
  /** Appended after `--name <label>` (held mode's `--held --lock-stale-ms ... --lock-retries ...`). */
  extraArguments?: readonly string[];
  /**
   * Spawn the program as the leader of its own process group and kill the whole group: a `cmd:` wrapper script
   * that runs the real program as its child then dies with it (a crash must leave nothing running).
   */
  processGroup?: boolean;
  replyTimeoutMs?: number;
  /**
   * The name of the limit `replyTimeoutMs` comes from (`SCENARIO_LIMITS.replyTimeoutMs`, `--reply-timeout-ms`),
   * so a timeout names the limit that fired; default `DRIVER_REPLY_TIMEOUT_MS`, or `replyTimeoutMs` when only the
   * value was given.
   */
  replyTimeoutLimit?: string;
  readyTimeoutMs?: number;
  exitTimeoutMs?: number;
}

export type SpawnDriverResult =
  | { ok: true; driver: JsonLineDriver }
  | { ok: false; error: { kind: "not-ready"; message: string; stderr: string } };

/** dist/impl/driver/main.js: beside this file once compiled, under dist/ when this file runs from source. */
export function defaultDriverScript(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith(".js")) return join(dirname(here), "main.js");
  return join(dirname(here), "..", "..", "dist", "impl", "driver", "main.js");
}

type Pending = { resolve: (reply: DriverReply) => void; timer: NodeJS.Timeout };

/** A stdout JSON object that is not a reply to a request: the ready line, a held event, a refusal (id null). */
export type DriverMessage = Record<string, unknown>;

function transportFailure(id: number, kind: string, message: string): DriverReply {
  return { id, ok: false, error: { kind, message }, auth: null, trace: [] };
}

export class JsonLineDriver implements DriverProcess {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private stderrTail = "";
  private exitStatus: DriverExit | null = null;
  private readonly exited: Promise<DriverExit>;
  private readonly ready: Promise<DriverReady | null>;
  private messageListener: ((message: DriverMessage) => void) | null = null;

  constructor(
    readonly name: string,
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly options: SpawnDriverOptions,
  ) {
    child.stdin.on("error", () => undefined); // EPIPE after the child died: reported through `exited`
    // A spawn failure (no such program) is followed by close; its reason goes where diagnostics are read.
    child.on("error", (error) => {
      this.stderrTail = `${this.stderrTail}spawning ${options.name} failed: ${error.message}\n`;
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-DRIVER_STDERR_CHARACTERS_KEPT);
    });
    this.exited = new Promise((resolve) => {
      child.on("close", (code, signal) => {
        this.exitStatus = { code, signal };
        this.failAll(`process exited (code ${code}, signal ${signal})`);
        resolve(this.exitStatus);
      });
    });
    this.ready = this.listen();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** How the process ended, or null while it runs. */
  get exitedWith(): DriverExit | null {
    return this.exitStatus;
  }

  /** Resolves when the process has ended (its stdio closed). */
  waitExit(): Promise<DriverExit> {
    return this.exited;
  }

  /** Receives every stdout JSON object that is not a reply to a request (one listener; the last one set). */
  onMessage(listener: (message: DriverMessage) => void): void {
    this.messageListener = listener;
  }

  /** Held mode: lets the port call announced with `seq` proceed. No reply; the next event or reply follows. */
  release(seq: number): void {
    this.control({ cmd: "release", seq });
  }

  /** Held mode: sets the process's clock. No reply. */
  setClock(nowMs: number): void {
    this.control({ cmd: "clock", nowMs });
  }

  /**
   * Held mode, a program whose ready line says `"reset":true`: drop its manager and load a new one on `home`
   * (the held construction read, then the ready line again). The requests it had in flight are abandoned: they
   * resolve at once as `driver-abandoned` failures, since the program will never answer them.
   */
  reset(home: string): void {
    for (const [id] of this.pending) {
      this.settle(id, transportFailure(id, "driver-abandoned", "dropped by a reset before it replied"));
    }
    this.control({ cmd: "reset", home });
  }

  /** The last characters the process wrote to stderr (its log; redacted by the driver). */
  stderr(): string {
    return this.stderrTail;
  }

  auth(): Promise<DriverReply> {
    return this.send("auth");
  }
  refresh(): Promise<DriverReply> {
    return this.send("refresh");
  }
  unauthorized(): Promise<DriverReply> {
    return this.send("unauthorized");
  }
  cached(): Promise<DriverReply> {
    return this.send("cached");
  }
  /**
   * `cmd` on the manager at `index` of a driver started with `--managers <n>` (0 is the one every command without
   * a `manager` field reaches). manager-view.ts wraps it as a DriverProcess.
   */
  askManager(index: number, cmd: ManagerCommand): Promise<DriverReply> {
    return this.send(cmd, index === 0 ? {} : { manager: index });
  }
  /** Writes `tokens` to auth.json as `codex login` would (under the auth.json lock when `underLock`). */
  login(tokens: LoginTokens, underLock: boolean): Promise<DriverReply> {
    return this.send("login", { tokens, underLock });
  }
  /** Removes auth.json as `codex logout` would (under the auth.json lock when `underLock`). */
  logout(underLock: boolean): Promise<DriverReply> {
    return this.send("logout", { underLock });
  }

  async exit(): Promise<DriverExit> {
    if (this.exitStatus === null) void this.send("exit");
    const timeoutMs = this.options.exitTimeoutMs ?? DRIVER_EXIT_TIMEOUT_MS;
    const timer = setTimeout(() => this.signalKill(), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  async kill(): Promise<DriverExit> {
    if (this.exitStatus === null) this.signalKill();
    return this.exited;
  }

  private signalKill(): void {
    const pid = this.child.pid;
    if (this.options.processGroup !== true || pid === undefined) {
      this.child.kill("SIGKILL");
      return;
    }
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      this.child.kill("SIGKILL"); // the group is gone already (ESRCH): the leader is, too, or about to be
    }
  }

  /** Resolves with the ready line, or null when the process ended or timed out first. */
  async waitReady(): Promise<DriverReady | null> {
    const timeoutMs = this.options.readyTimeoutMs ?? DRIVER_READY_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    });
    try {
      return await Promise.race([this.ready, timeout, this.exited.then(() => null)]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async listen(): Promise<DriverReady | null> {
    let resolveReady: (ready: DriverReady | null) => void = () => undefined;
    const ready = new Promise<DriverReady | null>((resolve) => {
      resolveReady = resolve;
    });
    const lines = createInterface({ input: this.child.stdout, crlfDelay: Number.POSITIVE_INFINITY });
    lines.on("line", (line) => {
      const message = parseLine(line);
      if (message === null) return;
      if (message.ready === true) resolveReady(message as unknown as DriverReady);
      if (typeof message.id === "number") this.settle(message.id, message as unknown as DriverReply);
      else this.messageListener?.(message);
    });
    lines.on("close", () => resolveReady(null));
    return ready;
  }

  private send(cmd: DriverCommand, fields: Record<string, unknown> = {}): Promise<DriverReply> {
    this.nextId += 1;
    const id = this.nextId;
    if (this.exitStatus !== null)
      return Promise.resolve(transportFailure(id, "driver-exited", "process has exited"));
    const timeoutMs = this.options.replyTimeoutMs ?? DRIVER_REPLY_TIMEOUT_MS;
    const limit = this.replyTimeoutLimit();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        const message = `no reply to ${cmd} within ${timeoutMs} ms (${limit})`;
        resolve(transportFailure(id, "driver-timeout", message));
      }, timeoutMs);
      this.pending.set(id, { resolve, timer });
      this.child.stdin.write(`${JSON.stringify({ ...fields, id, cmd })}\n`);
    });
  }

  /** The limit a reply timeout names: the one that was set, never a default that did not apply. */
  private replyTimeoutLimit(): string {
    if (this.options.replyTimeoutLimit !== undefined) return this.options.replyTimeoutLimit;
    return this.options.replyTimeoutMs === undefined ? "DRIVER_REPLY_TIMEOUT_MS" : "replyTimeoutMs";
  }

  private control(message: HeldControl): void {
    if (this.exitStatus === null) this.child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  private settle(id: number, reply: DriverReply): void {
    const pending = this.pending.get(id);
    if (pending === undefined) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    pending.resolve(reply);
  }

  private failAll(message: string): void {
    for (const [id] of this.pending) this.settle(id, transportFailure(id, "driver-exited", message));
  }
}

/** One stdout line as a JSON object; anything else (a stray log line) is ignored. */
function parseLine(line: string): Record<string, unknown> | null {
  try {
    const json: unknown = JSON.parse(line);
    return typeof json === "object" && json !== null && !Array.isArray(json)
      ? (json as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** Spawns a driver without waiting for its ready line (held mode announces its first read before it). */
export function startDriver(options: SpawnDriverOptions): JsonLineDriver {
  const [program, ...leading] = options.command ?? [process.execPath, defaultDriverScript()];
  if (program === undefined) throw new Error("spawnDriver: empty command");
  const environment: NodeJS.ProcessEnv = {
    ...(options.environment ?? process.env),
    CODEX_HOME: options.home,
  };
  if (options.tokenUrl !== undefined) environment[TOKEN_URL_OVERRIDE_VARIABLE] = options.tokenUrl;
  // Designs registered in this process (a test's throwaway design) are known to the driver too.
  const designs = serializeDesigns();
  if (designs !== "") environment[DESIGNS_ENVIRONMENT_VARIABLE] = designs;
  const variant = options.variant === undefined ? [] : ["--variant", options.variant];
  const extra = options.extraArguments ?? [];
  const args = [...leading, "--home", options.home, ...variant, "--name", options.name, ...extra];
  const detached = options.processGroup === true;
  const child = spawn(program, args, { env: environment, stdio: ["pipe", "pipe", "pipe"], detached });
  return new JsonLineDriver(options.name, child, options);
}

/** Spawns a driver and waits for its ready line. */
export async function spawnDriver(options: SpawnDriverOptions): Promise<SpawnDriverResult> {
  const driver = startDriver(options);
  const ready = await driver.waitReady();
  if (ready !== null) return { ok: true, driver };
  await driver.kill();
  const message = `${options.name} did not print its ready line`;
  return { ok: false, error: { kind: "not-ready", message, stderr: driver.stderr() } };
}
