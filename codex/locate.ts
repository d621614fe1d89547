/**
 * Finding the native binary inside an extracted platform package. Its place moved between releases:
 * `package/vendor/<triple>/codex/codex` up to about 0.125, `package/vendor/<triple>/bin/codex` by 0.139,
 * the latter next to a `codex-package.json` manifest whose `entrypoint` names it. So: trust a manifest when
 * there is one, otherwise look for the one executable named `codex`.
 */
import { accessSync, constants, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { CODEX_LIMITS, limitExceeded } from "./limits.js";

export type LocateResult = { ok: true; binaryPath: string; how: string } | { ok: false; problem: string };

const MANIFEST_NAME = "codex-package.json";
const BINARY_NAMES = new Set(["codex", "codex.exe"]);

interface Listing {
  manifests: string[];
  binaries: string[];
}

/** Walks the tree breadth-first, at most `packageFilesMax` entries. */
function listPackage(root: string): Listing | string {
  const listing: Listing = { manifests: [], binaries: [] };
  const queue = [root];
  let seen = 0;
  for (let directory = queue.shift(); directory !== undefined; directory = queue.shift()) {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      seen += 1;
      if (seen > CODEX_LIMITS.packageFilesMax) return limitExceeded("packageFilesMax", `listing ${root}`);
      const path = join(directory, entry.name);
      if (entry.isDirectory()) queue.push(path);
      else if (entry.isFile() && entry.name === MANIFEST_NAME) listing.manifests.push(path);
      else if (entry.isFile() && BINARY_NAMES.has(entry.name)) listing.binaries.push(path);
    }
  }
  return listing;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function fromManifest(manifestPath: string): LocateResult {
  let entrypoint: unknown;
  try {
    entrypoint = (JSON.parse(readFileSync(manifestPath, "utf8")) as { entrypoint?: unknown }).entrypoint;
  } catch (error) {
    return { ok: false, problem: `${manifestPath} is not JSON: ${(error as Error).message}` };
  }
  if (typeof entrypoint !== "string" || entrypoint === "") {
    return { ok: false, problem: `${manifestPath} names no entrypoint` };
  }
  const binaryPath = join(dirname(manifestPath), entrypoint);
  if (!isExecutable(binaryPath)) {
    return { ok: false, problem: `${manifestPath} names ${entrypoint}, which is missing or not executable` };
  }
  return { ok: true, binaryPath, how: `entrypoint of ${MANIFEST_NAME}` };
}

export function locateBinary(packageRoot: string): LocateResult {
  const listing = listPackage(packageRoot);
  if (typeof listing === "string") return { ok: false, problem: listing };
  const [manifest, ...otherManifests] = listing.manifests;
  if (manifest !== undefined && otherManifests.length === 0) return fromManifest(manifest);
  const executables = listing.binaries.filter(isExecutable);
  const [only, ...others] = executables;
  if (only !== undefined && others.length === 0) {
    return { ok: true, binaryPath: only, how: "the only executable named codex" };
  }
  const names = executables.map((path) => relative(packageRoot, path)).join(", ");
  if (only === undefined) {
    return {
      ok: false,
      problem: `no executable named codex in the package (${listing.binaries.length} non-executable)`,
    };
  }
  return { ok: false, problem: `several executables named codex and no single manifest: ${names}` };
}
