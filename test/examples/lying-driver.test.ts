// Proves authrace observes instead of trusting a program's announcements: the Python example driver with one lie
// (test/examples/fixtures/lying_driver.py) is caught from the file system and the server's ledger, at the step
// where the lie happens, with a message saying what was seen: a write announced atomic that kept auth.json's
// inode, a POST between two announcements, a write of auth.json no writeDisk announced.
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { remoteSubject } from "../../conform/remote-subject.js";
import { formatConformanceReport } from "../../conform/report.js";
import { conformConfig } from "../../conform/suite.js";
import { makeConfig } from "../../model/config.js";
import { repositoryRoot } from "../support/paths.js";

const LYING_DRIVER = join(repositoryRoot, "test/examples/fixtures/lying_driver.py");
const LYING_TEST_TIMEOUT_MS = 60_000;

async function firstDivergence(lie: string) {
  const subject = remoteSubject(["python3", LYING_DRIVER, "--lie", lie], "locked");
  const config = makeConfig({ variant: "locked", processes: 2 });
  const report = await conformConfig(subject, config, { coveringOnly: true, lanes: 1, divergencesMax: 1 });
  const first = report.divergences[0];
  return { first, summary: formatConformanceReport(report) };
}

describe("programs that lie about their I/O are caught by observation", () => {
  test(
    "announces an atomic write, writes in place: judged by the inode",
    async () => {
      const { first, summary } = await firstDivergence("write-in-place");
      expect(first?.divergence.event, summary).toBe("writeDisk");
      expect(first?.divergence.message, summary).toMatch(
        /^A writeDisk rewrote auth\.json in place \(same inode\) \(it announced atomic\), inode \d+, \d+ bytes -> inode \d+, \d+ bytes; the model writes atomically/,
      );
    },
    LYING_TEST_TIMEOUT_MS,
  );

  test(
    "a POST between two announcements: reported at the step it happened in, from the server's ledger",
    async () => {
      const { first, summary } = await firstDivergence("unannounced-post");
      expect(first?.divergence.event, summary).toBe("readDisk");
      expect(first?.divergence.message, summary).toMatch(
        /^unannounced POST during A readDisk: the server got 1 token request\(s\) \(family-\d+\/R0 rotated\) that no released sendRefresh announced$/,
      );
    },
    LYING_TEST_TIMEOUT_MS,
  );

  test(
    "a write of auth.json no writeDisk announced: reported with its step",
    async () => {
      const { first, summary } = await firstDivergence("unannounced-write");
      expect(first?.divergence.event, summary).toBe("readDisk");
      expect(first?.divergence.message, summary).toMatch(
        /^unannounced write of auth\.json during A readDisk \(in-place: inode \d+, \d+ bytes -> inode \d+, \d+ bytes\) that no released writeDisk announced$/,
      );
    },
    LYING_TEST_TIMEOUT_MS,
  );
});
