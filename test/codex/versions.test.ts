/**
 * Proves the version bookkeeping: which strings are Codex versions, which model variant each release
 * mirrors (<= 0.116 legacy, 0.117-0.139 guarded, >= 0.171 persist-locked, the unobserved rest none), the
 * npm package holding a platform's binary, and the model's expected verdict per variant and scenario.
 */
import { describe, expect, it } from "vitest";
import { expectedVerdict } from "../../codex/expected.js";
import { codexVersionOf } from "../../codex/implementation.js";
import {
  parseCodexVersion,
  platformPackageSpec,
  platformSuffix,
  variantForVersion,
} from "../../codex/versions.js";

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
    expect(expectedVerdict("legacy", "stale-cache")).toBe("violated");
    expect(expectedVerdict("guarded", "stale-cache")).toBe("holds");
    expect(expectedVerdict("guarded", "simultaneous")).toBe("violated");
    expect(expectedVerdict("locked", "simultaneous")).toBe("holds");
    expect(expectedVerdict(null, "simultaneous")).toBeNull();
  });
});
