/**
 * Proves the login-lock probe (codex/login-lock.ts) tells a binary whose login and logout wait for the flock on
 * auth.lock from one that does not: two stand-in binaries (real processes, real flock(2) through Python's
 * fcntl) log in and out, one taking the lock first, one not. The real Codex binaries run it through
 * `authrace codex <version> --scenario login-lock`.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { judgeLoginLock, runLoginLock } from "../../codex/login-lock.js";
import { builtInDesigns } from "../../model/designs/index.js";

const work = mkdtempSync(join(tmpdir(), "authrace-login-lock-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A stand-in for `codex login --with-api-key` / `codex logout`, taking auth.lock first or not. */
function standIn(name: string, takesLock: boolean): string {
  const path = join(work, name);
  writeFileSync(
    path,
    `#!/usr/bin/env python3
import fcntl, json, os, sys
home = os.environ["CODEX_HOME"]
if ${takesLock ? "True" : "False"}:
    lock = open(os.path.join(home, "auth.lock"), "a+")
    fcntl.flock(lock, fcntl.LOCK_EX)
auth = os.path.join(home, "auth.json")
if sys.argv[1] == "login":
    key = sys.stdin.readline().strip()
    temporary = os.path.join(home, ".auth-standin")
    with open(temporary, "w") as out:
        json.dump({"auth_mode": "apikey", "OPENAI_API_KEY": key}, out)
    os.replace(temporary, auth)
else:
    os.unlink(auth)
`,
  );
  chmodSync(path, 0o755);
  return path;
}

describe("the login-lock probe", () => {
  test("a binary that takes auth.lock waits for it, then logs in and out", async () => {
    const result = await runLoginLock(standIn("takes-lock", true));
    if (!result.ok) throw new Error(result.message);
    expect(result.observations.map((seen) => seen.command)).toEqual(["login", "logout"]);
    for (const seen of result.observations) {
      expect(seen.exitedWhileHeld, seen.command).toBe(false);
      expect(seen.changedWhileHeld, seen.command).toBe(false);
      expect(seen.changed, seen.command).toBe(true);
      expect(seen.takesLock, seen.command).toBe(true);
    }
  }, 60_000);

  test("a binary that does not take it finishes while the lock is held", async () => {
    const result = await runLoginLock(standIn("skips-lock", false));
    if (!result.ok) throw new Error(result.message);
    for (const seen of result.observations) {
      expect(seen.exitedWhileHeld, seen.command).toBe(true);
      expect(seen.changedWhileHeld, seen.command).toBe(true);
      expect(seen.takesLock, seen.command).toBe(false);
    }
  }, 60_000);

  test("judged by a design's loginTakesLock: matches, differs, or no expectation without a lock", async () => {
    const takes = await runLoginLock(standIn("takes-lock-judged", true));
    const skips = await runLoginLock(standIn("skips-lock-judged", false));
    const withLock = builtInDesigns().find(
      (design) => design.rules.loginTakesLock && design.rules.lockKind === "flock",
    );
    const unlocked = builtInDesigns().find((design) => design.rules.lockScope === "none");
    if (!withLock || !unlocked)
      throw new Error("no built-in design with a flock taken by logins, or none unlocked");
    expect(judgeLoginLock(takes, withLock.name).agreement).toBe("matches");
    const differs = judgeLoginLock(skips, withLock.name);
    expect(differs.agreement).toBe("differs");
    expect(differs.mismatches).toEqual([
      "codex login: takes the lock false, the design says true",
      "codex logout: takes the lock false, the design says true",
    ]);
    expect(judgeLoginLock(skips, unlocked.name).agreement).toBe("no-expectation");
    expect(judgeLoginLock(takes, null).agreement).toBe("no-expectation");
  }, 60_000);

  test("a binary that cannot run is a failure naming the cause, not a verdict", async () => {
    const result = await runLoginLock(join(work, "no-such-binary"));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/cannot run .*no-such-binary: .*ENOENT/);
    expect(judgeLoginLock(result, null).agreement).toBe("failed");
  }, 60_000);
});
