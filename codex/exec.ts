/** Runs a short-lived command with a time limit; the outcome is a typed result, never an exception. */
import { execFile } from "node:child_process";

export interface ExecOutcome {
  /** Exit code; null when killed by a signal (a timeout included). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** The command could not be started at all (ENOENT, EACCES...). */
  spawnError: string | null;
}

/** Output kept from one command; npm's JSON for `npm view` is small. */
const OUTPUT_MAX_BYTES = 8 * 1024 * 1024;

export function runCommand(
  file: string,
  args: readonly string[],
  options: { timeoutMs: number; cwd?: string; env?: NodeJS.ProcessEnv },
): Promise<ExecOutcome> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      {
        timeout: options.timeoutMs,
        killSignal: "SIGKILL",
        maxBuffer: OUTPUT_MAX_BYTES,
        cwd: options.cwd,
        env: options.env ?? process.env,
        encoding: "utf8",
      },
      (error, stdout, stderr) => {
        const failure = error as (NodeJS.ErrnoException & { killed?: boolean; signal?: string }) | null;
        const spawnError =
          failure && typeof failure.code === "string" ? `${failure.code}: ${failure.message}` : null;
        const code = failure === null ? 0 : typeof failure.code === "number" ? failure.code : null;
        const signal = (failure?.signal as NodeJS.Signals | undefined) ?? null;
        const timedOut = failure?.killed === true && signal === "SIGKILL";
        resolve({ code, signal, stdout, stderr, timedOut, spawnError: timedOut ? null : spawnError });
      },
    );
  });
}
