// Proves server faults in a stress run: `serverFaults` (`--fault KIND[:COUNT]`) queues them on the real token
// server before the first call, and the first refreshes meet them. With `reset-without-rotate:3` on `locked`, three
// refreshes see a reset connection (the "error sending request"), each counted by the processes as a
// transient failure; nothing rotates for them, so no token is rotated out by a fault and no stale send follows.
// The flag parses (in order, with counts), refuses an unknown kind, and is repeated in the replay line's grammar.
import { expect, test } from "vitest";
import { UsageError } from "../../cli/command.js";
import { parseStressArgs } from "../../cli/commands/stress.js";
import { faultFlags } from "../../cli/fault-flag.js";
import { referenceImplementation } from "../../scenarios/index.js";
import { runStress, STRESS_DEFAULTS } from "../../stress/index.js";

test("locked, 2 x 8 with the first three refreshes reset: three transient failures, no stale send", async () => {
  const result = await runStress(
    referenceImplementation("locked"),
    { ...STRESS_DEFAULTS, processes: 2, calls: 8, seed: 7 },
    { serverFaults: [{ kind: "reset-without-rotate", count: 3 }] },
  );
  if (!result.ok) throw new Error(result.problem);
  const { report } = result;
  expect(report.problems).toEqual([]);
  expect(report.staleSends).toBe(0);
  expect(report.posts - report.rotations).toBe(3);
  const transient = (report.failedCalls.transient ?? 0) + (report.refreshErrors.transient ?? 0);
  expect(transient).toBe(3);
});

test("--fault parses in order with counts, refuses an unknown kind, and prints back as flags", () => {
  const args = parseStressArgs([
    "--variant",
    "locked",
    "--fault",
    "reset-without-rotate:3",
    "--fault",
    "status-401-expired",
  ]);
  expect(args.faults).toEqual([
    { kind: "reset-without-rotate", count: 3 },
    { kind: "status-401-expired", count: 1 },
  ]);
  expect(faultFlags(args.faults)).toEqual(["--fault reset-without-rotate:3", "--fault status-401-expired:1"]);
  expect(() => parseStressArgs(["--variant", "locked", "--fault", "nope"])).toThrow(UsageError);
});
