// Proves the real Disk adapter: an in-place write truncates and rewrites the same inode keeping its mode (Codex
// <= 0.139), creating it 0600 when absent; an atomic write replaces the inode with a 0600 file (Codex 0.171);
// both write exactly formatAuthJson's bytes; failures are typed results, never exceptions.
import { chmod, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { createFileDisk } from "../../../impl/ports/index.js";
import { formatAuthJson, makeSnapshot } from "../../../impl/storage/index.js";
import { useTempHome } from "../helpers/home.js";

const snapshot = makeSnapshot({ accessToken: "at-R1", refreshToken: "rt-R1", lastRefresh: 0 });
const OWNER_ONLY = 0o600;

describe("file disk", () => {
  const temp = useTempHome();

  test("in place: same inode, mode kept, exact bytes", async () => {
    await writeFile(temp.file, "old contents that are longer than nothing at all");
    await chmod(temp.file, 0o644);
    const before = await stat(temp.file);
    const result = await createFileDisk(temp.file).write(snapshot, "in-place");
    expect(result).toEqual({ ok: true });
    const after = await stat(temp.file);
    expect(after.ino).toBe(before.ino);
    expect(after.mode & 0o777).toBe(0o644);
    expect(await readFile(temp.file, "utf8")).toBe(formatAuthJson(snapshot));
  });

  test("in place creates a missing file with mode 0600", async () => {
    await createFileDisk(temp.file).write(snapshot, "in-place");
    expect((await stat(temp.file)).mode & 0o777).toBe(OWNER_ONLY);
  });

  test("atomic: new inode, mode 0600, exact bytes, no temp file left", async () => {
    await writeFile(temp.file, "old");
    await chmod(temp.file, 0o644);
    const before = await stat(temp.file);
    expect(await createFileDisk(temp.file).write(snapshot, "atomic")).toEqual({ ok: true });
    const after = await stat(temp.file);
    expect(after.ino).not.toBe(before.ino);
    expect(after.mode & 0o777).toBe(OWNER_ONLY);
    expect(await readFile(temp.file, "utf8")).toBe(formatAuthJson(snapshot));
    const { readdir } = await import("node:fs/promises");
    expect(await readdir(temp.home)).toEqual(["auth.json"]);
  });

  test("read returns what was written", async () => {
    const disk = createFileDisk(temp.file);
    await disk.write(snapshot, "atomic");
    expect(await disk.read()).toEqual({ ok: true, snapshot });
  });

  test.each(["in-place", "atomic"] as const)(
    "%s write into a missing directory is a typed failure",
    async (mode) => {
      const file = join(temp.home, "no-such-directory", "auth.json");
      const result = await createFileDisk(file).write(snapshot, mode);
      expect(result.ok).toBe(false);
      expect(result.ok === false && result.error).toMatchObject({ kind: "write-failed", file });
      expect(result.ok === false && result.error.message).toMatch(/ENOENT/);
    },
  );
});
