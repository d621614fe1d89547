/**
 * Proves the seed's reproduction (PR #15357) on real OS processes: two driver processes share one auth.json
 * holding a stale R0, against the real loopback token server. B caches R0, A refreshes (R0 -> R1), then B is
 * asked. legacy: two POSTs of the same R0, the second 401 refresh_token_reused (one stale send), and B
 * returns the stale R0. guarded, persist-locked, locked: one POST, and B returns the rotated R1 it reloaded.
 * Every run leaves no process and no temporary directory behind, and prints the seed's log shape.
 */
import { beforeAll, describe, expect, test } from "vitest";
import { formatScenarioLog, type ScenarioReport } from "../../scenarios/index.js";
import { expectR0SentTwice, runReference, useTemporaryParent } from "./helpers.js";

const parent = useTemporaryParent();

describe("legacy (Codex <= 0.116): B re-sends the rotated-out token", () => {
  let report: ScenarioReport;
  beforeAll(async () => {
    report = await runReference("stale-cache", "legacy", parent);
  });

  test("two POSTs of the same R0: 200, then 401 refresh_token_reused, one stale send", () => {
    expectR0SentTwice(report);
  });

  test("B returns the stale R0 and keeps it; A returns R1", () => {
    const { A, B } = report.processes;
    expect(B.cachedBefore).toMatchObject({ generation: 0, kind: "stale" });
    expect(B.returned).toMatchObject({ generation: 0, kind: "stale", shown: report.posts[0]?.refreshToken });
    expect(B.cachedAfter).toMatchObject({ generation: 0, kind: "stale" });
    expect(B.error).toMatch(/refresh_token_reused/);
    expect(A.cachedBefore).toMatchObject({ generation: 0, kind: "stale" });
    expect(A.returned).toMatchObject({ generation: 1, kind: "rotated" });
    expect(A.cachedAfter).toEqual(A.returned);
    expect(B.returned.shown).not.toBe(A.returned.shown);
  });

  test("prints the seed's log shape: request lines, then B's and A's tokens, redacted", () => {
    const lines = formatScenarioLog(report).split("\n");
    expect(lines).toHaveLength(8);
    for (const line of lines.slice(0, 2)) {
      expect(line).toMatch(/^POST \/oauth\/token refresh_token=rt_[\w-]{4}\.\.\. -> /);
    }
    expect(lines.slice(2).map((line) => line.replace(/=.*/, ""))).toEqual([
      "B:cached_before",
      "B:cached_after",
      "B:returned",
      "A:cached_before",
      "A:cached_after",
      "A:returned",
    ]);
    for (const line of lines.slice(2)) expect(line).toMatch(/=rt_[\w-]{4}\.\.\.$/);
  });
});

describe.each(["guarded", "persist-locked", "locked"] as const)(
  "%s: B reloads the rotated token",
  (variant) => {
    let report: ScenarioReport;
    beforeAll(async () => {
      report = await runReference("stale-cache", variant, parent);
    });

    test("one POST (R0 -> 200), no stale send", () => {
      expect(report.posts).toEqual([
        expect.objectContaining({ generation: 0, status: 200, code: null, staleSend: false }),
      ]);
      expect(report.staleSends).toBe(0);
      expect(report.verdict).toBe("holds");
    });

    test("B started with R0 cached and returns R1, the token A saved", () => {
      const { A, B } = report.processes;
      expect(B.cachedBefore).toMatchObject({ generation: 0, kind: "stale" });
      expect(B.returned).toMatchObject({ generation: 1, kind: "rotated", shown: A.returned.shown });
      expect(B.cachedAfter).toEqual(B.returned);
      expect(B.poisoned).toBe(false);
      expect(B.error).toBeNull();
      expect(A.returned).toMatchObject({ generation: 1, kind: "rotated" });
    });
  },
);
