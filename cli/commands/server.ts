import { redact } from "../../impl/redact.js";
import {
  DEFAULT_LIMITS,
  formatRequestLine,
  startTokenServer,
  type TokenServer,
  type TokenServerOptions,
  writeFamilyAuthJson,
} from "../../server/index.js";
import { type Command, integerFlag, parseCommandArgs, UsageError } from "../command.js";
import { FAULT_KIND_LIST, faultFlag } from "../fault-flag.js";

const usage = `usage: authrace server [options]

Runs the loopback token server (rotating single-use refresh tokens) until SIGINT/SIGTERM.

options:
  --port N                        port on 127.0.0.1 (default 0: any free port)
  --revoke-on-reuse               reuse of a rotated-out token revokes the whole family
  --grace                         accept the immediately previous token once more (no rotation)
  --delay-ms N                    answer token requests N ms after deciding them (default 0)
  --access-token-ttl-seconds N    exp of JWT access tokens (default 3600)
  --opaque-access-tokens          issue at-R<n> access tokens instead of JWTs
  --fault KIND[:COUNT]            queue a fault (repeatable); KIND is one of
                                  ${FAULT_KIND_LIST}
  --write-auth-json PATH          create a family and write a Codex auth.json for it at PATH; an existing
                                  file there (a real login?) is refused, and so is a missing directory:
                                  nothing is created but the file itself, so a mistyped path cannot scatter
                                  credentials into new directories (mkdir -p your CODEX_HOME first)
  --force                         replace an existing file at --write-auth-json PATH
  --account-id ID                 account of that family (with --write-auth-json)
  --email EMAIL                   email claim of that family (with --write-auth-json)
  --plan-type PLAN                plan claim of that family (with --write-auth-json)
  --last-refresh-age-days N       last_refresh = now - N days, fractions allowed (with --write-auth-json)

endpoints: POST /oauth/token (open, as the real one), and the control endpoints POST /control/family,
POST /control/fault, GET /state, GET /requests. Those need this run's secret, printed at start as
AUTHRACE_CONTROL_SECRET=<secret>: send 'Authorization: Bearer <secret>' (and 'Content-Type: application/json' on a
POST); anything else gets 403 (415 for the content type), so no web page or other local user can drive them.`;

const PORT_MAX = 65_535;
const MS_PER_DAY = 86_400_000;
/** Codex creates auth.json readable by its owner only. */
const FIXTURE_ONLY_FLAGS = ["account-id", "email", "plan-type", "last-refresh-age-days", "force"] as const;

interface Fixture {
  path: string;
  /** --force: replace a file already at `path`; otherwise it is refused. */
  force: boolean;
  accountId?: string;
  email?: string;
  planType?: string;
  lastRefreshAgeDays: number;
}

export interface ServerCommandOptions {
  server: TokenServerOptions;
  fixture: Fixture | null;
}

const FLAGS = {
  port: { type: "string" },
  "revoke-on-reuse": { type: "boolean" },
  grace: { type: "boolean" },
  "delay-ms": { type: "string" },
  "access-token-ttl-seconds": { type: "string" },
  "opaque-access-tokens": { type: "boolean" },
  fault: { type: "string", multiple: true },
  "write-auth-json": { type: "string" },
  "account-id": { type: "string" },
  email: { type: "string" },
  "plan-type": { type: "string" },
  "last-refresh-age-days": { type: "string" },
  force: { type: "boolean" },
} as const;

/** Unknown flags, missing values and positionals are usage errors. */
function parseFlags(argv: string[]) {
  return parseCommandArgs({ args: argv, options: FLAGS, strict: true, allowPositionals: false }).values;
}

type Flags = ReturnType<typeof parseFlags>;

function fixtureFlags(flags: Flags): Fixture | null {
  const path = flags["write-auth-json"];
  if (path === undefined) {
    const stray = FIXTURE_ONLY_FLAGS.find((flag) => flags[flag] !== undefined);
    if (stray) throw new UsageError(`--${stray} needs --write-auth-json`);
    return null;
  }
  const ageText = flags["last-refresh-age-days"];
  const lastRefreshAgeDays = ageText === undefined ? 0 : Number(ageText);
  if (!Number.isFinite(lastRefreshAgeDays) || lastRefreshAgeDays < 0 || ageText === "") {
    throw new UsageError("--last-refresh-age-days must be a number >= 0");
  }
  const fixture: Fixture = { path, force: flags.force === true, lastRefreshAgeDays };
  if (flags["account-id"] !== undefined) fixture.accountId = flags["account-id"];
  if (flags.email !== undefined) fixture.email = flags.email;
  if (flags["plan-type"] !== undefined) fixture.planType = flags["plan-type"];
  return fixture;
}

