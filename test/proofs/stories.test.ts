/**
 * Proves the claims the model must make about the real code (shared/reference/codex-auth.md), by reading the
 * shortest counterexamples themselves rather than only their lengths:
 * - legacy violates NoStaleRefreshSent by exactly the seed's story;
 * - guarded holds on the seed's story but fails through the simultaneous guarded reload and 401 recovery;
 * - locked fails only where a rotation's save is lost (crash, lost response) or a lock is stolen (stall),
 *   and a server grace window restores the first.
 */
import { describe, expect, it } from "vitest";
import { makeConfig } from "../../model/config.js";
import { explore } from "../../proofs/explorer.js";
import { seedLog } from "../../proofs/render.js";
import { traceOf } from "../../proofs/trace.js";

function shortest(input: Parameters<typeof makeConfig>[0]) {
  const exploration = explore(makeConfig(input));
  const violation = exploration.violations.get("NoStaleRefreshSent");
  return { exploration, trace: violation ? traceOf(exploration, violation) : undefined };
}

const steps = (trace: NonNullable<ReturnType<typeof shortest>["trace"]>) =>
  trace.steps.map((step) => `${step.actor}:${step.event}`);

describe("the seed's story (B cached R0, A refreshes, then B is asked)", () => {
  const story = { processes: 2, calls: ["callAuth"], overlap: false } as const;

  it("legacy: B POSTs its cached R0 after A rotated and saved R1", () => {
    const { trace } = shortest({ ...story, variant: "legacy" });
    expect(trace && steps(trace)).toEqual([
      "A:callAuth",
      "A:sendRefresh",
      "A:receiveResponse",
      "A:readDisk",
      "A:writeDisk",
      "A:readDisk",
      "B:callAuth",
      "B:sendRefresh",
    ]);
    expect(trace && seedLog(trace)).toContain(
      "POST /oauth/token refresh_token=R0 (B) -> 401 refresh_token_reused",
    );
  });

  for (const variant of ["guarded", "persist-locked", "locked"] as const) {
    it(`${variant}: B reloads R1 from disk and never POSTs R0 again`, () => {
      const { exploration, trace } = shortest({ ...story, variant });
      expect(trace).toBeUndefined();
      expect(exploration.complete).toBe(true);
    });
  }
});

describe("the races left after PR #15357", () => {
  it("guarded: both processes read R0 in the guarded reload before either saves, then both POST it", () => {
    const { trace } = shortest({ variant: "guarded", processes: 2, calls: ["callAuth"] });
    const events = trace ? steps(trace) : [];
    expect(events.filter((event) => event.endsWith(":readDisk"))).toHaveLength(2);
    expect(events.filter((event) => event.endsWith(":sendRefresh"))).toHaveLength(2);
    expect(events.some((event) => event.endsWith(":writeDisk"))).toBe(false);
  });

  it("guarded: 401 recovery's RefreshToken step POSTs a snapshot read before another process rotated", () => {
    const { trace } = shortest({ variant: "guarded", processes: 2, calls: ["callUnauthorized"] });
    expect(trace?.steps[0]?.event).toBe("callUnauthorized");
    expect(trace?.steps.at(-1)?.event).toBe("sendRefresh");
  });

  it("persist-locked: the file lock around the save does not stop the double POST", () => {
    const { trace } = shortest({ variant: "persist-locked", processes: 2, calls: ["callAuth"] });
    expect(trace && steps(trace).filter((event) => event.endsWith(":acquireLock"))).toEqual([]);
  });
});

describe("locked", () => {
  it("holds every invariant for N = 3 without faults", () => {
    const exploration = explore(makeConfig({ variant: "locked", processes: 3 }));
    expect([...exploration.violations.keys()]).toEqual([]);
  });

  it("fails under a crash only between the server's rotation and the save", () => {
    const { trace } = shortest({ variant: "locked", processes: 2, faults: ["crash"] });
    const events = trace ? steps(trace) : [];
    const rotated = events.findIndex((event) => event.endsWith(":sendRefresh"));
    const crashed = events.findIndex((event) => event.endsWith(":crash"));
    expect(rotated).toBeGreaterThanOrEqual(0);
    expect(crashed).toBeGreaterThan(rotated);
    expect(events.slice(rotated, crashed).some((event) => event.endsWith(":writeDisk"))).toBe(false);
  });

  it("a grace window for the previous token restores it after a crash or a lost response", () => {
    for (const fault of ["crash", "lostResponse"] as const) {
      const exploration = explore(
        makeConfig({ variant: "locked", processes: 2, faults: [fault], server: { graceWindow: true } }),
      );
      expect([...exploration.violations.keys()]).toEqual([]);
    }
  });

  it("a stalled holder whose lock is reclaimed lets two processes POST one token", () => {
    const { trace } = shortest({ variant: "locked", processes: 2, faults: ["stall"] });
    expect(trace?.steps.some((step) => step.event === "expireLock" && step.fault)).toBe(true);
  });
});
