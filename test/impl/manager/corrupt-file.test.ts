// Proves that a corrupt auth.json (missing, empty, truncated, non-JSON, wrong types, bad id_token, unreadable
// via a directory in its place) is never overwritten: a guarded reload or locked read Skips with an error
// naming the problem, and where the file turns corrupt during the POST, the persist re-read fails and
// nothing is written. Its bytes are compared before and after.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { describe, expect, test } from "vitest";
import { formatAuthJson } from "../../../impl/storage/index.js";
import type { Variant } from "../../../model/vocabulary.js";
import { eventNames, fixture } from "../helpers/home.js";
import { useHomeAndServer } from "../helpers/home-and-server.js";

type Corruption = { name: string; apply(file: string): Promise<void>; message: RegExp };

const good = formatAuthJson(fixture({ generation: 0, stale: true }));
const replaced = (text: string) => async (file: string) => writeFile(file, text);

const CORRUPTIONS: Corruption[] = [
  { name: "missing", apply: (file) => rm(file), message: /does not exist/ },
  { name: "empty", apply: replaced(""), message: /empty/ },
  { name: "truncated", apply: replaced(good.slice(0, good.length / 2)), message: /truncated/ },
  { name: "non-JSON", apply: replaced("<html>502</html>"), message: /not valid JSON/ },
  {
    name: "wrong types",
    apply: replaced(good.replace('"access_token": "at-R0"', '"access_token": 42')),
    message: /tokens\.access_token/,
  },
  {
    name: "bad id_token",
    apply: replaced(good.replace(/"id_token": "[^"]*"/, '"id_token": "two.parts"')),
    message: /tokens\.id_token/,
  },
  {
    name: "unreadable (a directory in its place)",
    apply: async (file) => {
      await rm(file);
      await mkdir(file);
    },
    message: /not a regular file/,
  },
];

async function contents(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    return `<${(error as NodeJS.ErrnoException).code}>`;
  }
}

const setup = useHomeAndServer({ authJson: fixture({ generation: 0, stale: true }) });

describe.each(["guarded", "persist-locked", "locked"] as Variant[])(
  "%s: corrupt before the refresh",
  (variant) => {
    test.each(CORRUPTIONS)("$name -> Skipped, no POST, bytes unchanged", async (corruption) => {
      const { manager } = await setup.load(variant);
      await corruption.apply(setup.file);
      const before = await contents(setup.file);
      const result = await manager.refreshToken();
      expect(result.ok).toBe(false);
      expect(!result.ok && result.error.kind).toBe("skipped");
      expect(!result.ok && result.error.message).toMatch(corruption.message);
      expect(setup.rotation.log).toEqual([]);
      expect(await contents(setup.file)).toBe(before);
      expect(manager.cached().snapshot?.tokens.refreshToken).toBe("rt-R0");
    });
  },
);

describe.each(["legacy", "guarded", "persist-locked"] as Variant[])(
  "%s: corrupt during the POST",
  (variant) => {
    test.each(CORRUPTIONS)("$name -> the persist re-read fails, nothing written", async (corruption) => {
      const { manager, events } = await setup.load(variant);
      let before = "";
      setup.server.handler = async (request, response) => {
        await corruption.apply(setup.file);
        before = await contents(setup.file);
        await setup.rotation.handle(request, response);
      };
      const result = await manager.refreshToken();
      expect(result.ok).toBe(false);
      expect(!result.ok && result.error.kind).toBe("persist");
      expect(!result.ok && result.error.message).toMatch(corruption.message);
      expect(eventNames(events)).not.toContain("writeDisk");
      expect(await contents(setup.file)).toBe(before);
    });
  },
);

test("legacy auth() POSTs its cached token without reading the corrupt file, then refuses to save", async () => {
  const { manager, events } = await setup.load("legacy");
  await writeFile(setup.file, "{");
  const result = await manager.auth();
  expect(eventNames(events)).toEqual(["callAuth", "sendRefresh", "receiveResponse", "readDisk"]);
  expect(result.ok && result.refreshError?.kind).toBe("persist");
  expect(await readFile(setup.file, "utf8")).toBe("{");
});
