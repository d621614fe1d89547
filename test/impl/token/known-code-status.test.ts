// Proves Codex 0.136+'s classification where a design follows it (persist-locked mirrors 0.171): a non-401
// answer naming a known refresh error code is permanent (the snapshot is poisoned), while the designs that
// mirror 0.117-0.135 treat the same answer as transient (a blip: no poison, retried later). A real loopback
// server answers 400 {"error":{"code":"refresh_token_reused"}}; an unknown code stays transient everywhere.
import { describe, expect, test } from "vitest";
import { fixture } from "../helpers/home.js";
import { useHomeAndServer } from "../helpers/home-and-server.js";
import { sendJson } from "../helpers/token-server.js";

const setup = useHomeAndServer({ authJson: fixture({ generation: 0, stale: true }) });

async function refreshAgainst(variant: string, code: string) {
  setup.server.handler = (_request, response) => sendJson(response, 400, { error: { code } });
  const { manager } = await setup.load(variant);
  const result = await manager.refreshToken();
  return { result, poisoned: manager.cached().poisoned };
}

describe("400 with a known refresh error code", () => {
  test("0.136+ (persist-locked): permanent, the snapshot is poisoned", async () => {
    const { result, poisoned } = await refreshAgainst("persist-locked", "refresh_token_reused");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.kind).not.toBe("transient");
    expect(poisoned).toBe(true);
  });

  test("0.117-0.135 (guarded): transient, no poison", async () => {
    const { result, poisoned } = await refreshAgainst("guarded", "refresh_token_reused");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.kind).toBe("transient");
    expect(poisoned).toBe(false);
  });

  test("an unknown code stays transient under 0.136+ too", async () => {
    const { result, poisoned } = await refreshAgainst("persist-locked", "server_overloaded");
    if (!result.ok) expect(result.error.kind).toBe("transient");
    expect(result.ok).toBe(false);
    expect(poisoned).toBe(false);
  });
});
