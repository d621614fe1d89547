/**
 * Proves the version bookkeeping: which strings are Codex versions, which model variant each release
 * mirrors (<= 0.116 legacy, 0.117-0.139 guarded, >= 0.171 persist-locked, the unobserved rest none), the
 * npm package holding a platform's binary, the expected verdict per variant and scenario (scenarios/'s one
 * table), and the scenario options a real app-server needs (a fixture that turns stale after startup).
 */
import { describe, expect, it } from "vitest";
import { CODEX_SCENARIO_OPTIONS, codexVersionOf } from "../../codex/implementation.js";
import {
  parseCodexVersion,
  platformPackageSpec,
  platformSuffix,
  variantForVersion,
} from "../../codex/versions.js";
import { expectedVerdict, resolveScenarioOptions } from "../../scenarios/index.js";

function version(text: string) {
  const parsed = parseCodexVersion(text);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.version;
}

describe("Codex versions", () => {
  it("accepts releases and pre-releases, refuses anything else with a message", () => {
    expect(version("0.117.0")).toMatchObject({ major: 0, minor: 117, patch: 0 });
    expect(version("0.118.0-alpha.2").minor).toBe(118);
    for (const bad of ["", "0.117", "v0.117.0", "latest", "0.117.0; rm -rf /", "../0.1.0"]) {
      const parsed = parseCodexVersion(bad);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.problem).toContain("not a Codex release version");
    }
  });

  it("maps releases to the variant they mirror", () => {
    expect(variantForVersion(version("0.115.0"))).toBe("legacy");
    expect(variantForVersion(version("0.116.0"))).toBe("legacy");
    expect(variantForVersion(version("0.117.0"))).toBe("guarded");
    expect(variantForVersion(version("0.139.0"))).toBe("guarded");
    expect(variantForVersion(version("0.140.0"))).toBeNull();
    expect(variantForVersion(version("0.170.0"))).toBeNull();
    expect(variantForVersion(version("0.171.0"))).toBe("persist-locked");
  });

  it("names the platform build and the implementation", () => {
    expect(platformSuffix("linux", "x64")).toBe("linux-x64");
    expect(platformSuffix("aix", "ppc64")).toBeNull();
    expect(platformPackageSpec(version("0.117.0"), "linux-x64")).toBe("@openai/codex@0.117.0-linux-x64");
    expect(codexVersionOf("codex:0.117.0")).toBe("0.117.0");
    expect(codexVersionOf("guarded")).toBeNull();
  });

  it("expects the verdicts of docs/protocol.md", () => {
    expect(expectedVerdict("stale-cache", "legacy")).toBe("violated");
    expect(expectedVerdict("stale-cache", "guarded")).toBe("holds");
    expect(expectedVerdict("simultaneous", "guarded")).toBe("violated");
    expect(expectedVerdict("simultaneous", "locked")).toBe("holds");
    expect(expectedVerdict("simultaneous", variantForVersion(version("0.140.0")))).toBeNull();
  });

  it("sets scenarios up for app-server: fresh at startup, stale 6 s later, everyone asked again", () => {
    expect(resolveScenarioOptions(CODEX_SCENARIO_OPTIONS)).toEqual({
      staleAfterMs: 6_000,
      askAgain: true,
      raceResponseDelayMs: 1_000,
      startGapMs: 300,
      keepFilesOnFailure: true,
    });
  });
});
