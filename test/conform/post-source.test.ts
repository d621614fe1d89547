// Proves a replayed POST step says which token it sends and where the process got it, from the path alone
// (conform/replay/post-source.ts): locked sends the token read under its lock, guarded its cached token after a
// read that found no change, legacy's auth() its cached token without any read; other steps get no such text.
import { expect, test } from "vitest";
import type { PathStep } from "../../conform/lockstep.js";
import { describePost } from "../../conform/replay/post-source.js";
import type { RealView } from "../../conform/replay/views.js";
import type { RequestRecord } from "../../server/types.js";

const A = 0;
const B = 1;
const post = { familyId: "family-1", tokenGeneration: 1 } as RequestRecord;
const view: RealView = {
  disk: {
    kind: "ok",
    accountId: "account-a",
    token: {
      name: "R1",
      shown: "rt_abcd...",
      status: "current",
      account: "account-a",
      familyId: "family-1",
      generation: 1,
    },
  },
  processes: [],
};

function steps(...events: [string, number][]): PathStep[] {
  return events.map(([event, process]) => ({ event, process }) as PathStep);
}

test("locked: the token read under the lock", () => {
  const path = steps(
    ["callRefresh", A],
    ["callAuth", B],
    ["acquireLock", A],
    ["readDisk", B],
    ["readDisk", A],
    ["sendRefresh", A],
  );
  expect(describePost(path, 5, [post], [view])).toBe("POST R1, read from auth.json under the lock at step 5");
});

test("guarded: the cached token after an unchanged read; legacy: the cached token without a read", () => {
  const guarded = steps(["callRefresh", A], ["readDisk", A], ["sendRefresh", A]);
  expect(describePost(guarded, 2, [post], [view])).toBe(
    "POST R1, its cached token (auth.json read at step 2 was unchanged)",
  );
  const legacy = steps(["readDisk", A], ["callAuth", A], ["serverError", A]);
  expect(describePost(legacy, 2, [post], [null])).toBe(
    "POST family-1/R1, its cached token (no read of auth.json in this call)",
  );
});

test("a read before a released lock is not a read under the lock; other steps have no POST text", () => {
  const path = steps(
    ["callRefresh", A],
    ["acquireLock", A],
    ["readDisk", A],
    ["releaseLock", A],
    ["sendRefresh", A],
  );
  expect(describePost(path, 4, [post], [view])).toBe(
    "POST R1, its cached token (auth.json read at step 3 was unchanged)",
  );
  expect(describePost(path, 2, [], [view])).toBeNull();
});
