/**
 * Proves `authrace server` as a real child process: it prints its URL, token URL and the
 * CODEX_REFRESH_TOKEN_URL_OVERRIDE line and the control secret (without which the control endpoints answer 403), writes a Codex auth.json whose refresh token the server accepts,
 * logs each token request as one redacted line, stops cleanly (exit 0) on SIGTERM and SIGINT, and answers
 * bad flags with exit code 2 and its usage. Also checks the flag parser in-process.
 */
import { type ChildProcessByStdio, spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { UsageError } from "../../cli/command.js";
import { parseServerArgs } from "../../cli/commands/server.js";
import { redact } from "../../impl/redact.js";
import { decodeJwt, OPENAI_AUTH_CLAIM } from "../../impl/storage/jwt.js";
import { cliEntry, repositoryRoot } from "../support/paths.js";
import { controlHeaders, getJson, refresh } from "./helpers.js";

const LINE_WAIT_MS = 10_000;
const EXIT_WAIT_MS = 10_000;
const MS_PER_DAY = 86_400_000;

type ServerProcess = ChildProcessByStdio<null, Readable, Readable>;

/** A running `authrace server` with its stdout lines collected as they arrive. */
class CliServer {
  readonly lines: string[] = [];
  stderr = "";
  private readonly waiters = new Set<() => void>();
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly child: ServerProcess) {
    createInterface({ input: child.stdout }).on("line", (line) => {
      this.lines.push(line);
      for (const wake of this.waiters) wake();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString("utf8");
    });
    this.exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  }

  /** The first line matching `pattern`, waiting up to LINE_WAIT_MS for it. */
  waitForLine(pattern: RegExp): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const line = this.lines.find((candidate) => pattern.test(candidate));
        if (line === undefined) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(line);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(
          new Error(
            `no line matching ${pattern} in ${LINE_WAIT_MS} ms:\n${this.lines.join("\n")}\n${this.stderr}`,
          ),
        );
      }, LINE_WAIT_MS);
      this.waiters.add(check);
      check();
    });
  }

  async stop(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`server did not exit ${EXIT_WAIT_MS} ms after ${signal}`)),
        EXIT_WAIT_MS,
      );
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

const running: CliServer[] = [];

