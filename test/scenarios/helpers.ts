/**
 * Shared by the scenario tests: a temporary parent for the runs' CODEX_HOMEs that must be empty again
 * afterwards, a factory that remembers the pid of every process it started, and the teardown check built on
 * both (no process outlived its run, nothing left in the parent). The driver and the CLI run from dist/,
 * which test/support/global-setup.ts builds before any test starts.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect } from "vitest";
import { REFRESH_ERROR_CODES, type Variant } from "../../model/vocabulary.js";
import {
  PROCESS_NAMES,
  type ProcessFactory,
  referenceImplementation,
  runScenario,
  type ScenarioName,
  type ScenarioReport,
} from "../../scenarios/index.js";

export interface TemporaryParent {
  path: string;
  /** Names left inside: a finished run must leave none. */
  leftovers(): Promise<string[]>;
  remove(): Promise<void>;
}

export async function makeTemporaryParent(): Promise<TemporaryParent> {
  const path = await mkdtemp(join(tmpdir(), "authrace-scenario-test-"));
  return {
    path,
    leftovers: () => readdir(path),
    remove: () => rm(path, { recursive: true, force: true }),
  };
}

/** One temporary parent for the calling test file: made before its first test, removed after its last. */
export function useTemporaryParent(): Omit<TemporaryParent, "remove"> {
  let current: TemporaryParent | undefined;
  beforeAll(async () => {
    current = await makeTemporaryParent();
  });
  afterAll(() => current?.remove());
  const now = (): TemporaryParent => {
    if (current === undefined) throw new Error("useTemporaryParent: read outside a test");
    return current;
  };
  return {
    get path() {
      return now().path;
    },
    leftovers: () => now().leftovers(),
  };
}

/** True while a process with this pid exists (signal 0 only checks). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface RecordingFactory extends ProcessFactory {
  /** Pids of every process started so far. */
  readonly pids: number[];
}

/** The reference implementation of `variant`, remembering each started driver's pid. */
export function recordingFactory(
  variant: Variant,
  inner: ProcessFactory = referenceImplementation(variant),
): RecordingFactory {
  const pids: number[] = [];
  return {
    name: inner.name,
    variant: inner.variant,
    pids,
    async spawn(request) {
      const started = await inner.spawn(request);
      // JsonLineDriver exposes its pid; DriverProcess does not promise one.
      if (started.ok && "pid" in started.driver && typeof started.driver.pid === "number") {
        pids.push(started.driver.pid);
      }
      return started;
    },
  };
}

/** A finished run started `started` processes, none of them still alive, and left `parent` empty. */
export async function expectNothingLeftBehind(
  factory: RecordingFactory,
  started: number,
  parent: Pick<TemporaryParent, "leftovers">,
): Promise<void> {
  expect(factory.pids).toHaveLength(started);
  expect(factory.pids.filter(isAlive)).toEqual([]);
  expect(await parent.leftovers()).toEqual([]);
}

/** Runs `scenario` on the reference `variant`; checks the teardown before handing the report over. */
export async function runReference(
  scenario: ScenarioName,
  variant: Variant,
  parent: Omit<TemporaryParent, "remove">,
): Promise<ScenarioReport> {
  const factory = recordingFactory(variant);
  const result = await runScenario(scenario, factory, { temporaryDirectory: parent.path });
  await expectNothingLeftBehind(factory, PROCESS_NAMES.length, parent);
  if (!result.ok) throw new Error(`${scenario} on ${variant} failed: ${result.failure.message}`);
  return result.report;
}

/** The race's signature on the server: R0 POSTed twice, 200 then 401 refresh_token_reused, one stale send. */
export function expectR0SentTwice(report: ScenarioReport): void {
  expect(report.posts).toHaveLength(2);
  const [first, second] = report.posts;
  expect(first).toMatchObject({ generation: 0, status: 200, code: null, staleSend: false });
  expect(second).toMatchObject({
    generation: 0,
    status: 401,
    code: REFRESH_ERROR_CODES.reused,
    staleSend: true,
  });
  expect(second?.refreshToken).toBe(first?.refreshToken);
  expect(report.staleSends).toBe(1);
  expect(report.verdict).toBe("violated");
}
