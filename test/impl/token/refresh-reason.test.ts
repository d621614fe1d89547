// Proves the request body each design sends, as a real loopback server receives it: Codex 0.171 (persist-locked)
// adds `"refresh_reason": "scheduled"` to auth()'s proactive refresh and to nothing else; the designs that mirror
// older releases never send a reason. The rest of the body is Codex's: client_id, grant_type, refresh_token.
import { describe, expect, test } from "vitest";
import { CODEX_CLIENT_ID } from "../../../model/vocabulary.js";
import { fixture } from "../helpers/home.js";
import { useHomeAndServer } from "../helpers/home-and-server.js";

// The default server rotates R0 -> R1 (helpers/home-and-server.ts).
const setup = useHomeAndServer({ authJson: fixture({ generation: 0, stale: true }) });

async function bodyOf(variant: string, call: "auth" | "refreshToken") {
  const { manager } = await setup.load(variant);
  await manager[call]();
  return setup.server.requests.at(-1)?.body;
}

describe("the refresh request body", () => {
  test("persist-locked (0.171): auth()'s proactive refresh says it is scheduled", async () => {
    expect(await bodyOf("persist-locked", "auth")).toEqual({
      client_id: CODEX_CLIENT_ID,
      grant_type: "refresh_token",
      refresh_token: "rt-R0",
      refresh_reason: "scheduled",
    });
  });

  test("persist-locked: refreshToken() sends no reason", async () => {
    expect(await bodyOf("persist-locked", "refreshToken")).not.toHaveProperty("refresh_reason");
  });

  test("guarded (0.117-0.139): no reason, even for auth()", async () => {
    expect(await bodyOf("guarded", "auth")).toEqual({
      client_id: CODEX_CLIENT_ID,
      grant_type: "refresh_token",
      refresh_token: "rt-R0",
    });
  });
});
