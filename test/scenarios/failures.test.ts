/**
 * Proves that a scenario that cannot finish is a typed failure, never a throw or a hang, and that it still
 * tears everything down: when the second process cannot start, the first is stopped; when a process dies in
 * the middle of the run, the run fails naming it; in both cases no process outlives the run and the
 * temporary CODEX_HOME is gone. Also proves the factory is generic: these runs use wrapped factories.
 */
import { expect, test } from "vitest";
import type { DriverProcess } from "../../impl/driver/client.js";
import { type ProcessFactory, referenceImplementation, runScenario } from "../../scenarios/index.js";
import { expectNothingLeftBehind, recordingFactory, useTemporaryParent } from "./helpers.js";

const parent = useTemporaryParent();

/** Starts processes normally, except that the one named `refused` fails to start. */
function refusing(inner: ProcessFactory, refused: string): ProcessFactory {
  return {
    name: inner.name,
    variant: inner.variant,
    spawn: (request) =>
      request.name === refused
        ? Promise.resolve({ ok: false, error: { kind: "test", message: "refused by the test" } })
        : inner.spawn(request),
  };
}

/** Processes whose auth() kills the real process first: a crash in the middle of the run. */
function crashingOnAuth(inner: ProcessFactory, crashing: string): ProcessFactory {
  return {
    name: inner.name,
    variant: inner.variant,
    async spawn(request) {
      const started = await inner.spawn(request);
      if (!started.ok || request.name !== crashing) return started;
      const real = started.driver;
      const driver: DriverProcess = {
        name: real.name,
        auth: async () => {
          await real.kill();
          return real.auth();
        },
        refresh: () => real.refresh(),
        unauthorized: () => real.unauthorized(),
        cached: () => real.cached(),
        exit: () => real.exit(),
        kill: () => real.kill(),
      };
      return { ok: true, driver };
    },
  };
}

test("the second process does not start: a failure naming it; the first is stopped", async () => {
  const recorded = recordingFactory("guarded", refusing(referenceImplementation("guarded"), "A"));
  const result = await runScenario("stale-cache", recorded, { temporaryDirectory: parent.path });
  expect(result).toEqual({
    ok: false,
    failure: {
      scenario: "stale-cache",
      implementation: "reference:guarded",
      variant: "guarded",
      message: "A did not start (test): refused by the test",
    },
  });
  await expectNothingLeftBehind(recorded, 1, parent);
});

test("a process dies during the run: a failure naming it; nothing left behind", async () => {
  const recorded = recordingFactory("locked");
  const result = await runScenario("simultaneous", crashingOnAuth(recorded, "B"), {
    temporaryDirectory: parent.path,
  });
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.failure.message).toMatch(/^B\.auth\(\): driver-exited: /);
  await expectNothingLeftBehind(recorded, 2, parent);
});
