// Proves that auth.json parses into a typed Snapshot with Codex's schema and id_token claims, and that every
// kind of bad input (missing, empty, truncated, non-JSON, wrong types, bad id_token, unreadable, too large)
// is a typed error naming the file and the field, read from real files.
import { mkdir, writeFile } from "node:fs/promises";
import { describe, expect, test } from "vitest";
import {
  AUTH_JSON_BYTES_MAX,
  encodeJwt,
  formatAuthJson,
  makeSnapshot,
  OPENAI_AUTH_CLAIM,
  parseAuthJson,
  readAuthJson,
} from "../../../impl/storage/index.js";
import { useTempHome } from "../helpers/home.js";

const FILE = "/home/user/.codex/auth.json";
type AuthJsonObject = { [key: string]: unknown; tokens: Record<string, unknown> };

const good = JSON.parse(
  formatAuthJson(makeSnapshot({ accessToken: "at-R0", refreshToken: "rt-R0", lastRefresh: 0 })),
) as AuthJsonObject;

function variantOf(change: (json: AuthJsonObject) => void): string {
  const json = structuredClone(good);
  change(json);
  return JSON.stringify(json);
}

describe("parseAuthJson", () => {
  test("reads Codex's schema and the id_token claims", () => {
    const idToken = encodeJwt({
      email: "a@example.com",
      [OPENAI_AUTH_CLAIM]: {
        chatgpt_account_id: "acct-9",
        chatgpt_user_id: "user-9",
        chatgpt_plan_type: "pro",
      },
    });
    const text = JSON.stringify({
      auth_mode: "chatgpt",
      OPENAI_API_KEY: null,
      tokens: { id_token: idToken, access_token: "at", refresh_token: "rt", account_id: "acct-9" },
      last_refresh: "2026-03-23T12:00:00.123456789Z",
      unknown_field: "ignored, as serde does",
    });
    const result = parseAuthJson(text, FILE);
    expect(result).toEqual({
      ok: true,
      snapshot: {
        authMode: "chatgpt",
        openaiApiKey: null,
        tokens: {
          idToken: {
            raw: idToken,
            email: "a@example.com",
            chatgptAccountId: "acct-9",
            chatgptUserId: "user-9",
            chatgptPlanType: "pro",
          },
          accessToken: "at",
          refreshToken: "rt",
          accountId: "acct-9",
        },
        lastRefresh: "2026-03-23T12:00:00.123456789Z",
      },
    });
  });

  test("optional fields may be absent or null", () => {
    const text = variantOf((json) => {
      delete json.auth_mode;
      delete json.last_refresh;
      delete json.tokens.account_id;
    });
    const result = parseAuthJson(text, FILE);
    expect(result.ok && result.snapshot.authMode).toBe(null);
    expect(result.ok && result.snapshot.lastRefresh).toBe(null);
    expect(result.ok && result.snapshot.tokens.accountId).toBe(null);
  });

  const cases: [string, string, string, string | undefined, RegExp][] = [
    ["empty", "", "empty", undefined, /empty/],
    ["whitespace only", "  \n", "empty", undefined, /empty/],
    [
      "truncated",
      formatAuthJson(makeSnapshot({ accessToken: "a", refreshToken: "r", lastRefresh: 0 })).slice(0, 40),
      "truncated",
      undefined,
      /truncated/,
    ],
    ["not JSON", "auth_mode=chatgpt", "not-json", undefined, /not valid JSON/],
    ["an array", "[]", "wrong-type", undefined, /JSON object/],
    [
      "tokens missing",
      variantOf((json) => {
        delete (json as Record<string, unknown>).tokens;
      }),
      "missing-field",
      "tokens",
      /tokens is missing/,
    ],
    [
      "tokens a string",
      variantOf((json) => {
        json.tokens = "x" as unknown as Record<string, unknown>;
      }),
      "wrong-type",
      "tokens",
      /tokens must be an object/,
    ],
    [
      "access_token a number",
      variantOf((json) => {
        json.tokens.access_token = 5;
      }),
      "wrong-type",
      "tokens.access_token",
      /must be a string, found a number/,
    ],
    [
      "refresh_token missing",
      variantOf((json) => {
        delete json.tokens.refresh_token;
      }),
      "missing-field",
      "tokens.refresh_token",
      /missing/,
    ],
    [
      "account_id an object",
      variantOf((json) => {
        json.tokens.account_id = {};
      }),
      "wrong-type",
      "tokens.account_id",
      /string or null/,
    ],
    [
      "id_token not a JWT",
      variantOf((json) => {
        json.tokens.id_token = "not-a-jwt";
      }),
      "invalid-id-token",
      "tokens.id_token",
      /3 dot-separated parts/,
    ],
    [
      "id_token payload not JSON",
      variantOf((json) => {
        json.tokens.id_token = "a.b.c";
      }),
      "invalid-id-token",
      "tokens.id_token",
      /base64url JSON/,
    ],
    [
      "id_token claim of wrong type",
      variantOf((json) => {
        json.tokens.id_token = encodeJwt({ email: 7 });
      }),
      "invalid-id-token",
      "tokens.id_token",
      /email/,
    ],
    [
      "OPENAI_API_KEY a number",
      variantOf((json) => {
        json.OPENAI_API_KEY = 1;
      }),
      "wrong-type",
      "OPENAI_API_KEY",
      /string or null/,
    ],
    [
      "unknown auth_mode",
      variantOf((json) => {
        json.auth_mode = "magic";
      }),
      "wrong-type",
      "auth_mode",
      /one of/,
    ],
    [
      "last_refresh not a time",
      variantOf((json) => {
        json.last_refresh = "yesterday";
      }),
      "invalid-timestamp",
      "last_refresh",
      /RFC 3339/,
    ],
  ];

  test.each(cases)("%s -> %s", (_name, text, kind, field, message) => {
    const result = parseAuthJson(text, FILE);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe(kind);
    expect(result.error.file).toBe(FILE);
    expect(result.error.field).toBe(field);
    expect(result.error.message).toMatch(message);
  });

  test("errors never echo token values", () => {
    const result = parseAuthJson(
      variantOf((json) => {
        json.tokens.id_token = "secret-token-value";
      }),
      FILE,
    );
    expect(JSON.stringify(result)).not.toContain("secret-token-value");
  });
});

describe("readAuthJson on real files", () => {
  const temp = useTempHome();

  test("a good file", async () => {
    const snapshot = makeSnapshot({ accessToken: "at-R0", refreshToken: "rt-R0", lastRefresh: 0 });
    await writeFile(temp.file, formatAuthJson(snapshot));
    expect(await readAuthJson(temp.file)).toEqual({ ok: true, snapshot });
  });

  test("missing", async () => {
    const result = await readAuthJson(temp.file);
    expect(result).toEqual({
      ok: false,
      error: { kind: "missing", file: temp.file, message: "auth.json does not exist" },
    });
  });

  test("unreadable: a directory in its place (EACCES cannot be staged as root)", async () => {
    await mkdir(temp.file);
    const result = await readAuthJson(temp.file);
    expect(result.ok === false && result.error.kind).toBe("unreadable");
    expect(result.ok === false && result.error.file).toBe(temp.file);
  });

  test("too large", async () => {
    await writeFile(temp.file, " ".repeat(AUTH_JSON_BYTES_MAX + 1));
    const result = await readAuthJson(temp.file);
    expect(result.ok === false && result.error.kind).toBe("too-large");
    expect(result.ok === false && result.error.message).toMatch(/AUTH_JSON_BYTES_MAX/);
  });
});
