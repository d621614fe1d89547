/**
 * Proves PR #15357's second regression test and the issue's symptom on real OS processes (reference driver, real
 * loopback server): stale-cache, then the endpoint fails every refresh after A's rotation.
 * - Every design, through the scenario matrix: legacy POSTs its cached R0 (a stale send) on each of B's two calls
 *   and the server answers 401 refresh_token_expired (stale-cache-expired) or resets the connection
 *   (stale-cache-unreachable); every other design never calls the endpoint and returns A's R1 from disk. Each row matches expectationFor, which follows
 *   the model's verdict on the seed's story.
 * - Asked again, legacy sends the dead R0 once per call and reports the failure each time: permanent `expired`,
 *   or transient `network` (undici's ECONNRESET: Codex's "error sending request for url"); guarded stays on R1.
 */
import { describe, expect, test } from "vitest";
import { VARIANTS } from "../../model/designs/index.js";
import { REFRESH_ERROR_CODES } from "../../model/vocabulary.js";
import {
  expectationFor,
  referenceImplementation,
  runScenario,
  runScenarioMatrix,
  type ScenarioReport,
} from "../../scenarios/index.js";
import { useTemporaryParent } from "./helpers.js";

const parent = useTemporaryParent();

describe("expectationFor: the seed's story, with the endpoint's answer to the stale send", () => {
  test.each([
    ["stale-cache-expired", { generation: 0, status: 401, code: REFRESH_ERROR_CODES.expired }],
    ["stale-cache-unreachable", { generation: 0, status: 0, code: null }],
  ] as const)("%s", (scenario, staleAnswer) => {
    const legacy = expectationFor(scenario, "legacy");
    expect(legacy.posts).toEqual([{ generation: 0, status: 200, code: null }, staleAnswer]);
    expect(legacy).toMatchObject({ staleSends: 1, bReturns: "stale" });
    expect(legacy.again).toEqual({ posts: [staleAnswer], staleSends: 1, staleReturns: 1 });
    expect(legacy.because).toBe(expectationFor("stale-cache", "legacy").because);
    for (const variant of VARIANTS.filter((name) => name !== "legacy")) {
      expect(expectationFor(scenario, variant)).toMatchObject({
        posts: [{ generation: 0, status: 200, code: null }],
        staleSends: 0,
        bReturns: "rotated",
        again: { posts: [] },
      });
    }
  });
});

test("the matrix: every design on both scenarios matches its expectation", async () => {
  const rows = await runScenarioMatrix({
    scenarios: ["stale-cache-expired", "stale-cache-unreachable"],
    temporaryDirectory: parent.path,
  });
  expect(rows.map((row) => [row.scenario, row.variant, row.postsSummary, row.mismatches])).toEqual(
    ["stale-cache-expired", "stale-cache-unreachable"].flatMap((scenario) =>
      VARIANTS.map((variant) => {
        const posts =
          variant !== "legacy"
            ? "R0 200"
            : scenario === "stale-cache-expired"
              ? "R0 200, R0 401 refresh_token_expired, R0 401 refresh_token_expired"
              : "R0 200, R0 dropped, R0 dropped";
        return [scenario, variant, posts, []];
      }),
    ),
  );
  for (const row of rows) {
    const error = row.report?.processes.B.error ?? null;
    if (row.variant === "legacy") expect(error).not.toBeNull();
    else expect(error).toBeNull();
  }
  expect(await parent.leftovers()).toEqual([]);
});

/** These scenarios always ask B again (their `options`): no option is given here. */
async function askedAgain(scenario: "stale-cache-expired" | "stale-cache-unreachable", variant: string) {
  const result = await runScenario(scenario, referenceImplementation(variant), {
    temporaryDirectory: parent.path,
  });
  if (!result.ok) throw new Error(result.failure.message);
  return result.report;
}

function bErrors(report: ScenarioReport): (string | null)[] {
  return (report.phases ?? [])
    .filter((phase) => phase.name.startsWith("B asked"))
    .map((phase) => phase.replies[0]?.error ?? null);
}

describe("asked again", () => {
  test("stale-cache-expired on legacy: the dead R0 on every call, a permanent expired error each time", async () => {
    const report = await askedAgain("stale-cache-expired", "legacy");
    expect(report.posts.map((post) => [post.generation, post.status, post.code, post.staleSend])).toEqual([
      [0, 200, null, false],
      [0, 401, REFRESH_ERROR_CODES.expired, true],
      [0, 401, REFRESH_ERROR_CODES.expired, true],
    ]);
    const errors = bErrors(report);
    expect(errors).toHaveLength(2);
    for (const error of errors) expect(error).toMatch(/^permanent: .*HTTP 401 refresh_token_expired/);
    expect(report.processes.B.returned).toMatchObject({ generation: 0, kind: "stale" });
  });

  test("stale-cache-unreachable on legacy: the symptom, a transient network error, on every call", async () => {
    const report = await askedAgain("stale-cache-unreachable", "legacy");
    expect(report.posts.map((post) => [post.generation, post.status, post.staleSend])).toEqual([
      [0, 200, false],
      [0, 0, true],
      [0, 0, true],
    ]);
    const errors = bErrors(report);
    expect(errors).toHaveLength(2);
    for (const error of errors)
      expect(error).toMatch(/^transient: .*token endpoint unreachable \(ECONNRESET\)/);
  });

  test("stale-cache-unreachable on guarded: one POST in all; B answers R1 from disk, then from its cache", async () => {
    const report = await askedAgain("stale-cache-unreachable", "guarded");
    expect(report.posts).toHaveLength(1);
    expect(bErrors(report)).toEqual([null, null]);
    for (const phase of (report.phases ?? []).filter((entry) => entry.name.startsWith("B asked"))) {
      expect(phase.replies[0]?.returned).toMatchObject({ generation: 1, kind: "rotated" });
    }
  });
});
