/**
 * fast-check interleavings where the proofs say a design holds (`locked`, `flocked`): 1000 random runs each (commands: calls,
 * time passing, an external rotation, logins and logouts or crashes and lost answers under a grace window),
 * every process's next step picked by fast-check's scheduler, every step real I/O checked against the model.
 * No run diverges and none sends a rotated-out token. A failure prints its seed, path and schedule.
 */
import { describe, expect, test } from "vitest";
import { builtInInterleavingChecks } from "../../conform/interleave/checks.js";
import { checkInterleavings } from "../../conform/interleave/property.js";
import { formatInterleavingReport } from "../../conform/interleave/report.js";
import { inProcessSubject } from "../../conform/subject.js";
import { referenceAuthImplementation } from "../../impl/plugin/index.js";

const TIMEOUT_MS = 180_000;
const HOLDING = builtInInterleavingChecks().filter((check) => check.expect === "holds");

describe("designs hold under fast-check interleavings (2 callers and an external rotator)", () => {
  for (const { config, external, runs } of HOLDING) {
    test(
      `${config.variant}: ${runs} runs of ${config.faults.join("+")}${config.server.graceWindow ? " with a grace window" : ""}`,
      async () => {
        const subject = inProcessSubject(referenceAuthImplementation(config.variant));
        const report = await checkInterleavings({ subject, config, external, runs });
        expect(report.failure, formatInterleavingReport(report)).toBeNull();
        expect(report.runs).toBe(runs);
      },
      TIMEOUT_MS,
    );
  }
});
