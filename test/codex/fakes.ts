/**
 * Stand-ins for the outside world of codex/ tests: a package registry that serves tarballs built here
 * (good, corrupt or holding a misbehaving binary), and fake `codex` programs. Nothing here touches the
 * network.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { PackageRegistry, RegistryLookup } from "../../codex/registry.js";

const created: string[] = [];

export function temporaryDirectory(label: string): string {
  const path = mkdtempSync(join(tmpdir(), `authrace-test-${label}-`));
  created.push(path);
  return path;
}

/** For `afterAll`: removes every folder `temporaryDirectory` made in this test file. */
export function removeTemporaryDirectories(): void {
  for (const path of created.splice(0)) rmSync(path, { recursive: true, force: true });
}

export function writeExecutable(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

/** A shell program that behaves like `codex --version`. */
export function versionScript(printed: string): string {
  return `#!/bin/sh\necho "${printed}"\n`;
}

export const HANGING_SCRIPT = "#!/bin/sh\nexec sleep 30\n";

export interface FakePackage {
  path: string;
  integrity: string;
}

/** A `npm pack`-style tarball: `package/<relative path>` for each file, executables where asked. */
export function buildPackage(files: Record<string, { text: string; executable?: boolean }>): FakePackage {
  const root = temporaryDirectory("package");
  for (const [relative, file] of Object.entries(files)) {
    const path = join(root, "package", relative);
    if (file.executable) writeExecutable(path, file.text);
    else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.text);
    }
  }
  const tarball = join(root, "package.tgz");
  execFileSync("tar", ["-czf", tarball, "-C", root, "package"]);
  const integrity = `sha512-${createHash("sha512").update(readFileSync(tarball)).digest("base64")}`;
  return { path: tarball, integrity };
}

export interface FakeRegistry extends PackageRegistry {
  packCalls: number;
}

export interface FakeRegistryOptions {
  /** The package every `pack` serves. */
  served: FakePackage;
  /** The integrity `lookup` answers (default: the served package's, i.e. a good download). */
  published?: string;
  /** `lookup` answers not-found; `exists` answers this for the base package. */
  missing?: { baseExists: boolean };
}

export function fakeRegistry(options: FakeRegistryOptions): FakeRegistry {
  const registry: FakeRegistry = {
    packCalls: 0,
    async lookup(spec): Promise<RegistryLookup> {
      if (options.missing) return { found: false, reason: "not-found", detail: `E404: no ${spec}` };
      return { found: true, integrity: options.published ?? options.served.integrity, tarballUrl: "fake" };
    },
    async exists() {
      return options.missing?.baseExists ?? true;
    },
    async pack(spec, directory) {
      registry.packCalls += 1;
      const at = spec.lastIndexOf("@");
      const filename = `${spec.slice(1, at).replace("/", "-")}-${spec.slice(at + 1)}.tgz`;
      copyFileSync(options.served.path, join(directory, filename));
      return { ok: true, filename };
    },
  };
  return registry;
}

/**
 * A fake `codex app-server` in Node: answers initialize, then getAuthStatus per `behaviour`. It prints a
 * notification before every reply, as the real one interleaves them.
 */
export function fakeAppServer(
  behaviour: "poisoned" | "crash-on-initialize" | "crash-on-auth" | "silent",
): string {
  const path = join(temporaryDirectory("fake-codex"), "codex");
  writeExecutable(
    path,
    `#!${process.execPath}
const behaviour = ${JSON.stringify(behaviour)};
const write = (message) => process.stdout.write(JSON.stringify(message) + "\\n");
require("node:readline").createInterface({ input: process.stdin }).on("line", (line) => {
  const message = JSON.parse(line);
  if (behaviour === "silent") return;
  if (message.method === "initialize") {
    if (behaviour === "crash-on-initialize") {
      process.stderr.write("Error: failed to initialize sqlite state runtime: table threads already exists\\n");
      process.exit(3);
    }
    write({ method: "configWarning", params: { summary: "fake" } });
    write({ id: message.id, result: { userAgent: "fake/0.0.0" } });
  } else if (message.method === "getAuthStatus") {
    if (behaviour === "crash-on-auth") process.kill(process.pid, "SIGSEGV");
    write({ method: "account/updated", params: {} });
    write({ id: message.id, result: { authMethod: "chatgpt", authToken: null, requiresOpenaiAuth: true } });
  }
});
`,
  );
  return path;
}
