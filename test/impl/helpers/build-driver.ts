/**
 * Compiles impl/driver/main.ts (and only what it imports) into a temp directory, so driver tests run the
 * current source without `npm run build` and without touching dist/. Node finds the dependencies through a
 * node_modules symlink to the repository's.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const BUILD_TIMEOUT_MS = 120_000;

export async function buildDriver(): Promise<{ script: string; directory: string }> {
  const directory = await mkdtemp(join(tmpdir(), "authrace-driver-build-"));
  const out = join(directory, "out");
  const tsconfig = {
    extends: join(repositoryRoot, "tsconfig.json"),
    compilerOptions: {
      rootDir: repositoryRoot,
      outDir: out,
      noEmit: false,
      sourceMap: false,
      typeRoots: [join(repositoryRoot, "node_modules", "@types")],
    },
    include: [],
    files: [join(repositoryRoot, "impl", "driver", "main.ts")],
  };
  await writeFile(join(directory, "tsconfig.json"), JSON.stringify(tsconfig));
  const compiler = join(repositoryRoot, "node_modules", "typescript", "bin", "tsc");
  await promisify(execFile)(process.execPath, [compiler, "-p", join(directory, "tsconfig.json")], {
    timeout: BUILD_TIMEOUT_MS,
  });
  await mkdir(out, { recursive: true });
  await writeFile(join(out, "package.json"), '{"type":"module"}');
  await symlink(join(repositoryRoot, "node_modules"), join(out, "node_modules"));
  return { script: join(out, "impl", "driver", "main.js"), directory };
}
