// Proves the kernel lock adapter (flock(2) on auth.lock through fs-ext): it excludes a second holder (even a
// second instance in the same process), waits a bounded number of retries then answers a clear "busy", works
// while auth.json does not exist, is freed by the kernel when its holder process is SIGKILLed (no stale lock
// to wait out), is freed by abandon() (what a harness's crash of an in-process manager does), and reports a
// lock file replaced while held as "compromised".
import { spawn } from "node:child_process";
import { realpath, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { createFlockLock, FLOCK_FILE_NAME, flockIsHeld } from "../../../impl/ports/index.js";
import { useTempHome } from "../helpers/home.js";

const QUICK = { retriesMax: 3, retryMinimumMs: 5, retryMaximumMs: 10 };

/** A separate OS process that flocks `path` and prints "locked", then waits to be killed. */
function holderProcess(path: string) {
  const script = [
    'const fs = require("node:fs");',
    'const { flockSync } = require("fs-ext");',
    `const fd = fs.openSync(${JSON.stringify(path)}, "a+");`,
    'flockSync(fd, "exnb");',
    'process.stdout.write("locked\\n");',
    "setInterval(() => {}, 1000);",
  ].join("\n");
  const child = spawn(process.execPath, ["-e", script], {
    cwd: process.cwd(),
    stdio: ["ignore", "pipe", "inherit"],
  });
  const locked = new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("locked")) resolve();
    });
    child.on("exit", (code) => reject(new Error(`holder exited early (${code})`)));
  });
  const killed = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return { child, locked, killed };
}

describe("flock lock", () => {
  const temp = useTempHome();
  const lockFile = async () => join(await realpath(temp.home), FLOCK_FILE_NAME);

  test("acquire flocks auth.lock beside auth.json (which may not exist); release frees it, the file stays", async () => {
    const lock = createFlockLock(temp.file);
    expect(await lock.acquire()).toEqual({ ok: true });
    expect(await flockIsHeld(await lockFile())).toBe(true);
    expect(await lock.release()).toEqual({ ok: true });
    expect(await flockIsHeld(await lockFile())).toBe(false);
  });

  test("a second holder in the same process waits until the first releases", async () => {
    const first = createFlockLock(temp.file);
    const second = createFlockLock(temp.file);
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

  test("bounded waiting ends in a typed busy result naming the lock file", async () => {
    const holder = createFlockLock(temp.file);
    await holder.acquire();
    const result = await createFlockLock(temp.file, QUICK).acquire();
    expect(result).toEqual({
      ok: false,
      error: {
        kind: "busy",
        message: `${await lockFile()} is locked (flock) by another process: still held after 3 retries (LOCK_RETRIES_MAX)`,
      },
    });
    await holder.release();
  });

  test("a holder process killed with SIGKILL leaves no lock behind", async () => {
    const holder = holderProcess(await lockFile());
    await holder.locked;
    expect(await createFlockLock(temp.file, QUICK).acquire()).toMatchObject({
      ok: false,
      error: { kind: "busy" },
    });
    holder.child.kill("SIGKILL");
    await holder.killed;
    const next = createFlockLock(temp.file, { retriesMax: 0 });
    expect(await next.acquire()).toEqual({ ok: true });
    await next.release();
  });

  test("abandon() frees the lock as the holder's death would", async () => {
    const lock = createFlockLock(temp.file);
    await lock.acquire();
    await lock.abandon?.();
    expect(await flockIsHeld(await lockFile())).toBe(false);
    expect(await lock.release()).toMatchObject({ ok: false, error: { kind: "not-held" } });
  });

  test("a missing directory is a typed failure", async () => {
    const result = await createFlockLock(join(temp.home, "missing", "auth.json")).acquire();
    expect(result).toMatchObject({ ok: false, error: { kind: "failed" } });
  });

  test("a lock file removed and recreated while held is reported by release", async () => {
    const lock = createFlockLock(temp.file);
    await lock.acquire();
    await rm(await lockFile());
    await writeFile(await lockFile(), "");
    expect(await lock.release()).toMatchObject({ ok: false, error: { kind: "compromised" } });
  });
});
