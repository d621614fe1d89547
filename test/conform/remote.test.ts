import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { remoteSubject } from "../../conform/remote-subject.js";
import { formatConformanceReport } from "../../conform/report.js";
import { SETTLE_TIMEOUT_MS } from "../../conform/slot.js";
import type { Subject } from "../../conform/subject.js";
import { type ConformanceReport, conformConfig } from "../../conform/suite.js";
import { ManualClock } from "../../impl/ports/index.js";
import { makeConfig } from "../../model/config.js";
import type { Variant } from "../../model/vocabulary.js";
import { driverEntry } from "../support/paths.js";

const REMOTE_TEST_TIMEOUT_MS = 180_000;
const FULL = process.env.AUTHRACE_REMOTE_FULL === "1";

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
    FULL ? "locked/N2/none, every path" : "locked/N2/none, a covering subset of its paths",
    async () => {
      const config = makeConfig({ variant: "locked", processes: 2 });
      const report = await conformConfig(driverSubject("locked", "locked"), config, { coveringOnly: !FULL });
      expectFullConformance(report);
    },
    REMOTE_TEST_TIMEOUT_MS,
  );

  test(
    FULL ? "locked/N2/crash, every path" : "locked/N2/crash, a covering subset of its paths",
    async () => {
      const config = makeConfig({ variant: "locked", processes: 2, faults: ["crash"] });
      const report = await conformConfig(driverSubject("locked", "locked"), config, { coveringOnly: !FULL });
      expectFullConformance(report);
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
