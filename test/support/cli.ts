/** Running authrace's programs as a user does: the CLI (node dist/cli/main.js) and the driver program. */
import { execFile, spawn } from "node:child_process";
import { cliEntry, driverEntry, repositoryRoot } from "./paths.js";

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

/** The driver program (node dist/impl/driver/main.js) with `input` on stdin, to its exit; no timeout of its own. */
export function runDriverProgram(
  args: readonly string[],
  environment: NodeJS.ProcessEnv,
  input = "",
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [driverEntry, ...args], { env: environment });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}
