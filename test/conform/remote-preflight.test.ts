// Proves honest outcomes for programs that cannot be run: the preflight start of a cmd: program
// (conform/remote-preflight.ts) says that it could not be started, that it died while starting (with its own exit
// code and the error line of its stderr), that it hung (before or after its first held read), or that it has no
// held mode, each as that kind and in one line; and that the reference driver passes it.
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { preflightProgram } from "../../conform/remote-preflight.js";
import { driverEntry, repositoryRoot } from "../support/paths.js";

const FIXTURE = join(repositoryRoot, "test/conform/fixtures/start-fails.mjs");
const SHORT = { startTimeoutMs: 3_000, readyTimeoutMs: 1_000 };

function fixture(how: string) {
  return preflightProgram([process.execPath, FIXTURE, how], SHORT);
}

describe("a cmd: program is started once before any path", () => {
  test("the reference driver in held mode passes", async () => {
    expect(await preflightProgram([process.execPath, driverEntry, "--variant", "locked"])).toBeNull();
  });

  test("no such program: could not be started", async () => {
    const failure = await preflightProgram(["authrace-no-such-program"], SHORT);
    expect(failure?.kind).toBe("cannot-start");
    expect(failure?.message).toMatch(
      /^could not be started .*: spawning preflight failed: spawn authrace-no-such-program ENOENT$/,
    );
  });

  test("dies at start: its exit code and the error line of its stderr", async () => {
    const failure = await fixture("dies");
    expect(failure).toMatchObject({ kind: "exited", exitCode: 3 });
    expect(failure?.message).toBe(
      "exited while starting, before its held read of auth.json (exit code 3, signal null): Error: cannot open the key store at /nonexistent",
    );
  });

  test("hangs at start, or after its released read: hung, with the limit waited", async () => {
    expect(await fixture("silent")).toMatchObject({
      kind: "hung",
      message: "hung: printed nothing within 3000 ms of its start",
    });
    const afterRead = await fixture("silent-after-read");
    expect(afterRead).toMatchObject({
      kind: "hung",
      message: "hung: printed no ready line within 1000 ms of its released read",
    });
  });

  test("a ready line first: no held mode", async () => {
    expect(await fixture("no-held-mode")).toMatchObject({
      kind: "no-held-mode",
      message: "printed its ready line before any held read (no held mode)",
    });
  });
});
