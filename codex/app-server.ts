/**
 * One real `codex app-server` process behind the driver verbs: `auth()` is getAuthStatus with
 * `refreshToken:false` (Codex's `AuthManager::auth()`, the proactive path), `refresh()` is
 * `refreshToken:true` (`refresh_token()`, the guarded refresh). App-server offers no call that runs the
 * 401 recovery (`UnauthorizedRecovery` runs only inside model requests) nor one that returns the cached
 * token without the proactive check, so `unauthorized()` and `cached()` answer "not supported".
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { join } from "node:path";
import type { CodexHome } from "./home.js";
import { codexEnvironment } from "./home.js";
import { CODEX_LIMITS } from "./limits.js";
import { namespacedCommand } from "./netns.js";
import { type ExitInfo, JsonLineRpc, type RpcFailure } from "./rpc.js";

/** How a process reaches the token server. */
export type NetworkSetup =
  | { mode: "namespace"; socketPath: string; tokenServerPort: number }
  | { mode: "loopback-config" };

export interface CodexProcessSpec {
  name: string;
  binaryPath: string;
  home: CodexHome;
  /** The token endpoint as the process sees it (`CODEX_REFRESH_TOKEN_URL_OVERRIDE`). */
  tokenUrl: string;
  network: NetworkSetup;
  /** Overrides `CODEX_LIMITS.startupTimeoutMs` / `requestTimeoutMs` (tests of a hanging binary). */
  startupTimeoutMs?: number;
  requestTimeoutMs?: number;
}

const PROCESS_FAILURE_KINDS = ["spawn", "crash", "timeout", "rpc-error", "protocol", "unsupported"] as const;
export type ProcessFailureKind = (typeof PROCESS_FAILURE_KINDS)[number];
export interface ProcessFailure {
  kind: ProcessFailureKind;
  message: string;
  /** A crash: the binary's own last word on stderr (its error line when it printed one), for reports. */
  stderrLine?: string;
}

/** getAuthStatus's answer. `accessToken: null` with managed auth means the snapshot is poisoned. */
export interface AuthStatus {
  authMethod: string | null;
  accessToken: string | null;
}

export type AuthReply = { ok: true; status: AuthStatus } | { ok: false; failure: ProcessFailure };
export type StartResult = { ok: true; process: CodexAppServer } | { ok: false; failure: ProcessFailure };
export interface ExitReport {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** It did not exit within `exitTimeoutMs` after stdin closed and was killed. */
  killed: boolean;
}

export const NOT_SUPPORTED = {
  unauthorized:
    "not supported by codex app-server: no app-server method runs the 401 recovery (UnauthorizedRecovery runs only inside a model request rejected with 401)",
  cached:
    "not supported by codex app-server: every getAuthStatus call goes through auth() (the proactive refresh check); none returns the cache alone",
} as const;

const CLIENT_INFO = { name: "authrace", title: "authrace", version: "0" };

function fromRpc(failure: RpcFailure): ProcessFailure {
  return { kind: failure.kind, message: failure.message };
}

export class CodexAppServer {
  private logClosed: Promise<void> | null = null;

  private constructor(
    readonly name: string,
    readonly logPath: string,
    private readonly child: ChildProcess,
    private readonly rpc: JsonLineRpc,
    private readonly log: WriteStream,
    private readonly requestTimeoutMs: number,
    private readonly stderrTail: () => string,
  ) {}

  /** A crash's failure with the binary's stderr line attached; other failures as they are. */
  withStderrLine(failure: ProcessFailure): ProcessFailure {
    if (failure.kind !== "crash") return failure;
    return { ...failure, stderrLine: errorLine(this.stderrTail()) };
  }

