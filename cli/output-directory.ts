/**
 * Output directories of CLI commands (`verify --out`, `crashpoints --out`), made ready before any work starts,
 * so a bad path is one line at once, not a stack trace after minutes of exploring.
 *
 * Why not `mkdirSync(path, { recursive: true })`: under /proc it never returns (Node 20 retries the parent's
 * ENOENT forever at 100% CPU, deaf to SIGTERM). Here each missing component is created on its own, a bounded
 * walk, and the first failure is reported with its path. Then a probe file proves the directory writable
 * (a read-only mount or a directory owned by another user fails here, not at the first counterexample).
 */
import { mkdirSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** Deeper paths are refused rather than walked: a named limit on the walk up to an existing ancestor. */
export const OUTPUT_PATH_COMPONENTS_MAX = 64;

export type OutputDirectoryResult = { ok: true; path: string } | { ok: false; problem: string };

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? "unknown error";
}

/** The components to create, outermost first, below the deepest ancestor that exists. */
function missingComponents(path: string): { missing: string[]; existing: string } | string {
  const missing: string[] = [];
  let current = path;
  for (let depth = 0; depth < OUTPUT_PATH_COMPONENTS_MAX; depth += 1) {
    let isDirectory: boolean | undefined;
    try {
      isDirectory = statSync(current, { throwIfNoEntry: false })?.isDirectory();
    } catch (error) {
      // ENOTDIR: a file above it; the walk up names that file.
      if (errorCode(error) !== "ENOTDIR") return `${current} cannot be inspected (${errorCode(error)})`;
    }
    if (isDirectory === true) return { missing: missing.reverse(), existing: current };
    if (isDirectory === false) return `${current} is not a directory`;
    const parent = dirname(current);
    if (parent === current) return `${current} does not exist`;
    missing.push(current);
    current = parent;
  }
  return `${path} is more than ${OUTPUT_PATH_COMPONENTS_MAX} components deep (OUTPUT_PATH_COMPONENTS_MAX)`;
}

/** Creates `path` (and its missing parents, one at a time) and checks that a file can be written into it. */
export function prepareOutputDirectory(path: string): OutputDirectoryResult {
  const absolute = resolve(path);
  const walk = missingComponents(absolute);
  if (typeof walk === "string") return { ok: false, problem: walk };
  for (const component of walk.missing) {
    try {
      mkdirSync(component);
    } catch (error) {
      if (errorCode(error) !== "EEXIST") {
        return { ok: false, problem: `cannot create ${component} (${errorCode(error)})` };
      }
    }
  }
  const probe = `${absolute}/.authrace-write-probe-${process.pid}`;
  try {
    writeFileSync(probe, "", { flag: "wx" });
    unlinkSync(probe);
  } catch (error) {
    return { ok: false, problem: `${absolute} is not writable (${errorCode(error)})` };
  }
  return { ok: true, path: absolute };
}

/** One directory level below a prepared one: plain mkdir, an existing directory is fine. */
export function makeSubdirectory(directory: string): void {
  try {
    mkdirSync(directory);
  } catch (error) {
    if (errorCode(error) !== "EEXIST") throw error;
  }
}
