/**
 * JUnit XML for CI (`--junit FILE` of verify, conform and interleave): one <testsuite> per command run, one
 * <testcase> per theorem, configuration or check; a failed one carries the counterexample or divergence as its
 * <failure> text, one that could not be run an <error>. The format is the de-facto one CI servers read
 * (Jenkins, GitLab, GitHub test reporters): testsuites > testsuite > testcase > failure | error | skipped.
 * Written by hand: the subset is small, and every byte of text goes through `escapeXml`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export interface JunitOutcome {
  /** One line (the `message` attribute). */
  message: string;
  /** The whole story: the numbered counterexample, the divergence with its path, the report. */
  text: string;
}

export interface JunitCase {
  name: string;
  classname: string;
  timeSeconds?: number;
  failure?: JunitOutcome;
  /** Could not be run at all (a program that did not start): an error, not a failure of the property. */
  error?: JunitOutcome;
  /** Shown beside a passing case (for example the report of a configuration that conforms). */
  systemOut?: string;
}

export interface JunitSuite {
  name: string;
  cases: JunitCase[];
}

/** Characters XML 1.0 forbids even escaped (control characters but tab, newline and carriage return). */
function isXmlCharacter(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code !== 0xfffe && code !== 0xffff);
}

/** Text or attribute value, escaped; forbidden characters become U+FFFD. */
export function escapeXml(text: string): string {
  let escaped = "";
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0;
    if (!isXmlCharacter(code)) escaped += "\uFFFD";
    else if (character === "&") escaped += "&amp;";
    else if (character === "<") escaped += "&lt;";
    else if (character === ">") escaped += "&gt;";
    else if (character === '"') escaped += "&quot;";
    else if (character === "'") escaped += "&apos;";
    else escaped += character;
  }
  return escaped;
}

function attributes(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => ` ${name}="${escapeXml(String(value))}"`)
    .join("");
}

function outcome(tag: "failure" | "error", value: JunitOutcome): string {
  return `      <${tag}${attributes({ message: value.message, type: tag })}>${escapeXml(value.text)}</${tag}>\n`;
}

function testcase(value: JunitCase): string {
  const time = value.timeSeconds === undefined ? undefined : value.timeSeconds.toFixed(3);
  const open = `    <testcase${attributes({ name: value.name, classname: value.classname, time })}`;
  const body = [
    value.failure === undefined ? "" : outcome("failure", value.failure),
    value.error === undefined ? "" : outcome("error", value.error),
    value.systemOut === undefined ? "" : `      <system-out>${escapeXml(value.systemOut)}</system-out>\n`,
  ].join("");
  return body === "" ? `${open}/>\n` : `${open}>\n${body}    </testcase>\n`;
}

export function junitXml(suites: readonly JunitSuite[]): string {
  const count = (suite: JunitSuite, key: "failure" | "error") =>
    suite.cases.filter((value) => value[key] !== undefined).length;
  const total = (key: "failure" | "error") => suites.reduce((sum, suite) => sum + count(suite, key), 0);
  const tests = suites.reduce((sum, suite) => sum + suite.cases.length, 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    `<testsuites${attributes({ name: "authrace", tests, failures: total("failure"), errors: total("error") })}>\n`,
  ];
  for (const suite of suites) {
    const counts = {
      tests: suite.cases.length,
      failures: count(suite, "failure"),
      errors: count(suite, "error"),
    };
    lines.push(`  <testsuite${attributes({ name: suite.name, ...counts })}>\n`);
    for (const value of suite.cases) lines.push(testcase(value));
    lines.push("  </testsuite>\n");
  }
  lines.push("</testsuites>\n");
  return lines.join("");
}

/** Writes the report, creating its folder; a problem (naming the file) when it cannot. */
export function writeJunit(file: string, suites: readonly JunitSuite[]): string | null {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, junitXml(suites));
    return null;
  } catch (error) {
    return `--junit ${file}: cannot write the report (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
}
