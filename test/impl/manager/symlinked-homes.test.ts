// Proves, on real managers with real files and a real token server that answers after a delay (so the two
// refreshes overlap), that two CODEX_HOMEs whose auth.json is a symlink to one file share one cross-process
// lock, for both lock kinds: both managers stale and asked at once, exactly one POST, both end on R1. With
// the mkdir lock at `<home>/auth.json.lock` (before the locks were placed beside auth.json's real file)
// each home took its own lock and both POSTed R0: one 200, one 401 refresh_token_reused.
import { mkdir, mkdtemp, realpath, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { authJsonPath } from "../../../impl/storage/index.js";
import type { Variant } from "../../../model/vocabulary.js";
import { fixture, loadManager, writeFixture } from "../helpers/home.js";
import { Rotation, startTokenServer, type TokenServer } from "../helpers/token-server.js";

const SERVER_DELAY_MS = 200;

let root = "";
let rotation: Rotation;
let server: TokenServer;
beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), "authrace-symlinked-")));
  rotation = Object.assign(new Rotation(), { delayMs: SERVER_DELAY_MS });
  server = await startTokenServer(rotation.handle);
});
afterEach(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

describe.each(["locked", "flocked"] as Variant[])("%s", (variant) => {
  test("two homes sharing one auth.json through a symlink refresh it once", async () => {
    const shared = join(root, "shared");
    const linked = join(root, "linked");
    await mkdir(shared);
    await mkdir(linked);
    await writeFixture(authJsonPath(shared), fixture({ generation: 0, stale: true }));
    await symlink(authJsonPath(shared), authJsonPath(linked));
    const first = await loadManager({ home: shared, variant, tokenUrl: server.url, name: "A" });
    const second = await loadManager({ home: linked, variant, tokenUrl: server.url, name: "B" });
    const results = await Promise.all([first.manager.auth(), second.manager.auth()]);
    expect(rotation.log).toEqual([{ refreshToken: "rt-R0", status: 200 }]);
    for (const result of results) expect(result.ok && result.snapshot.tokens.accessToken).toBe("at-R1");
  });
});
