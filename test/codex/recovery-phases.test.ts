/**
 * Proves the recovery scenario's harness (codex/recovery/run.ts) without a downloaded binary: its phases, the
 * POSTs it attributes to A and B, the access token of each of B's model requests, its verdict and its
 * judgement against the model, and that a B which never sends a model request is a failure, never a verdict.
 *
 * The programs run as B here are STAND-INS FOR THE HARNESS ONLY: small Node scripts that do what the story
 * needs of a client (read auth.json, send a model request with the access token, on 401 reload, on a second
 * 401 refresh) with either Codex 0.117's RefreshToken step (POST the cached token) or one that re-reads
 * auth.json first. What Codex itself does is proved on the real binaries (real-recovery.test.ts); nothing
 * here is a claim about Codex. The token server, the model API, auth.json and A's refreshes are real.
 */
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { judgeRecovery, type RecoveryReport, runRecovery } from "../../codex/recovery/index.js";
import { recoveryExpectation } from "../../scenarios/index.js";
import { removeTemporaryDirectories, temporaryDirectory, writeExecutable } from "./fakes.js";

afterAll(() => removeTemporaryDirectories());

type StandInMode = "post-cached" | "reread-first" | "exit-at-once";

/** A stand-in B: one turn, recovering from 401 as `mode` says (see the file's header). */
function standIn(mode: StandInMode): string {
  const path = join(temporaryDirectory(`recovery-${mode}`), "codex");
  writeExecutable(
    path,
    `#!${process.execPath}
// STAND-IN for the recovery harness only (test/codex/recovery-phases.test.ts); not Codex.
const fs = require("node:fs");
const path = require("node:path");
if (process.argv[2] === "--version") { console.log("codex-cli stand-in"); process.exit(0); }
const mode = ${JSON.stringify(mode)};
const authPath = path.join(process.env.CODEX_HOME, "auth.json");
const config = fs.readFileSync(path.join(process.env.CODEX_HOME, "config.toml"), "utf8");
const base = /openai_base_url = "([^"]+)"/.exec(config)[1];
const read = () => JSON.parse(fs.readFileSync(authPath, "utf8"));
const log = (message) => process.stderr.write("2026-01-01T00:00:00Z  INFO codex_login::auth::manager: " + message + "\\n");
let cache = read();
async function ask() {
  const answer = await fetch(base + "/responses", {
    method: "POST", headers: { authorization: "Bearer " + cache.tokens.access_token }, body: "{}",
  });
  return answer.status;
}
async function refresh() {
  const answer = await fetch(process.env.CODEX_REFRESH_TOKEN_URL_OVERRIDE, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_id: "app_EMoamEEZ73f0CkXaXp7hrann", grant_type: "refresh_token", refresh_token: cache.tokens.refresh_token }),
  });
  if (!answer.ok) return log("Failed to refresh token: " + answer.status);
  cache.tokens = { ...cache.tokens, ...(await answer.json()) };
  fs.writeFileSync(authPath, JSON.stringify(cache));
}
(async () => {
  if (mode === "exit-at-once") { process.stderr.write("ERROR: stand-in gives up before any request\\n"); process.exit(1); }
  let status = await ask();
  if (status === 401) { log("Reloading auth"); cache = read(); status = await ask(); }
  if (status === 401) {
    log("Refreshing token");
    if (mode === "reread-first") cache = read();
    await refresh();
    status = await ask();
  }
  process.stderr.write("ERROR: the turn ended with " + status + "\\n");
  process.exit(1);
})();
`,
  );
  return path;
}

async function run(mode: StandInMode) {
  const target = { name: `stand-in:${mode}`, binaryPath: standIn(mode), variant: "guarded" as const };
  const result = await runRecovery({ ...target, network: "loopback-config", keepFilesOnFailure: false });
  return judgeRecovery(result, target);
}

/** Per phase: `POSTs | B's next request's token`. */
function story(report: RecoveryReport): string[] {
  return report.phases.map((phase) => {
    const posts = phase.posts.map((post) => `R${post.generation} ${post.status} ${post.sender}`).join(", ");
    return `${phase.step}: [${posts}] -> ${phase.next?.accessToken ?? "-"}`;
  });
}

describe("the recovery scenario's harness (stand-in B)", () => {
  it("a B that POSTs its cached token: A rotates twice, B's R1 is the stale send, the verdict agrees with the model", async () => {
    const judged = await run("post-cached");
    if (!judged.result.ok) throw new Error(judged.result.message);
    const { report } = judged.result;
    expect(story(report)).toEqual([
      "startup: [] -> at-R0",
      "rotate: [R0 200 A] -> at-R1",
      "rotate: [R1 200 A, R1 401 B] -> at-R1",
      "end: [] -> -",
    ]);
    expect(report.phases[2]?.authLog).toEqual([
      "INFO codex_login::auth::manager: Refreshing token",
      "INFO codex_login::auth::manager: Failed to refresh token: 401",
    ]);
    expect(report.phases.map((phase) => phase.next?.status ?? null)).toEqual([401, 401, 400, null]);
    expect(report).toMatchObject({ staleSends: 1, verdict: "violated" });
    expect(report.exit).toMatchObject({
      code: 1,
      killed: false,
      errorLine: "ERROR: the turn ended with 400",
    });
    expect(judged).toMatchObject({ agreement: "matches", mismatches: [] });
  });

  it("a B that re-reads auth.json before its POST sends R2, no stale send: it differs from guarded's model", async () => {
    const judged = await run("reread-first");
    if (!judged.result.ok) throw new Error(judged.result.message);
    expect(story(judged.result.report)[2]).toBe("rotate: [R1 200 A, R2 200 B] -> at-R3");
    expect(judged.result.report).toMatchObject({ staleSends: 0, verdict: "holds" });
    expect(judged.agreement).toBe("differs");
    expect(judged.mismatches).toEqual(["NoStaleRefreshSent holds, the model says violated"]);
  });

  it("a B that sends no model request is a failure naming what it printed, never a verdict", async () => {
    const judged = await run("exit-at-once");
    expect(judged.agreement).toBe("failed");
    if (judged.result.ok) throw new Error("expected a failure");
    expect(judged.result.message).toContain("B sent no model request: B exited (code 1");
    expect(judged.result.message).toContain('"ERROR: stand-in gives up before any request"');
  });

  it("takes its expectation from the model's recovery story: guarded's RefreshToken step POSTs the cached token", () => {
    const expected = recoveryExpectation("guarded");
    expect(expected.verdict).toBe("violated");
    expect(expected.because).toContain("the model of guarded/N2");
  });
});
