/**
 * Proves that the binary is found in both package layouts Codex has shipped (`vendor/<triple>/codex/codex`
 * up to ~0.125, `vendor/<triple>/bin/codex` with a `codex-package.json` manifest by 0.139) and that a
 * package without a usable binary is reported, not guessed at.
 */

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { locateBinary } from "../../codex/locate.js";
import { removeTemporaryDirectories, temporaryDirectory, versionScript, writeExecutable } from "./fakes.js";

const TRIPLE = "vendor/x86_64-unknown-linux-musl";

afterAll(removeTemporaryDirectories);

describe("locateBinary", () => {
  it("finds the binary of the 0.116-0.125 layout", () => {
    const root = temporaryDirectory("layout-old");
    writeExecutable(join(root, "package", TRIPLE, "codex", "codex"), versionScript("codex-cli 0.116.0"));
    writeExecutable(join(root, "package", TRIPLE, "path", "rg"), "#!/bin/sh\n");
    const located = locateBinary(root);
    expect(located).toMatchObject({ ok: true, how: "the only executable named codex" });
    if (located.ok) expect(located.binaryPath).toBe(join(root, "package", TRIPLE, "codex", "codex"));
  });

  it("follows the manifest's entrypoint in the 0.139 layout", () => {
    const root = temporaryDirectory("layout-new");
    const base = join(root, "package", TRIPLE);
    writeExecutable(join(base, "bin", "codex"), versionScript("codex-cli 0.139.0"));
    // A second executable named codex elsewhere must not confuse it: the manifest decides.
    writeExecutable(join(base, "codex-resources", "codex"), "#!/bin/sh\n");
    writeFileSync(
      join(base, "codex-package.json"),
      JSON.stringify({ layoutVersion: 1, entrypoint: "bin/codex" }),
    );
    const located = locateBinary(root);
    expect(located).toMatchObject({ ok: true, binaryPath: join(base, "bin", "codex") });
  });

  it("reports a manifest whose entrypoint is missing", () => {
    const root = temporaryDirectory("layout-broken");
    writeFileSync(join(root, "codex-package.json"), JSON.stringify({ entrypoint: "bin/codex" }));
    const located = locateBinary(root);
    expect(located.ok).toBe(false);
    if (!located.ok) expect(located.problem).toContain("missing or not executable");
  });

  it("reports a package with no executable codex", () => {
    const root = temporaryDirectory("layout-empty");
    writeFileSync(join(root, "codex"), "not executable");
    const located = locateBinary(root);
    expect(located.ok).toBe(false);
    if (!located.ok) expect(located.problem).toContain("no executable named codex");
  });
});
