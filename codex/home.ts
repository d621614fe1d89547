/**
 * A HOME for real Codex processes: `<home>/.codex` holds `config.toml` (everything on loopback, no update
 * check, file credential store, no analytics) next to the shared `auth.json` the scenarios write
 * (scenarios/world.ts) and race on, and a logs folder with one stderr log per process.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface CodexHome {
  root: string;
  home: string;
  codexHome: string;
  authPath: string;
  logsDirectory: string;
}

/**
 * Where Codex's backend and API base URLs point: a loopback port nothing listens on (the discard port), so
 * every call that is not a token refresh fails at once with "connection refused".
 */
const CLOSED_LOOPBACK = "http://127.0.0.1:9";

/**
 * config.toml pointing Codex's backend (`chatgpt_base_url`) and API (`openai_base_url`) at `baseUrl`: the closed
 * port for the app-server scenarios, the recovery scenario's model API (codex/recovery/model-api.ts) there.
 */
export function codexConfigToml(baseUrl: string): string {
  return `# Written by authrace: keep Codex on loopback and quiet.
chatgpt_base_url = "${baseUrl}/backend-api/"
openai_base_url = "${baseUrl}/v1"
check_for_update_on_startup = false
cli_auth_credentials_store = "file"

[analytics]
enabled = false
`;
}

const CONFIG_TOML = codexConfigToml(CLOSED_LOOPBACK);

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
