/** `authrace <args>` as a user runs it: node dist/cli/main.js in the repository, with a timeout. */
import { execFile } from "node:child_process";
import { cliEntry, repositoryRoot } from "./paths.js";

export interface CliResult {
  /** The exit code; null when the process was killed (the timeout). */
  code: number | null;
  stdout: string;
  stderr: string;
}

const OUTPUT_BYTES_MAX = 16 * 1024 * 1024;

export function runCli(args: readonly string[], timeoutMs: number): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cliEntry, ...args],
      { cwd: repositoryRoot, timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: OUTPUT_BYTES_MAX },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
