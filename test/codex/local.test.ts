/**
 * Proves that a Codex binary can be given by path (a maintainer's own build), told apart from a version:
 * a slash or an existing file makes a path, a bare version-and-file is refused as ambiguous, and a missing,
 * non-file or non-executable path is an error naming it; `--impl codex:<path>` takes `--variant` as the design
 * it is judged by. Then, on the cached 0.117.0 release binary given by path, `authrace codex <path> --variant
 * guarded` runs stale-cache on it and agrees with guarded (the real run fails, not skips, when the binary cannot
 * be had, unless AUTHRACE_SKIP_CODEX=1).
 */
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { UsageError } from "../../cli/command.js";
import { command } from "../../cli/commands/codex.js";
import { parseScenarioArgs } from "../../cli/commands/scenario.js";
import { EXIT } from "../../cli/real-runs.js";
import { checkLocalBinary, parseCodexTarget } from "../../codex/local.js";
import { removeTemporaryDirectories, temporaryDirectory, versionScript, writeExecutable } from "./fakes.js";
import { SKIP_REAL_CODEX, useRealCodex } from "./real-codex.js";

afterAll(() => removeTemporaryDirectories());
afterEach(() => {
  vi.restoreAllMocks();
});

describe("a Codex target: version or path", () => {
  const folder = temporaryDirectory("local-codex");
  const binary = join(folder, "codex");
  writeExecutable(binary, versionScript("codex-cli 0.0.0"));

  it("takes a bare version as a version and anything with a slash as a path", () => {
    expect(parseCodexTarget("0.117.0")).toEqual({
      ok: true,
      target: { kind: "version", version: "0.117.0" },
    });
    expect(parseCodexTarget(binary)).toEqual({ ok: true, target: { kind: "path", path: binary } });
  });

  it("names the path that is missing, not a file, or not executable", () => {
    const missing = join(folder, "nope");
    expect(parseCodexTarget(missing)).toEqual({
      ok: false,
      problem: `no Codex binary at ${missing}: no such file`,
    });
    expect(parseCodexTarget(folder)).toMatchObject({
      ok: false,
      problem: `no Codex binary at ${folder}: not a file`,
    });
    const plain = join(folder, "plain");
    writeFileSync(plain, "#!/bin/sh\n");
    chmodSync(plain, 0o644);
    expect(parseCodexTarget(plain)).toMatchObject({
      ok: false,
      problem: expect.stringContaining("not executable"),
    });
    expect(parseCodexTarget("latest")).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/not a Codex release version.*nor a path/),
    });
  });

  it("refuses a name that is both a version and a file here", () => {
    const cwd = process.cwd();
    process.chdir(folder);
    try {
      writeFileSync("0.117.0", "");
      expect(parseCodexTarget("0.117.0")).toMatchObject({
        ok: false,
        problem: "'0.117.0' is both a Codex version and a file here: write ./0.117.0 for the file",
      });
    } finally {
      process.chdir(cwd);
    }
  });

  it("checks the binary answers --version and keeps its design out of its version", async () => {
    const checked = await checkLocalBinary(binary);
    expect(checked).toMatchObject({ ok: true, binary: { local: true, reportedVersion: "codex-cli 0.0.0" } });
    const broken = join(folder, "broken");
    writeExecutable(broken, "#!/bin/sh\necho boom >&2\nexit 4\n");
    expect(await checkLocalBinary(broken)).toMatchObject({
      ok: false,
      failure: {
        kind: "binary-broken",
        message: expect.stringContaining(`${broken} --version exited with 4`),
      },
    });
  });

  it("--impl codex:<path> takes --variant as its design; a release refuses it", () => {
    expect(parseScenarioArgs(["stale-cache", "--impl", `codex:${binary}`, "--variant", "locked"])).toEqual({
      scenario: "stale-cache",
      codexPath: binary,
      design: "locked",
      json: false,
    });
    expect(parseScenarioArgs(["stale-cache", "--impl", `codex:${binary}`])).toMatchObject({ design: null });
    expect(() =>
      parseScenarioArgs(["stale-cache", "--impl", "codex:0.117.0", "--variant", "guarded"]),
    ).toThrow(UsageError);
    expect(() => parseScenarioArgs(["stale-cache", "--impl", `codex:${folder}/nope`])).toThrow(
      `no Codex binary at ${folder}/nope: no such file`,
    );
  });

  it("authrace codex: --variant only with a path", async () => {
    await expect(command.run(["0.117.0", "--variant", "guarded"])).rejects.toThrow(
      "design of a local binary",
    );
    await expect(command.run([join(folder, "nope")])).rejects.toThrow("no such file");
  });
});

describe.skipIf(SKIP_REAL_CODEX)("a cached release binary given by path", () => {
  const codex = useRealCodex("0.117.0");

  it("authrace codex <path> --variant guarded: stale-cache agrees with guarded", async () => {
    const out: string[] = [];
    vi.spyOn(console, "log").mockImplementation((...parts: unknown[]) => void out.push(parts.join(" ")));
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const path = codex().binary.binaryPath;
    expect(await command.run([path, "--variant", "guarded", "--scenario", "stale-cache"])).toBe(EXIT.ok);
    const text = out.join("\n");
    expect(text).toContain("a local binary");
    expect(text).toContain("judged as design guarded (--variant)");
    expect(text).toContain(`stale-cache on codex:${path}: 1 POST, 0 stale sends: NoStaleRefreshSent holds`);
    expect(text).toMatch(/expected for guarded: holds \(.*\)\n {2}as expected/);
  }, 60_000);
});
