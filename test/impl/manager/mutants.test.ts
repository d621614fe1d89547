// Proves that each implementation mutant (a design record's `mutants`, applied by impl/manager/variants.ts)
// really breaks its one rule
// on the real AuthManager (real auth.json in a temp dir, real proper-lockfile lock, real HTTP to a rotating
// token server on 127.0.0.1), next to its base design doing the right thing in the same situation:
// - no-account-check: the locked read adopts, or POSTs, another account's auth.json;
// - reload-without-compare: the guarded reload POSTs the cached R0 although auth.json already holds R1;
// - unlock-before-save: the lock is released before the save, so a waiter re-reads R0 and POSTs it (the
//   first manager's write is held at a gate until the second has POSTed, so the order is fixed, not timed);
// - no-reread-after-lock: after acquiring, the cached R0 is POSTed with no read of auth.json;
// - save-in-place: the locked save truncates and rewrites auth.json in place (same inode);
// - poison-never-cleared: adopting a good token keeps the poison, so the manager fails fast forever.
// It also proves that a mutant of another design is refused, and that each mutant breaks exactly one rule.
import { readFile, stat } from "node:fs/promises";
import { describe, expect, test } from "vitest";
import { AuthManager, rulesFor, type TraceEvent } from "../../../impl/manager/index.js";
import { createRealPorts, lockKindOf, ManualClock } from "../../../impl/ports/index.js";
import type { AuthPorts } from "../../../impl/ports/types.js";
import { allMutants, type MutantName } from "../../../model/designs/index.js";
import type { Variant } from "../../../model/vocabulary.js";
import { eventNames, fixture, NOW_MS, writeFixture } from "../helpers/home.js";
import { useHomeAndServer } from "../helpers/home-and-server.js";

const setup = useHomeAndServer({ authJson: fixture({ generation: 0, stale: true }) });

const POST = ["sendRefresh", "receiveResponse"];

/**
 * A manager on real adapters, as helpers/home.ts's loadManager builds one, with an optional mutant and an
 * optional change to its ports (loadManager has no mutant option).
 */
async function load(
  variant: Variant,
  mutant?: MutantName,
  options: { name?: string; ports?: (ports: AuthPorts) => AuthPorts } = {},
) {
  const events: TraceEvent[] = [];
  const real = createRealPorts({
    codexHome: setup.home,
    lockKind: lockKindOf(variant),
    clock: new ManualClock(NOW_MS),
    token: { environment: { CODEX_REFRESH_TOKEN_URL_OVERRIDE: setup.server.url } },
  });
  const manager = await AuthManager.load({
    variant,
    ...(mutant === undefined ? {} : { mutant }),
    ports: options.ports ? options.ports(real) : real,
    ...(options.name === undefined ? {} : { name: options.name }),
    trace: (event) => events.push(event),
  });
  return { manager, events };
}

/** What another process does: the server rotates R0 -> R1 and R1 is saved, fresh. */
async function rotateElsewhere(): Promise<void> {
  setup.rotation.generation = 1;
  await writeFixture(setup.file, fixture({ generation: 1, stale: false }));
}

describe("rules", () => {
  test("each mutant is its base design with exactly one breakable rule changed", () => {
    for (const { mutant: record, base: design } of allMutants()) {
      const name = record.name;
      const base = rulesFor(design.name);
      const mutant = rulesFor(design.name, name);
      const changed = Object.keys(design.rules).filter(
        (rule) => mutant[rule as keyof typeof design.rules] !== base[rule as keyof typeof design.rules],
      );
      expect(changed, name).toHaveLength(1);
      expect({ ...mutant, versions: "" }).toMatchObject({
        ...base,
        versions: "",
        [changed[0] as string]: expect.anything(),
      });
    }
  });

  test("a mutant of another design is a programmer error", async () => {
    await expect(load("guarded", "no-reread-after-lock")).rejects.toThrow(
      /options\.mutant: 'no-reread-after-lock' is a mutant of 'locked', not of 'guarded'/,
    );
  });

  test("a mutant manager is named after its design and mutant", async () => {
    const { manager, events } = await load("locked", "save-in-place");
    expect(manager.name).toBe("locked/mutant:save-in-place");
    expect(manager.mutant).toBe("save-in-place");
    expect(events[0]).toMatchObject({ manager: "locked/mutant:save-in-place", event: "restart" });
  });
});

describe("no-account-check (locked)", () => {
  const other = (stale: boolean) =>
    fixture({
      generation: 0,
      stale,
      accountId: "acct-other",
      refreshPrefix: "rt-other-",
      accessPrefix: "at-other-",
    });

  test("another account's fresh auth.json: locked refuses it (Skipped), the mutant adopts it", async () => {
    const base = await load("locked");
    const mutant = await load("locked", "no-account-check");
    await writeFixture(setup.file, other(false));
    expect(await base.manager.refreshToken()).toMatchObject({ ok: false, error: { kind: "skipped" } });
    const adopted = await mutant.manager.refreshToken();
    expect(adopted.ok && adopted.snapshot.tokens.accountId).toBe("acct-other");
    expect(eventNames(mutant.events)).toEqual(["callRefresh", "acquireLock", "readDisk", "releaseLock"]);
    expect(setup.rotation.log).toEqual([]);
  });

  test("another account's stale auth.json: the mutant POSTs that account's refresh token", async () => {
    const { manager, events } = await load("locked", "no-account-check");
    await writeFixture(setup.file, other(true));
    await manager.refreshToken();
    expect(eventNames(events)).toEqual(["callRefresh", "acquireLock", "readDisk", ...POST, "releaseLock"]);
    expect(setup.rotation.log.map((entry) => entry.refreshToken)).toEqual(["rt-other-R0"]);
  });
});

