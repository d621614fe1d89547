/**
 * Proves that a program speaking the driver protocol in held mode (docs/driver-protocol.md, `cmd:` subjects) is
 * checked by conformance exactly as a manager in this process is: the reference driver, one OS process per model
 * process, conforms to the locked model at N = 2 with every reachable transition taken, crashes included (a
 * real SIGKILL that leaves the lock directory behind, then a new process); a program that does not follow the
 * model (the guarded driver judged as locked) is reported as a divergence, and a program that does not speak
 * held mode, or goes silent, as a one-line problem, never a hang; no child process outlives the runs.
 *
 * Speed: a path spawns one node process per model process (and one more per restart), so remote conformance
 * runs at about 1-2 paths/s on two cores against about 30 in process. locked/N2/none runs whole (29 paths). The
 * crash configuration has 219 paths (3-4 minutes), so by default it runs a greedy cover of them: paths picked
 * until every reachable transition is taken (7 today, about 10 s); AUTHRACE_REMOTE_FULL=1 runs all of them.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { modelPaths } from "../../conform/paths.js";
import { remoteSubject } from "../../conform/remote-subject.js";
import { formatConformanceReport, formatDivergence } from "../../conform/report.js";
import { type PathStep, runPath, transitionKey } from "../../conform/run-path.js";
import { openSession } from "../../conform/session.js";
import { SETTLE_TIMEOUT_MS } from "../../conform/slot.js";
import type { Subject } from "../../conform/subject.js";
import { type ConformanceReport, conformConfig } from "../../conform/suite.js";
import { ManualClock } from "../../impl/ports/index.js";
import { type ModelConfig, makeConfig } from "../../model/config.js";
import { initialData } from "../../model/data.js";
import type { Variant } from "../../model/vocabulary.js";
import type { ExplorerState } from "../../proofs/state.js";
import { makeStepper, type Stepper } from "../../proofs/step.js";
import { driverEntry } from "../support/paths.js";

const REMOTE_TEST_TIMEOUT_MS = 180_000;
const FULL = process.env.AUTHRACE_REMOTE_FULL === "1";
/** Paths run at once by the covering-subset runner (each lane its own token server and clock). */
const SUBSET_LANES = 2;

function driverSubject(driverVariant: Variant, judgedAs: Variant): Subject {
  return remoteSubject([process.execPath, driverEntry, "--variant", driverVariant], judgedAs);
}

function expectFullConformance(report: ConformanceReport): void {
  const summary = formatConformanceReport(report);
  console.info(summary);
  expect(report.divergences.length, summary).toBe(0);
  expect(report.paths.run, summary).toBe(report.paths.generated);
  expect(report.coverage.missing, summary).toEqual([]);
  expect(report.coverage.covered, summary).toBe(report.coverage.reachable);
  expect(report.coverage.reachable, summary).toBeGreaterThan(0);
}

/** The transition keys a path takes in the model (what runPath records when the implementation matches). */
function transitionsOf(config: ModelConfig, stepper: Stepper, path: readonly PathStep[]): string[] {
  let state: ExplorerState = {
    locations: Array.from({ length: config.processes }, () => "idle" as const),
    data: initialData(config.processes),
  };
  const keys: string[] = [];
  for (const step of path) {
    const taken = stepper
      .successors(state)
      .find((candidate) => candidate.event === step.event && candidate.process === step.process);
    if (taken === undefined) throw new Error(`${step.event} of process ${step.process} is not enabled`);
    keys.push(transitionKey(stepper, state, taken));
    state = taken.next;
  }
  return keys;
}

/** Greedy set cover: repeatedly the path taking the most transitions not yet taken. */
function coveringPaths(config: ModelConfig, paths: readonly PathStep[][], reachable: readonly string[]) {
  const stepper = makeStepper(config);
  const keyed = paths.map((path) => ({ path, keys: new Set(transitionsOf(config, stepper, path)) }));
  const missing = new Set(reachable);
  const chosen: PathStep[][] = [];
  while (missing.size > 0) {
    const gain = (keys: Set<string>) => [...keys].filter((key) => missing.has(key)).length;
    const best = keyed.reduce((left, right) => (gain(right.keys) > gain(left.keys) ? right : left));
    if (gain(best.keys) === 0) throw new Error(`no path takes ${[...missing].join(", ")}`);
    chosen.push(best.path);
    for (const key of best.keys) missing.delete(key);
  }
  return chosen;
}

