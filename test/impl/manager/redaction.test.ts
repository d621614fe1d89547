// Proves that secrets are never printed whole: across every failure path of every variant (permanent,
// transient, skipped, persist), the error messages and trace details a manager produces contain no token,
// only redacted prefixes; describeSnapshot redacts too.
import { writeFile } from "node:fs/promises";
import { expect, test } from "vitest";
import type { AuthResult } from "../../../impl/manager/index.js";
import { describeSnapshot } from "../../../impl/storage/index.js";
import type { Variant } from "../../../model/vocabulary.js";
import { fixture } from "../helpers/home.js";
import { useHomeAndServer } from "../helpers/home-and-server.js";
import { Rotation, sendJson } from "../helpers/token-server.js";

const REFRESH_PREFIX = "rt-secret-refresh-value-";
const ACCESS_PREFIX = "at-secret-access-value-";
const WHOLE_TOKEN = /secret-(refresh|access)-value-R\d/;

const setup = useHomeAndServer({
  rotation: () => new Rotation(REFRESH_PREFIX, ACCESS_PREFIX),
  authJson: fixture({
    generation: 0,
    stale: true,
    refreshPrefix: REFRESH_PREFIX,
    accessPrefix: ACCESS_PREFIX,
  }),
});

function printable(result: AuthResult): string {
  if (result.ok) return JSON.stringify(result.refreshError ?? {});
  return JSON.stringify(result.error);
}

test.each(["legacy", "guarded", "persist-locked", "locked"] as Variant[])("%s", async (variant) => {
  const { manager, events } = await setup.load(variant, { timeoutMs: 500 });
  const printed: string[] = [];

  setup.rotation.generation = 4; // permanent: reused
  printed.push(printable(await manager.refreshToken()));
  printed.push(printable(await manager.auth()));
  setup.server.handler = (_request, response) => sendJson(response, 503, { error: "busy" }); // transient
  printed.push(printable(await manager.unauthorized()));
  setup.server.handler = async (request, response) => {
    await writeFile(setup.file, "{"); // persist: corrupt during the POST
    await setup.rotation.handle(request, response);
  };
  setup.rotation.generation = 0;
  printed.push(printable(await manager.refreshToken()));
  printed.push(printable(await manager.refreshToken())); // skipped: the file is corrupt now

  expect(printed.join("\n")).not.toMatch(WHOLE_TOKEN);
  expect(printed.join("\n")).toMatch(/rt-secr\.\.\./);
  expect(JSON.stringify(events)).not.toMatch(WHOLE_TOKEN);
  const snapshot = manager.cached().snapshot;
  if (snapshot) expect(describeSnapshot(snapshot)).not.toMatch(WHOLE_TOKEN);
});
