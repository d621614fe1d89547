/**
 * Proves, on the real Codex 0.116.0, 0.117.0 and 0.171.0 binaries, race R3 of codex-auth.md: 401 recovery's
 * RefreshToken step POSTs a snapshot read one request earlier. `codex exec` (B) caches R0; its model request is
 * held while A rotates R0 -> R1 and saves, then answered 401: B's Reload adopts R1 (its retry carries at-R1);
 * the retry is held while A rotates R1 -> R2 and saves, then answered 401: B's RefreshToken step POSTs its
 * cached R1, which the server answers 401 refresh_token_reused (a stale send), and B's next request still
 * carries at-R1. Every version agrees with the model's verdict on the `recovery` story for the design it
 * mirrors, and `authrace codex 0.117.0 --scenario recovery --json` reports it. Skipped with
 * AUTHRACE_SKIP_CODEX=1, like the other real-binary tests.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { command } from "../../cli/commands/codex.js";
import { EXIT } from "../../cli/real-runs.js";
import type { CodexImplementation } from "../../codex/implementation.js";
import { judgeRecovery, type RecoveryReport, runRecovery } from "../../codex/recovery/index.js";
import { SKIP_REAL_CODEX, useRealCodex } from "./real-codex.js";

afterEach(() => {
  vi.restoreAllMocks();
});

/** Per phase: the POSTs (generation, answer, sender) and the token of B's request that ended it. */
function story(report: RecoveryReport): string[] {
  return report.phases.map((phase) => {
    const posts = phase.posts.map((post) => `R${post.generation} ${post.status} ${post.sender}`).join(", ");
    return `${phase.step}: [${posts}] -> ${phase.next?.accessToken ?? "-"}`;
  });
}

const R3_STORY = [
  "startup: [] -> at-R0",
  "rotate: [R0 200 A] -> at-R1",
  "rotate: [R1 200 A, R1 401 B] -> at-R1",
  "end: [] -> -",
];

async function runOn(implementation: CodexImplementation) {
  const target = {
    name: implementation.name,
    binaryPath: implementation.binary.binaryPath,
    variant: implementation.variant,
  };
  const judged = judgeRecovery(await runRecovery(target), target);
  if (!judged.result.ok) throw new Error(`recovery on ${target.name} failed: ${judged.result.message}`);
  return { judged, report: judged.result.report };
}

for (const [version, variant] of [
  ["0.116.0", "legacy"],
  ["0.117.0", "guarded"],
  ["0.171.0", "persist-locked"],
] as const) {
  describe.skipIf(SKIP_REAL_CODEX)(`real Codex ${version}: 401 recovery (R3)`, () => {
    const codex = useRealCodex(version);

    it("Reload adopts R1; RefreshToken then POSTs the cached R1 after A saved R2: 401 reused", async () => {
      const { judged, report } = await runOn(codex());
      expect(story(report)).toEqual(R3_STORY);
      const refreshing = report.phases[2]?.authLog.join("\n") ?? "";
      expect(refreshing).toContain("Refreshing token");
      expect(refreshing).toContain("Failed to refresh token");
      expect(report).toMatchObject({ staleSends: 1, verdict: "violated", variant });
      expect(judged).toMatchObject({ agreement: "matches", mismatches: [] });
      expect(judged.expected?.verdict).toBe("violated");
    });
  });
}

describe.skipIf(SKIP_REAL_CODEX)("authrace codex 0.117.0 --scenario recovery", () => {
  useRealCodex("0.117.0");

  it("reports the phases, the verdict and the model's, in JSON", async () => {
    const out: string[] = [];
    vi.spyOn(console, "log").mockImplementation((...parts: unknown[]) => void out.push(parts.join(" ")));
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    expect(await command.run(["0.117.0", "--scenario", "recovery", "--json"])).toBe(EXIT.ok);
    const document = JSON.parse(out.join("\n")) as {
      reports: {
        results: { scenario: string; verdict: string; expected: string; recovery: RecoveryReport }[];
      }[];
    };
    const [result] = document.reports[0]?.results ?? [];
    expect(result).toMatchObject({ scenario: "recovery", verdict: "violated", expected: "violated" });
    expect(result?.recovery.phases.map((phase) => phase.next?.accessToken ?? null)).toEqual([
      "at-R0",
      "at-R1",
      "at-R1",
      null,
    ]);
    // Refresh tokens never appear whole: the server mints `rt_` + 43 characters.
    expect(out.join("\n")).not.toMatch(/rt_[A-Za-z0-9_-]{20,}/);
  });
});