function startCli(args: string[]): CliServer {
  const child = spawn(process.execPath, [cliEntry, "server", ...args], {
    cwd: repositoryRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const server = new CliServer(child);
  running.push(server);
  return server;
}

async function tokenUrlOf(server: CliServer): Promise<string> {
  const line = await server.waitForLine(/^CODEX_REFRESH_TOKEN_URL_OVERRIDE=/);
  return line.slice(line.indexOf("=") + 1);
}

let workDirectory = "";

beforeAll(async () => {
  workDirectory = await mkdtemp(join(tmpdir(), "authrace-server-cli-"));
});

afterEach(async () => {
  for (const server of running.splice(0)) {
    if (server.child.exitCode === null && server.child.signalCode === null) await server.stop("SIGKILL");
  }
});

afterAll(async () => {
  if (workDirectory) await rm(workDirectory, { recursive: true, force: true });
});

describe("authrace server (child process)", () => {
  it("prints its URLs, serves rotation, logs redacted lines, and exits 0 on SIGTERM", async () => {
    const server = startCli(["--port", "0"]);
    const listening = await server.waitForLine(/^authrace server: listening on /);
    const url = listening.replace("authrace server: listening on ", "");
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await server.waitForLine(/^token URL: /)).toBe(`token URL: ${url}/oauth/token`);
    const tokenUrl = await tokenUrlOf(server);
    expect(tokenUrl).toBe(`${url}/oauth/token`);

    const secretLine = await server.waitForLine(/^AUTHRACE_CONTROL_SECRET=/);
    const secret = secretLine.slice(secretLine.indexOf("=") + 1);
    const unauthorised = await fetch(`${url}/control/family`, { method: "POST", body: "{}" });
    expect(unauthorised.status).toBe(403);
    const created = await fetch(`${url}/control/family`, {
      method: "POST",
      headers: { "content-type": "application/json", ...controlHeaders(secret) },
      body: "{}",
    });
    const family = (await created.json()) as { refreshToken: string };
    expect((await refresh(tokenUrl, family.refreshToken)).status).toBe(200);
    expect((await refresh(tokenUrl, family.refreshToken)).status).toBe(401);

    const rotated = await server.waitForLine(/-> 200 rotated/);
    expect(rotated).toBe(
      `POST /oauth/token refresh_token=${redact(family.refreshToken)} -> 200 rotated family-1/R0`,
    );
    expect(await server.waitForLine(/-> 401/)).toContain(
      "-> 401 reused refresh_token_reused family-1/R0 stale-send",
    );
    expect(server.lines.join("\n")).not.toContain(family.refreshToken);

    expect(await server.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    expect(server.lines.at(-1)).toBe("authrace server: SIGTERM, stopped after 2 requests (1 stale sends)");
  });

  it("writes a Codex auth.json the server accepts, with options from flags, and stops on SIGINT", async () => {
    const authPath = join(workDirectory, "home", ".codex", "auth.json");
    await mkdir(dirname(authPath), { recursive: true });
    const server = startCli([
      "--grace",
      "--opaque-access-tokens",
      "--write-auth-json",
      authPath,
      "--account-id",
      "acct-cli",
      "--email",
      "cli@example.com",
      "--last-refresh-age-days",
      "8",
    ]);
    const tokenUrl = await tokenUrlOf(server);
    await server.waitForLine(/^wrote /);
    expect((await stat(authPath)).mode & 0o777).toBe(0o600);
    const auth = JSON.parse(await readFile(authPath, "utf8"));
    expect(Object.keys(auth)).toEqual(["auth_mode", "OPENAI_API_KEY", "tokens", "last_refresh"]);
    expect(auth).toMatchObject({ auth_mode: "chatgpt", OPENAI_API_KEY: null });
    expect(auth.tokens).toMatchObject({ access_token: "at-R0", account_id: "acct-cli" });
    expect(Date.now() - Date.parse(auth.last_refresh)).toBeGreaterThanOrEqual(8 * MS_PER_DAY);
    expect(Date.now() - Date.parse(auth.last_refresh)).toBeLessThan(8 * MS_PER_DAY + LINE_WAIT_MS);
    const idToken = decodeJwt(auth.tokens.id_token);
    expect(idToken.ok && idToken.claims.email).toBe("cli@example.com");
    expect(idToken.ok && idToken.claims[OPENAI_AUTH_CLAIM]).toMatchObject({ chatgpt_account_id: "acct-cli" });

    const first = await refresh(tokenUrl, auth.tokens.refresh_token);
    expect(first.status).toBe(200);
    expect(first.body.access_token).toBe("at-R1");
    const retry = await refresh(tokenUrl, auth.tokens.refresh_token);
    expect(retry.body).toEqual(first.body);
    const secretLine = await server.waitForLine(/^AUTHRACE_CONTROL_SECRET=/);
    const secret = secretLine.slice(secretLine.indexOf("=") + 1);
    const state = await getJson(tokenUrl.replace("/oauth/token", "/state"), controlHeaders(secret));
    expect(state.body.options).toMatchObject({ graceWindow: true, accessTokenStyle: "opaque" });
    await server.waitForLine(/-> 200 grace/);

    expect(await server.stop("SIGINT")).toEqual({ code: 0, signal: null });
    expect(server.lines.at(-1)).toContain("SIGINT, stopped after 2 requests");
  });

  it.each([
    [["--bogus"], /bogus/],
    [["--port", "http"], /--port must be an integer/],
    [["--fault", "explode"], /--fault explode: kind must be/],
    [["--account-id", "acct-x"], /--account-id needs --write-auth-json/],
    [["stray"], /positional/i],
  ])("exits 2 with the usage on bad flags %j", async (args, message) => {
    const server = startCli(args);
    expect(await server.exited).toEqual({ code: 2, signal: null });
    expect(server.stderr).toMatch(message);
    expect(server.stderr).toContain("usage: authrace server");
  });
});

describe("parseServerArgs", () => {
  it("maps every flag onto the server options and the fixture", () => {
    const parsed = parseServerArgs([
      "--port=4100",
      "--revoke-on-reuse",
      "--grace",
      "--delay-ms",
      "250",
      "--access-token-ttl-seconds",
      "60",
      "--opaque-access-tokens",
      "--fault",
      "status-500:2",
      "--fault",
      "drop-after-rotate",
      "--write-auth-json",
      "/tmp/x/auth.json",
      "--plan-type",
      "pro",
      "--last-refresh-age-days",
      "7.5",
    ]);
    expect(parsed).toEqual({
      server: {
        port: 4100,
        revokeFamilyOnReuse: true,
        graceWindow: true,
        responseDelayMs: 250,
        accessTokenTtlSeconds: 60,
        accessTokenStyle: "opaque",
        faults: [
          { kind: "status-500", count: 2 },
          { kind: "drop-after-rotate", count: 1 },
        ],
      },
      fixture: { path: "/tmp/x/auth.json", force: false, planType: "pro", lastRefreshAgeDays: 7.5 },
    });
    expect(parseServerArgs([])).toEqual({
      server: { revokeFamilyOnReuse: false, graceWindow: false, accessTokenStyle: "jwt", faults: [] },
      fixture: null,
    });
  });

  it.each([
    ["--port", "65536"],
    ["--delay-ms", "60001"],
    ["--delay-ms", "-5"],
    ["--fault", "status-500:0"],
    ["--write-auth-json", "a.json", "--last-refresh-age-days", "soon"],
    ["--force"],
  ])("refuses %s %s with a UsageError", (...args) => {
    expect(() => parseServerArgs(args)).toThrow(UsageError);
  });
});