/** Pure: argv to options; every mistake is a UsageError. */
export function parseServerArgs(argv: string[]): ServerCommandOptions {
  const flags = parseFlags(argv);
  const server: TokenServerOptions = {
    revokeFamilyOnReuse: flags["revoke-on-reuse"] === true,
    graceWindow: flags.grace === true,
    accessTokenStyle: flags["opaque-access-tokens"] === true ? "opaque" : "jwt",
    faults: (flags.fault ?? []).map(faultFlag),
  };
  const port = integerFlag("--port", flags.port, 0, PORT_MAX);
  const delay = integerFlag("--delay-ms", flags["delay-ms"], 0, DEFAULT_LIMITS.responseDelayMaxMs);
  const ttl = integerFlag(
    "--access-token-ttl-seconds",
    flags["access-token-ttl-seconds"],
    0,
    Number.MAX_SAFE_INTEGER,
  );
  if (port !== undefined) server.port = port;
  if (delay !== undefined) server.responseDelayMs = delay;
  if (ttl !== undefined) server.accessTokenTtlSeconds = ttl;
  return { server, fixture: fixtureFlags(flags) };
}

/** Creates a family and writes its auth.json; a failed write is reported, not thrown. */
async function writeFixture(server: TokenServer, fixture: Fixture): Promise<boolean> {
  const family = server.createFamily({
    ...(fixture.accountId ? { accountId: fixture.accountId } : {}),
    ...(fixture.email ? { email: fixture.email } : {}),
    ...(fixture.planType ? { planType: fixture.planType } : {}),
  });
  const lastRefreshMs = Date.now() - fixture.lastRefreshAgeDays * MS_PER_DAY;
  try {
    await writeFamilyAuthJson(fixture.path, family, lastRefreshMs, fixture.force ? "replace" : "refuse");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const hint = fixture.force || !/ exists /.test(reason) ? "" : " (--force replaces it)";
    console.error(`authrace server: cannot write ${fixture.path}: ${reason}${hint}`);
    return false;
  }
  console.log(
    `wrote ${fixture.path}: ${family.familyId} account ${family.accountId} ` +
      `refresh_token=${redact(family.refreshToken)} last_refresh ${new Date(lastRefreshMs).toISOString()}`,
  );
  return true;
}

/** Resolves with the first SIGINT or SIGTERM; the listeners are gone afterwards. */
function nextStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      resolve(signal);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}

async function run(argv: string[]): Promise<number> {
  const options = parseServerArgs(argv);
  let server: TokenServer;
  try {
    server = await startTokenServer({
      ...options.server,
      onRequest: (record) => console.log(formatRequestLine(record)),
      onLimitReached: (message) => console.error(`authrace server: ${message}`),
    });
  } catch (error) {
    // Listening is I/O (port in use, no permission): report it. Anything else is a programmer error.
    if (!(error instanceof Error && "code" in error)) throw error;
    console.error(`authrace server: cannot listen: ${error.message}`);
    return 1;
  }
  const stopped = nextStopSignal();
  console.log(`authrace server: listening on ${server.url}`);
  console.log(`token URL: ${server.tokenUrl}`);
  console.log(`CODEX_REFRESH_TOKEN_URL_OVERRIDE=${server.tokenUrl}`);
  // The secret is for whoever started the server: printed whole here, on its stdout only.
  console.log(`AUTHRACE_CONTROL_SECRET=${server.controlSecret}`);
  const { revokeFamilyOnReuse, graceWindow, responseDelayMs, accessTokenStyle } = server.state().options;
  console.log(
    `options: revoke-on-reuse=${revokeFamilyOnReuse} grace=${graceWindow} delay-ms=${responseDelayMs} ` +
      `access-tokens=${accessTokenStyle}`,
  );
  if (options.fixture && !(await writeFixture(server, options.fixture))) {
    await server.close();
    return 1;
  }
  const signal = await stopped;
  const { recordedRequests, staleSends } = server.state();
  await server.close();
  console.log(
    `authrace server: ${signal}, stopped after ${recordedRequests} requests (${staleSends} stale sends)`,
  );
  return 0;
}

export const command: Command = {
  name: "server",
  summary: "run the loopback token server (rotating refresh tokens, reuse detection, faults)",
  usage,
  run,
};
