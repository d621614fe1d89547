/**
 * The CLI tests run the built `dist/cli/main.js`, as a user would. `npm test` builds first; when vitest is
 * run alone, this rebuilds once if any source the server command depends on is newer than its output.
 */
import { execFile } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const cliEntry = join(repositoryRoot, "dist/cli/main.js");

/** What `authrace server` imports, directly or not. */
const SOURCES = [
  "server",
  "cli/main.ts",
  "cli/command.ts",
  "cli/commands/server.ts",
  "impl",
  "model/vocabulary.ts",
];
const BUILD_TIMEOUT_MS = 120_000;

function sourceFiles(path: string): string[] {
  const absolute = join(repositoryRoot, path);
  if (!statSync(absolute).isDirectory()) return [absolute];
  return readdirSync(absolute, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))
    .map((file) => join(absolute, file));
}

function outputOf(source: string): string {
  return join(repositoryRoot, "dist", relative(repositoryRoot, source).replace(/\.ts$/, ".js"));
}

function outdated(): string[] {
  return SOURCES.flatMap(sourceFiles).filter((source) => {
    try {
      return statSync(outputOf(source)).mtimeMs < statSync(source).mtimeMs;
    } catch {
      return true;
    }
  });
}

/** Builds with tsconfig.build.json when needed; fails naming the files whose output is still missing. */
export async function ensureBuilt(): Promise<void> {
  if (outdated().length === 0) return;
  const build = await promisify(execFile)("npx", ["tsc", "-p", "tsconfig.build.json"], {
    cwd: repositoryRoot,
    timeout: BUILD_TIMEOUT_MS,
  }).then(
    () => "",
    // tsc emits despite type errors elsewhere in the tree; only missing output below is fatal here.
    (error: { stdout?: string }) => error.stdout ?? String(error),
  );
  const missing = outdated();
  if (missing.length > 0) {
    throw new Error(
      `build left ${missing.length} outputs outdated (${missing[0]}):\n${build.slice(0, 2_000)}`,
    );
  }
}
