/**
 * `startTokenServer`: checks the options, wires ledger, fault queue and HTTP handler together, and listens
 * on 127.0.0.1 only (a loopback stand-in for https://auth.openai.com/oauth/token).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { generateControlSecret } from "./control-access.js";
import { FaultQueue } from "./faults.js";
import { createRequestHandler, TOKEN_PATH } from "./http.js";
import { TokenLedger } from "./ledger.js";
import {
  type AccessTokenStyle,
  DEFAULT_ACCESS_TOKEN_TTL_SECONDS,
  DEFAULT_LIMITS,
  type ServerState,
  type TokenServer,
  type TokenServerLimits,
  type TokenServerOptions,
} from "./types.js";

export const LOOPBACK_HOST = "127.0.0.1";
const PORT_MAX = 65_535;

interface Settings {
  revokeFamilyOnReuse: boolean;
  graceWindow: boolean;
  apiChecksExpiryOnly: boolean;
  responseDelayMs: number;
  accessTokenTtlSeconds: number;
  accessTokenStyle: AccessTokenStyle;
  port: number;
  limits: TokenServerLimits;
}

function requireInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`startTokenServer: ${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
  return value;
}

/** Bad options are programmer errors: they throw before anything listens. */
function settingsFrom(options: TokenServerOptions): Settings {
  const limits: TokenServerLimits = { ...DEFAULT_LIMITS, ...options.limits };
  for (const [name, value] of Object.entries(limits))
    requireInteger(`limits.${name}`, value, 1, Number.MAX_SAFE_INTEGER);
  const accessTokenStyle = options.accessTokenStyle ?? "jwt";
  if (accessTokenStyle !== "jwt" && accessTokenStyle !== "opaque") {
    throw new RangeError(
      `startTokenServer: accessTokenStyle must be jwt or opaque, got ${String(accessTokenStyle)}`,
    );
  }
  return {
    revokeFamilyOnReuse: options.revokeFamilyOnReuse ?? false,
    graceWindow: options.graceWindow ?? false,
    apiChecksExpiryOnly: options.apiChecksExpiryOnly ?? false,
    responseDelayMs: requireInteger(
      "responseDelayMs",
      options.responseDelayMs ?? 0,
      0,
      limits.responseDelayMaxMs,
    ),
    accessTokenTtlSeconds: requireInteger(
      "accessTokenTtlSeconds",
      options.accessTokenTtlSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS,
      0,
      Number.MAX_SAFE_INTEGER,
    ),
    accessTokenStyle,
    port: requireInteger("port", options.port ?? 0, 0, PORT_MAX),
    limits,
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, LOOPBACK_HOST, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function serverState(settings: Settings, ledger: TokenLedger, faults: FaultQueue): ServerState {
  return {
    options: {
      revokeFamilyOnReuse: settings.revokeFamilyOnReuse,
      graceWindow: settings.graceWindow,
      apiChecksExpiryOnly: settings.apiChecksExpiryOnly,
      responseDelayMs: settings.responseDelayMs,
      accessTokenTtlSeconds: settings.accessTokenTtlSeconds,
      accessTokenStyle: settings.accessTokenStyle,
    },
    limits: { ...settings.limits },
    families: ledger.familyStates(),
    pendingFaults: faults.pending(),
    recordedRequests: ledger.recordedRequests(),
    staleSends: ledger.staleSends(),
    refusedRequests: ledger.refusedRequests(),
  };
}

export async function startTokenServer(options: TokenServerOptions = {}): Promise<TokenServer> {
  const settings = settingsFrom(options);
  const now = options.now ?? Date.now;
  const ledger = new TokenLedger({
    accessTokenTtlSeconds: settings.accessTokenTtlSeconds,
    accessTokenStyle: settings.accessTokenStyle,
    limits: settings.limits,
    now,
  });
  const faults = new FaultQueue(settings.limits.pendingFaultsMax);
  for (const fault of options.faults ?? []) faults.push(fault);
  const state = (): ServerState => serverState(settings, ledger, faults);
  const pendingReplies = new Set<NodeJS.Timeout>();
  const controlSecret = generateControlSecret();
  const server = createServer(
    createRequestHandler({
      token: {
        ledger,
        faults,
        policy: { revokeFamilyOnReuse: settings.revokeFamilyOnReuse, graceWindow: settings.graceWindow },
        recordedRequestsMax: settings.limits.recordedRequestsMax,
      },
      api: { expiryOnly: settings.apiChecksExpiryOnly, now },
      control: { ledger, faults, state },
      responseDelayMs: settings.responseDelayMs,
      requestBodyMaxBytes: settings.limits.requestBodyMaxBytes,
      controlSecret,
      pendingReplies,
      onRequest: options.onRequest,
      onLimitReached: options.onLimitReached,
    }),
  );
  const port = await listen(server, settings.port);
  const url = `http://${LOOPBACK_HOST}:${port}`;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      for (const timer of pendingReplies) clearTimeout(timer);
      pendingReplies.clear();
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
    return closing;
  };
  return {
    url,
    tokenUrl: `${url}${TOKEN_PATH}`,
    port,
    controlSecret,
    createFamily: (familyOptions) => ledger.createFamily(familyOptions),
    injectFault: (fault) => faults.push(fault),
    requests: () => ledger.requests(),
    state,
    family: (familyId) => ledger.familyState(familyId),
    identifyToken: (token) => ledger.identify(token),
    close,
  };
}