  /** Spawns the process and completes `initialize` -> `initialized`; a crash or a timeout is a failure. */
  static async start(spec: CodexProcessSpec): Promise<StartResult> {
    const logPath = join(spec.home.logsDirectory, `${spec.name}.stderr.log`);
    const log = createWriteStream(logPath);
    const command = commandFor(spec);
    let child: ChildProcess;
    try {
      child = spawn(command.file, command.args, {
        env: codexEnvironment(spec.home, spec.tokenUrl),
        cwd: spec.home.home,
        stdio: ["pipe", "pipe", "pipe"],
        // Its own process group: exit() can kill the relay and the binary together.
        detached: true,
      });
    } catch (error) {
      log.end();
      return {
        ok: false,
        failure: { kind: "spawn", message: `cannot start ${command.file}: ${String(error)}` },
      };
    }
    const spawnError = new Promise<{ spawnError: string }>((resolve) =>
      child.once("error", (error) => resolve({ spawnError: error.message })),
    );
    const stderrTail = captureStderr(child, log);
    const rpc = new JsonLineRpc(child, describeExitWith(spec.name, logPath, stderrTail));
    const requestTimeoutMs = spec.requestTimeoutMs ?? CODEX_LIMITS.requestTimeoutMs;
    const server = new CodexAppServer(spec.name, logPath, child, rpc, log, requestTimeoutMs, stderrTail);
    const startupTimeoutMs = spec.startupTimeoutMs ?? CODEX_LIMITS.startupTimeoutMs;
    const initialize = rpc.request("initialize", { clientInfo: CLIENT_INFO }, startupTimeoutMs);
    const first = await Promise.race([initialize, spawnError]);
    if ("spawnError" in first) {
      await server.exit();
      const message = `cannot start ${command.file}: ${first.spawnError}`;
      return { ok: false, failure: { kind: "spawn", message } };
    }
    if (!first.ok) {
      await server.exit();
      const failure = server.withStderrLine(fromRpc(first));
      if (failure.kind === "timeout") {
        failure.message = `codex app-server ${spec.name} did not answer initialize within ${startupTimeoutMs} ms (startupTimeoutMs)`;
      }
      return { ok: false, failure };
    }
    rpc.notify("initialized");
    return { ok: true, process: server };
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** `AuthManager::auth()`: returns the cache, refreshing first when it is stale. */
  auth(): Promise<AuthReply> {
    return this.getAuthStatus(false);
  }

  /** `AuthManager::refresh_token()`: the guarded refresh, then the status. */
  refresh(): Promise<AuthReply> {
    return this.getAuthStatus(true);
  }

  unauthorized(): Promise<AuthReply> {
    return Promise.resolve({
      ok: false,
      failure: { kind: "unsupported", message: NOT_SUPPORTED.unauthorized },
    });
  }

  cached(): Promise<AuthReply> {
    return Promise.resolve({ ok: false, failure: { kind: "unsupported", message: NOT_SUPPORTED.cached } });
  }

  private async getAuthStatus(refreshToken: boolean): Promise<AuthReply> {
    const params = { includeToken: true, refreshToken };
    const outcome = await this.rpc.request("getAuthStatus", params, this.requestTimeoutMs);
    if (!outcome.ok) return { ok: false, failure: this.withStderrLine(fromRpc(outcome)) };
    const result = outcome.result as { authMethod?: unknown; authToken?: unknown } | null;
    if (typeof result !== "object" || result === null) {
      return {
        ok: false,
        failure: { kind: "protocol", message: "getAuthStatus: the result is not an object" },
      };
    }
    return {
      ok: true,
      status: {
        authMethod: typeof result.authMethod === "string" ? result.authMethod : null,
        accessToken: typeof result.authToken === "string" ? result.authToken : null,
      },
    };
  }

  /** Closes stdin and waits `exitTimeoutMs` for it to exit; then kills the whole process group. */
  async exit(): Promise<ExitReport> {
    const exited = (): ExitReport | null => {
      const info = this.rpc.exited;
      return info ? { code: info.code, signal: info.signal, killed: false } : null;
    };
    let report = exited();
    if (!report) {
      this.child.stdin?.end();
      report = await this.waitForExit(CODEX_LIMITS.exitTimeoutMs);
    }
    if (!report) {
      this.killGroup();
      const killed = await this.waitForExit(CODEX_LIMITS.exitTimeoutMs);
      report = { code: killed?.code ?? null, signal: killed?.signal ?? "SIGKILL", killed: true };
    }
    // Whatever the binary started in its group (helpers) goes with it.
    this.killGroup();
    await this.closeLog();
    return report;
  }

  /** Kills the process group at once (the `crash` fault). */
  async kill(): Promise<ExitReport> {
    if (!this.rpc.exited) this.killGroup();
    const report = await this.waitForExit(CODEX_LIMITS.exitTimeoutMs);
    await this.closeLog();
    return { code: report?.code ?? null, signal: report?.signal ?? "SIGKILL", killed: true };
  }

  private closeLog(): Promise<void> {
    this.logClosed ??= new Promise<void>((resolve) => this.log.end(() => resolve()));
    return this.logClosed;
  }

  private waitForExit(timeoutMs: number): Promise<ExitReport | null> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        resolve({ code: this.child.exitCode, signal: this.child.signalCode, killed: false });
        return;
      }
      const timer = setTimeout(() => resolve(null), timeoutMs);
      this.child.once("exit", (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, killed: false });
      });
    });
  }

  private killGroup(): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      this.child.kill("SIGKILL");
    }
  }
}

function commandFor(spec: CodexProcessSpec): { file: string; args: string[] } {
  const args = ["app-server"];
  if (spec.network.mode === "loopback-config") return { file: spec.binaryPath, args };
  return namespacedCommand(spec.network.socketPath, spec.network.tokenServerPort, spec.binaryPath, args);
}

/** Copies stderr to the log file; the returned function gives its last `stderrTailBytes`. */
function captureStderr(child: ChildProcess, log: WriteStream): () => string {
  let tail = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    log.write(chunk);
    tail = (tail + chunk.toString("utf8")).slice(-CODEX_LIMITS.stderrTailBytes);
  });
  return () => tail;
}

function describeExitWith(
  name: string,
  logPath: string,
  stderrTail: () => string,
): (exit: ExitInfo) => string {
  return (exit) => {
    const how = exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.code}`;
    const tail = lastLines(stderrTail());
    return `codex app-server ${name} crashed: ${how}${tail ? `; stderr ends: ${tail}` : ""} (log: ${logPath})`;
  };
}

/** Characters of a stderr line kept for reports. */
const STDERR_LINE_MAX = 300;

/** An ANSI colour sequence (ESC [ ... m), which Codex's logs use unless NO_COLOR is honoured. */
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

/**
 * The line of stderr that says why a binary died: the last one mentioning an error or a panic, else the last
 * one (ANSI colours removed); "" when it printed nothing.
 */
export function errorLine(text: string): string {
  const lines = text.replace(ANSI_COLOUR, "").split("\n");
  const printed = lines.map((line) => line.trim()).filter((line) => line !== "");
  const telling = printed.filter((line) => /error|panick/i.test(line));
  return (telling.at(-1) ?? printed.at(-1) ?? "").slice(0, STDERR_LINE_MAX);
}

/** The last few stderr lines, on one line, for a crash message. */
function lastLines(text: string): string {
  const lines = text
    .trim()
    .split("\n")
    .filter((line) => line.trim() !== "");
  return lines.slice(-3).join(" | ").slice(-600);
}
