/**
 * Before any path runs on a cmd: program, one start of it on a throw-away CODEX_HOME: a program that cannot be
 * started, dies while starting or hangs is reported as exactly that, with its own exit code and the line of
 * its stderr that says why, instead of as a divergence of every path ("DOES NOT CONFORM ... 5 divergences").
 * The start is the one a run makes (held mode, the conductor's lock options, a clock line, the construction
 * read released), so a program that passes it starts in a run too.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DRIVER_READY_TIMEOUT_MS, type DriverMessage, startDriver } from "../impl/driver/client.js";
import { authJsonPath, formatAuthJson, makeSnapshot } from "../impl/storage/index.js";
import { HELD_MODE_ARGUMENTS, stderrGist } from "./remote-slot.js";
import { CONFORM_EPOCH_MS, conformTempRoot } from "./session.js";
import { SETTLE_TIMEOUT_MS } from "./slot.js";

/** Nothing listens here: loading sends no request, and a program that does is stopped before it matters. */
const UNUSED_TOKEN_URL = "http://127.0.0.1:9/oauth/token";
/** How long a killed preflight process may take to be reaped. */
const KILL_WAIT_MS = 5_000;

export type StartFailureKind = "cannot-start" | "exited" | "hung" | "no-held-mode";

export interface StartFailure {
  kind: StartFailureKind;
  /** One line: what happened, the exit code or signal, and the program's own words from stderr. */
  message: string;
  exitCode: number | null;
  signal: string | null;
}

type Seen = { kind: "message"; message: DriverMessage } | { kind: "exit" } | { kind: "timeout" };

/** The waits of a preflight: the first line after the start, the ready line after the released read. */
export interface PreflightLimits {
  startTimeoutMs: number;
  readyTimeoutMs: number;
}

const PREFLIGHT_LIMITS: PreflightLimits = {
  startTimeoutMs: DRIVER_READY_TIMEOUT_MS,
  readyTimeoutMs: SETTLE_TIMEOUT_MS,
};

/** Resolves once the process is gone, or after KILL_WAIT_MS (the timer never outlives it). */
async function killed(driver: Driver): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const wait = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, KILL_WAIT_MS);
  });
  await Promise.race([driver.kill(), wait]);
  clearTimeout(timer);
}

/** Starts `command` once in held mode, loads, and stops it; null when it started as the protocol says. */
export async function preflightProgram(
  command: readonly string[],
  limits: PreflightLimits = PREFLIGHT_LIMITS,
): Promise<StartFailure | null> {
  const home = await mkdtemp(join(conformTempRoot(), "authrace-preflight-"));
  const snapshot = makeSnapshot({
    accessToken: "at-R0",
    refreshToken: "rt-R0",
    lastRefresh: CONFORM_EPOCH_MS,
  });
  await writeFile(authJsonPath(home), formatAuthJson(snapshot), { mode: 0o600 });
  const driver = startDriver({
    home,
    name: "preflight",
    tokenUrl: UNUSED_TOKEN_URL,
    command,
    extraArguments: HELD_MODE_ARGUMENTS,
    processGroup: true,
  });
  const messages: DriverMessage[] = [];
  let wake: (() => void) | null = null;
  driver.onMessage((message) => {
    messages.push(message);
    wake?.();
  });
  const exited = driver.waitExit();
  const next = (timeoutMs: number): Promise<Seen> =>
    new Promise((resolve) => {
      const take = () => {
        const message = messages.shift();
        if (message === undefined) return false;
        clearTimeout(timer);
        resolve({ kind: "message", message });
        return true;
      };
      const timer = setTimeout(() => resolve({ kind: "timeout" }), timeoutMs);
      void exited.then(() => {
        if (!take()) {
          clearTimeout(timer);
          resolve({ kind: "exit" });
        }
      });
      wake = () => void take();
      take();
    });
  try {
    driver.setClock(CONFORM_EPOCH_MS);
    const first = await next(limits.startTimeoutMs);
    const failed = judgeFirst(first, driver, limits);
    if (failed !== null || first.kind !== "message") return failed;
    const seq = (first.message.held as { seq?: unknown } | undefined)?.seq;
    driver.release(typeof seq === "number" ? seq : 1);
    const second = await next(limits.readyTimeoutMs);
    return judgeSecond(second, driver, limits);
  } finally {
    await killed(driver);
    await rm(home, { recursive: true, force: true });
  }
}

type Driver = ReturnType<typeof startDriver>;

function failure(kind: StartFailureKind, what: string, driver: Driver): StartFailure {
  const exit = driver.exitedWith;
  const code = exit?.code ?? null;
  const signal = exit?.signal ?? null;
  const ending = exit === null ? "" : ` (exit code ${code}, signal ${signal})`;
  return { kind, message: `${what}${ending}${stderrGist(driver.stderr())}`, exitCode: code, signal };
}

function judgeFirst(seen: Seen, driver: Driver, limits: PreflightLimits): StartFailure | null {
  if (seen.kind === "timeout") {
    return failure("hung", `hung: printed nothing within ${limits.startTimeoutMs} ms of its start`, driver);
  }
  if (seen.kind === "exit") {
    const spawnFailed = /spawning .* failed/.test(driver.stderr());
    return spawnFailed
      ? failure("cannot-start", "could not be started", driver)
      : failure("exited", "exited while starting, before its held read of auth.json", driver);
  }
  const { message } = seen;
  if (message.ready === true) {
    return failure("no-held-mode", "printed its ready line before any held read (no held mode)", driver);
  }
  const held = message.held as { kind?: unknown } | undefined;
  if (held?.kind !== "readDisk") {
    return failure(
      "no-held-mode",
      `began with ${JSON.stringify(message)}, not the held read of auth.json`,
      driver,
    );
  }
  return null;
}

function judgeSecond(seen: Seen, driver: Driver, limits: PreflightLimits): StartFailure | null {
  if (seen.kind === "timeout") {
    const what = `hung: printed no ready line within ${limits.readyTimeoutMs} ms of its released read`;
    return failure("hung", what, driver);
  }
  if (seen.kind === "exit") return failure("exited", "exited while loading auth.json", driver);
  if (seen.message.ready !== true) {
    return failure("no-held-mode", `answered its released read with ${JSON.stringify(seen.message)}`, driver);
  }
  return null;
}
