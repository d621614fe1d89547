// Proves `--junit FILE` of verify, conform and interleave writes well-formed JUnit XML (read back by a strict
// parser, test/support/xml.ts) with one test case per theorem, configuration or check: conforming and held
// cases pass, a divergence or a stale send is a <failure> carrying the numbered path or the failing run, a
// mismatch-free theorem passes, a program that cannot start is an <error> with its own exit code, and text full
// of XML's special characters survives escaping.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { junitXml } from "../../cli/junit.js";
import { runCli } from "../support/cli.js";
import { childrenNamed, parseXml, type XmlElement } from "../support/xml.js";

const CLI_TIMEOUT_MS = 90_000;
let folder = "";

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "authrace-junit-"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** Runs the CLI with `--junit <file>`; the report's test cases and the run's exit code. */
async function junitOf(name: string, args: string[]) {
  const file = join(folder, `${name}.xml`);
  const run = await runCli([...args, "--junit", file], CLI_TIMEOUT_MS);
  const root = parseXml(await readFile(file, "utf8"));
  expect(root.name).toBe("testsuites");
  const suites = childrenNamed(root, "testsuite");
  expect(suites.length).toBe(1);
  const suite = suites[0] as XmlElement;
  const cases = childrenNamed(suite, "testcase");
  expect(suite.attributes.tests).toBe(String(cases.length));
  const failures = cases.filter((testcase) => childrenNamed(testcase, "failure").length > 0).length;
  expect(suite.attributes.failures).toBe(String(failures));
  return { run, cases };
}

function failureOf(testcase: XmlElement | undefined): XmlElement | undefined {
  return testcase === undefined ? undefined : childrenNamed(testcase, "failure")[0];
}

describe("--junit", () => {
  test(
    "conform: one passing case per configuration",
    async () => {
      const { run, cases } = await junitOf("conform-ok", [
        "conform",
        "--variant",
        "locked",
        "--faults",
        "none",
        "--covering",
      ]);
      expect(run.code, run.stderr).toBe(0);
      expect(cases.map((testcase) => testcase.attributes.name)).toEqual(["locked/N2/none"]);
      expect(failureOf(cases[0])).toBeUndefined();
      expect(cases[0]?.attributes.classname).toBe("authrace.conform.ref:locked");
    },
    CLI_TIMEOUT_MS,
  );

  test(
    "conform: a divergence is the failure, the numbered path its text",
    async () => {
      const { run, cases } = await junitOf("conform-mutant", [
        "conform",
        "--impl",
        "mutant:save-in-place",
        "--faults",
        "none",
      ]);
      expect(run.code).toBe(1);
      const failure = failureOf(cases[0]);
      expect(failure?.attributes.message).toMatch(
        /^step \d+ \(A receiveResponse\): processes\.A\.writes: model "atomic", implementation "in-place"$/,
      );
      expect(failure?.text).toMatch(/diverged at step \d+[\s\S]*<- here/);
    },
    CLI_TIMEOUT_MS,
  );

  test(
    "conform: a program that cannot start is an error with its exit code, not a failure",
    async () => {
      const { run, cases } = await junitOf("conform-cannot", [
        "conform",
        "--impl",
        "cmd:node --no-such-node-flag",
        "--variant",
        "locked",
        "--faults",
        "none",
      ]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        /cannot be run: cmd:node --no-such-node-flag exited while starting.*\(exit code 9, signal null\): .*bad option/,
      );
      expect(run.stdout).not.toMatch(/DOES NOT CONFORM|divergence/);
      const error = childrenNamed(cases[0] as XmlElement, "error")[0];
      expect(error?.attributes.message).toMatch(/exit code 9/);
      expect(failureOf(cases[0])).toBeUndefined();
    },
    CLI_TIMEOUT_MS,
  );

  test(
    "interleave: a stale send fails the check, the run as its text; --conformance-only judges conformance only",
    async () => {
      const failing = await junitOf("interleave-guarded", [
        "interleave",
        "--variant",
        "guarded",
        "--runs",
        "200",
        "--seed",
        "1",
      ]);
      expect(failing.run.code).toBe(1);
      expect(failure(failing.cases)?.attributes.message).toMatch(
        /^staleSend: step \d+: [AB] sent a rotated-out refresh token/,
      );
      expect(failure(failing.cases)?.text).toMatch(/the run as it happened/);
      const judged = await junitOf("interleave-conformance", [
        "interleave",
        "--variant",
        "guarded",
        "--runs",
        "30",
        "--seed",
        "1",
        "--conformance-only",
      ]);
      expect(judged.run.code, judged.run.stdout).toBe(0);
      expect(judged.run.stdout).toMatch(
        /guarded\/N2\/none on ref:guarded: conforms for 30 runs .*conformance only: [1-9]\d* rotated-out token\(s\) reached the server/,
      );
      expect(failureOf(judged.cases[0])).toBeUndefined();
    },
    CLI_TIMEOUT_MS,
  );

  test(
    "verify: one case per theorem, passing when the verdicts are as pinned",
    async () => {
      const out = join(folder, "counterexamples");
      const { run, cases } = await junitOf("verify", [
        "verify",
        "--tier",
        "test",
        "--filter",
        "guarded/N2/none",
        "--no-real",
        "--no-scenarios",
        "--out",
        out,
      ]);
      expect(run.code, run.stderr).toBe(0);
      const theorems = cases.filter(
        (testcase) => testcase.attributes.classname === "authrace.verify.theorems",
      );
      expect(theorems.length).toBeGreaterThan(0);
      for (const theorem of theorems) {
        expect(theorem.attributes.name).toContain("guarded/N2/none");
        expect(failureOf(theorem)).toBeUndefined();
      }
      expect(cases.some((testcase) => testcase.attributes.name === "model mutants (explorer)")).toBe(true);
    },
    CLI_TIMEOUT_MS,
  );
});

function failure(cases: XmlElement[]): XmlElement | undefined {
  return failureOf(cases[0]);
}

test("text with XML's special and forbidden characters survives", () => {
  const nasty = `a <b> & "c" 'd' \u0001 ]]> end`;
  const root = parseXml(
    junitXml([
      { name: nasty, cases: [{ name: nasty, classname: "x", failure: { message: nasty, text: nasty } }] },
    ]),
  );
  const testcase = childrenNamed(
    childrenNamed(root, "testsuite")[0] as XmlElement,
    "testcase",
  )[0] as XmlElement;
  const expected = nasty.replace("\u0001", "\uFFFD");
  expect(testcase.attributes.name).toBe(expected);
  expect(failureOf(testcase)?.text).toBe(expected);
  expect(() => parseXml("<a><b></a>")).toThrow(/closes/);
});
