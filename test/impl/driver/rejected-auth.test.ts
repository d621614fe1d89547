// Proves that when the driver program rejects auth.json it says why on stderr, naming the file and the field,
// instead of only "not logged in": at load (truncated, a wrong type, bytes that are not UTF-8, a FIFO in its
// place, which must not block the start either), and in the reply and log line of the next call. A missing
// file is the ordinary logged-out state and is not reported as a rejection. (EACCES cannot be staged: the
// tests run as root.)
import { execFileSync } from "node:child_process";
import { closeSync, constants, openSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { afterEach, describe, expect, test } from "vitest";
import { formatAuthJson } from "../../../impl/storage/index.js";
import { runDriverProgram } from "../../support/cli.js";
import { fixture } from "../helpers/home.js";
import { useHomeAndServer } from "../helpers/home-and-server.js";

const setup = useHomeAndServer();
const good = formatAuthJson(fixture({ generation: 0, stale: false }));
const fifos: string[] = [];

/** A driver that blocked in open() on a FIFO is let through by opening the write end. */
afterEach(() => {
  for (const fifo of fifos.splice(0)) {
    try {
      closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // nobody blocked on it
    }
  }
});

const REJECTIONS: [string, (file: string) => Promise<void>, RegExp][] = [
  ["truncated", (file) => writeFile(file, good.slice(0, 40)), /truncated/],
  [
    "a wrong type",
    (file) => writeFile(file, good.replace('"access_token": "at-R0"', '"access_token": 7')),
    /tokens\.access_token must be a string, found a number.*field tokens\.access_token/,
  ],
  [
    "bytes that are not UTF-8",
    (file) => writeFile(file, Buffer.concat([Buffer.from(good.slice(0, 60)), Buffer.from([0xc3, 0x28])])),
    /not valid UTF-8/,
  ],
  [
    "a FIFO",
    async (file) => {
      execFileSync("mkfifo", [file]);
      fifos.push(file);
    },
    /not a regular file/,
  ],
];

/** A driver program fed `auth` then `exit`, with a hard limit: a driver blocked in open() fails the test. */
async function authOnce(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const environment = { ...process.env, CODEX_REFRESH_TOKEN_URL_OVERRIDE: setup.server.url };
  const run = runDriverProgram(
    ["--variant", "locked", "--home", setup.home, "--name", "A"],
    environment,
    '{"id":1,"cmd":"auth"}\n{"id":2,"cmd":"exit"}\n',
  );
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("the driver did not finish within 10 s")), 10_000);
  });
  return Promise.race([run, limit]).finally(() => clearTimeout(timer));
}

describe("a rejected auth.json is explained on stderr and in the reply", () => {
  test.each(REJECTIONS)("%s", async (_name, apply, cause) => {
    await apply(setup.file);
    const result = await authOnce();
    expect(result.code).toBe(0);
    const [ready, reply] = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(ready).toMatchObject({ ready: true, name: "A" });
    expect(reply).toMatchObject({ id: 1, ok: false, error: { kind: "logged-out" } });
    expect(reply.error.message).toContain(setup.file);
    expect(reply.error.message).toMatch(cause);
    const rejected = result.stderr.split("\n").find((line) => line.includes("auth.json rejected"));
    expect(rejected).toBeDefined();
    expect(rejected).toContain(setup.file);
    expect(rejected).toMatch(cause);
  });

  test("a missing auth.json is plain logged out, not a rejection", async () => {
    const result = await authOnce();
    expect(result.stderr).not.toContain("auth.json rejected");
    const reply = JSON.parse(result.stdout.trim().split("\n")[1] as string);
    expect(reply).toMatchObject({ ok: false, error: { kind: "logged-out" } });
    expect(reply.error.message).toContain(`${setup.file} does not exist`);
  });
});
