/**
 * Proves that fetching a Codex release never hands out an unverified or unusable binary, and that every
 * bad input ends in a typed failure naming its cause: a corrupt cached tarball is detected and fetched
 * again, a registry that keeps serving corrupt bytes is reported after `downloadAttemptsMax` tries, a
 * binary that hangs or reports another version is refused, and (against the real npm registry) an
 * unknown version is a 404 and a version without a build for this platform says so.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readRecord } from "../../codex/cache.js";
import { fetchCodex } from "../../codex/fetch.js";
import { CODEX_LIMITS } from "../../codex/limits.js";
import {
  buildPackage,
  fakeRegistry,
  HANGING_SCRIPT,
  removeTemporaryDirectories,
  temporaryDirectory,
  versionScript,
} from "./fakes.js";

const VERSION = "0.999.0";
const BINARY = "vendor/x86_64-unknown-linux-musl/codex/codex";
const good = buildPackage({ [BINARY]: { text: versionScript(`codex-cli ${VERSION}`), executable: true } });

afterAll(removeTemporaryDirectories);

describe("fetchCodex with a stand-in registry", () => {
  it("downloads once, then serves the verified cache", async () => {
    const cacheRoot = temporaryDirectory("cache");
    const registry = fakeRegistry({ served: good });
    const first = await fetchCodex(VERSION, { cacheRoot, registry, platform: "linux-x64" });
    expect(first).toMatchObject({
      ok: true,
      binary: { fromCache: false, reportedVersion: `codex-cli ${VERSION}` },
    });
    const second = await fetchCodex(VERSION, { cacheRoot, registry, platform: "linux-x64" });
    expect(second).toMatchObject({ ok: true, binary: { fromCache: true, notes: [] } });
    expect(registry.packCalls).toBe(1);
  });

  it("detects a corrupt cached tarball and fetches it again", async () => {
    const cacheRoot = temporaryDirectory("cache");
    const registry = fakeRegistry({ served: good });
    await fetchCodex(VERSION, { cacheRoot, registry, platform: "linux-x64" });
    const record = readRecord(join(cacheRoot, VERSION));
    if (!record) throw new Error("no fetch record written");
    const tarball = join(cacheRoot, VERSION, record.tarball);
    // A partial download: the first half of the file.
    const bytes = readFileSync(tarball);
    writeFileSync(tarball, bytes.subarray(0, bytes.length >> 1));
    const again = await fetchCodex(VERSION, { cacheRoot, registry, platform: "linux-x64" });
    expect(again.ok).toBe(true);
    if (again.ok) {
      expect(again.binary.fromCache).toBe(false);
      expect(again.binary.notes.join("\n")).toContain("failed its integrity check (sha512 mismatch");
    }
    expect(registry.packCalls).toBe(2);
  });

  it("reports a registry that keeps serving corrupt bytes", async () => {
    const registry = fakeRegistry({ served: good, published: "sha512-c29tZXRoaW5nIGVsc2U=" });
    const result = await fetchCodex(VERSION, {
      cacheRoot: temporaryDirectory("cache"),
      registry,
      platform: "linux-x64",
    });
    expect(result).toMatchObject({ ok: false, failure: { kind: "corrupt" } });
    if (!result.ok) expect(result.failure.message).toContain("downloadAttemptsMax");
    expect(registry.packCalls).toBe(CODEX_LIMITS.downloadAttemptsMax);
  });

  it("refuses a binary that does not answer --version in time", async () => {
    const hanging = buildPackage({ [BINARY]: { text: HANGING_SCRIPT, executable: true } });
    const started = Date.now();
    const result = await fetchCodex(VERSION, {
      cacheRoot: temporaryDirectory("cache"),
      registry: fakeRegistry({ served: hanging }),
      platform: "linux-x64",
      versionCheckTimeoutMs: 500,
    });
    expect(result).toMatchObject({ ok: false, failure: { kind: "binary-unresponsive" } });
    if (!result.ok) expect(result.failure.message).toContain("did not answer within 500 ms");
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("refuses a binary that reports another version, and a package without one", async () => {
    const other = buildPackage({ [BINARY]: { text: versionScript("codex-cli 0.1.0"), executable: true } });
    const wrong = await fetchCodex(VERSION, {
      cacheRoot: temporaryDirectory("cache"),
      registry: fakeRegistry({ served: other }),
      platform: "linux-x64",
    });
    expect(wrong).toMatchObject({ ok: false, failure: { kind: "binary-broken" } });
    const empty = buildPackage({ "README.md": { text: "no binary here" } });
    const none = await fetchCodex(VERSION, {
      cacheRoot: temporaryDirectory("cache"),
      registry: fakeRegistry({ served: empty }),
      platform: "linux-x64",
    });
    expect(none).toMatchObject({ ok: false, failure: { kind: "binary-not-found" } });
  });

  it("tells an unknown version from one without a build for this platform", async () => {
    const cacheRoot = temporaryDirectory("cache");
    const unknown = await fetchCodex(VERSION, {
      cacheRoot,
      registry: fakeRegistry({ served: good, missing: { baseExists: false } }),
      platform: "linux-x64",
    });
    expect(unknown).toMatchObject({ ok: false, failure: { kind: "unknown-version" } });
    const noBuild = await fetchCodex(VERSION, {
      cacheRoot,
      registry: fakeRegistry({ served: good, missing: { baseExists: true } }),
      platform: "linux-x64",
    });
    expect(noBuild).toMatchObject({ ok: false, failure: { kind: "no-platform-binary" } });
    const noPlatform = await fetchCodex(VERSION, { cacheRoot, platform: null });
    expect(noPlatform).toMatchObject({ ok: false, failure: { kind: "no-platform-binary" } });
  });
});

describe("fetchCodex against the npm registry", () => {
  it("reports an unknown version as a 404 and leaves nothing in the cache", async () => {
    const cacheRoot = temporaryDirectory("cache");
    const result = await fetchCodex("0.0.999", { cacheRoot });
    expect(result).toMatchObject({ ok: false, failure: { kind: "unknown-version" } });
    if (!result.ok) expect(result.failure.message).toContain("404");
    expect(readdirSync(cacheRoot)).toEqual([]);
  });

  it("reports a version that publishes no linux-x64 build", async () => {
    // 0.20.0 predates the per-platform packages: only the JavaScript wrapper exists.
    const result = await fetchCodex("0.20.0", {
      cacheRoot: temporaryDirectory("cache"),
      platform: "linux-x64",
    });
    expect(result).toMatchObject({ ok: false, failure: { kind: "no-platform-binary" } });
    if (!result.ok) expect(result.failure.message).toContain("@openai/codex@0.20.0-linux-x64");
  });
});
