// Proves that hostile auth.json files are refused at once with an error naming the file, never read lossily
// and never written through: a FIFO in auth.json's place (reading does not block in open(), an in-place write
// does not block either and writes nothing), bytes that are not UTF-8 (the file is unreadable, as Codex's
// `serde_json::from_str` on a `String` would fail), and a known field given twice (Codex's serde derive
// rejects a duplicate field; JSON.parse alone would keep the last one). Unknown fields may repeat, as serde
// ignores them.
import { execFileSync } from "node:child_process";
import { closeSync, constants, openSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { afterEach, describe, expect, test } from "vitest";
import { writeAuthJson } from "../../../impl/ports/index.js";
import { formatAuthJson, makeSnapshot, parseAuthJson, readAuthJson } from "../../../impl/storage/index.js";
import { useTempHome } from "../helpers/home.js";

/** A read or write that blocked is the bug: each must settle well within this. */
const SETTLE_MS = 3_000;

const snapshot = makeSnapshot({ accessToken: "at-R0", refreshToken: "rt-R0", lastRefresh: 0 });
const good = formatAuthJson(snapshot);

function within<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${SETTLE_MS} ms`)), SETTLE_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const fifos: string[] = [];

/**
 * A reader or writer that blocked in open() occupies a libuv thread for good; opening the other end (without
 * blocking) lets it through, so a failing run does not leave the worker stuck.
 */
afterEach(() => {
  for (const fifo of fifos.splice(0)) {
    for (const flags of [
      constants.O_WRONLY | constants.O_NONBLOCK,
      constants.O_RDONLY | constants.O_NONBLOCK,
    ]) {
      try {
        closeSync(openSync(fifo, flags));
      } catch {
        // nobody blocked on this end
      }
    }
  }
});

describe("a FIFO at auth.json", () => {
  const temp = useTempHome();

  function makeFifo(): void {
    execFileSync("mkfifo", [temp.file]);
    fifos.push(temp.file);
  }

  test("reading is refused without blocking, naming the file", async () => {
    makeFifo();
    const result = await within(readAuthJson(temp.file), "readAuthJson on a FIFO");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe("unreadable");
    expect(result.error.file).toBe(temp.file);
    expect(result.error.message).toMatch(/not a regular file/);
  });

  test("an in-place write is refused without blocking and writes nothing", async () => {
    makeFifo();
    const written = await within(writeAuthJson(temp.file, snapshot, "in-place"), "in-place write to a FIFO");
    expect(written.ok).toBe(false);
    if (written.ok) return;
    expect(written.error.file).toBe(temp.file);
    expect(written.error.message).toMatch(/not a regular file/);
  });
});

describe("bytes that are not UTF-8", () => {
  const temp = useTempHome();

  test("a stray byte inside a token makes the file unreadable, never a lossy token", async () => {
    const bytes = Buffer.from(good.replace("rt-R0", "rt-R\u0000"), "utf8");
    bytes[bytes.indexOf(0)] = 0xff;
    await writeFile(temp.file, bytes);
    const result = await readAuthJson(temp.file);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe("unreadable");
    expect(result.error.file).toBe(temp.file);
    expect(result.error.message).toMatch(/not valid UTF-8/);
  });

  test("valid UTF-8 beyond ASCII still reads", async () => {
    const text = good.replace('"OPENAI_API_KEY": null', '"OPENAI_API_KEY": null, "note": "caf\u00e9 \u2713"');
    await writeFile(temp.file, text, "utf8");
    expect((await readAuthJson(temp.file)).ok).toBe(true);
  });
});

describe("duplicate keys", () => {
  const FILE = "/home/user/.codex/auth.json";

  test.each([
    ["tokens", good.replace('"tokens": {', '"tokens": null, "tokens": {'), "tokens"],
    [
      "tokens.refresh_token",
      good.replace('"refresh_token": "rt-R0"', '"refresh_token": "rt-R0", "refresh_token": "rt-R9"'),
      "tokens.refresh_token",
    ],
    [
      "an escaped spelling of the same key",
      good.replace('"access_token": "at-R0"', '"access_token": "at-R0", "access\\u005ftoken": "at-R9"'),
      "tokens.access_token",
    ],
    [
      "last_refresh",
      good.replace('"OPENAI_API_KEY"', '"last_refresh": "x", "OPENAI_API_KEY"'),
      "last_refresh",
    ],
  ])("a known field twice (%s) is rejected as serde rejects it", (_name, text, field) => {
    const result = parseAuthJson(text, FILE);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe("duplicate-field");
    expect(result.error.file).toBe(FILE);
    expect(result.error.field).toBe(field);
    expect(result.error.message).toContain(field);
    expect(result.error.message).not.toContain("rt-R9");
  });

  test("an unknown field may repeat, at the root and in tokens, as serde ignores it", () => {
    const text = good
      .replace('"OPENAI_API_KEY"', '"extra": 1, "extra": 2, "OPENAI_API_KEY"')
      .replace('"account_id"', '"x": [{"a": 1, "a": 2}], "x": 3, "account_id"');
    const result = parseAuthJson(text, FILE);
    expect(result.ok).toBe(true);
  });
});
