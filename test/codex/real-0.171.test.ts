/**
 * Proves, on the real Codex 0.171.0 binary, that authrace's designs can live beside it in one CODEX_HOME:
 * - flocked and 0.171 flock the same `auth.lock`, and the locks exclude each other: while a flocked lock is
 *   held, 0.171's refresh reaches the server (it redeems before it locks) but its save waits; it finishes once
 *   the lock is released.
 * - locked (mkdir lock) beside 0.171, both ways round: after 0.171 has saved (leaving its `auth.json.lock`
 *   FILE behind), locked still takes its lock and refreshes; while locked holds its lock, 0.171 still saves.
 *   Before the mkdir lock moved off `auth.json.lock`, the first failed with a lock error on every call and
 *   the second made 0.171's save fail with EISDIR (test/impl/ports/lock-place.test.ts has the unit form).
 * - mixed stress runs (authrace stress --impl ref:<design> --impl codex:0.171.0): every process of both kinds
 *   answers, no lock failure, and every POST is attributed to its implementation; stale sends are counted
 *   per implementation and printed (0.171 redeems outside any lock, so a mix is not free of them).
 * Skipped with AUTHRACE_SKIP_CODEX=1, like the other real-binary tests.
 */
import { mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { CodexImplementation } from "../../codex/implementation.js";
import type { DriverProcess } from "../../impl/driver/client.js";
import { createLock } from "../../impl/ports/index.js";
import { authJsonPath } from "../../impl/storage/index.js";
import { referenceImplementation, type SpawnOutcome } from "../../scenarios/index.js";
import { startTokenServer, type TokenServer, writeFamilyAuthJson } from "../../server/index.js";
import { runStress, STRESS_DEFAULTS } from "../../stress/index.js";
import { mixImplementations } from "../../stress/mix.js";
import { SKIP_REAL_CODEX, useRealCodex } from "./real-codex.js";

/** Long enough that a save not waiting for the lock would have happened (0.171 saves within ~50 ms). */
const HOLD_MS = 2_000;
const TEST_TIMEOUT_MS = 120_000;

describe.skipIf(SKIP_REAL_CODEX)("real Codex 0.171.0 beside authrace's locks", () => {
  const codex = useRealCodex("0.171.0");
  let root = "";
  let codexHome = "";
  let server: TokenServer;
  const processes: DriverProcess[] = [];

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "authrace-0171-"));
    codexHome = join(root, "home", ".codex");
    await mkdir(codexHome, { recursive: true });
    server = await startTokenServer({ accessTokenStyle: "jwt" });
    // A fresh login: no process refreshes at startup; refresh() (refreshToken: true) always does.
    await writeFamilyAuthJson(authJsonPath(codexHome), server.createFamily(), Date.now(), "refuse");
  });
  afterEach(async () => {
    await Promise.allSettled(processes.splice(0).map((process) => process.exit()));
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  async function started(outcome: Promise<SpawnOutcome>): Promise<DriverProcess> {
    const result = await outcome;
    if (!result.ok) throw new Error(`did not start: ${result.error.message}`);
    processes.push(result.driver);
    return result.driver;
  }

  const spawnCodex = (name: string) =>
    started((codex() as CodexImplementation).spawn({ codexHome, tokenUrl: server.tokenUrl, name }));
  const spawnReference = (variant: string, name: string) =>
    started(referenceImplementation(variant).spawn({ codexHome, tokenUrl: server.tokenUrl, name }));

  async function savedRefreshToken(): Promise<string> {
    return JSON.parse(await readFile(authJsonPath(codexHome), "utf8")).tokens.refresh_token;
  }
  const current = () => server.state().families[0]?.refreshToken;

  test(
    "flocked's lock on auth.lock holds 0.171's save until it is released",
    async () => {
      const app = await spawnCodex("C");
      const before = await savedRefreshToken();
      const lock = createLock("flock", authJsonPath(codexHome));
      expect(await lock.acquire()).toEqual({ ok: true });
      let answered = false;
      const reply = app.refresh().then((answer) => {
        answered = true;
        return answer;
      });
      await new Promise((resolve) => setTimeout(resolve, HOLD_MS));
      // Redeemed (0.171 POSTs before it locks), not saved, not answered.
      expect(server.requests().map((record) => record.verdict)).toEqual(["rotated"]);
      expect(await savedRefreshToken()).toBe(before);
      expect(answered).toBe(false);
      expect(await lock.release()).toEqual({ ok: true });
      expect(await reply).toMatchObject({ ok: true, auth: { poisoned: false } });
      expect(await savedRefreshToken()).toBe(current());
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "locked beside 0.171: its auth.json.lock file does not stop locked, locked's lock does not stop its save",
    async () => {
      const app = await spawnCodex("C");
      const reference = await spawnReference("locked", "L");
      expect(await app.refresh()).toMatchObject({ ok: true, auth: { poisoned: false } });
      expect((await stat(join(codexHome, "auth.json.lock"))).isFile()).toBe(true);
      const afterCodex = await savedRefreshToken();
      expect(afterCodex).toBe(current());

      // The first refresh adopts 0.171's saved token (changed under the lock), the second redeems it.
      for (const _ of [1, 2]) {
        const lockedRefresh = await reference.refresh();
        expect(lockedRefresh).toMatchObject({ ok: true });
        expect(lockedRefresh.trace.filter((event) => event.event === "acquireLock")).toEqual([
          { event: "acquireLock", detail: "ok" },
        ]);
      }
      expect(await savedRefreshToken()).toBe(current());
      expect(await savedRefreshToken()).not.toBe(afterCodex);

      const held = createLock("mkdir", authJsonPath(codexHome));
      expect(await held.acquire()).toEqual({ ok: true });
      try {
        // 0.171 adopts locked's saved token first (guarded reload: Changed), then redeems and saves it.
        for (const _ of [1, 2]) {
          expect(await app.refresh()).toMatchObject({ ok: true, auth: { poisoned: false } });
        }
        expect(await savedRefreshToken()).toBe(current());
      } finally {
        await held.release();
      }
      expect(server.requests().map((record) => record.verdict)).toEqual(["rotated", "rotated", "rotated"]);
    },
    TEST_TIMEOUT_MS,
  );

  test.each(["flocked", "locked"])(
    "mixed stress: ref:%s and codex:0.171.0 on one auth.json, every POST attributed",
    async (variant) => {
      const factory = mixImplementations([referenceImplementation(variant), codex()]);
      const settings = { ...STRESS_DEFAULTS, processes: 4, calls: 20, delayMaxMs: 200, seed: 1 };
      const result = await runStress(factory, settings);
      if (!result.ok) throw new Error(result.problem);
      const { report } = result;
      console.info(
        `${report.implementation}: ${report.posts} POSTs, ${report.staleSends} stale sends; ` +
          report.byImplementation
            .map((row) => `${row.implementation} ${row.posts} POSTs ${row.staleSends} stale`)
            .join("; "),
      );
      expect(report.problems).toEqual([]);
      expect(report.calls).toBe(settings.processes * settings.calls);
      expect(report.lockFailures).toEqual({});
      expect(report.byImplementation.map((row) => [row.implementation, row.processes])).toEqual([
        [`reference:${variant}`, ["P1", "P3"]],
        ["codex:0.171.0", ["P2", "P4"]],
      ]);
      const sum = (pick: (row: (typeof report.byImplementation)[number]) => number) =>
        report.byImplementation.reduce((total, row) => total + pick(row), 0);
      expect(sum((row) => row.posts)).toBe(report.posts);
      expect(sum((row) => row.staleSends)).toBe(report.staleSends);
      expect(report.byImplementation.every((row) => row.posts > 0)).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );
});
