// Proves the wire spec suffices: examples/python/authrace_driver.py, a driver of the `locked` design in Python's
// standard library written from docs/wire-spec.md and docs/driver-protocol.md, conforms to the locked model as a
// cmd: program (held mode, real processes, one reset per run), with every reachable transition taken, on a
// covering subset of the paths of each test-tier configuration that exercises a distinct part of the spec
// (crashes and expired locks, lost and failed answers, another account's login, a revoking server).
import { describe, expect, test } from "vitest";
import { remoteSubject } from "../../conform/remote-subject.js";
import { formatConformanceReport } from "../../conform/report.js";
import { conformConfig } from "../../conform/suite.js";
import { type ConfigInput, makeConfig } from "../../model/config.js";
import { pythonDriver } from "../support/paths.js";

const PYTHON_TEST_TIMEOUT_MS = 120_000;

const CONFIGS: ConfigInput[] = [
  { variant: "locked", processes: 2, faults: [], server: { revokeFamilyOnReuse: true } },
  { variant: "locked", processes: 2, faults: ["crash"] },
  { variant: "locked", processes: 2, faults: ["lostResponse"], server: { graceWindow: true } },
  { variant: "locked", processes: 2, faults: ["transient"] },
  { variant: "locked", processes: 2, faults: ["login"] },
  { variant: "locked", processes: 2, faults: ["logout"] },
];

describe("the Python example driver conforms to locked (cmd:, covering subset)", () => {
  for (const input of CONFIGS) {
    const config = makeConfig(input);
    test(
      `${config.faults.join(",") || "none"}${input.server?.revokeFamilyOnReuse ? " (revoke)" : ""}${input.server?.graceWindow ? " (grace)" : ""}`,
      async () => {
        const subject = remoteSubject(["python3", pythonDriver], "locked");
        const report = await conformConfig(subject, config, { coveringOnly: true, lanes: 2 });
        const summary = formatConformanceReport(report);
        expect(report.divergences, summary).toEqual([]);
        expect(report.paths.run, summary).toBe(report.paths.generated);
        expect(report.coverage.reachable, summary).toBeGreaterThan(0);
        expect(report.coverage.missing, summary).toEqual([]);
      },
      PYTHON_TEST_TIMEOUT_MS,
    );
  }
});
