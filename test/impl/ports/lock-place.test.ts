// Proves where the real cross-process locks live, for both kinds (mkdir and flock), through the ports a
// manager gets (createRealPorts):
// - two CODEX_HOMEs whose auth.json is a symlink to one file take ONE lock (the second is busy), also when
//   the link dangles (logged out through the other home) and when the link is relative. Before the locks
//   were placed by auth.json's real file, the mkdir lock sat at `<home>/auth.json.lock` and both homes held
//   "the" lock at once.
// - the mkdir lock stays clear of Codex 0.171's `auth.json.lock`: 0.171 opens (O_CREAT) and flocks a FILE of
//   that name inside its save and leaves it behind. Beside that file the mkdir lock is still taken, and while
//   it is held 0.171's open of `auth.json.lock` still succeeds (a directory there made it fail with EISDIR).
// - the flock lock is Codex 0.171's own `auth.lock`.
import { mkdir, mkdtemp, open, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  createRealPorts,
  FLOCK_FILE_NAME,
  flockIsHeld,
  lockPathOf,
  MKDIR_LOCK_NAME,
} from "../../../impl/ports/index.js";
import { authJsonPath } from "../../../impl/storage/index.js";
import type { LockKind } from "../../../model/designs/types.js";

/** What Codex 0.171 does to `auth.json.lock` in its save (seen with strace): open O_RDWR|O_CREAT, mode 0600. */
const CODEX_SAVE_LOCK_FILE = "auth.json.lock";

let root = "";
beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), "authrace-lock-place-")));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Two homes; the second's auth.json is a symlink (relative or absolute) to the first's. */
async function symlinkedHomes(options: { relative: boolean; authJson: boolean }) {
  const shared = join(root, "shared");
  const other = join(root, "other");
  await mkdir(shared);
  await mkdir(other);
  if (options.authJson) await writeFile(authJsonPath(shared), "{}", { mode: 0o600 });
  await symlink(options.relative ? "../shared/auth.json" : authJsonPath(shared), authJsonPath(other));
  return { shared, other };
}

function portsOf(home: string, kind: LockKind) {
  return createRealPorts({ codexHome: home, lockKind: kind, lock: { retriesMax: 0 } });
}

describe.each(["mkdir", "flock"] as LockKind[])("%s lock", (kind) => {
  test.each([
    { relative: false, authJson: true },
    { relative: true, authJson: true },
    { relative: false, authJson: false },
  ])("homes sharing one auth.json through a symlink share one lock (%o)", async (options) => {
    const { shared, other } = await symlinkedHomes(options);
    const first = portsOf(shared, kind).lock;
    const second = portsOf(other, kind).lock;
    expect(await first.acquire()).toEqual({ ok: true });
    expect(await second.acquire()).toMatchObject({ ok: false, error: { kind: "busy" } });
    expect(await first.release()).toEqual({ ok: true });
    expect(await second.acquire()).toEqual({ ok: true });
    expect(await second.release()).toEqual({ ok: true });
    const located = await lockPathOf(kind, authJsonPath(other));
    expect(located).toEqual({
      ok: true,
      path: join(shared, kind === "flock" ? FLOCK_FILE_NAME : MKDIR_LOCK_NAME),
    });
  });

  test("a Codex 0.171 save beside the held lock can still open auth.json.lock", async () => {
    const home = join(root, "home");
    await mkdir(home);
    await writeFile(join(home, CODEX_SAVE_LOCK_FILE), "", { mode: 0o600 }); // left by an earlier 0.171 save
    const lock = portsOf(home, kind).lock;
    expect(await lock.acquire()).toEqual({ ok: true });
    const codexOpen = await open(join(home, CODEX_SAVE_LOCK_FILE), "a+", 0o600);
    await codexOpen.close();
    expect(await lock.release()).toEqual({ ok: true });
  });
});

test("the flock lock is Codex 0.171's auth.lock, and observable from another open file", async () => {
  const home = join(root, "home");
  await mkdir(home);
  const lock = portsOf(home, "flock").lock;
  expect(await flockIsHeld(join(home, "auth.lock"))).toBe(false);
  await lock.acquire();
  expect(await flockIsHeld(join(home, "auth.lock"))).toBe(true);
  await lock.release();
  expect(await flockIsHeld(join(home, "auth.lock"))).toBe(false);
});
