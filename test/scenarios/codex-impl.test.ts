/**
 * Proves that a real-process scenario takes `--impl codex:<version>`: `authrace scenario
 * stale-cache --impl codex:0.117.0 --json`, run as a user runs it (node dist/cli/main.js), drives two real
 * `codex app-server` processes through the same steps as the reference and prints the same JSON document:
 * one POST (R0 -> 200), no stale send, and B returns the rotated at-R1 that A saved; the expectation comes
 * from `guarded`, the variant 0.117.0 mirrors. Also proves the spec parsing: `ref:<variant>` is `--variant`,
 * and an unknown spec is a usage error naming it. The real run fails, not skips, when the binary cannot be
 * had (it is fetched into .cache/codex the first time), unless AUTHRACE_SKIP_CODEX=1.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, test } from "vitest";
import { UsageError } from "../../cli/command.js";
import { parseScenarioArgs } from "../../cli/commands/scenario.js";
import { parseImplementationSpec } from "../../cli/implementation/spec.js";
import { CODEX_LIMITS } from "../../codex/limits.js";

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** Built by `npx tsc -p tsconfig.build.json` (vitest's global set-up does it when dist/ is outdated). */
const cliEntry = join(repositoryRoot, "dist/cli/main.js");
const SKIP_REAL_CODEX = process.env.AUTHRACE_SKIP_CODEX === "1";
/** A first download of the binary may take minutes; then two app-servers, a 6 s fixture and five calls. */
const CODEX_RUN_TIMEOUT_MS = CODEX_LIMITS.npmPackTimeoutMs * CODEX_LIMITS.downloadAttemptsMax + 60_000;
const USAGE_TIMEOUT_MS = 30_000;
const REDACTED_REFRESH_TOKEN = /^rt_[\w-]{4}\.\.\.$/;

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], timeoutMs: number): Promise<CliResult> {
  return new Promise((resolveResult) => {
    execFile(
      process.execPath,
      [cliEntry, ...args],
      { cwd: repositoryRoot, timeout: timeoutMs, killSignal: "SIGKILL" },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
        resolveResult({ code, stdout, stderr });
      },
    );
  });
}

beforeAll(() => {
  if (!existsSync(cliEntry)) throw new Error(`${cliEntry} is missing: run npx tsc -p tsconfig.build.json`);
});

describe("--impl <spec>", () => {
  test("ref:<variant> is --variant <variant>; codex:<version> names a release", () => {
    expect(parseScenarioArgs(["stale-cache", "--impl", "ref:guarded"])).toEqual(
      parseScenarioArgs(["stale-cache", "--variant", "guarded"]),
    );
    expect(parseScenarioArgs(["stale-cache", "--impl", "codex:0.117.0", "--json"])).toEqual({
      scenario: "stale-cache",
      codexVersion: "0.117.0",
      json: true,
    });
    expect(parseImplementationSpec("reference:locked")).toEqual({ variant: "locked" });
  });

  test.each([
    [
      "python:3.12",
      /unknown implementation 'python:3\.12' \(expected ref:<variant>, codex:<version\|path> or mutant:<name>\)/,
    ],
    ["ref:nope", /--impl 'ref:nope': unknown variant 'nope' \(known: legacy, guarded/],
    ["codex:latest", /--impl 'codex:latest': 'latest' is not a Codex release version/],
  ])("an unknown spec %s is a usage error naming it", (spec, message) => {
    expect(() => parseScenarioArgs(["stale-cache", "--impl", spec])).toThrow(UsageError);
    expect(() => parseScenarioArgs(["stale-cache", "--impl", spec])).toThrow(message);
  });

  test("--variant next to a codex release, or a different ref, is a usage error", () => {
    expect(() =>
      parseScenarioArgs(["stale-cache", "--variant", "legacy", "--impl", "codex:0.117.0"]),
    ).toThrow(/a Codex release mirrors its own variant/);
    expect(() => parseScenarioArgs(["stale-cache", "--variant", "legacy", "--impl", "ref:locked"])).toThrow(
      /--variant legacy and --impl 'ref:locked' disagree/,
    );
  });

  test("the CLI exits 2 on an unknown spec, naming it, before fetching anything", async () => {
    const result = await cli(["scenario", "stale-cache", "--impl", "codex-0.117.0"], USAGE_TIMEOUT_MS);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown implementation 'codex-0.117.0'");
    expect(result.stdout).toBe("");
  });
});

describe.skipIf(SKIP_REAL_CODEX)("scenario stale-cache --impl codex:0.117.0 --json", () => {
  test(
    "one POST, no stale send; B returns the rotated at-R1 that A saved",
    async () => {
      const result = await cli(
        ["scenario", "stale-cache", "--impl", "codex:0.117.0", "--json"],
        CODEX_RUN_TIMEOUT_MS,
      );
      // A binary that cannot be had exits 1 naming the cause: shown here, and the test fails.
      expect(result.code, result.stderr).toBe(0);
      const json = JSON.parse(result.stdout);
      expect(Object.keys(json)).toEqual(["scenario", "variant", "posts", "processes", "staleSends"]);
      expect(json).toMatchObject({ scenario: "stale-cache", variant: "guarded", staleSends: 0 });
      expect(json.posts).toEqual([
        { refreshToken: expect.stringMatching(REDACTED_REFRESH_TOKEN), status: 200, code: null },
      ]);
      // app-server reveals access tokens only; the fixture's name their generation.
      expect(json.processes.A.returned).toBe("at-R1");
      expect(json.processes.B.returned).toBe("at-R1");
    },
    CODEX_RUN_TIMEOUT_MS,
  );
});
