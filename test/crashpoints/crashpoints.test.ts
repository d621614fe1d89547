// Proves the crash-point harness on real processes: for `locked`, every port call k of a refresh, a login and a
// logout is a crash run in which auth.json parses, no temp file is left, the disk is what the model's walk says,
// and the fresh driver's port calls, stale send and convergence equal the model's (a crash between the 200 and
// the save is the stale send the model and the pins of locked/N2/crash predict; a crash holding the lock leaves
// it to be aged). Then that the checks bite: a mutant that releases the lock before its save, run against the
// intact design's model, shows mismatches. And the model walk itself (pure): the path of a refresh per design.
import { describe, expect, test } from "vitest";
import {
  crashReportsHold,
  expectCrash,
  formatCrashTable,
  modelRefreshPath,
  runCrashOperation,
  runDesignCrashpoints,
} from "../../crashpoints/index.js";
import { defaultDriverScript } from "../../impl/driver/client.js";
import { VARIANTS } from "../../model/designs/index.js";

describe("the model's walk", () => {
  test.each(VARIANTS)(
    "%s: a refresh's path ends idle, and a crash after the POST means a stale send",
    (variant) => {
      const path = modelRefreshPath(variant);
      expect(path).toContain("sendRefresh");
      const afterPost = path.indexOf("receiveResponse");
      const crash = expectCrash(variant, "refresh", { completed: afterPost, effectDone: false });
      expect(crash).toMatchObject({ staleSend: true, converges: false });
      const done = expectCrash(variant, "refresh", { completed: path.length, effectDone: false });
      expect(done).toMatchObject({ staleSend: false, converges: true, nextEvents: [] });
    },
  );
});

describe("locked on real processes", () => {
  test("every crash point matches the model and the pins", async () => {
    const report = await runDesignCrashpoints("locked");
    const problems = report.rows.flatMap((row) => row.problems);
    expect(problems, formatCrashTable([report])).toEqual([]);
    expect(crashReportsHold([report])).toBe(true);
    const refresh = report.rows.filter((row) => row.operation === "refresh");
    expect(refresh.map((row) => row.kind)).toEqual([...modelRefreshPath("locked"), null]);
    const staleAt = refresh.filter((row) => row.next?.staleSend).map((row) => row.kind);
    expect(staleAt).toEqual(["receiveResponse", "writeDisk"]);
    expect(refresh.find((row) => row.kind === "readDisk")?.afterCrash?.lockPresent).toBe(true);
    const logout = report.rows.filter((row) => row.operation === "logout");
    expect(logout.at(-1)?.afterCrash?.disk).toEqual({ kind: "absent" });
  });

  test("a mutant that unlocks before its save, against locked's model, is caught", async () => {
    const command = [process.execPath, defaultDriverScript(), "--mutant", "unlock-before-save"];
    const rows = await runCrashOperation("locked", "refresh", { driverCommand: command });
    const problems = rows.flatMap((row) => row.problems);
    expect(problems.some((problem) => /the model's is writeDisk/.test(problem))).toBe(true);
  });
});
