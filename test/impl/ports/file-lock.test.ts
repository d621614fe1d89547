// Proves the real cross-process lock adapter on proper-lockfile: it excludes a second holder (even a second
// instance in the same process), waits a bounded number of retries then answers "busy", works while
// auth.json does not exist, and records a lost lock (its directory removed) instead of throwing from a timer.
import { realpath, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { createFileLock, MKDIR_LOCK_NAME } from "../../../impl/ports/index.js";
import { useTempHome } from "../helpers/home.js";

describe("file lock", () => {
  const temp = useTempHome();

  test("acquire creates the lock directory beside auth.json (which may not exist); release removes it", async () => {
    const lock = createFileLock(temp.file);
    const directory = join(await realpath(temp.home), MKDIR_LOCK_NAME);
    expect(await lock.acquire()).toEqual({ ok: true });
    expect((await stat(directory)).isDirectory()).toBe(true);
    expect(await lock.release()).toEqual({ ok: true });
    await expect(stat(directory)).rejects.toThrow(/ENOENT/);
  });

  test("a second holder waits until the first releases", async () => {
    const first = createFileLock(temp.file);
    const second = createFileLock(temp.file);
    await first.acquire();
    const order: string[] = [];
    const waiting = second.acquire().then((result) => {
      order.push("second acquired");
      return result;
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    order.push("first releases");
    await first.release();
    expect(await waiting).toEqual({ ok: true });
    expect(order).toEqual(["first releases", "second acquired"]);
    await second.release();
  });

  test("bounded waiting ends in a typed busy result", async () => {
    const holder = createFileLock(temp.file);
    await holder.acquire();
    const waiter = createFileLock(temp.file, { retriesMax: 3, retryMinimumMs: 5, retryMaximumMs: 10 });
    const result = await waiter.acquire();
    expect(result).toEqual({
      ok: false,
      error: { kind: "busy", message: "lock still held after 3 retries (LOCK_RETRIES_MAX)" },
    });
    await holder.release();
  });

  test("release without acquire is a typed result", async () => {
    expect(await createFileLock(temp.file).release()).toMatchObject({
      ok: false,
      error: { kind: "not-held" },
    });
  });

  test("a missing directory is a typed failure", async () => {
    const result = await createFileLock(join(temp.home, "missing", "auth.json")).acquire();
    expect(result).toMatchObject({ ok: false, error: { kind: "failed" } });
  });

  test("a lock lost while held is recorded and reported by release", async () => {
    const lock = createFileLock(temp.file, { staleMs: 2000, updateMs: 1000 });
    await lock.acquire();
    await rm(join(await realpath(temp.home), MKDIR_LOCK_NAME), { recursive: true });
    const deadlineMs = Date.now() + 5000;
    while (lock.compromises.length === 0 && Date.now() < deadlineMs) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(lock.compromises.length).toBe(1);
    const result = await lock.release();
    expect(result).toMatchObject({ ok: false, error: { kind: "compromised" } });
  });
});
