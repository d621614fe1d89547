// Proves that `authrace verify --out DIR` checks its output directory before exploring anything: a regular file,
// a path under a file, and a path under /proc (where a recursive mkdir spins at 100% CPU, deaf to SIGTERM) each
// end at once with exit 2 and one line naming the path and the problem, no stack trace and no matrix; a fresh
// nested directory is created and receives the counterexamples.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { runCli } from "../support/cli.js";

/** Far above a check of one path, far below the spin (which never ends). */
const QUICK_MS = 15_000;
const work = mkdtempSync(join(tmpdir(), "authrace-verify-out-"));
const file = join(work, "a-file");
writeFileSync(file, "not a directory");

afterAll(() => rmSync(work, { recursive: true, force: true }));

function verify(out: string) {
  return runCli(
    ["verify", "--tier", "test", "--filter", "locked/N2/crash", "--no-scenarios", "--no-real", "--out", out],
    QUICK_MS,
  );
}

describe("verify --out is checked first", () => {
  test.each([
    ["a regular file", file, /is not a directory/],
    ["a path under a regular file", join(file, "sub"), /is not a directory/],
    ["a path under /proc", "/proc/authrace-no-such/out", /cannot create/],
  ])("%s -> exit 2 at once, naming the path", async (_name, out, problem) => {
    const result = await verify(out);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--out");
    expect(result.stderr).toMatch(problem);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).not.toContain("NoStaleRefreshSent");
  });

  test("a fresh nested directory is created and receives the counterexamples", async () => {
    const out = join(work, "new", "nested");
    const result = await verify(out);
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(join(out, "locked_N2_crash", "NoStaleRefreshSent.json"))).toBe(true);
  });
});
