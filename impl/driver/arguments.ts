/** The driver's command line, parsed with node:util's parseArgs (strict: unknown options are errors). */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { isVariant, VARIANTS, type Variant } from "../../model/vocabulary.js";

export const DRIVER_USAGE = [
  "usage: node dist/impl/driver/main.js --variant <variant> [--home <dir>] [--name <label>]",
  "",
  `  --variant <v>   one of ${VARIANTS.join(", ")}`,
  "  --home <dir>    CODEX_HOME holding auth.json (default: $CODEX_HOME)",
  "  --name <label>  names this process in replies and traces (default: <variant>-<pid>)",
  "",
  "The token endpoint is $CODEX_REFRESH_TOKEN_URL_OVERRIDE (default https://auth.openai.com/oauth/token).",
  "Speaks JSON lines on stdin/stdout; see docs/driver-protocol.md.",
].join("\n");

export interface DriverArguments {
  home: string;
  variant: Variant;
  name: string;
}

export type ArgumentsResult =
  | { ok: true; arguments: DriverArguments }
  | { ok: false; help: boolean; message: string };

export function parseDriverArguments(
  argv: readonly string[],
  environment: NodeJS.ProcessEnv,
  pid: number,
): ArgumentsResult {
  let values: { home?: string; variant?: string; name?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        home: { type: "string" },
        variant: { type: "string" },
        name: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { ok: false, help: false, message: (error as Error).message };
  }
  if (values.help) return { ok: false, help: true, message: DRIVER_USAGE };
  if (values.variant === undefined) return { ok: false, help: false, message: "--variant is required" };
  if (!isVariant(values.variant)) {
    const message = `unknown variant '${values.variant}' (one of ${VARIANTS.join(", ")})`;
    return { ok: false, help: false, message };
  }
  const home = values.home ?? environment.CODEX_HOME;
  if (home === undefined || home === "") {
    return { ok: false, help: false, message: "no --home and no CODEX_HOME" };
  }
  const name = values.name ?? `${values.variant}-${pid}`;
  return { ok: true, arguments: { home: resolve(home), variant: values.variant, name } };
}
