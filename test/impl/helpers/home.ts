/** Temporary CODEX_HOME directories with auth.json fixtures, and managers on real adapters over them. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";
import { AuthManager, type TraceEvent } from "../../../impl/manager/index.js";
import { createRealPorts, lockKindOf, ManualClock } from "../../../impl/ports/index.js";
import { authJsonPath, formatAuthJson, makeSnapshot, type Snapshot } from "../../../impl/storage/index.js";
import type { Variant } from "../../../model/vocabulary.js";

/** A fixed "now" for every manager test: 2026-03-23T12:00:00Z. */
export const NOW_MS = Date.parse("2026-03-23T12:00:00.000Z");
export const DAY_MS = 24 * 60 * 60 * 1000;

export interface TempHome {
  home: string;
  file: string;
  cleanup(): Promise<void>;
}

export async function makeTempHome(): Promise<TempHome> {
  const home = await mkdtemp(join(tmpdir(), "authrace-home-"));
  return { home, file: authJsonPath(home), cleanup: () => rm(home, { recursive: true, force: true }) };
}

/** The paths of the temporary home of the test running now. */
export interface CurrentHome {
  readonly home: string;
  /** `<home>/auth.json`, not created. */
  readonly file: string;
}

/** A fresh temporary home for each test of the calling file or describe block, removed after it. */
export function useTempHome(): CurrentHome {
  let current: TempHome | undefined;
  beforeEach(async () => {
    current = await makeTempHome();
  });
  afterEach(async () => {
    await current?.cleanup();
    current = undefined;
  });
  const now = (): TempHome => {
    if (current === undefined) throw new Error("useTempHome: read outside a test");
    return current;
  };
  return {
    get home() {
      return now().home;
    },
    get file() {
      return now().file;
    },
  };
}

/** A snapshot of generation `generation` ("rt-R<n>"), stale (9 days old) or fresh (refreshed at NOW_MS). */
export function fixture(options: {
  generation: number;
  stale: boolean;
  refreshPrefix?: string;
  accessPrefix?: string;
  accountId?: string;
}): Snapshot {
  return makeSnapshot({
    accessToken: `${options.accessPrefix ?? "at-"}R${options.generation}`,
    refreshToken: `${options.refreshPrefix ?? "rt-"}R${options.generation}`,
    lastRefresh: options.stale ? NOW_MS - 9 * DAY_MS : NOW_MS,
    ...(options.accountId === undefined ? {} : { accountId: options.accountId }),
  });
}

export async function writeFixture(file: string, snapshot: Snapshot): Promise<void> {
  await writeFile(file, formatAuthJson(snapshot), { mode: 0o600 });
}

export interface TestManager {
  manager: AuthManager;
  clock: ManualClock;
  /** Every event of every call, in order. */
  events: TraceEvent[];
}

/** A manager on real adapters (file, the design's lock, undici to `tokenUrl`) with a manual clock at NOW_MS. */
export async function loadManager(options: {
  home: string;
  variant: Variant;
  tokenUrl: string;
  name?: string;
  timeoutMs?: number;
}): Promise<TestManager> {
  const clock = new ManualClock(NOW_MS);
  const events: TraceEvent[] = [];
  const ports = createRealPorts({
    codexHome: options.home,
    lockKind: lockKindOf(options.variant),
    clock,
    token: {
      environment: { CODEX_REFRESH_TOKEN_URL_OVERRIDE: options.tokenUrl },
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    },
  });
  const manager = await AuthManager.load({
    variant: options.variant,
    ports,
    name: options.name ?? options.variant,
    trace: (event) => events.push(event),
  });
  return { manager, clock, events };
}

/** The event names of one call of a manager. */
export function eventNames(events: readonly TraceEvent[], call?: number): string[] {
  const last = call ?? Math.max(...events.map((event) => event.call));
  return events.filter((event) => event.call === last).map((event) => event.event);
}
