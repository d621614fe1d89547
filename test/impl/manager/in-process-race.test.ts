// Proves what happens when several refreshes meet inside one process, with real files, real locks and a real
// server that answers after a delay (so the calls overlap):
// - two managers, locked or flocked: the cross-process lock serialises them (an flock excludes per open file,
//   so two managers of one process too); exactly one POST, both end on R1;
// - two managers, guarded / persist-locked: each has its own in-process lock, so both POST R0: one 200, one
//   401 (race R2), and the loser is poisoned;
// - one manager, guarded: its in-process lock serialises the two calls (R0 then R1, no reuse);
// - one manager, legacy: no lock at all, both calls POST R0.
import { readFile } from "node:fs/promises";
import { describe, expect, test } from "vitest";
import type { Variant } from "../../../model/vocabulary.js";
import { fixture } from "../helpers/home.js";
import { useHomeAndServer } from "../helpers/home-and-server.js";
import { Rotation } from "../helpers/token-server.js";

const SERVER_DELAY_MS = 200;

const setup = useHomeAndServer({
  rotation: () => Object.assign(new Rotation(), { delayMs: SERVER_DELAY_MS }),
  authJson: fixture({ generation: 0, stale: true }),
});

async function twoManagers(variant: Variant) {
  const first = await setup.load(variant, { name: "A" });
  const second = await setup.load(variant, { name: "B" });
  return [first.manager, second.manager] as const;
}

test.each(["locked", "flocked"] as Variant[])(
  "%s: two managers in one process refresh exactly once",
  async (variant) => {
    const [first, second] = await twoManagers(variant);
    const results = await Promise.all([first.auth(), second.auth()]);
    expect(setup.rotation.log).toEqual([{ refreshToken: "rt-R0", status: 200 }]);
    for (const result of results) {
      expect(result).toMatchObject({ ok: true, poisoned: false });
      expect(result.ok && result.snapshot.tokens.accessToken).toBe("at-R1");
      expect(result.ok && result.refreshError).toBeUndefined();
    }
    expect(JSON.parse(await readFile(setup.file, "utf8")).tokens.refresh_token).toBe("rt-R1");
  },
);

describe.each(["guarded", "persist-locked"] as Variant[])("%s: two managers in one process", (variant) => {
  test("both POST R0; one wins, the loser is poisoned until it adopts R1", async () => {
    const [first, second] = await twoManagers(variant);
    const results = await Promise.all([first.auth(), second.auth()]);
    expect(setup.rotation.log).toEqual([
      { refreshToken: "rt-R0", status: 200 },
      { refreshToken: "rt-R0", status: 401 },
    ]);
    const poisoned = results.filter((result) => result.ok && result.poisoned);
    expect(poisoned).toHaveLength(1);
    const loser = first.cached().poisoned ? first : second;
    const next = await loser.auth();
    expect(next).toMatchObject({ ok: true, poisoned: false });
    expect(next.ok && next.snapshot.tokens.accessToken).toBe("at-R1");
    expect(setup.rotation.log).toHaveLength(2);
  });
});

test("guarded: two calls on one manager are serialised by its in-process lock (no reuse)", async () => {
  const { manager } = await setup.load("guarded");
  const results = await Promise.all([manager.auth(), manager.auth()]);
  // The second call waited for the first, whose save and reload made its cache R1; its guarded reload then
  // sees NoChange and refreshes again, with R1. Serial refreshes, never a rotated-out token.
  expect(setup.rotation.log).toEqual([
    { refreshToken: "rt-R0", status: 200 },
    { refreshToken: "rt-R1", status: 200 },
  ]);
  expect(results.map((result) => result.ok && result.snapshot.tokens.accessToken)).toEqual([
    "at-R1",
    "at-R2",
  ]);
});

test("legacy: two calls on one manager both POST the cached token", async () => {
  const { manager } = await setup.load("legacy");
  await Promise.all([manager.auth(), manager.auth()]);
  expect(setup.rotation.log).toEqual([
    { refreshToken: "rt-R0", status: 200 },
    { refreshToken: "rt-R0", status: 401 },
  ]);
});
