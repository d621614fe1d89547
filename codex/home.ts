/**
 * A throwaway HOME for real Codex processes: `<root>/home/.codex` holds `config.toml` (everything on
 * loopback, no update check, file credential store, no analytics) and the shared `auth.json` fixture, and
 * `<root>/logs/` one stderr log per process. All processes of one scenario share the one `auth.json`:
 * that shared file is what the scenarios race on.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatAuthJson, makeSnapshot } from "../impl/storage/index.js";
import type { FamilyTokens } from "../server/index.js";

export interface CodexHome {
  root: string;
  home: string;
  codexHome: string;
  authPath: string;
  logsDirectory: string;
}

/** Codex's 8-day staleness rule for tokens without a JWT `exp` (every version). */
const STALE_AFTER_MS = 8 * 86_400_000;
const MS_PER_SECOND = 1_000;
/** Codex creates auth.json readable by its owner only. */
const AUTH_FILE_MODE = 0o600;
/**
 * Where Codex's backend and API base URLs point: a loopback port nothing listens on (the discard port), so
 * every call that is not a token refresh fails at once with "connection refused".
 */
const CLOSED_LOOPBACK = "http://127.0.0.1:9";

const CONFIG_TOML = `# Written by authrace: keep Codex on loopback and quiet.
chatgpt_base_url = "${CLOSED_LOOPBACK}/backend-api/"
openai_base_url = "${CLOSED_LOOPBACK}/v1"
check_for_update_on_startup = false
cli_auth_credentials_store = "file"

[analytics]
enabled = false
`;

export function createCodexHome(label: string): CodexHome {
  const root = mkdtempSync(join(tmpdir(), `authrace-codex-${label}-`));
  const home = join(root, "home");
  const codexHome = join(home, ".codex");
  const codex: CodexHome = {
    root,
    home,
    codexHome,
    authPath: join(codexHome, "auth.json"),
    logsDirectory: join(root, "logs"),
  };
  ensureCodexConfig(codex);
  return codex;
}

/** Creates the folders and writes config.toml unless one is there (a caller's own config is kept). */
export function ensureCodexConfig(home: CodexHome): void {
  mkdirSync(home.codexHome, { recursive: true });
  mkdirSync(home.logsDirectory, { recursive: true });
  const configPath = join(home.codexHome, "config.toml");
  if (!existsSync(configPath)) writeFileSync(configPath, CONFIG_TOML);
}

export type FixtureOutcome = { ok: true } | { ok: false; problem: string };

/**
 * auth.json for `family` whose `last_refresh` is 8 days minus `staleAfterSeconds` old: with an opaque access
 * token (no JWT `exp`) it turns stale after `staleAfterSeconds` on every Codex version.
 */
export async function writeAuthFixture(
  home: CodexHome,
  family: FamilyTokens,
  staleAfterSeconds: number,
  nowMs: number = Date.now(),
): Promise<FixtureOutcome> {
  const snapshot = makeSnapshot({
    accessToken: family.accessToken,
    refreshToken: family.refreshToken,
    accountId: family.accountId,
    idToken: family.idToken,
    lastRefresh: nowMs - STALE_AFTER_MS + staleAfterSeconds * MS_PER_SECOND,
  });
  try {
    await writeFile(home.authPath, formatAuthJson(snapshot), { mode: AUTH_FILE_MODE });
    return { ok: true };
  } catch (error) {
    return { ok: false, problem: `cannot write ${home.authPath}: ${String(error)}` };
  }
}

export function removeCodexHome(home: CodexHome): void {
  rmSync(home.root, { recursive: true, force: true });
}

/** The environment of a Codex process: ours minus every OpenAI/Codex setting, plus the harness's. */
export function codexEnvironment(home: CodexHome, tokenUrl: string): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith("OPENAI_") && !name.startsWith("CODEX_")) environment[name] = value;
  }
  return {
    ...environment,
    HOME: home.home,
    CODEX_HOME: home.codexHome,
    CODEX_REFRESH_TOKEN_URL_OVERRIDE: tokenUrl,
    RUST_LOG: "codex_login=info,codex_core::auth=info,warn",
    NO_COLOR: "1",
  };
}
