// Proves that a 200 from the token endpoint carrying an empty or malformed token is an error and is never
// saved: the token client answers a transient decode failure naming the field (never echoing the value), and
// a manager that receives such an answer leaves auth.json byte for byte as it was, for every design. RFC 6749
// (Appendix A) defines access and refresh tokens as 1*VSCHAR (printable ASCII, space included), so "" and a
// token with a control character or a non-ASCII character are malformed; an id_token must be a JWT.
import { readFile } from "node:fs/promises";
import { describe, expect, test } from "vitest";
import type { RefreshResult } from "../../../impl/ports/index.js";
import { encodeJwt } from "../../../impl/storage/index.js";
import { createTokenClient, TOKEN_URL_OVERRIDE_VARIABLE } from "../../../impl/token/index.js";
import { VARIANTS } from "../../../model/designs/index.js";
import { fixture } from "../helpers/home.js";
import { useHomeAndServer } from "../helpers/home-and-server.js";
import { sendJson } from "../helpers/token-server.js";

const setup = useHomeAndServer({ authJson: fixture({ generation: 0, stale: true }) });

const GOOD = {
  id_token: encodeJwt({ email: "a@example.com" }),
  access_token: "at-R1",
  refresh_token: "rt-R1",
};

const HOSTILE: [string, Record<string, unknown>, string][] = [
  ["an empty refresh_token", { ...GOOD, refresh_token: "" }, "refresh_token"],
  ["an empty access_token", { ...GOOD, access_token: "" }, "access_token"],
  ["a refresh_token with a newline", { ...GOOD, refresh_token: "rt-R1\nrt-R2" }, "refresh_token"],
  ["a refresh_token with a non-ASCII character", { ...GOOD, refresh_token: "rt-R\u00e91" }, "refresh_token"],
  ["an empty id_token", { ...GOOD, id_token: "" }, "id_token"],
  ["an id_token that is no JWT", { ...GOOD, id_token: "not-a-jwt" }, "id_token"],
];

async function answer(body: Record<string, unknown>): Promise<RefreshResult> {
  setup.server.handler = (_request, response) => sendJson(response, 200, body);
  const client = createTokenClient({ environment: { [TOKEN_URL_OVERRIDE_VARIABLE]: setup.server.url } });
  return client.refresh("rt-R0");
}

describe("the token client", () => {
  test.each(HOSTILE)("%s -> transient decode failure naming the field", async (_name, body, field) => {
    const result = await answer(body);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure).toMatchObject({ kind: "transient", cause: "decode", status: 200 });
    expect(result.failure.message).toContain(field);
    expect(result.failure.message).not.toContain("rt-R1");
  });

  test("a space inside a token is allowed (VSCHAR), so is a missing field", async () => {
    expect((await answer({ ...GOOD, refresh_token: "rt R1" })).ok).toBe(true);
    expect((await answer({ access_token: "at-R1" })).ok).toBe(true);
  });
});

describe.each(VARIANTS)("%s: a hostile 200 is never saved", (variant) => {
  test.each(HOSTILE)("%s", async (_name, body) => {
    setup.server.handler = (_request, response) => sendJson(response, 200, body);
    const before = await readFile(setup.file, "utf8");
    const { manager } = await setup.load(variant);
    const result = await manager.refreshToken();
    expect(result.ok).toBe(false);
    expect(await readFile(setup.file, "utf8")).toBe(before);
    expect(manager.cached().snapshot?.tokens.refreshToken).toBe("rt-R0");
  });
});
