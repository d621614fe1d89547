/**
 * Vitest globalSetup: brings dist/ up to date once, before any test file starts. The CLI, driver and scenario
 * tests run compiled code from dist/ as real OS processes. `npm test` builds first; when vitest runs alone,
 * this runs `npx tsc -p tsconfig.build.json` if any source that config compiles is newer than its output or
 * has none, and fails naming a file whose output is still outdated afterwards. It runs in vitest's main
 * process before the workers exist, so no two workers can race to write dist/ (no lock needed).
 */
import { execFile } from "node:child_process";
import { statSync } from "node:fs";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import ts from "typescript";
import { repositoryRoot } from "./paths.js";

const BUILD_CONFIG = "tsconfig.build.json";
const BUILD_TIMEOUT_MS = 120_000;
const BUILD_LOG_CHARACTERS_SHOWN = 2_000;

interface Compiled {
  source: string;
  output: string;
}

/**
 * Every source tsconfig.build.json compiles, with its output. The TypeScript API applies the config's
 * include, exclude and extends exactly as tsc does, so this list cannot drift from the build.
 */
function compiledFiles(): Compiled[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(repositoryRoot, BUILD_CONFIG),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(`${BUILD_CONFIG}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`);
      },
    },
  );
  if (parsed === undefined) throw new Error(`${BUILD_CONFIG} could not be read`);
  const { outDir, rootDir } = parsed.options;
  if (outDir === undefined || rootDir === undefined)
    throw new Error(`${BUILD_CONFIG} needs outDir and rootDir`);
  return parsed.fileNames
    .filter((source) => !/\.d\.[cm]?ts$/.test(source))
    .map((source) => ({
      source,
      output: join(outDir, relative(rootDir, source)).replace(/\.([cm]?)tsx?$/, ".$1js"),
    }));
}

/** The files whose output is missing or older than their source. A source deleted meanwhile is not outdated. */
function outdated(files: readonly Compiled[]): Compiled[] {
  return files.filter(({ source, output }) => {
    const sourceTime = statSync(source, { throwIfNoEntry: false })?.mtimeMs;
    if (sourceTime === undefined) return false;
    const outputTime = statSync(output, { throwIfNoEntry: false })?.mtimeMs;
    return outputTime === undefined || outputTime < sourceTime;
  });
}

/** `impl/x.ts (dist/impl/x.js missing or older) and 3 more`; null when nothing is outdated. */
function describeOutdated(files: readonly Compiled[]): string | null {
  const [first, ...others] = files;
  if (first === undefined) return null;
  const more = others.length === 0 ? "" : ` and ${others.length} more`;
  const source = relative(repositoryRoot, first.source);
  return `${source} (${relative(repositoryRoot, first.output)} missing or older)${more}`;
}

/** Runs tsc; returns what it said when it failed, "" when it succeeded. */
async function build(): Promise<string> {
  return promisify(execFile)("npx", ["tsc", "-p", BUILD_CONFIG], {
    cwd: repositoryRoot,
    timeout: BUILD_TIMEOUT_MS,
  }).then(
    () => "",
    (error: { killed?: boolean; stdout?: string; message?: string }) => {
      if (error.killed === true) return `tsc killed after ${BUILD_TIMEOUT_MS} ms (BUILD_TIMEOUT_MS)`;
      return error.stdout || (error.message ?? String(error));
    },
  );
}

export default async function setup(): Promise<void> {
  const files = compiledFiles();
  const before = describeOutdated(outdated(files));
  if (before === null) return;
  console.info(`building dist/ (npx tsc -p ${BUILD_CONFIG}): ${before}`);
  const log = (await build()).slice(0, BUILD_LOG_CHARACTERS_SHOWN);
  const after = describeOutdated(outdated(files));
  if (after !== null) throw new Error(`npx tsc -p ${BUILD_CONFIG} left outputs outdated: ${after}\n${log}`);
  // tsc emits despite type errors (in a file someone is editing, say): the outputs are fresh, so the tests
  // can run. `npm run typecheck` is where type errors fail.
  if (log !== "") console.warn(`npx tsc -p ${BUILD_CONFIG} reported errors:\n${log}`);
}
