/** Shared by the per-variant conformance files: every test-tier configuration conforms with full coverage. */
import { describe, expect, test } from "vitest";
import { conformanceConfigs } from "../../conform/configs.js";
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
          const report = await conformConfig(inProcessSubject(referenceAuthImplementation(variant)), config);
          const summary = formatConformanceReport(report);
          expect(report.divergences.length, summary).toBe(0);
          expect(report.paths.run, summary).toBe(report.paths.generated);
          expect(report.coverage.missing, summary).toEqual([]);
          expect(report.coverage.covered, summary).toBe(report.coverage.reachable);
          expect(report.coverage.reachable, summary).toBeGreaterThan(0);
        },
        CONFORMANCE_TEST_TIMEOUT_MS,
      );
    }
  });
}