/** Runs `paths` as conformConfig runs every path, in SUBSET_LANES lanes; divergences and covered keys. */
async function runPaths(subject: Subject, config: ModelConfig, paths: readonly PathStep[][]) {
  const stepper = makeStepper(config);
  const covered = new Set<string>();
  const divergences: string[] = [];
  let next = 0;
  const lane = async () => {
    const session = await openSession(config.server);
    try {
      while (next < paths.length) {
        const path = paths[next++] as PathStep[];
        const outcome = await runPath({ session, subject, config, stepper }, path);
        for (const key of outcome.covered) covered.add(key);
        if (outcome.divergence) divergences.push(formatDivergence(path, outcome.divergence));
      }
    } finally {
      await session.close();
    }
  };
  await Promise.all(Array.from({ length: SUBSET_LANES }, lane));
  return { covered, divergences };
}

/** Children of this process that are held drivers or zombies (`ps` exits 1 when it lists none). */
function heldChildren(): string[] {
  let listing: string;
  try {
    listing = execFileSync("ps", ["-o", "pid=,stat=,args=", "--ppid", String(process.pid)], {
      encoding: "utf8",
    });
  } catch (error) {
    if ((error as { status?: number }).status === 1) return [];
    throw error;
  }
  return listing.split("\n").filter((line) => line.includes("--held") || /^\s*\d+\s+Z/.test(line));
}

describe("cmd: the reference driver in held mode conforms to locked at N = 2", () => {
  test(
    "locked/N2/none, every path",
    async () => {
      const config = makeConfig({ variant: "locked", processes: 2 });
      expectFullConformance(await conformConfig(driverSubject("locked", "locked"), config));
    },
    REMOTE_TEST_TIMEOUT_MS,
  );

  test(
    FULL ? "locked/N2/crash, every path" : "locked/N2/crash, a covering subset of its paths",
    async () => {
      const config = makeConfig({ variant: "locked", processes: 2, faults: ["crash"] });
      const subject = driverSubject("locked", "locked");
      if (FULL) {
        expectFullConformance(await conformConfig(subject, config));
        return;
      }
      const set = modelPaths(config);
      const subset = coveringPaths(config, set.paths, set.reachable);
      const started = performance.now();
      const { covered, divergences } = await runPaths(subject, config, subset);
      const seconds = (performance.now() - started) / 1000;
      console.info(
        `locked/N2/crash: ${subset.length} of ${set.paths.length} paths in ${seconds.toFixed(1)} s`,
      );
      expect(divergences, divergences.join("\n")).toEqual([]);
      expect(set.reachable.filter((key) => !covered.has(key))).toEqual([]);
    },
    REMOTE_TEST_TIMEOUT_MS,
  );
});

describe("a program that breaks held mode is reported, not waited for", () => {
  test(
    "the guarded driver judged as locked diverges at its first port call",
    async () => {
      const config = makeConfig({ variant: "locked", processes: 2 });
      const report = await conformConfig(driverSubject("guarded", "locked"), config);
      const summary = formatConformanceReport(report);
      const first = report.divergences[0];
      expect(first, summary).toBeDefined();
      expect(first?.divergence.step, summary).toBe(1);
      expect(first?.divergence.message, summary).toMatch(/model "acquireLock", implementation "readDisk"/);
      for (const { divergence } of report.divergences) expect(divergence.message).not.toContain("\n");
    },
    REMOTE_TEST_TIMEOUT_MS,
  );

  /** One slot of a subject running `script` under node, loaded once. */
  async function loadScript(script: string) {
    const home = await mkdtemp(join(tmpdir(), "authrace-remote-"));
    const subject = remoteSubject([process.execPath, "-e", script, "--"], "locked");
    const slot = subject.slot({
      name: "A",
      home,
      tokenUrl: "http://127.0.0.1:9/",
      clock: new ManualClock(0),
    });
    try {
      return { problem: await slot.load(), status: slot.status() };
    } finally {
      await slot.crash();
      await rm(home, { recursive: true, force: true });
    }
  }

  test("a program without held mode: its ready line comes first", async () => {
    const ready = JSON.stringify({ ready: true, name: "A", variant: "locked", pid: 1 });
    const { problem, status } = await loadScript(`console.log('${ready}'); process.stdin.resume();`);
    expect(problem).toBe("A printed its ready line before any held read (no held mode)");
    expect(status.kind).toBe("broken");
  });

  test("a program that goes silent after its read is released: a timeout, one line", async () => {
    const held = JSON.stringify({ held: { seq: 1, kind: "readDisk" } });
    const { problem } = await loadScript(`console.log('${held}'); process.stdin.resume();`);
    expect(problem).toBe(`A: no ready line within ${SETTLE_TIMEOUT_MS} ms (SETTLE_TIMEOUT_MS)`);
  });

  test("no child process outlives the runs", () => {
    expect(heldChildren()).toEqual([]);
  });
});
