/**
 * Shared by the per-variant conformance files: every test-tier configuration conforms on a covering subset of
 * its xstate/graph paths (greedily, the shortest and extended paths that take every reachable transition) and
 * bounded simple paths, with every reachable transition taken. `npm run verify` runs the same configurations
 * on every path (the shortest to every state, cli/verify-real.ts): about 5x the paths and the time.
 */
import { describe, expect, test } from "vitest";
import { conformanceConfigs, SIMPLE_PATHS_CHECKED } from "../../conform/configs.js";
import { formatConformanceReport } from "../../conform/report.js";
import { inProcessSubject } from "../../conform/subject.js";
import { conformConfig } from "../../conform/suite.js";
import { referenceAuthImplementation } from "../../impl/plugin/index.js";
import { configName } from "../../model/config.js";
import type { Variant } from "../../model/vocabulary.js";

export const CONFORMANCE_TEST_TIMEOUT_MS = 120_000;

export function describeConformance(variant: Variant): void {
  describe(`ref:${variant} conforms to the ${variant} model at N = 2`, () => {
    for (const config of conformanceConfigs(variant, "test")) {
      test(
        configName(config),
        async () => {
          const report = await conformConfig(inProcessSubject(referenceAuthImplementation(variant)), config, {
            simplePathsMax: SIMPLE_PATHS_CHECKED,
            coveringOnly: true,
          });
          const summary = formatConformanceReport(report);
          expect(report.divergences.length, summary).toBe(0);
          expect(report.paths.run, summary).toBe(report.paths.generated);
          expect(report.coverage.missing, summary).toEqual([]);
          expect(report.coverage.covered, summary).toBe(report.coverage.reachable);
          expect(report.coverage.reachable, summary).toBeGreaterThan(0);
          expect(report.paths.simple, summary).toBeGreaterThan(0);
        },
        CONFORMANCE_TEST_TIMEOUT_MS,
      );
    }
  });
}