describe("reload-without-compare (guarded)", () => {
  test("the seed's story: auth.json already holds R1, the mutant still POSTs its cached R0", async () => {
    const base = await load("guarded");
    const mutant = await load("guarded", "reload-without-compare");
    await rotateElsewhere();
    const adopted = await base.manager.auth();
    expect(adopted.ok && adopted.snapshot.tokens.refreshToken).toBe("rt-R1");
    const result = await mutant.manager.auth();
    expect(eventNames(mutant.events)).toEqual(["callAuth", "readDisk", ...POST]);
    expect(setup.rotation.log).toEqual([{ refreshToken: "rt-R0", status: 401 }]);
    expect(result).toMatchObject({ ok: true, poisoned: true, refreshError: { kind: "permanent" } });
  });
});

describe("unlock-before-save (locked)", () => {
  test("the lock is released before the save; a waiter re-reads R0 and POSTs it", async () => {
    let openGate: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    const held = (ports: AuthPorts): AuthPorts => ({
      ...ports,
      disk: {
        file: ports.disk.file,
        read: () => ports.disk.read(),
        write: async (snapshot, mode) => {
          await gate;
          return ports.disk.write(snapshot, mode);
        },
        remove: () => ports.disk.remove(),
      },
    });
    const first = await load("locked", "unlock-before-save", { name: "A", ports: held });
    const second = await load("locked", "unlock-before-save", { name: "B" });
    const saving = first.manager.auth();
    await expect.poll(() => eventNames(first.events, 1).at(-1)).toBe("releaseLock");
    expect(eventNames(first.events, 1)).toEqual([
      "callAuth",
      "acquireLock",
      "readDisk",
      ...POST,
      "releaseLock",
    ]);
    const waiter = await second.manager.auth();
    openGate();
    await saving;
    expect(eventNames(second.events)).toEqual([
      "callAuth",
      "acquireLock",
      "readDisk",
      ...POST,
      "releaseLock",
    ]);
    expect(eventNames(first.events).at(-1)).toBe("writeDisk");
    expect(setup.rotation.log).toEqual([
      { refreshToken: "rt-R0", status: 200 },
      { refreshToken: "rt-R0", status: 401 },
    ]);
    expect(waiter).toMatchObject({ ok: true, poisoned: true });
    expect(JSON.parse(await readFile(setup.file, "utf8")).tokens.refresh_token).toBe("rt-R1");
  });
});

describe("no-reread-after-lock (locked)", () => {
  test("the seed's story: after acquiring, the mutant POSTs its cached R0 without reading auth.json", async () => {
    const base = await load("locked");
    const mutant = await load("locked", "no-reread-after-lock");
    await rotateElsewhere();
    const adopted = await base.manager.auth();
    expect(adopted.ok && adopted.snapshot.tokens.refreshToken).toBe("rt-R1");
    expect(eventNames(base.events)).toEqual(["callAuth", "acquireLock", "readDisk", "releaseLock"]);
    const result = await mutant.manager.auth();
    expect(eventNames(mutant.events)).toEqual(["callAuth", "acquireLock", ...POST, "releaseLock"]);
    expect(setup.rotation.log).toEqual([{ refreshToken: "rt-R0", status: 401 }]);
    expect(result).toMatchObject({ ok: true, poisoned: true });
  });
});

describe("save-in-place (locked)", () => {
  test("the save under the lock rewrites auth.json in place (same inode); locked renames a new file", async () => {
    for (const [mutant, mode, sameInode] of [
      [undefined, "atomic", false],
      ["save-in-place", "in-place", true],
    ] as const) {
      await writeFixture(setup.file, fixture({ generation: setup.rotation.generation, stale: true }));
      const { manager, events } = await load("locked", mutant);
      const inodeBefore = (await stat(setup.file)).ino;
      const result = await manager.auth();
      expect(result).toMatchObject({ ok: true, poisoned: false });
      expect(eventNames(events)).toEqual([
        "callAuth",
        "acquireLock",
        "readDisk",
        ...POST,
        "writeDisk",
        "releaseLock",
      ]);
      expect(events.find((event) => event.event === "writeDisk")?.detail).toBe(mode);
      expect((await stat(setup.file)).ino === inodeBefore).toBe(sameInode);
    }
    expect(setup.rotation.log.map((entry) => entry.status)).toEqual([200, 200]);
  });
});

describe("poison-never-cleared (guarded)", () => {
  test("after adopting a good token the mutant stays poisoned and fails fast; guarded clears it", async () => {
    setup.rotation.generation = 5; // rt-R0 is rotated out
    const base = await load("guarded");
    const mutant = await load("guarded", "poison-never-cleared");
    for (const { manager } of [base, mutant]) {
      expect(await manager.refreshToken()).toMatchObject({ ok: false, error: { kind: "permanent" } });
      expect(manager.cached().poisoned).toBe(true);
    }
    await writeFixture(setup.file, fixture({ generation: 5, stale: false }));
    expect(await base.manager.refreshToken()).toMatchObject({ ok: true, poisoned: false });
    const adopted = await mutant.manager.refreshToken();
    expect(adopted).toMatchObject({ ok: true, poisoned: true });
    expect(adopted.ok && adopted.snapshot.tokens.refreshToken).toBe("rt-R5");
    const again = await mutant.manager.refreshToken();
    expect(again).toMatchObject({ ok: false, error: { kind: "permanent" } });
    expect(eventNames(mutant.events)).toEqual(["callRefresh", "readDisk"]);
    expect(setup.rotation.log).toHaveLength(2);
  });
});
