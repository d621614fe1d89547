/**
 * fast-check interleavings where the proofs say a design fails: the property (no rotated-out token reaches
 * the real server, no divergence from the model) fails within a bounded number of runs, always by a stale
 * send, never by a divergence. The failing run, minimised on the model, still fails when run again on the real
 * implementation, is no shorter than the model's shortest counterexample, and fast-check's seed and path
 * replay the very same run.
 */
import { describe, expect, test } from "vitest";
import { builtInInterleavingChecks } from "../../conform/interleave/checks.js";
import { minimiseFailure } from "../../conform/interleave/minimise.js";
import { checkInterleavings } from "../../conform/interleave/property.js";
import { formatInterleavingReport } from "../../conform/interleave/report.js";
import { inProcessSubject } from "../../conform/subject.js";
import { referenceAuthImplementation } from "../../impl/plugin/index.js";

const TIMEOUT_MS = 120_000;
const FAILING = builtInInterleavingChecks().filter((check) => check.expect === "fails");

describe("designs the proofs say fail are caught by fast-check", () => {
  for (const { config, external, runs } of FAILING) {
    test(
      `${config.variant}${config.faults.length ? ` with ${config.faults.join("+")}` : ""}`,
      async () => {
        const subject = inProcessSubject(referenceAuthImplementation(config.variant));
        const report = await checkInterleavings({ subject, config, external, runs });
        const failure = report.failure;
        expect(failure, `no failure in ${report.runs} runs (seed ${report.seed})`).not.toBeNull();
        if (failure === null) return;
        const minimised = await minimiseFailure(subject, config, failure.log);
        const story = formatInterleavingReport(report, minimised);
        expect(failure.kind, story).toBe("staleSend");
        expect(minimised?.confirmed, story).toBe(true);
        const shortest = minimised?.shortest?.steps.length ?? 0;
        expect(minimised?.path.length ?? 0, story).toBeGreaterThanOrEqual(shortest);
        expect(minimised?.path.length ?? 0, story).toBeLessThanOrEqual(failure.log.length);

        const replayed = await checkInterleavings({
          subject,
          config,
          external,
          runs: 1,
          seed: report.seed,
          path: report.path ?? "",
          ...(failure.replayPath === null ? {} : { replayPath: failure.replayPath }),
        });
        expect(replayed.failure?.log, story).toEqual(failure.log);
      },
      TIMEOUT_MS,
    );
  }
});
