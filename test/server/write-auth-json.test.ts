/**
 * Proves that `authrace server --write-auth-json PATH` never loses credentials and never creates directories:
 * an existing file at PATH (a real login, say) is refused with exit 1, a message naming it and --force, and its
 * bytes unchanged (so is a dangling symlink there); --force replaces it; a missing parent directory is refused
 * naming that directory, which is still missing afterwards.
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runCli } from "../support/cli.js";
import { cliEntry, repositoryRoot } from "../support/paths.js";

const EXIT_WAIT_MS = 10_000;
const REAL_LOGIN = '{"tokens": "a real login: must survive"}';

let work = "";
let home = "";
let file = "";

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "authrace-write-auth-json-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function freshHome(name: string): Promise<void> {
  home = join(work, name);
  file = join(home, "auth.json");
  await mkdir(home);
}

/** Runs the server until it prints `pattern` (then SIGTERM) or exits by itself. */
function serveUntil(args: string[], pattern: RegExp): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliEntry, "server", "--port", "0", ...args], {
      cwd: repositoryRoot,
    });
    let stdout = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`no ${pattern} within ${EXIT_WAIT_MS} ms:\n${stdout}`));
    }, EXIT_WAIT_MS);
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      if (pattern.test(stdout)) child.kill("SIGTERM");
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout });
    });
  });
}

describe("authrace server --write-auth-json", () => {
  test("refuses an existing file without --force, naming it, bytes unchanged", async () => {
    await freshHome("existing");
    await writeFile(file, REAL_LOGIN, { mode: 0o600 });
    const result = await runCli(["server", "--port", "0", "--write-auth-json", file], EXIT_WAIT_MS);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toMatch(/exists.*--force/);
    expect(await readFile(file, "utf8")).toBe(REAL_LOGIN);
  });

  test("refuses a dangling symlink in its place too", async () => {
    await freshHome("symlink");
    await symlink(join(home, "elsewhere.json"), file);
    const result = await runCli(["server", "--port", "0", "--write-auth-json", file], EXIT_WAIT_MS);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/exists.*--force/);
    await expect(stat(join(home, "elsewhere.json"))).rejects.toThrow(/ENOENT/);
  });

  test("--force replaces it (0600)", async () => {
    await freshHome("forced");
    await writeFile(file, REAL_LOGIN, { mode: 0o644 });
    const result = await serveUntil(["--write-auth-json", file, "--force"], /^wrote /m);
    expect(result.stdout).toContain(`wrote ${file}`);
    const written = JSON.parse(await readFile(file, "utf8"));
    expect(written.tokens.refresh_token).toMatch(/\S/);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  test("writes a new file into an existing directory", async () => {
    await freshHome("new");
    const result = await serveUntil(["--write-auth-json", file], /^wrote /m);
    expect(result.stdout).toContain(`wrote ${file}`);
    expect(JSON.parse(await readFile(file, "utf8")).tokens.account_id).toMatch(/\S/);
  });

  test("refuses a missing parent directory, naming it, and creates nothing", async () => {
    const parent = join(work, "no-such-home", ".codex");
    const result = await runCli(
      ["server", "--port", "0", "--write-auth-json", join(parent, "auth.json")],
      EXIT_WAIT_MS,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(parent);
    expect(result.stderr).toMatch(/does not exist/);
    await expect(stat(join(work, "no-such-home"))).rejects.toThrow(/ENOENT/);
  });
});
