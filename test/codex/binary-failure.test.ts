/**
 * Proves that a binary's own failure is not a verdict (scenarios/attempts.ts): a run in which a process of
 * the binary crashes by itself is reported as the binary's failure with its stderr line, and run again, at
 * most binaryAttemptsMax times in all; a run without a crash is judged at once.
 *
 * The crashing binaries here are STAND-INS FOR THE RETRY LOGIC ONLY: small shell scripts that answer
 * `--version` and die at start with the sqlite error Codex 0.139 prints when two app-servers initialise one
 * fresh CODEX_HOME together (a real 0.139 run of this is in docs/codex-versions.md; it crashes in about half
 * of simultaneous starts, too unreliable to test on). Every verdict here comes from a real run: the second
 * script crashes only on its first start and then runs the real 0.117.0 binary, so the retried run is a real
 * Codex run judged against guarded (that test needs the binary: it fails, not skips, without it, unless
 * AUTHRACE_SKIP_CODEX=1).
 */
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { runOnImplementation } from "../../cli/real-runs.js";
import { prepareLocalCodexImplementation } from "../../codex/implementation.js";
import { formatJudgedRun, SCENARIO_LIMITS } from "../../scenarios/index.js";
import { removeTemporaryDirectories, temporaryDirectory, writeExecutable } from "./fakes.js";
import { SKIP_REAL_CODEX, useRealCodex } from "./real-codex.js";

const SQLITE_ERROR = "Error: failed to initialize sqlite state runtime: table thread_goals already exists";

afterAll(() => removeTemporaryDirectories());

/** Stand-in: answers --version, then dies at start; after `crashes` starts (0: always) it runs `then`. */
function crashingScript(crashes: number, then: string | null): string {
  const folder = temporaryDirectory("crashing-codex");
  const path = join(folder, "codex");
  const counter = join(folder, "starts");
  const after = then === null ? "" : `if [ "$n" -gt ${crashes} ]; then exec "${then}" "$@"; fi\n`;
  writeExecutable(
    path,
    `#!/bin/sh
# STAND-IN for the retry logic only: crashes at start like Codex 0.139's sqlite race.
if [ "$1" = "--version" ]; then echo "codex-cli stand-in"; exit 0; fi
n=$(( $(cat "${counter}" 2>/dev/null || echo 0) + 1 )); echo "$n" > "${counter}"
${after}echo "2026-01-01T00:00:00Z  INFO codex: starting" >&2
echo "${SQLITE_ERROR}" >&2
exit 1
`,
  );
  return path;
}

describe("a binary that crashes by itself", () => {
  it("is retried binaryAttemptsMax times, then reported as the binary's failure with its stderr line", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const prepared = await prepareLocalCodexImplementation(crashingScript(0, null), "guarded", {
      network: "loopback-config",
    });
    if (!prepared.ok) throw new Error(prepared.failure.message);
    // Failed Codex runs keep their folders (the logs): keep them under this file's temporary folder.
    const runs = { temporaryDirectory: temporaryDirectory("runs") };
    const [judged] = await runOnImplementation(["stale-cache"], prepared.implementation, undefined, runs);
    await prepared.implementation.close();
    vi.restoreAllMocks();
    expect(judged?.agreement).toBe("failed");
    expect(judged?.attempts).toMatchObject({
      attempts: SCENARIO_LIMITS.binaryAttemptsMax,
      binaryFailed: true,
    });
    const failures = judged?.attempts?.binaryFailures ?? [];
    expect(failures.map((failure) => failure.attempt)).toEqual([1, 2, 3, 4]);
    expect(
      failures.every((failure) => failure.stderrLine === SQLITE_ERROR && failure.stage === "start"),
    ).toBe(true);
    const text = judged === undefined ? "" : formatJudgedRun(judged, { log: false });
    expect(text).toContain("the binary failed in all 4 attempts (binaryAttemptsMax 4): no protocol verdict");
    expect(text).toContain(`attempt 1: B crashed at start: ${SQLITE_ERROR}`);
    expect(text).not.toContain("NoStaleRefreshSent");
  }, 30_000);
});

describe.skipIf(SKIP_REAL_CODEX)("a binary that crashes once, then runs", () => {
  const codex = useRealCodex("0.117.0");

  it("reports the crash apart and judges the retried real run", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const script = crashingScript(1, codex().binary.binaryPath);
    const prepared = await prepareLocalCodexImplementation(script, "guarded");
    if (!prepared.ok) throw new Error(prepared.failure.message);
    // Failed Codex runs keep their folders (the logs): keep them under this file's temporary folder.
    const runs = { temporaryDirectory: temporaryDirectory("runs") };
    const [judged] = await runOnImplementation(["stale-cache"], prepared.implementation, undefined, runs);
    await prepared.implementation.close();
    vi.restoreAllMocks();
    expect(judged?.agreement).toBe("matches");
    expect(judged?.attempts).toMatchObject({ attempts: 2, binaryFailed: false });
    expect(judged?.attempts?.binaryFailures).toEqual([
      expect.objectContaining({ attempt: 1, process: "B", stage: "start", stderrLine: SQLITE_ERROR }),
    ]);
    const text = judged === undefined ? "" : formatJudgedRun(judged, { log: false });
    expect(text).toContain("NoStaleRefreshSent holds");
    expect(text).toContain(
      "the binary failed in 1 of 2 attempts (not a verdict; retried, binaryAttemptsMax 4)",
    );
  }, 60_000);
});
