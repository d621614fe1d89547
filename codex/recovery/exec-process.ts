/**
 * One real `codex exec` process: the one Codex command that sends a model request by itself (app-server's
 * getAuthStatus never does), so its 401 recovery can run. It starts on a CODEX_HOME whose config.toml points
 * at the model API, in its own network namespace where `unshare -n` works (the token server and the model
 * API relayed in), and its stderr goes to a log file. What the recovery scenario reads from it: its exit,
 * and Codex's own auth log lines (`codex_login::auth::manager`, `codex_core::auth` in 0.116), each with the
 * time it arrived.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { join } from "node:path";
import { type CodexHome, codexEnvironment } from "../home.js";
import { CODEX_LIMITS } from "../limits.js";
import { namespacedCommandForRoutes, type RelayRoute } from "../netns.js";

/** The prompt of the one turn: its content never matters, only that a model request is made. */
export const EXEC_PROMPT = "hi";

/** Auth log lines kept (the whole stream goes to the log file). */
export const AUTH_LINES_MAX = 200;

export interface ExecSpec {
  binaryPath: string;
  home: CodexHome;
  /** `CODEX_REFRESH_TOKEN_URL_OVERRIDE` (with `?sender=B`, so the server attributes its POSTs). */
  tokenUrl: string;
  /** Ports relayed into a fresh network namespace; null: no namespace (config.toml alone keeps it local). */
  routes: readonly RelayRoute[] | null;
}

export interface ExecExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** It had not exited by itself and was killed. */
  killed: boolean;
}

/** One of Codex's auth log lines: `INFO codex_login::auth::manager: Refreshing token`. */
export interface AuthLogLine {
  atMs: number;
  text: string;
}

export interface CodexExec {
  pid: number | undefined;
  logPath: string;
  /** Resolves once the process has exited (by itself or killed); `spawnError` when it never started. */
  exited: Promise<ExecExit & { spawnError: string | null }>;
  /** Its own last message: the last `ERROR:` line (`codex exec` prints why a turn failed so), else "". */
  /** Auth log lines so far, in arrival order. */
  authLines(): readonly AuthLogLine[];
  lastErrorLine(): string;
  /** Waits up to `timeoutMs` for it to exit by itself, then kills its process group. */
  stop(timeoutMs: number): Promise<ExecExit>;
}

/** `2026-...Z  INFO span{...}: codex_login::auth::manager: Reloading auth` -> level, target and message. */
const AUTH_LINE =
  /\b(TRACE|DEBUG|INFO|WARN|ERROR)\b.*?\b(codex_login::auth::manager|codex_core::auth): (.*)$/;
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
/** Characters of one kept line. */
const LINE_MAX = 300;

export function authLineOf(line: string): string | null {
  const match = AUTH_LINE.exec(line.replace(ANSI_COLOUR, ""));
  if (!match) return null;
  const [, level, target, message] = match;
  return `${level} ${target}: ${message?.trim()}`.slice(0, LINE_MAX);
}

function commandFor(spec: ExecSpec): { file: string; args: string[] } {
  const args = ["exec", "--skip-git-repo-check", EXEC_PROMPT];
  if (spec.routes === null) return { file: spec.binaryPath, args };
  return namespacedCommandForRoutes(spec.routes, spec.binaryPath, args);
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    child.kill("SIGKILL");
  }
}

/** Copies stdout and stderr to the log; keeps auth lines and the last error line. */
function watchOutput(
  child: ChildProcess,
  log: WriteStream,
  lines: AuthLogLine[],
  lastError: { text: string },
) {
  let partial = "";
  const take = (chunk: Buffer): void => {
    log.write(chunk);
    partial += chunk.toString("utf8");
    const complete = partial.split("\n");
    partial = complete.pop() ?? "";
    for (const line of complete) {
      const auth = authLineOf(line);
      if (auth !== null && lines.length < AUTH_LINES_MAX) lines.push({ atMs: Date.now(), text: auth });
      const plain = line.replace(ANSI_COLOUR, "").trim();
      if (plain.startsWith("ERROR:")) lastError.text = plain.slice(0, LINE_MAX);
    }
  };
  child.stdout?.on("data", take);
  child.stderr?.on("data", take);
}

export function startCodexExec(spec: ExecSpec): CodexExec {
  const logPath = join(spec.home.logsDirectory, "B.exec.log");
  const log = createWriteStream(logPath);
  const command = commandFor(spec);
  const lines: AuthLogLine[] = [];
  const lastError = { text: "" };
  const child = spawn(command.file, command.args, {
    env: codexEnvironment(spec.home, spec.tokenUrl),
    cwd: spec.home.home,
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: stop() takes the relay and the binary (and its helpers) together.
    detached: true,
  });
  watchOutput(child, log, lines, lastError);
  let killed = false;
  const exited = new Promise<ExecExit & { spawnError: string | null }>((resolve) => {
    child.once("error", (error) => resolve({ code: null, signal: null, killed, spawnError: error.message }));
    child.once("close", (code, signal) => resolve({ code, signal, killed, spawnError: null }));
  }).then(async (exit) => {
    await new Promise<void>((done) => log.end(() => done()));
    return exit;
  });
  return {
    pid: child.pid,
    logPath,
    exited,
    authLines: () => lines,
    lastErrorLine: () => lastError.text,
    async stop(timeoutMs) {
      const timer = new Promise<null>((resolve) => setTimeout(() => resolve(null), timeoutMs).unref());
      const first = await Promise.race([exited, timer]);
      if (first === null) {
        killed = true;
        killGroup(child);
      }
      const exit = await Promise.race([
        exited,
        new Promise<null>((resolve) => setTimeout(() => resolve(null), CODEX_LIMITS.exitTimeoutMs).unref()),
      ]);
      // Whatever it started in its group goes with it.
      killGroup(child);
      return exit === null
        ? { code: null, signal: "SIGKILL", killed: true }
        : { code: exit.code, signal: exit.signal, killed };
    },
  };
}
