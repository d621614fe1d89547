// Proves what large stress runs need: up to 64 processes are accepted (65 is refused naming processesMax), and a
// run reports each driver's memory as measured by the kernel (peak resident set, VmHWM in /proc/<pid>/status,
// read before the processes exit), in the report, the text and the JSON. Small runs only: the 32 x 200 and
// 64 x 100 figures are the bench's (npm run bench -- --only load).
import { expect, test } from "vitest";
import { UsageError } from "../../cli/command.js";
import { parseStressArgs } from "../../cli/commands/stress.js";
import { referenceImplementation } from "../../scenarios/index.js";
import {
  formatStressReport,
  judgeStress,
  runStress,
  STRESS_DEFAULTS,
  STRESS_LIMITS,
  stressJson,
} from "../../stress/index.js";

test("up to 64 processes are accepted, 65 is refused naming the limit", () => {
  expect(STRESS_LIMITS.processesMax).toBe(64);
  expect(parseStressArgs(["--variant", "locked", "--processes", "64"]).settings.processes).toBe(64);
  expect(() => parseStressArgs(["--variant", "locked", "--processes", "65"])).toThrow(UsageError);
  expect(() => parseStressArgs(["--variant", "locked", "--processes", "65"])).toThrow(/processesMax/);
});

test("a run reports each driver's peak resident memory, measured", async () => {
  const result = await runStress(referenceImplementation("locked"), {
    ...STRESS_DEFAULTS,
    processes: 2,
    calls: 3,
    seed: 3,
  });
  if (!result.ok) throw new Error(result.problem);
  const { report } = result;
  expect(report.memory).not.toBeNull();
  const memory = report.memory as NonNullable<typeof report.memory>;
  expect(memory.processesMeasured).toBe(2);
  // A Node process with the driver loaded holds tens of MB; far less or far more is a wrong measurement.
  expect(memory.peakRssMbMin).toBeGreaterThan(10);
  expect(memory.peakRssMbMax).toBeLessThan(1_000);
  expect(memory.peakRssMbMin).toBeLessThanOrEqual(memory.peakRssMbMedian);
  expect(memory.peakRssMbMedian).toBeLessThanOrEqual(memory.peakRssMbMax);
  const judgement = judgeStress(report, "none");
  expect(formatStressReport(report, judgement, "replay")).toMatch(
    /memory per driver\s+peak RSS median \d+ MB/,
  );
  expect(stressJson(report, judgement, "replay").memory).toEqual(memory);
});
