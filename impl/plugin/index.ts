/**
 * The auth-manager interface: what an implementation authrace did not write exports to be checked by
 * conformance, replay, fast-check and stress (`--impl module:<path>`). authrace's own AuthManager is one.
 *
 * A module exports `variant` (the model variant it claims to implement) and `load({ ports, name })`, which
 * reads auth.json once through `ports.disk` and returns a manager. Every I/O goes through the ports, so a
 * harness can hold each call; a module that does I/O around them cannot be checked step by step.
 */
import { pathToFileURL } from "node:url";
import { isVariant, type MutantName, requireMutant, VARIANTS } from "../../model/designs/index.js";
import type { Variant } from "../../model/vocabulary.js";
import { AuthManager } from "../manager/auth-manager.js";
import type { AuthResult, CachedAuth } from "../manager/types.js";
import type { AuthPorts } from "../ports/types.js";

export interface ManagerUnderTest {
  /** Fresh cache -> returned as is; stale -> refreshed per the design. */
  auth(): Promise<AuthResult>;
  refreshToken(): Promise<AuthResult>;
  /** An API request got 401: recover. */
  unauthorized(): Promise<AuthResult>;
  /** No I/O: what is cached and whether it is poisoned. */
  cached(): CachedAuth;
}

export interface LoadOptions {
  /** This manager's own ports; never shared with another manager. */
  ports: AuthPorts;
  /** Names the manager in traces: A, B, ... */
  name: string;
}

export interface AuthImplementation {
  /** `ref:locked`, `module:/path/to/impl.js`, ... */
  readonly name: string;
  /** The model variant whose transition table the implementation must follow. */
  readonly variant: Variant;
  load(options: LoadOptions): Promise<ManagerUnderTest>;
}

/** authrace's own AuthManager in one variant, or one of its mutants (broken on purpose, docs/mutation.md). */
export function referenceAuthImplementation(variant: Variant, mutant?: MutantName): AuthImplementation {
  return {
    name: mutant === undefined ? `ref:${variant}` : `mutant:${mutant}`,
    variant,
    load: ({ ports, name }) => AuthManager.load({ variant, ports, name, ...(mutant ? { mutant } : {}) }),
  };
}

/** A mutant runs as its base variant's implementation with one rule broken. */
export function mutantImplementation(mutant: MutantName): AuthImplementation {
  return referenceAuthImplementation(requireMutant(mutant).base.name, mutant);
}

export type ModuleLoad = { ok: true; implementation: AuthImplementation } | { ok: false; message: string };

/** Imports `module:<path>`; a missing or malformed export is an error naming the file and the export. */
export async function loadModuleImplementation(file: string): Promise<ModuleLoad> {
  let exported: Record<string, unknown>;
  try {
    exported = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    return { ok: false, message: `${file}: cannot import (${(error as Error).message})` };
  }
  const source = (exported.default ?? exported) as Record<string, unknown>;
  const { variant, load } = source;
  if (typeof variant !== "string" || !isVariant(variant)) {
    return { ok: false, message: `${file}: export 'variant' must be one of ${VARIANTS.join(", ")}` };
  }
  if (typeof load !== "function") {
    return { ok: false, message: `${file}: export 'load({ ports, name })' is missing or not a function` };
  }
  return {
    ok: true,
    implementation: {
      name: `module:${file}`,
      variant,
      load: (options) => (load as AuthImplementation["load"])(options),
    },
  };
}
