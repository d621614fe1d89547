/**
 * Proves `authrace scenario` as a user runs it (`node dist/cli/main.js`; test/support/global-setup.ts builds
 * dist/ first when it is older than the sources): the text output is the seed's log shape; `--json` prints
 * exactly {scenario, variant, posts[{refreshToken,status,code}],
 * processes{A,B:{cachedBefore,cachedAfter,returned}}, staleSends} with every token redacted; a run that matches its expectation exits 0; unknown scenarios and
 * variants, a missing --variant and stray arguments are usage errors (exit 2) that name the known values.
 */
import { describe, expect, test } from "vitest";
import { UsageError } from "../../cli/command.js";
import { parseScenarioArgs } from "../../cli/commands/scenario.js";
import { REFRESH_ERROR_CODES } from "../../model/vocabulary.js";
import { type CliResult, runCli } from "../support/cli.js";

const CLI_TIMEOUT_MS = 30_000;
const REDACTED = /^rt_[\w-]{4}\.\.\.$/;

function cli(args: string[]): Promise<CliResult> {
  return runCli(args, CLI_TIMEOUT_MS);
}

describe("scenario --json", () => {
  test("stale-cache --variant guarded: one POST, B returns what A saved", async () => {
    const result = await cli(["scenario", "stale-cache", "--variant", "guarded", "--json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(Object.keys(json)).toEqual(["scenario", "variant", "posts", "processes", "staleSends"]);
    expect(json).toMatchObject({ scenario: "stale-cache", variant: "guarded", staleSends: 0 });
    expect(json.posts).toEqual([{ refreshToken: expect.stringMatching(REDACTED), status: 200, code: null }]);
    expect(Object.keys(json.processes)).toEqual(["A", "B"]);
    for (const name of ["A", "B"]) {
      expect(Object.keys(json.processes[name])).toEqual(["cachedBefore", "cachedAfter", "returned"]);
      for (const token of Object.values(json.processes[name])) expect(token).toMatch(REDACTED);
      expect(json.processes[name].cachedBefore).toBe(json.posts[0].refreshToken);
    }
    expect(json.processes.B.returned).toBe(json.processes.A.returned);
    expect(json.processes.B.returned).not.toBe(json.posts[0].refreshToken);
  });

  test("simultaneous --variant legacy: the same R0 twice, the second rejected as reused", async () => {
    const result = await cli(["scenario", "simultaneous", "--variant", "legacy", "--json"]);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.staleSends).toBe(1);
    const [first, second] = json.posts;
    expect(first).toMatchObject({ status: 200, code: null });
    expect(second).toEqual({
      refreshToken: first.refreshToken,
      status: 401,
      code: REFRESH_ERROR_CODES.reused,
    });
  });
});

test("text output: the seed's log shape, then the verdict and the expectation", async () => {
  const result = await cli(["scenario", "stale-cache", "--variant", "legacy"]);
  expect(result.code).toBe(0);
  const lines = result.stdout.split("\n");
  expect(lines.slice(0, 2)).toEqual([
    expect.stringMatching(/^POST \/oauth\/token refresh_token=rt_[\w-]{4}\.\.\. -> 200 rotated /),
    expect.stringMatching(/^POST \/oauth\/token refresh_token=rt_[\w-]{4}\.\.\. -> 401 reused .*stale-send$/),
  ]);
  expect(lines.slice(2, 8).map((line) => line.replace(/=rt_[\w-]{4}\.\.\.$/, "=<token>"))).toEqual([
    "B:cached_before=<token>",
    "B:cached_after=<token>",
    "B:returned=<token>",
    "A:cached_before=<token>",
    "A:cached_after=<token>",
    "A:returned=<token>",
  ]);
  expect(result.stdout).toMatch(/NoStaleRefreshSent violated/);
  expect(result.stdout).toMatch(/B returned R0 \(stale\)/);
  expect(result.stdout).toMatch(/^ {2}as expected$/m);
});

describe("usage errors exit 2 and name the known values", () => {
  test.each([
    [
      ["scenario", "nope", "--variant", "legacy"],
      /unknown scenario 'nope' \(known: stale-cache, simultaneous, stale-cache-expired, stale-cache-unreachable, two-managers\)/,
    ],
    [
      ["scenario", "stale-cache", "--variant", "nope"],
      /unknown variant 'nope' \(known: legacy, guarded, persist-locked, locked, flocked\)/,
    ],
  ])("%j", async (args, message) => {
    const result = await cli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/usage: authrace scenario <name> --variant <variant>/);
    expect(result.stdout).toBe("");
  });

  test.each([
    [[], /name a scenario/],
    [["stale-cache"], /--variant is required/],
    [["stale-cache", "simultaneous", "--variant", "locked"], /one scenario per run/],
    [["stale-cache", "--variant", "locked", "--bogus"], /Unknown option '--bogus'/],
    [["stale-cache", "--variant"], /argument missing/],
  ])("parseScenarioArgs(%j) throws a UsageError", (args, message) => {
    expect(() => parseScenarioArgs(args)).toThrow(UsageError);
    expect(() => parseScenarioArgs(args)).toThrow(message);
  });

  test("parses a valid command line", () => {
    expect(parseScenarioArgs(["simultaneous", "--variant", "persist-locked", "--json"])).toEqual({
      scenario: "simultaneous",
      variant: "persist-locked",
      json: true,
    });
  });
});
