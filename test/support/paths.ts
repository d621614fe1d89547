/**
 * Where the tests find the repository and its compiled entry points. The CLI and driver tests run these from
 * dist/ as real processes, as a user would; test/support/global-setup.ts brings dist/ up to date first.
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** `authrace` as installed: package.json's bin. */
export const cliEntry = join(repositoryRoot, "dist/cli/main.js");
/** The driver program; impl/driver/client.ts's defaultDriverScript() resolves to it when run from source. */
export const driverEntry = join(repositoryRoot, "dist/impl/driver/main.js");
/** The example driver in Python (docs/wire-spec.md): run as `python3 <it>`. */
export const pythonDriver = join(repositoryRoot, "examples/python/authrace_driver.py");
