/**
 * Proves `authrace codex` end to end: bad input (no version, a malformed one, an unknown scenario) is a
 * usage error; an unknown version (npm 404) exits 1 with a message naming the cause; and a real run of
 * 0.117.0 prints per scenario the POSTs phase by phase, the replies and the verdict next to the expectation
 * of the variant 0.117.0 mirrors.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { UsageError } from "../../cli/command.js";
import { command } from "../../cli/commands/codex.js";
import { EXIT } from "../../cli/real-runs.js";
import { SKIP_REAL_CODEX, useRealCodex } from "./real-codex.js";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, "log").mockImplementation((...parts: unknown[]) => void out.push(parts.join(" ")));
  vi.spyOn(console, "error").mockImplementation((...parts: unknown[]) => void err.push(parts.join(" ")));
  return { out: () => out.join("\n"), err: () => err.join("\n") };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("authrace codex: bad input", () => {
  it("refuses a missing or malformed version and an unknown scenario as usage errors", async () => {
    await expect(command.run([])).rejects.toThrow(UsageError);
    await expect(command.run(["latest"])).rejects.toThrow("not a Codex release version");
    await expect(command.run(["0.117.0", "--scenario", "nope"])).rejects.toThrow("unknown scenario 'nope'");
  });

  it("exits 1 naming the cause for an unknown version", async () => {
    const output = capture();
    expect(await command.run(["0.0.999"])).toBe(EXIT.failed);
    expect(output.err()).toContain("unknown-version");
    expect(output.err()).toContain("404");
  });

  it("reports an unknown version in the JSON document too", async () => {
    const output = capture();
    expect(await command.run(["0.0.999", "--json"])).toBe(EXIT.failed);
    const document = JSON.parse(output.out()) as { reports: { error: { kind: string } | null }[] };
    expect(document.reports[0]?.error?.kind).toBe("unknown-version");
  });
});

describe.skipIf(SKIP_REAL_CODEX)("authrace codex 0.117.0", () => {
  useRealCodex("0.117.0");

  it("prints POSTs, replies, verdict and the model's verdict", async () => {
    const output = capture();
    expect(await command.run(["0.117.0", "--scenario", "stale-cache"])).toBe(EXIT.ok);
    const text = output.out();
    expect(text).toContain("mirrors variant guarded");
    expect(text).toMatch(/A refreshes \(stale\)\s+POSTs: R0 200\s+A\.auth\(\) -> at-R1/);
    expect(text).toContain("stale-cache on codex:0.117.0: 1 POST, 0 stale sends: NoStaleRefreshSent holds");
    expect(text).toMatch(/expected for guarded: holds \(.*\)\n {2}as expected/);
    // Refresh tokens never appear whole: the server mints `rt_` + 43 characters.
    expect(text).not.toMatch(/rt_[A-Za-z0-9_-]{20,}/);
  });
});
